"""Where the project's data files live (the repository root, beside the package)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEODATA = Path(os.environ.get("FRONTLINES_GEODATA", ROOT / "geodata"))
EVENTS = Path(os.environ.get("FRONTLINES_EVENTS", ROOT / "events.yaml"))
