"""The map page under Streamlit's AppTest, opened as a browser opens it.

A session's first run sends the map alone; the map's engine then reports the date it has drawn,
and the page shows its sidebar and what is below the map.  AppTest runs no browser, so
:func:`drawn` makes that report.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboard.core import paths
from dashboard.web.links import DATE_TAG
from dashboard.web.session_keys import Key

APP = str(paths.ROOT / "dashboard" / "app.py")


def drawn(at: AppTest) -> AppTest:
    """What the map does once it has painted its opening date: it reports that date (and its view)."""
    if not at.exception and Key.DATE in at.session_state:
        lat, lon, zoom = at.session_state[Key.MAP_SEEN]
        at.session_state[Key.MAP] = {"selected_tags": [DATE_TAG + at.session_state[Key.DATE].isoformat()],
                                     "center": {"lat": lat, "lng": lon}, "zoom": zoom}
        at.run()
    return at


def open_app(**query: str) -> AppTest:
    """The map page opened on ``query`` (a share link's parameters), once its map has been drawn."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    return drawn(at.run())
