"""Where the project's files live: the record, the geography and the web assets, all inside the package.

They travel with the package, so an installed wheel finds them as a checkout does: in a checkout
``dashboard/data/events.yaml`` is the curated record, edited in place; in an installed wheel it is
the copy that shipped (point ``FRONTLINES_EVENTS`` at a file of your own to curate another).
"""

from __future__ import annotations

import os
from pathlib import Path

#: The ``dashboard`` package.
PACKAGE = Path(__file__).resolve().parent.parent
#: The package's parent: the repository root in a checkout (site-packages when installed from a wheel).
ROOT = PACKAGE.parent
#: Files Streamlit serves at ``/app/static`` (Leaflet, and the generated base geography).
STATIC = PACKAGE / "static"
#: The shipped data: ``events.yaml``, and ``geodata/`` (rebuilt by the repository's ``geodata/build.py``).
DATA = PACKAGE / "data"
GEODATA = Path(os.environ.get("FRONTLINES_GEODATA", DATA / "geodata"))
EVENTS = Path(os.environ.get("FRONTLINES_EVENTS", DATA / "events.yaml"))
