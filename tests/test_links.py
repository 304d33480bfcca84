"""Reading and writing share links (query parameters)."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.web.links import DEFAULT_LAYERS, LinkLimits, View, quote, read_link

LIMITS = LinkLimits(dt.date(2014, 1, 1), dt.date(2019, 3, 31), factions={"isis", "iraq", "contested"},
                    places={"mosul", "raqqa"})
DEFAULT = View(date=dt.date(2016, 7, 15))


def test_a_full_view_survives_the_round_trip():
    view = View(date=dt.date(2017, 7, 10), lat=36.34, lon=43.13, zoom=9, layers=("areas", "osm"),
                compare=dt.date(2016, 10, 17), factions=("iraq",), types=("capture", "siege"), window=90,
                place="mosul")
    again, warnings = read_link(view.to_query(), DEFAULT, LIMITS)
    assert warnings == []
    assert again == view


def test_defaults_stay_out_of_the_link_but_the_view_is_always_there():
    query = DEFAULT.to_query()
    assert set(query) == {"date", "lat", "lon", "zoom", "layers"}
    assert query["layers"] == ",".join(DEFAULT_LAYERS)


def test_no_layers_is_a_valid_choice_that_is_said():
    view, warnings = read_link({"layers": ""}, DEFAULT, LIMITS)
    assert view.layers == () and len(warnings) == 1 and "layers=" in warnings[0]


@pytest.mark.parametrize(("name", "value", "reason"), [
    ("date", "2016-02-30", "not a date"),
    ("date", "2020-01-01", "outside 2014-01-01 .. 2019-03-31"),
    ("date", "20160715", "not a date"),  # Python's fromisoformat takes these two
    ("date", "2016-W28-5", "not a date"),
    ("lat", "north", "not a latitude"),
    ("lat", "nan", "not a latitude"),
    ("lon", "120", "not a longitude"),
    ("zoom", "-3", "not a zoom level"),
    ("zoom", "7.125", "not a zoom level"),
    ("zoom", "²", "not a zoom level"),  # a digit to str.isdigit, not to int()
    ("zoom", "1e1", "not a zoom level"),
    ("layers", "areas,tanks", "unknown layer `tanks`"),
    ("compare", "2013-12-31", "outside"),
    ("factions", "isis,daesh", "unknown faction `daesh`"),
    ("types", "capture,raid", "unknown event type `raid`"),
    ("window", "45", "not one of 7, 30, 90, 365 days"),
    ("place", "atlantis", "no place with this id"),
])
def test_each_bad_value_falls_back_alone_with_a_warning_naming_it(name, value, reason):
    view, warnings = read_link({name: value, "zoom" if name != "zoom" else "lat": "8" if name != "zoom"
                                else "35.5"}, DEFAULT, LIMITS)
    assert len(warnings) == 1
    assert warnings[0].startswith(f"Ignoring {name}=`{value}` in the link: ")
    assert reason in warnings[0]
    assert getattr(view, name) == getattr(DEFAULT, name)
    # The good parameter next to the bad one is kept.
    assert (view.zoom == 8) if name != "zoom" else (view.lat == 35.5)


@pytest.mark.parametrize(("raw", "zoom", "written"),
                         [("7", 7, "7"), ("6.25", 6.25, "6.25"), ("6.50", 6.5, "6.5")])
def test_a_fitted_map_keeps_its_fractional_zoom_through_a_link(raw, zoom, written):
    view, warnings = read_link({"zoom": raw}, DEFAULT, LIMITS)
    assert (view.zoom, warnings) == (zoom, [])
    assert view.to_query()["zoom"] == written


def test_quoted_values_cannot_break_out_of_their_code_span():
    shown = quote("`](javascript:alert(1))" + "x" * 100)
    assert shown.count("`") == 2
    assert shown.endswith("…`")
