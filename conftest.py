"""Fixture models shared by the tests and the doctests; app pages are not modules.

Doctests under ``dashboard/`` see ``small_model``, ``synthetic_model`` and ``tmp_path`` as names
(see :func:`_doctest_names`); both models are built from the small files in ``tests/fixtures/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "tests" / "fixtures"
#: The synthetic world (tests/fixtures/README.md): two square countries and ten places.
SYNTHETIC_EVENTS = FIXTURES / "events_synthetic.yaml"
SYNTHETIC_GEODATA = FIXTURES / "geodata"
#: Streamlit scripts run top to bottom on import: pytest must not import them to look for doctests.
collect_ignore = ["dashboard/app.py", "dashboard/pages", "dashboard/__main__.py"]


@pytest.fixture(scope="session")
def small_model():
    """Five real places (``tests/fixtures/events_small.yaml``) on the shipped geography."""
    from dashboard.core import paths
    from dashboard.core.model import ControlModel

    return ControlModel.load(FIXTURES / "events_small.yaml", paths.GEODATA)


@pytest.fixture(scope="session")
def synthetic_model():
    """The synthetic world, whose areas and front lines ``tests/fixtures/README.md`` works out by hand."""
    from dashboard.core.model import ControlModel

    return ControlModel.load(SYNTHETIC_EVENTS, SYNTHETIC_GEODATA)


#: What a doctest may use by name, each built only when a doctest of the module mentions it.
DOCTEST_NAMES = ("small_model", "synthetic_model", "tmp_path")


@pytest.fixture(autouse=True)
def _doctest_names(request: pytest.FixtureRequest) -> None:
    """Doctests see the fixture models (and a ``tmp_path``) without building them for tests that never ask."""
    if not isinstance(request.node, pytest.DoctestItem):
        return
    source = "".join(example.source for example in request.node.dtest.examples)
    namespace = request.getfixturevalue("doctest_namespace")
    for name in DOCTEST_NAMES:
        if name in source:
            namespace[name] = request.getfixturevalue(name)
