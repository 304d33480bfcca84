"""How the map's areas compare with what others measured: IS area against IHS, contiguity, §3.3 areas.

Run: ``python bench/bench_accuracy.py [--held KM] [--dominated KM] [--inferred KM] [--river KM]
[--stale-days N] [--report-km KM]``.  Prints
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
from dashboard.core.reports import ReportRules
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


#: The README's six map dates, where the land inferred for old news is printed.
README_DATES = ("2014-09-01", "2015-06-01", "2016-10-20", "2017-07-10", "2017-10-20", "2019-03-01")


def old_news(model: ControlModel, day: dt.date) -> tuple[list[str], float, float]:
    """Towns stale on ``day`` (their last report is old, dashboard.core.reports), the km² of reported
    land they turn inferred, and the km² of reported land in all."""
    stale = model.stale_leaders(day)
    territory = model.territory
    held = [(leader, km2) for (leader, tier), km2 in zip(territory.units, territory.unit_km2, strict=True)
            if tier == "held"]
    return (sorted(model.places[i].id for i in stale), sum(km2 for leader, km2 in held if leader in stale),
            sum(km2 for _, km2 in held))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    defaults = TerritoryParameters()
    parser.add_argument("--held", type=float, default=defaults.held_km)
    parser.add_argument("--dominated", type=float, default=defaults.dominated_km)
    parser.add_argument("--inferred", type=float, default=defaults.inferred_km)
    parser.add_argument("--river", type=float, default=defaults.river_km)
    parser.add_argument("--stale-days", type=int, default=ReportRules().stale_days)
    parser.add_argument("--report-km", type=float, default=ReportRules().report_km)
    args = parser.parse_args()
    territory = TerritoryParameters(args.held, args.dominated, args.inferred, args.river)
    params = ModelParameters(territory=territory, reports=ReportRules(args.stale_days, args.report_km))
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

    print(f"\nOld news: towns on an IS front with nothing reported within {args.report_km:.0f} km for "
          f"{args.stale_days} days, and the reported land they turn inferred:")
    for date in README_DATES:
        towns, stale_km2, held_km2 = old_news(model, dt.date.fromisoformat(date))
        names = ", ".join(towns[:6]) + (", ..." if len(towns) > 6 else "")
        share = stale_km2 / held_km2
        print(f"  {date}  {len(towns):3} towns  {stale_km2:8,.0f} km² ({share:4.1%} of reported land) "
              f" {names}")

    keys = model.leader_keys(dt.date(2016, 7, 15))
    t0 = time.perf_counter()
    model.territory.snapshot(keys)  # not the model's cached one
    print(f"\none epoch's snapshot: {1000 * (time.perf_counter() - t0):.0f} ms")


if __name__ == "__main__":
    main()
