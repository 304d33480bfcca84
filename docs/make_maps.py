"""Remake the README's maps: ``python docs/make_maps.py`` writes ``docs/map-YYYY-MM-DD.png``.

The six dates the README shows, drawn by the same code as ``python -m dashboard snapshot`` from the
shipped record and geography, at 100 dpi (1200 x 800 px) to keep the repository small.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from dashboard.core.model import ControlModel
from dashboard.outputs.staticmap import draw_map

DATES = ("2014-09-01", "2015-06-01", "2016-10-20", "2017-07-10", "2017-10-20", "2019-03-01")
DOCS = Path(__file__).resolve().parent
DPI = 100


def main(out: Path = DOCS) -> None:
    model = ControlModel.load()
    for text in DATES:
        date = dt.date.fromisoformat(text)
        figure = draw_map(model, date)
        path = out / f"map-{text}.png"
        figure.savefig(path, format="png", dpi=DPI)
        print(f"wrote {path.relative_to(out.parent) if out == DOCS else path}", file=sys.stderr)


if __name__ == "__main__":
    main()
