"""The map page's session-state and widget keys, named once for the app and its tests.

>>> Key.DATE
'date'
"""

from __future__ import annotations


class Key:
    """Keys of ``st.session_state`` (a widget's key is its value's key)."""

    # Widgets: the view (each also a link parameter, see dashboard.web.links).
    DATE = "date"
    COMPARE_ON = "compare_on"
    COMPARE = "compare"
    WINDOW = "window"
    FACTIONS = "factions"
    TYPES = "types"
    LAYERS = "layers"
    PLACE_QUERY = "place_query"
    # The map component (its value: the view and the date its engine rests on).
    MAP = "map"
    # The page's own state.
    LINK_READ = "link_read"  # the link has seeded the widgets (once per session)
    LINK_WARNINGS = "link_warnings"  # what the link got wrong, shown once
    MAP_HOME = "map_home"  # where the map opens: the link's view (lat, lon, zoom), or None: fit the theatre
    MAP_SEEN = "map_seen"  # the view the map last reported
    MAP_TARGET = "map_target"  # a view to push to the map on this run (search)
    PLACE_SHOWN = "place_shown"  # the searched place already zoomed to
    MAP_OPENING = "map_opening"  # the date the map's engine opened on (fixed for the session)
    GOTO_NONCE = "goto_nonce"  # counts the page's requests to move the map to its date
    PAGE_FULL = "page_full"  # the map has reported once: the sidebar and what is below the map are shown
