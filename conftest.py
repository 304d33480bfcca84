"""Doctests run against the small synthetic record, like the unit tests; app pages are not modules."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "tests" / "data"
#: Streamlit scripts run top to bottom on import: pytest must not import them to look for doctests.
collect_ignore = ["dashboard/app.py", "dashboard/pages", "dashboard/__main__.py"]


@pytest.fixture(scope="session")
def small_model():
    """The synthetic record (``tests/data/events_small.yaml``) on the shipped geography."""
    from dashboard.core import paths
    from dashboard.core.model import ControlModel

    return ControlModel.load(FIXTURES / "events_small.yaml", paths.GEODATA)


@pytest.fixture(autouse=True)
def _doctest_names(request: pytest.FixtureRequest) -> None:
    """Doctests see ``small_model`` and a temporary folder ``tmp``, built only for doctests."""
    if isinstance(request.node, pytest.DoctestItem):
        names = request.getfixturevalue("doctest_namespace")
        names["small_model"] = request.getfixturevalue("small_model")
        names["tmp"] = request.getfixturevalue("tmp_path")
