"""Safe YAML loading that remembers the line of every mapping and key.

Only the safe subset of YAML is accepted (no Python objects).  Mappings come back
as :class:`LineDict`, so validation messages can name the line of a field.

Examples
--------
>>> doc = load_yaml_text("a: 1\\nb:\\n  c: 2\\n", "x.yaml")
>>> doc["b"].line, doc.line_of("b"), doc["b"].line_of("c")
(3, 2, 3)
"""

from __future__ import annotations

from typing import Any, ClassVar

import yaml

from dashboard.core.problems import DataError, Problem


class LineDict(dict):
    """A dict that knows the line it starts on and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


# libyaml's parser when PyYAML has it (ten times faster); the safe constructors either way.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):
    """SafeLoader whose mappings record line numbers and reject duplicate keys.

    Dates stay text (no implicit timestamps), so a bad date is reported by the
    field's own check, with its line, instead of failing the whole file.
    """

    yaml_implicit_resolvers: ClassVar = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
    }


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    key_lines: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in key_lines:
            raise yaml.MarkedYAMLError(
                "while constructing a mapping", node.start_mark,
                f"duplicate key {key!r} (first on line {key_lines[key]})", key_node.start_mark)
        key_lines[key] = key_node.start_mark.line + 1
    mapping = LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = key_lines
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml_text(text: str, path: str) -> Any:
    """Parse YAML text; a syntax error becomes a :class:`DataError` naming path and line."""
    loader = _LineLoader(text)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise DataError([Problem(path, line, "", f"not valid YAML: {reason}")]) from None
    finally:
        loader.dispose()
