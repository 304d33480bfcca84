"""How the map's areas compare with what others measured: IS area against IHS, contiguity, §3.3 areas.

Run: ``python bench/bench_accuracy.py [--held KM] [--dominated KM] [--inferred KM] [--river KM]``.  Prints
figures; asserts nothing (tests assert behaviour, not calibration).  The parameters default to the
model's own (``dashboard.core.territory.TerritoryParameters``); giving them tries another set.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import shapely

from dashboard.core import paths
from dashboard.core.geography import project
from dashboard.core.model import ControlModel, ModelParameters
from dashboard.core.places import read_places
from dashboard.core.territory import TerritoryParameters
from dashboard.core.validation import load_record

# Published estimates of the land IS controlled in Syria and Iraq combined (IHS Conflict Monitor /
# IHS Markit releases of 2015-12-21, 2016-10-09 and 2017-01-18; the June 2017 figure as reported by
# The Daily Star, 2017-06-29).  They count the land IS held around its towns and along its roads, not
# the open desert between them: the measure to set beside them is IS's held and inferred land.
IHS_ESTIMATES = [("2015-01-01", 90_800), ("2015-12-14", 78_000), ("2016-07-04", 68_300),
                 ("2016-10-03", 65_500), ("2016-12-31", 60_400), ("2017-06-26", 36_200)]
#: Dates the issue asks the IS land to be one territory on.
CONTIGUITY_DATES = ("2015-06-01", "2016-06-01")
#: The audit's §3.3 places (shared/notes/data-audit.md): who held each on a date the audit names.
AUDIT_CASES = [("aqrah", "2015-06-01", "krg"), ("ash-shaykhan", "2015-06-01", "krg"),
               ("al-miqdadiyah", "2014-09-01", "iraq"), ("mandali", "2014-09-01", "iraq"),
               ("kelar", "2014-09-01", "krg"), ("khanaqin", "2014-09-01", "krg"),
               ("kifri", "2014-09-01", "krg"), ("al-mahmudiyah", "2014-09-01", "iraq"),
               ("al-musayab", "2014-09-01", "iraq"), ("at-tibni", "2016-06-01", "isis"),
               ("al-kasrah", "2016-06-01", "isis"), ("khusham", "2016-06-01", "isis"),
               ("madan", "2017-06-15", "isis"), ("uqayribat", "2017-06-15", "isis"),
               ("sirrin-ash-shamaliyah", "2015-09-01", "sdf"), ("shuyukh-tahtani", "2015-09-01", "sdf")]


def is_parts(model: ControlModel, date: dt.date) -> tuple[float, float, int]:
    """IS land on ``date``: km², the largest connected part's share, and parts over 100 km²."""
    land = shapely.union_all([a.geometry for a in model.snapshot(date).areas if a.faction == "isis"])
    parts = sorted((g.area / 1e6 for g in shapely.get_parts(land)), reverse=True)
    total = sum(parts)
    return total, (parts[0] / total if total else 0.0), sum(1 for p in parts if p > 100)


#: The README's six map dates, where the age of the front towns' last reports is printed.
README_DATES = ("2014-09-01", "2015-06-01", "2016-10-20", "2017-07-10", "2017-10-20", "2019-03-01")
#: A front town: a recorded place with a recorded place of another holder this close.
FRONT_KM = 30.0


def report_ages(model: ControlModel, day: dt.date) -> tuple[int, int, int]:
    """Front towns on ``day``, and how many have had no event for over one and over two years: what
    an "old last report makes land inferred" rule would grey out."""
    history, places = model.history, model.gazetteer
    holder = {p: history.at(p, day).control.faction for p in history.places}
    xy = {p: project(shapely.Point(places[p].lon, places[p].lat)) for p in holder}
    last = {p: model.record.start for p in holder}
    for event in model.record.events:
        if event.date <= day and event.place in last:
            last[event.place] = max(last[event.place], event.date)
    front = [p for p in holder if any(holder[q] != holder[p] and xy[p].distance(xy[q]) < FRONT_KM * 1000
                                      for q in holder if q != p)]
    return (len(front), sum((day - last[p]).days > 365 for p in front),
            sum((day - last[p]).days > 730 for p in front))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    defaults = TerritoryParameters()
    parser.add_argument("--held", type=float, default=defaults.held_km)
    parser.add_argument("--dominated", type=float, default=defaults.dominated_km)
    parser.add_argument("--inferred", type=float, default=defaults.inferred_km)
    parser.add_argument("--river", type=float, default=defaults.river_km)
    args = parser.parse_args()
    territory = TerritoryParameters(args.held, args.dominated, args.inferred, args.river)
    params = ModelParameters(territory=territory)
    t0 = time.perf_counter()
    gazetteer = read_places(paths.GEODATA / "places.csv")
    record, history = load_record(paths.EVENTS, gazetteer)
    model = ControlModel(gazetteer, record, history, params, paths.GEODATA)
    print(f"model ({len(gazetteer)} places, {len(model.recorded_places)} recorded), held {args.held} km, "
          f"dominated {args.dominated} km, inferred {args.inferred} km, "
          f"river {args.river} km: "
          f"built in {time.perf_counter() - t0:.1f} s")

    print("\nIS-held area (held and inferred land) against IHS (km²), and all of IS land with the dominated")
    worst = [0.0, 0.0]
    for date, published in IHS_ESTIMATES:
        day = dt.date.fromisoformat(date)
        ours = model.area_by_faction(day).get("isis", 0.0)
        settled = sum(a.area_km2 for a in model.snapshot(day).areas
                      if a.faction == "isis" and a.tier != "dominated")
        offs = (ours / published - 1, settled / published - 1)
        worst = [max(w, abs(o)) for w, o in zip(worst, offs, strict=True)]
        print(f"  {date}  IHS {published:7,}  held {settled:9,.0f} {offs[1]:+7.1%}   with dominated "
              f"{ours:9,.0f} {offs[0]:+7.1%}")
    print(f"  worst deviation of the IS-held area: {worst[1]:.1%} (target: at most 10%); "
          f"with the dominated desert {worst[0]:.1%}")

    print("\nIS land as one territory:")
    for date in CONTIGUITY_DATES:
        total, share, big = is_parts(model, dt.date.fromisoformat(date))
        print(f"  {date}  {total:9,.0f} km²  largest part {share:.0%} (target >= 80%)  "
              f"parts over 100 km²: {big} (target <= 6)")

    print("\nThe audit's §3.3 places:")
    right = 0
    for place_id, date, expected in AUDIT_CASES:
        if place_id not in gazetteer:
            print(f"  {place_id:<22} not in the gazetteer")
            continue
        place = gazetteer[place_id]
        point = project(shapely.Point(place.lon, place.lat))
        held = [a.faction for a in model.snapshot(dt.date.fromisoformat(date)).areas
                if a.geometry.contains(point)]
        got = held[0] if held else "-"
        right += got == expected
        print(f"  {place_id:<22} {date}  expected {expected:<6} map {got:<10} "
              f"(follows {model.leader_of(place_id).id})")
    print(f"  right: {right} of {len(AUDIT_CASES)}")

    print(f"\nFront towns (a town of another holder within {FRONT_KM:.0f} km) whose last event is old:")
    for date in README_DATES:
        front, year, two = report_ages(model, dt.date.fromisoformat(date))
        print(f"  {date}  front towns {front:4}  over a year {year / front:4.0%}  "
              f"over two years {two / front:4.0%}")

    keys = model.leader_keys(dt.date(2016, 7, 15))
    t0 = time.perf_counter()
    model.territory.snapshot(keys)  # not the model's cached one
    print(f"\none epoch's snapshot: {1000 * (time.perf_counter() - t0):.0f} ms")


if __name__ == "__main__":
    main()
