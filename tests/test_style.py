"""Project-wide rules: ruff clean, and the import rules that keep the layers apart."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.core import paths

#: What each folder of the package may not import (top-level names and dashboard subpackages).
FORBIDDEN = {
    "core": {"streamlit", "streamlit_folium", "folium", "branca", "matplotlib", "pptx",
             "dashboard.ingest", "dashboard.outputs", "dashboard.web", "dashboard.cli"},
    "ingest": {"streamlit", "streamlit_folium", "folium", "branca", "dashboard.web", "dashboard.cli"},
    "outputs": {"streamlit", "streamlit_folium", "folium", "branca", "dashboard.web", "dashboard.cli"},
    "web": {"streamlit", "streamlit_folium", "dashboard.cli"},
}


def imported_names(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function.

    >>> sorted(imported_names(Path(paths.PACKAGE / "__main__.py")))
    ['dashboard.cli', 'dashboard.cli.main', 'sys']
    """
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def breaks(name: str, rules: set[str]) -> bool:
    return any(name == rule or name.startswith(rule + ".") for rule in rules)


def test_ruff_is_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=paths.ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_each_folder_imports_only_what_its_layer_may(folder):
    modules = sorted((paths.PACKAGE / folder).rglob("*.py"))
    assert modules, folder
    bad = {f"{path.relative_to(paths.PACKAGE)}: {name}"
           for path in modules for name in imported_names(path) if breaks(name, FORBIDDEN[folder])}
    assert not bad, sorted(bad)


def test_the_rule_catches_a_forbidden_import(tmp_path):
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("def f():\n    from dashboard.web import mapview\n    import streamlit as st\n")
    assert {n for n in imported_names(sneaky) if breaks(n, FORBIDDEN["core"])} == {
        "dashboard.web", "dashboard.web.mapview", "streamlit"}


def test_importing_the_core_loads_no_ui_library():
    """The same rule at run time: nothing the core imports pulls in a UI or drawing library."""
    modules = [f"dashboard.core.{p.stem}" for p in sorted((paths.PACKAGE / "core").glob("[a-z]*.py"))]
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules) +
            "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('streamlit', 'folium', 'branca', 'matplotlib', 'pptx'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
