"""Rebuild the static geography of frontlines from the shared base data (``../shared/data``).

Outputs, all in ``dashboard/data/geodata/`` (the geography the package ships), rebuilt
deterministically from the same inputs:

* ``countries.geojson``    Syria and Iraq from OCHA COD-AB adm0/adm1 (their overlap split down
                           the middle), and the neighbours from Natural Earth (``inputs/``).
* ``governorates.geojson`` OCHA adm1 of both countries, simplified as one coverage.
* ``districts.csv``        OCHA adm2 and adm3 of Iraq, GeoNames' districts of Syria: codes,
                           names, parent codes.
* ``rivers.geojson``       Natural Earth rivers, plus GSHHG tributaries it lacks (``inputs/``).
* ``lakes.geojson``        Natural Earth lakes and reservoirs of the theatre.
* ``regions.geojson``      Natural Earth's Syrian Desert and Mesopotamia, clipped.
* ``places.csv``           Who's On First / GeoNames localities, with our ids kept.

``places_curated.yaml`` (edited by hand) and ``inputs/places_cities500.csv`` (the gazetteer before
WOF, whose ids the record uses) are inputs. Sources, licences and the rules applied are in
``geodata/README.md``.

Usage::

    python geodata/build.py                      # everything, from ../shared/data
    python geodata/build.py --shared /data/shared --only places
    python geodata/build.py --out /tmp/geodata   # somewhere else than the package

``--only`` takes any of: boundaries (countries, governorates, districts), physical (rivers, lakes,
regions), places; repeatable. Later steps read what earlier ones wrote in ``--out`` (the rivers
and places need the outlines).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:  # ``python geodata/build.py`` from anywhere
    sys.path.insert(0, str(HERE.parent))

from dashboard.core.yamlfile import load_yaml_text  # noqa: E402
from geodata.boundaries import build_boundaries  # noqa: E402
from geodata.common import BuildError  # noqa: E402
from geodata.gazetteer import build_places  # noqa: E402
from geodata.physical import build_lakes, build_regions, build_rivers  # noqa: E402

#: The shipped geography, which the package reads (``dashboard.core.paths``) and the build writes.
#: Found from this file, not imported, so the build writes into the checkout it is run from.
SHIPPED = HERE.parent / "dashboard" / "data" / "geodata"
RECORD = HERE.parent / "dashboard" / "data" / "events.yaml"
INPUTS = HERE / "inputs"
STEPS = ("boundaries", "physical", "places")


def default_shared() -> Path:
    """``../shared/data`` beside the repository (``/work/shared/data`` for ``/work/main``)."""
    return HERE.parents[1] / "shared" / "data"


def record_place_ids(path: Path) -> set[str]:
    """Every place id of the record (``baseline`` and ``events``): they must stay in places.csv."""
    doc = load_yaml_text(path.read_text(encoding="utf-8"), str(path))
    return {str(h["place"]) for h in doc.get("baseline") or []} | {
        str(e["place"]) for e in doc.get("events") or []
    }


def sizes(out: Path) -> dict[str, int]:
    """Size in bytes of every shipped file."""
    return {p.name: p.stat().st_size for p in sorted(out.iterdir()) if p.is_file()}


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Parse the command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=default_shared(),
        help="the shared base data folder (default: %(default)s)",
    )
    parser.add_argument(
        "--only", action="append", choices=STEPS, help="rebuild only these outputs (repeatable)"
    )
    parser.add_argument(
        "--out", type=Path, default=SHIPPED, help="output folder (default: %(default)s)"
    )
    parser.add_argument(
        "--record",
        type=Path,
        default=RECORD,
        help="events file whose place ids must stay (default: %(default)s)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Rebuild the requested outputs and print a report (JSON)."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    shared: Path = args.shared
    if not shared.is_dir():
        sys.exit(f"no shared data at {shared}: give --shared DIR (see geodata/README.md)")
    steps = args.only or list(STEPS)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    countries = out / "countries.geojson"
    report: dict[str, Any] = {}
    started = time.perf_counter()
    try:
        if "boundaries" in steps:
            report["boundaries"] = build_boundaries(
                shared, INPUTS / "natural_earth_countries.geojson", out
            )
        if "physical" in steps:
            report["rivers"] = build_rivers(shared, INPUTS / "gshhg_rivers.geojson", countries, out)
            report["lakes_km2"] = build_lakes(shared, countries, out)
            report["regions_km2"] = build_regions(shared, countries, out)
        if "places" in steps:
            report["places"] = build_places(
                shared,
                INPUTS / "places_cities500.csv",
                SHIPPED / "places_curated.yaml",
                countries,
                record_place_ids(args.record),
                out,
            )
    except BuildError as exc:
        print(exc, file=sys.stderr)
        return 1
    report["seconds"] = round(time.perf_counter() - started, 1)
    report["bytes"] = sizes(out)
    print(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
