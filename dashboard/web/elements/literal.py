"""Elements whose output goes into the page as written: the base of every element of ours.

branca re-reads each rendered macro as a new Jinja template; these elements don't, so ``{{ }}`` in
an event's free text stays text (and a date's GeoJSON is not compiled on every slider move).
"""

from __future__ import annotations

from typing import Any

from branca.element import Element, Figure, MacroElement
from jinja2 import Template


class Text(Element):
    """Text written into the page as it is (never read as a Jinja template)."""

    _template = Template("{{ this.text }}")

    def __init__(self, text: str):
        super().__init__()
        self.text = text


class LiteralMacroElement(MacroElement):
    """A ``MacroElement`` whose rendered macros go into the page as they are.

    branca's ``MacroElement.render`` compiles each rendered macro as a new Jinja template.  For our
    elements that second pass is harmful: it would evaluate any ``{{ }}`` or ``{% %}`` written in an
    event's free text (a summary typed on the Add article page, say) on the server, and compiling a
    date's 100 KB of GeoJSON costs ~15 ms of every slider move.

    >>> from jinja2 import Template
    >>> class Note(LiteralMacroElement):
    ...     _template = Template("{% macro html(this, kwargs) %}{{ this.text }}{% endmacro %}")
    ...     def __init__(self, text):
    ...         super().__init__()
    ...         self.text = text
    >>> figure = Figure()
    >>> _ = figure.add_child(Note("{{ 7 * 7 }}"))
    >>> "{{ 7 * 7 }}" in figure.render()
    True
    """

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError(f"{type(self).__name__} can only be rendered inside a Figure")
        macros = self._template.module.__dict__
        for part in ("header", "html", "script"):
            if part in macros:
                getattr(figure, part).add_child(Text(macros[part](self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)
