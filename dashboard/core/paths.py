"""Where the project's files live: the record and the geography beside the package, the web assets in it."""

from __future__ import annotations

import os
from pathlib import Path

#: The ``dashboard`` package.
PACKAGE = Path(__file__).resolve().parent.parent
ROOT = PACKAGE.parent
#: Files Streamlit serves at ``/app/static`` (Leaflet, and the generated base geography).
STATIC = PACKAGE / "static"
GEODATA = Path(os.environ.get("FRONTLINES_GEODATA", ROOT / "geodata"))
EVENTS = Path(os.environ.get("FRONTLINES_EVENTS", ROOT / "events.yaml"))
