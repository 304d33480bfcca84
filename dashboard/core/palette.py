"""Colours shared by every map the project draws (web map, static maps, packs).

Faction colours come from ``events.yaml`` (``EventRecord.colours``); what is here is the
rest of the map's look, kept in one place so a PNG for a briefing matches the app.

Examples
--------
>>> FRONT_COLOUR
'#000000'
"""

from __future__ import annotations

#: Black, not red: red is the Syrian government's land, and a red line on it disappears.
FRONT_COLOUR = "#000000"
UNKNOWN_COLOUR = "#bdbdbd"
#: Opacity of control areas over the land colour: reported land, then lighter for what the model
#: infers (land followed from a distant town, or around a front town with no news for a year) and
#: lightest for sparse land a faction dominates.
AREA_OPACITY = 0.5
TIER_OPACITY = {"held": AREA_OPACITY, "inferred": 0.35, "dominated": 0.2}


#: What each tier means, for legends.
TIER_LABELS = {"held": "reported (around recorded towns)",
               "inferred": "inferred (distant town or old news)",
               "dominated": "dominated (sparse land)"}


def area_opacity(dominated: bool, inferred: bool) -> float:
    """Fill opacity of an area by how sure the map is of it.

    >>> area_opacity(False, False), area_opacity(False, True), area_opacity(True, True)
    (0.5, 0.35, 0.2)
    """
    return TIER_OPACITY["dominated" if dominated else "inferred" if inferred else "held"]


def tier_fill(colour: str, tier: str) -> str:
    """The opaque fill of a tier for drawing under one translucent layer of :data:`AREA_OPACITY`.

    The browser draws areas opaque, each unit with a hairline of its own colour, in one layer made
    translucent as a whole, so that no seam shows between neighbouring units of one faction.  Seen
    through that layer over white land, this fill looks as ``colour`` at the tier's own opacity does.

    >>> tier_fill("#262626", "held"), tier_fill("#262626", "dominated")
    ('#262626', '#a8a8a8')
    """
    share = TIER_OPACITY[tier] / AREA_OPACITY
    rgb = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{int(c * share + 255 * (1 - share) + 0.5):02x}" for c in rgb)


LAND_COLOUR = "#ffffff"  # Syria and Iraq
CONTEXT_COLOUR = "#e8e4dc"  # their neighbours
BORDER_COLOUR = "#6d6d6d"
GOVERNORATE_COLOUR = "#9e9e9e"
RIVER_COLOUR = "#4a90c2"
SEA_COLOUR = "#dbe9f4"  # the sea, and lakes
#: A besieged enclave's outline is the colour of sieges (events of type ``siege``), unlike the front
#: lines (black) and a capture's ring (dark blue); no faction is this purple (contested land is lighter
#: and dashed).
BESIEGED_COLOUR = "#6a1b9a"
EVENT_COLOURS = {"capture": "#0d47a1", "offensive": "#29b6f6", "siege": "#6a1b9a", "siege_broken": "#00897b",
                 "bombing": "#e65100", "evacuation": "#5d4037", "other": "#616161"}
