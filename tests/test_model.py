"""The control model on the synthetic world, whose answers tests/fixtures/README.md works out by hand.

The same model on the real record and geography: tests/test_record.py.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import shapely

from dashboard.core.events import CONTESTED, UNCLAIMED
from dashboard.core.geography import outlines, project
from dashboard.core.model import ModelParameters

from . import synthetic
from .conftest import SYNTHETIC_EVENTS, SYNTHETIC_GEODATA

D = dt.date.fromisoformat

# (place, date, holder), read off the record: a change takes effect on its own date; a village
# (Sandholm, New Kingsbury) has the holder of the recorded town it follows.
TURNING_POINTS = [
    ("northmere", "2014-01-13", CONTESTED), ("northmere", "2014-01-14", "isis"),
    ("ashford", "2014-06-09", "iraq"), ("ashford", "2014-06-10", "isis"),
    ("ashford", "2016-06-25", "isis"), ("ashford", "2016-06-26", "iraq"),
    ("northmere", "2016-06-28", "opposition"),
    ("redfield-airbase", "2015-05-19", "syria"), ("redfield-airbase", "2015-05-20", "isis"),
    ("redfield-airbase", "2018-01-10", "syria"),
    ("ferrygate", "2015-09-01", "isis"), ("ferrygate", "2017-10-20", "sdf"),
    ("sandholm", "2015-06-01", "syria"), ("new-kingsbury", "2019-03-31", "iraq"),
]


@pytest.mark.parametrize(("place", "date", "holder"), TURNING_POINTS,
                         ids=[f"{p}-{d}" for p, d, _ in TURNING_POINTS])
def test_holder_of_each_place_on_each_date(synthetic_model, place, date, holder):
    assert synthetic_model.state_of(place, D(date)).control.faction == holder


def test_contested_land_names_its_parties(synthetic_model):
    state = synthetic_model.state_of("northmere", D("2014-01-01"))
    assert state.control.parties == ("isis", "opposition")
    contested = [a for a in synthetic_model.snapshot(D("2014-01-01")).areas if a.faction == CONTESTED]
    assert {a.tier for a in contested} == {"held", "dominated"}  # the town, and the land around it
    assert all(a.parties == ("isis", "opposition") for a in contested)


def test_villages_follow_the_nearest_recorded_town_of_their_own_country(synthetic_model):
    """Sandholm is 35 km from Redfield Airbase (local) and 95.5 km from Ashford (Iraq): it follows
    Westbrook, 105.5 km away; New Kingsbury follows Kingsbury, 8 km away."""
    assert synthetic_model.leader_of("sandholm").id == "westbrook"
    assert synthetic_model.leader_of("new-kingsbury").id == "kingsbury"
    assert synthetic_model.leader_of("redfield-airbase").id == "redfield-airbase"
    assert synthetic_model.recorded_places == {"westbrook", "northmere", "ferrygate", "redfield-airbase",
                                               "bridgeport", "ashford", "brampton", "kingsbury"}
    assert synthetic_model.leading_places == synthetic_model.recorded_places - {"redfield-airbase"}


def test_the_westbrook_enclave_is_besieged_until_september_2017(synthetic_model):
    assert synthetic_model.state_of("westbrook", D("2015-01-14")).besieged_by is None
    assert synthetic_model.state_of("westbrook", D("2015-01-15")).besieged_by == "isis"
    assert synthetic_model.state_of("sandholm", D("2016-06-01")).besieged_by == "isis"  # with its town
    assert synthetic_model.state_of("westbrook", D("2017-09-05")).besieged_by is None
    enclave = [a for a in synthetic_model.snapshot(D("2016-06-01")).areas if a.besieged_by]
    assert {(a.faction, a.besieged_by) for a in enclave} == {("syria", "isis")}
    expected = synthetic.CELL_KM2["westbrook"] + synthetic.CELL_KM2["sandholm"]
    assert sum(a.area_km2 for a in enclave) == pytest.approx(expected, rel=synthetic.REL)
    after = {(a.faction, a.besieged_by) for a in synthetic_model.snapshot(D("2017-10-01")).areas}
    assert ("syria", None) in after and ("syria", "isis") not in after


def test_the_hand_worked_figures_hold_for_the_models_parameters():
    """The README's formulas assume which disks overlap: retuning the model must keep them true."""
    params = ModelParameters().territory
    assert (params.dominated_km, params.held_km) == (synthetic.R_KM, synthetic.H_KM)
    assert 2 * params.dominated_km < 79.06  # Redfield Airbase and Ferrygate's disks do not meet ...
    assert 2 * params.dominated_km > 35  # ... Redfield's and Sandholm's do
    assert 2 * params.held_km <= 35 and params.held_km < 20  # settled disks stay inside their cells
    assert 8 < params.inferred_km < 105.5  # New Kingsbury is near its town, Sandholm far from its own


@pytest.mark.parametrize("date", sorted(synthetic.HELD), ids=str)
def test_each_faction_holds_the_cells_of_its_places(synthetic_model, date):
    expected = synthetic.held_km2(date)
    assert synthetic_model.area_by_faction(date) == pytest.approx(expected, rel=synthetic.REL)
    drawn = synthetic_model.snapshot(date).area_by_faction()
    assert drawn == pytest.approx(expected, rel=synthetic.REL)


def test_a_lone_town_holds_a_disk_and_dominates_the_ring_around_it(synthetic_model):
    areas = {a.tier: a.geometry for a in synthetic_model.snapshot(D("2016-07-15")).areas
             if a.faction == "opposition"}
    assert set(areas) == {"held", "dominated"}
    x, y = synthetic.XY_KM["northmere"]
    centre = shapely.Point(x * 1000, y * 1000)
    settled = centre.buffer(synthetic.H_KM * 1000, quad_segs=64)
    reach = centre.buffer(synthetic.R_KM * 1000, quad_segs=64)
    assert areas["held"].symmetric_difference(settled).area / 1e6 < 0.005 * synthetic.HELD_DISK
    ring = reach.difference(settled)
    assert areas["dominated"].symmetric_difference(ring).area / 1e6 < 0.005 * synthetic.DISK


def test_land_followed_from_a_distant_town_is_inferred(synthetic_model):
    """Sandholm follows Westbrook from 105.5 km: its settled land is inferred; Westbrook's is held."""
    areas = {(a.faction, a.tier): a for a in synthetic_model.snapshot(D("2019-03-31")).areas}
    x, y = synthetic.XY_KM["sandholm"]
    assert areas[("syria", "inferred")].area_km2 == pytest.approx(synthetic.HELD_DISK, rel=synthetic.REL)
    assert areas[("syria", "inferred")].geometry.contains(shapely.Point(x * 1000, y * 1000))
    held = 2 * synthetic.HELD_DISK  # Westbrook and Redfield Airbase
    assert areas[("syria", "held")].area_km2 == pytest.approx(held, rel=synthetic.REL)


def test_land_only_one_faction_reaches_is_dominated_by_it(synthetic_model):
    """Iraq's pocket of unreached land touches four towns: all Iraqi in 2014 and from 26 June 2016."""
    def iraqi_dominated(date: str) -> float:
        return sum(a.area_km2 for a in synthetic_model.snapshot(D(date)).areas
                   if a.faction == "iraq" and a.tier == "dominated")
    towns = sum(synthetic.CELL_KM2[p] - synthetic.SETTLED_KM2[p] for p in synthetic.IRAQI_HELD)
    assert iraqi_dominated("2014-01-01") == pytest.approx(towns + synthetic.IQ_POCKET_KM2, rel=synthetic.REL)
    ashford = synthetic.CELL_KM2["ashford"] - synthetic.SETTLED_KM2["ashford"]
    assert iraqi_dominated("2015-06-01") == pytest.approx(towns - ashford, rel=synthetic.REL)  # Ashford is IS
    unclaimed = {d: sum(a.area_km2 for a in synthetic_model.snapshot(D(d)).areas if a.faction == UNCLAIMED)
                 for d in ("2014-01-01", "2015-06-01")}
    assert unclaimed["2014-01-01"] == pytest.approx(synthetic.SY_POCKET_KM2, rel=synthetic.REL)
    assert unclaimed["2015-06-01"] == pytest.approx(synthetic.SY_POCKET_KM2 + synthetic.IQ_POCKET_KM2,
                                                    rel=synthetic.REL)


def epochs(model) -> list[dt.date]:
    return [e.valid_from for e in model.epochs()]


def test_one_state_per_change_of_control_or_siege(synthetic_model):
    assert epochs(synthetic_model) == synthetic.EPOCH_STARTS
    epoch = synthetic_model.epoch(D("2016-07-15"))
    assert (epoch.valid_from, epoch.valid_to) == (D("2016-06-28"), D("2017-09-05"))
    assert synthetic_model.snapshot(epoch.valid_from) is synthetic_model.snapshot(D("2017-09-04"))
    assert synthetic_model.snapshot(epoch.valid_to) is not synthetic_model.snapshot(epoch.valid_from)
    last = synthetic_model.epoch(D("2019-03-31"))
    assert (last.valid_from, last.valid_to) == (D("2018-01-10"), D("2019-04-01"))


def test_areas_and_unclaimed_land_tile_the_two_countries(synthetic_model):
    for date in epochs(synthetic_model):
        areas = synthetic_model.snapshot(date).areas
        assert sum(a.area_km2 for a in areas) == pytest.approx(2 * synthetic.COUNTRY_KM2, rel=1e-6)
        for a, b in itertools.combinations(areas, 2):
            assert a.geometry.intersection(b.geometry).area / 1e6 < 0.01, (date, a.faction, b.faction)


def test_each_place_lies_in_its_holders_area(synthetic_model):
    for date in epochs(synthetic_model):
        snapshot = synthetic_model.snapshot(date)
        for place, state in zip(synthetic_model.places, synthetic_model.states(date), strict=True):
            point = project(shapely.Point(place.lon, place.lat))
            holders = [(a.faction, a.besieged_by) for a in snapshot.areas if a.geometry.contains(point)]
            assert holders == [(state.control.faction, state.besieged_by)], (date, place.id)


def segment_km(x0: float, y0: float, x1: float, y1: float) -> shapely.LineString:
    return shapely.LineString([(x0 * 1000, y0 * 1000), (x1 * 1000, y1 * 1000)])


def test_front_lines_are_the_bisectors_between_places_held_by_different_sides(synthetic_model):
    fronts = {f.sides: f.geometry for f in synthetic_model.snapshot(D("2015-06-01")).front_lines}
    assert set(fronts) == {("iraq", "isis"), ("isis", "syria")}
    # Ashford (50, -50) | Brampton (100, -50): on x = 75 km; Redfield (-45, -25) | Sandholm (-45, -60):
    # on y = -42.5 km.
    half_50, half_35 = synthetic.chord(50) / 2, synthetic.chord(35) / 2
    expected = {("iraq", "isis"): segment_km(75, -50 - half_50, 75, -50 + half_50),
                ("isis", "syria"): segment_km(-45 - half_35, -42.5, -45 + half_35, -42.5)}
    for sides, line in fronts.items():
        assert line.length / 1000 == pytest.approx(expected[sides].length / 1000, rel=synthetic.REL)
        assert line.hausdorff_distance(expected[sides]) < 300, sides  # metres: the 64-gon's corners


def test_no_front_line_between_places_of_one_holder(synthetic_model):
    # 2014: Redfield Airbase and Sandholm are both Syrian, Ashford and Brampton both Iraqi.
    assert synthetic_model.snapshot(D("2014-01-01")).front_lines == ()


def test_the_border_is_never_a_front_line(synthetic_model):
    """Ferrygate (Syria, IS) and Bridgeport (Iraq, Iraqi government) are 40 km apart, each 20 km from
    the border: each claims only its own side, and no front runs between them."""
    date = D("2016-07-15")
    assert synthetic_model.state_of("ferrygate", date).control.faction == "isis"
    assert synthetic_model.state_of("bridgeport", date).control.faction == "iraq"
    assert [f.sides for f in synthetic_model.snapshot(date).front_lines] == [("isis", "syria")]
    ids = [p.id for p in synthetic_model.places]
    country = outlines(SYNTHETIC_GEODATA)
    territory = synthetic_model.territory
    for place, iso in (("ferrygate", "SY"), ("bridgeport", "IQ")):
        units = territory.unit_geometry[territory.unit_leader == ids.index(place)]
        cell = shapely.union_all(units)
        assert cell.within(country[iso].buffer(1)), place
        assert cell.area / 1e6 == pytest.approx(synthetic.CELL_KM2[place], rel=synthetic.REL)


def test_area_history_has_one_entry_per_distinct_state(synthetic_model):
    history = synthetic_model.area_history(D("2016-01-01"), D("2016-12-31"))
    assert [e.valid_from for e, _ in history] == [D("2016-01-01"), D("2016-06-26"), D("2016-06-28")]
    assert [e.valid_to for e, _ in history] == [D("2016-06-26"), D("2016-06-28"), D("2017-01-01")]
    assert history[-1][1] == pytest.approx(synthetic.held_km2(D("2016-07-15")), rel=synthetic.REL)


def test_stepping_from_event_to_event(synthetic_model):
    assert synthetic_model.next_event_date(D("2016-03-05")) == D("2016-04-12")
    assert synthetic_model.previous_event_date(D("2016-03-05")) == D("2016-02-10")
    assert synthetic_model.next_event_date(D("2016-03-06")) == D("2016-04-12")  # from a day without events
    assert synthetic_model.previous_event_date(D("2014-01-14")) is None
    assert synthetic_model.next_event_date(D("2018-01-10")) is None
    broken = [e for e in synthetic_model.record.events if e.type == "siege_broken"]
    assert synthetic_model.next_event_date(D("2014-01-01"), broken) == D("2017-09-05")
    assert synthetic_model.previous_event_date(D("2019-03-31"), broken) == D("2017-09-05")


def test_events_between_two_dates_in_date_order(synthetic_model):
    events = synthetic_model.events_between(D("2016-06-26"), D("2017-09-05"))
    assert [e.id for e in events] == ["ashford-2016-06-26", "northmere-2016-06-28", "westbrook-siege-broken"]


def with_baseline_line(tmp_path, old: str, new: str):
    """The synthetic record with one baseline line replaced, as a file."""
    from .conftest import SYNTHETIC_EVENTS

    text = SYNTHETIC_EVENTS.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "events.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_the_record_can_say_what_a_town_leads(tmp_path):
    """Sandholm follows Westbrook by distance; the record can give it to Ferrygate instead."""
    from dashboard.core.model import ControlModel

    events = with_baseline_line(tmp_path, "- {place: ferrygate, faction: sdf, sources: *src}",
                                "- {place: ferrygate, faction: sdf, leads: {places: [sandholm]},"
                                " sources: *src}")
    model = ControlModel.load(events, SYNTHETIC_GEODATA)
    assert model.leader_of("sandholm").id == "ferrygate"
    assert model.state_of("sandholm", D("2016-07-15")).control.faction == "isis"  # Ferrygate's holder


def test_a_leads_naming_an_unknown_place_or_district_is_refused_with_its_line(tmp_path):
    from dashboard.core.places import read_places
    from dashboard.core.validation import validate

    events = with_baseline_line(tmp_path, "- {place: ferrygate, faction: sdf, sources: *src}",
                                "- {place: ferrygate, faction: sdf, leads: {places: [atlantis],"
                                " district: X9}, sources: *src}")
    problems = [str(p) for p in validate(events, read_places(SYNTHETIC_GEODATA / "places.csv"))]
    line = 1 + events.read_text(encoding="utf-8").splitlines().index(
        next(line for line in events.read_text(encoding="utf-8").splitlines() if "atlantis" in line))
    found = " ".join(problems)
    assert f"{events}:{line}: baseline ferrygate.leads.places: unknown place 'atlantis'" in found
    assert any(f"{events}:{line}: baseline ferrygate.leads.district: unknown district 'X9'" in p
               for p in problems)


def test_the_record_can_leave_a_town_unrecorded_with_its_reason(tmp_path):
    """``unrecorded:`` names towns the completeness rule asks for but no source dates: a place the
    gazetteer lacks, or one with a history of its own, is refused with its line."""
    from dashboard.core.places import read_places
    from dashboard.core.validation import load_record, validate

    gazetteer = read_places(SYNTHETIC_GEODATA / "places.csv")
    text = SYNTHETIC_EVENTS.read_text(encoding="utf-8")
    fine = tmp_path / "fine.yaml"
    fine.write_text(text + "unrecorded:\n- {place: sandholm, note: No dated report of its fall.}\n",
                    encoding="utf-8")
    record, _ = load_record(fine, gazetteer)
    assert [(g.place, g.note) for g in record.unrecorded] == [("sandholm", "No dated report of its fall.")]
    bad = tmp_path / "bad.yaml"
    bad.write_text(text + "unrecorded:\n- {place: atlantis, note: x}\n- {place: ferrygate, note: y}\n"
                   "- {place: sandholm}\n", encoding="utf-8")
    at = len(text.splitlines()) + 1  # the line of "unrecorded:"
    problems = [str(p) for p in validate(bad, gazetteer)]
    assert any(p.startswith(f"{bad}:{at + 1}: unrecorded.place: unknown place 'atlantis'") for p in problems)
    assert (f"{bad}:{at + 2}: unrecorded.place: ferrygate has a history in the record: it is not unrecorded"
            in problems)
    assert any(p.startswith(f"{bad}:{at + 3}: unrecorded[2].note") for p in problems), problems
