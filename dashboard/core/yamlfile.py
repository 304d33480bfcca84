"""Safe YAML loading that remembers the line of every mapping and key, within limits.

Only the safe subset of YAML is accepted (no Python objects).  Mappings come back
as :class:`LineDict`, so validation messages can name the line of a field.

Input is bounded, so no file can stall or exhaust the process: at most :data:`MAX_BYTES`
are read, nesting stops at :data:`MAX_DEPTH` levels, and aliases may repeat at most
:data:`MAX_REPEATED_NODES` nodes (a "billion laughs" of 700 bytes would otherwise expand to
millions).

Examples
--------
>>> doc = load_yaml_text("a: 1\\nb:\\n  c: 2\\n", "x.yaml")
>>> doc["b"].line, doc.line_of("b"), doc["b"].line_of("c")
(3, 2, 3)
>>> load_yaml_text("? [a, b]\\n: 1\\n", "x.yaml")
Traceback (most recent call last):
...
dashboard.core.problems.DataError: x.yaml:1: key: a list cannot be a key (write the key as text)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from dashboard.core.problems import DataError, Problem, shown

#: Largest data file read, in bytes (the record is under 1 MB): a larger file is refused unread.
MAX_BYTES = 20 * 1024 * 1024
#: Deepest nesting of lists and mappings (the record needs 5).
MAX_DEPTH = 50
_NESTED = f"nested deeper than {MAX_DEPTH} levels (the limit)"
#: Nodes that aliases may repeat in all (a source list written once and cited by alias is ~10).
MAX_REPEATED_NODES = 100_000


class LineDict(dict):
    """A dict that knows the line it starts on and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


def read_limited(path: Path | str) -> bytes:
    """The bytes of a data file, reading at most :data:`MAX_BYTES` (``/dev/zero`` stops there too).

    Raises :class:`DataError` for a larger file; ``OSError`` when it cannot be read.
    """
    with open(path, "rb") as fh:
        data = fh.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise DataError([Problem(str(path), None, "", _too_large())])
    return data


def _too_large() -> str:
    return f"larger than the limit of {MAX_BYTES // (1024 * 1024)} MB for a data file; not read"


class _Refused(yaml.YAMLError):
    """A document outside what the record may hold; carries where and why."""

    def __init__(self, mark: Any, field: str, message: str):
        super().__init__(message)
        self.line = mark.line + 1 if mark is not None else None
        self.field = field
        self.message = message


class _BoundedComposer(Composer):
    """PyYAML's composer (libyaml's would crash on deep nesting: it recurses in C), counting as it goes:
    nesting depth, and the nodes each alias repeats, known from the size of its anchor's node."""

    def __init__(self) -> None:
        super().__init__()
        self._depth = 0
        self._nodes = 0
        self._repeated = 0
        self._anchor_sizes: dict[str, int] = {}

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in self.anchors and event.anchor not in self._anchor_sizes:
                raise _Refused(event.start_mark, "", f"alias {shown(event.anchor, 30)} is inside its anchor")
            size = self._anchor_sizes.get(event.anchor, 1)
            self._nodes += size
            self._repeated += size
            if self._repeated > MAX_REPEATED_NODES:
                raise _Refused(event.start_mark, "", f"aliases repeat more than {MAX_REPEATED_NODES} nodes "
                                                     "(the limit); write the values out instead")
            return super().compose_node(parent, index)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(event.start_mark, "", _NESTED)
        first = self._nodes
        self._nodes += 1
        node = super().compose_node(parent, index)
        self._depth -= 1
        if event.anchor is not None:
            self._anchor_sizes[event.anchor] = self._nodes - first
        return node


def _python_parser() -> type:
    class PyParser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
        def __init__(self, stream: str):
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
    return PyParser


try:  # libyaml's parser when PyYAML has it (ten times faster); PyYAML's composer and constructors either way
    from yaml.cyaml import CParser as _Parser
except ImportError:
    _Parser = _python_parser()


class _LineLoader(_BoundedComposer, _Parser, SafeConstructor, Resolver):  # type: ignore[misc, valid-type]
    """A safe loader whose mappings record line numbers and reject duplicate keys.

    Dates stay text (no implicit timestamps), so a bad date is reported by the
    field's own check, with its line, instead of failing the whole file.
    """

    yaml_implicit_resolvers: ClassVar = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in Resolver.yaml_implicit_resolvers.items()
    }

    def __init__(self, text: str):
        _Parser.__init__(self, text)
        _BoundedComposer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    key_lines: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, list | dict):
            kind = "a list" if isinstance(key, list) else "a mapping"
            raise _Refused(key_node.start_mark, "key", f"{kind} cannot be a key (write the key as text)")
        if key in key_lines:
            raise yaml.MarkedYAMLError(
                "while constructing a mapping", node.start_mark,
                f"duplicate key {shown(key)} (first on line {key_lines[key]})", key_node.start_mark)
        key_lines[key] = key_node.start_mark.line + 1
    mapping = LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = key_lines
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml_text(text: str, path: str) -> Any:
    """Parse YAML text; a syntax error becomes a :class:`DataError` naming path and line."""
    if len(text) > MAX_BYTES:
        raise DataError([Problem(path, None, "", _too_large())])
    loader = _LineLoader(text)
    try:
        return loader.get_single_data()
    except _Refused as exc:
        raise DataError([Problem(path, exc.line, exc.field, exc.message)]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        if "maximum nesting depth" in reason:  # libyaml's own limit (PyYAML 6.0.4+), met before ours
            raise DataError([Problem(path, line, "", _NESTED)]) from None
        raise DataError([Problem(path, line, "", f"not valid YAML: {_clip(reason)}")]) from None
    finally:
        loader.dispose()


def _clip(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"
