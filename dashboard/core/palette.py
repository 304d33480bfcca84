"""Colours and credits shared by every map the project draws (web map, static maps, packs).

Faction colours come from ``events.yaml`` (``EventRecord.colours``); what is here is the
rest of the map's look, kept in one place so a PNG for a briefing matches the app.

Examples
--------
>>> FRONT_COLOUR
'#b71c1c'
>>> " · ".join(CREDITS)[:20]
'Control: frontlines '
"""

from __future__ import annotations

FRONT_COLOUR = "#b71c1c"
UNKNOWN_COLOUR = "#bdbdbd"
#: Opacity of control areas over the land colour.
AREA_OPACITY = 0.5
LAND_COLOUR = "#ffffff"  # Syria and Iraq
CONTEXT_COLOUR = "#e8e4dc"  # their neighbours
BORDER_COLOUR = "#6d6d6d"
GOVERNORATE_COLOUR = "#9e9e9e"
RIVER_COLOUR = "#4a90c2"
SEA_COLOUR = "#dbe9f4"  # the sea, and lakes
BESIEGED_COLOUR = "#000000"
EVENT_COLOURS = {"capture": "#000000", "offensive": "#1565c0", "siege": "#6a1b9a", "siege_broken": "#00897b",
                 "bombing": "#e65100", "evacuation": "#5d4037", "other": "#616161"}
#: Where the map's content comes from, as plain text (one credit each).
CREDITS = ("Control: frontlines events.yaml (dated, sourced events; model in README)",
           "Borders: OCHA COD-AB (CC BY-IGO)",
           "Rivers, lakes: Natural Earth, GSHHG (LGPL-3)",
           "Places: GeoNames (CC BY 4.0) via Who's On First")
