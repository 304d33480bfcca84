"""How big the whole record would be in the browser as units plus a small state per epoch (issue 13).

Run: ``python bench/bench_timeline_format.py [--standalone]``.  Prints figures; asserts nothing.

The territory's units never change: only who holds each leader does.  So the browser could get every
unit's outline once and, per epoch, one small integer per unit (its style: holder, tier, parties,
besieger), the indices of the shared edges that are front lines, and one integer per recorded place.
This prints the size of that encoding, raw and gzipped, against the standalone page of today (which
writes each epoch's merged areas), so the time engine's format is chosen on figures.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import time

import numpy as np
import shapely

from dashboard.core.geography import unproject
from dashboard.core.model import ControlModel

#: Screen tolerance (m), the app's ``SCREEN_SIMPLIFY_M``.
SIMPLIFY_M = 2000.0


def sizes(data: object) -> tuple[int, int]:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return len(raw), len(gzip.compress(raw, 6))


def geometry_json(geoms: list, decimals: int = 4, coverage: bool = True) -> list:
    """WGS84 GeoJSON geometries at screen detail: a coverage (units and pockets) is simplified
    together, so neighbours keep one shared border."""
    array = np.array(geoms, dtype=object)
    if coverage:
        simplified = shapely.coverage_simplify(array, SIMPLIFY_M)
    else:
        simplified = shapely.simplify(array, SIMPLIFY_M, preserve_topology=True)
    wgs = unproject(simplified)
    return [json.loads(shapely.to_geojson(shapely.set_precision(g, 10 ** -decimals))) for g in wgs]


def changed(before: list[int], after: list[int]) -> list[list[int]]:
    """[unit, new style] for the units whose style differs."""
    return [[i, s] for i, (s, old) in enumerate(zip(after, before, strict=True)) if s != old]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--standalone", action="store_true",
                        help="also build today's standalone page's data (30 s)")
    args = parser.parse_args()
    model = ControlModel.load()
    territory = model.territory
    epochs = model.epochs()
    t0 = time.perf_counter()
    units = geometry_json(list(territory.unit_geometry) + list(territory.pockets))
    edges = geometry_json([line for _, _, line in territory.edges], coverage=False)
    styles: dict[tuple, int] = {}
    states, fronts, places = [], [], []
    recorded = sorted(model.recorded_places)
    for epoch in epochs:
        keys = model.leader_keys(epoch.valid_from)
        row = [styles.setdefault((keys[leader], tier), len(styles)) for leader, tier in territory.units]
        row += [styles.setdefault((territory.pocket_owner(n, keys), "dominated"), len(styles))
                for n in territory.pocket_neighbours]
        states.append(row)
        fronts.append([i for i, (a, b, _) in enumerate(territory.edges) if keys[a][0] != keys[b][0]])
        places.append([styles.setdefault((model.history.at(p, epoch.valid_from).control.faction, "place"),
                                         len(styles)) for p in recorded])
    deltas = [states[0]] + [changed(prev, row) for prev, row in itertools.pairwise(states)]
    built = time.perf_counter() - t0
    print(f"record: {len(recorded)} recorded places, {len(epochs)} epochs; {len(territory.units)} units, "
          f"{len(territory.pockets)} pockets, {len(territory.edges)} shared edges; built in {built:.1f} s")
    for name, data in [("unit and pocket outlines, once", units), ("shared edges, once", edges),
                       ("per epoch: a style per unit (full rows)", states),
                       ("per epoch: changed units only", deltas), ("per epoch: front edges", fronts),
                       ("per epoch: recorded places", places)]:
        raw, packed = sizes(data)
        print(f"  {name:42} {raw / 1e6:7.2f} MB raw {packed / 1e6:6.2f} MB gzipped")
    whole = {"units": units, "edges": edges, "states": deltas, "fronts": fronts, "places": places}
    raw, packed = sizes(whole)
    print(f"  {'whole record (deltas)':42} {raw / 1e6:7.2f} MB raw {packed / 1e6:6.2f} MB gzipped"
          "   (issue 13 target: <= 1.5 MB compressed)")
    per_epoch = sizes(deltas[1:])[1] / max(1, len(deltas) - 1) + sizes(fronts)[1] / len(fronts)
    at_1000 = (sizes(units)[1] + sizes(edges)[1] + 1000 * per_epoch) / 1e6
    print(f"  extrapolated to 1,000 epochs: {at_1000:.2f} MB gzipped")
    if args.standalone:
        from dashboard.web.standalone import timeline_data

        t0 = time.perf_counter()
        today = timeline_data(model, model.record.start, model.record.end, 30)
        raw, packed = sizes(today)
        print(f"  {'today: the standalone data, whole record':42} {raw / 1e6:7.2f} MB raw "
              f"{packed / 1e6:6.2f} MB gzipped   ({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
