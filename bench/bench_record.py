"""The record in figures: places, changes of control per year, sources per change, the sourcing rules,
and the towns it should name but does not (``dashboard.core.coverage``).

Run: ``python bench/bench_record.py [events.yaml]``.  Prints figures; asserts nothing (the rules
themselves are checked by ``python -m dashboard validate --strict``).
"""

from __future__ import annotations

import statistics
import sys
from collections import Counter

from dashboard.core import paths
from dashboard.core.coverage import MIN_POPULATION, unrecorded_towns
from dashboard.core.places import read_places
from dashboard.core.sourcing import is_citable, outlets, sourcing_errors, sourcing_warnings
from dashboard.core.validation import load_record


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else paths.EVENTS
    gazetteer = read_places(paths.GEODATA / "places.csv")
    record, history = load_record(path, gazetteer)
    changes = [e for e in record.events if e.change is not None]
    counted = [len(outlets(e.sources)) for e in changes]
    print(f"{path}")
    print(f"  recorded places {len(history.places)}, events {len(record.events)}, "
          f"changes of control {len(changes)}")
    years = Counter(e.date.year for e in changes)
    print("  changes per year: " + ", ".join(f"{y} {n}" for y, n in sorted(years.items())))
    print(f"  sources per change: mean {statistics.mean(len(e.sources) for e in changes):.2f} "
          f"(distinct outlets, not counting reference works and mirrors: {statistics.mean(counted):.2f})")
    single = sum(1 for n in counted if n <= 1)
    print(f"  changes resting on one outlet or none: {single} ({single / len(changes):.0%}; "
          "rule: at most 20%)")
    undated = sum(1 for e in changes if not any(map(is_citable, e.sources)))
    print(f"  changes without a dated outlet source: {undated}")
    print(f"  month-precision changes: {sum(1 for e in changes if e.date_precision == 'month')}, "
          f"approximate: {sum(1 for e in changes if e.approximate)}")
    errors, warnings = sourcing_errors(record), sourcing_warnings(record)
    print(f"  sourcing rules: {len(errors)} error(s), {len(warnings)} warning(s)")
    towns = unrecorded_towns(gazetteer.places.values(), history, excused={g.place for g in record.unrecorded})
    print(f"  towns of {MIN_POPULATION:,}+ people in districts IS held or attacked, without a history "
          f"of their own: {len(towns)}")
    for town in towns:
        place = town.place
        print(f"    {place.id} ({place.population:,}, {place.governorate}): nearest recorded {town.nearest}, "
              f"{town.nearest_km} km")
    print(f"  left unrecorded on purpose (events.yaml's unrecorded list): {len(record.unrecorded)}")
    for gap in record.unrecorded:
        print(f"    {gap.place}: {gap.note[:90]}")


if __name__ == "__main__":
    main()
