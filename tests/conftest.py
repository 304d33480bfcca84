"""Shared fixtures: the real data files, and small real files for error cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.core import paths
from dashboard.core.places import Gazetteer, read_places

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def small_gazetteer() -> Gazetteer:
    return read_places(DATA / "places_small.csv")


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return read_places(paths.GEODATA / "places.csv")


@pytest.fixture(scope="session")
def model():
    from dashboard.core.model import ControlModel

    return ControlModel.load()
