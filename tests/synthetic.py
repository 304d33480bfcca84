"""The synthetic world's answers, worked out by hand (``tests/fixtures/README.md``).

Everything here comes from the README's figures, the model's parameters (inputs, not outputs) and
the circle formulas below, never from running the model: the tests compare the model with these.

>>> round(DISK, 1), round(CELL_KM2["ashford"], 1), round(chord(50), 2)
(3848.5, 3511.2, 48.99)
"""

from __future__ import annotations

import datetime as dt
import math

from dashboard.core.territory import TerritoryParameters

#: How far a place's holder reaches (``TerritoryParameters.dominated_km``) and how far its settled
#: land goes (``held_km``), km; a place farther than ``inferred_km`` from its leader is inferred.
R_KM = TerritoryParameters().dominated_km
H_KM = TerritoryParameters().held_km
INFERRED_KM = TerritoryParameters().inferred_km
#: Syria and Iraq are 200 km x 200 km each.
COUNTRY_KM2 = 40_000.0
#: The model draws circles as 64-gons, 0.16 % smaller than the circle: areas agree within this.
REL = 0.005

DISK = math.pi * R_KM**2


def lens(d: float, r: float = R_KM) -> float:
    """Overlap of two disks of radius ``r`` whose centres are ``d`` km apart (km²)."""
    return 2 * r**2 * math.acos(d / (2 * r)) - d / 2 * math.sqrt(4 * r**2 - d**2)


def segment(h: float) -> float:
    """The part of a claim disk beyond a straight line ``h`` km from its centre (km²)."""
    return R_KM**2 * math.acos(h / R_KM) - h * math.sqrt(R_KM**2 - h**2)


def chord(d: float) -> float:
    """Length (km) of the bisector of two places ``d`` km apart inside both their disks."""
    return 2 * math.sqrt(R_KM**2 - (d / 2) ** 2)


#: Position of every place in the model's projection, km (the README's map).
XY_KM = {"westbrook": (-150, -50), "northmere": (-150, 50), "ferrygate": (-20, 50),
         "redfield-airbase": (-45, -25), "sandholm": (-45, -60), "bridgeport": (20, 50),
         "ashford": (50, -50), "brampton": (100, -50), "kingsbury": (150, 40), "new-kingsbury": (158, 40)}

#: Each place's cell, km²: a whole disk, cut by the border, or shared with a neighbour under 2r away.
CELL_KM2 = {
    "westbrook": DISK, "northmere": DISK,
    "ferrygate": DISK - segment(20), "bridgeport": DISK - segment(20),  # the border x = 0 is 20 km away
    "redfield-airbase": DISK - lens(35) / 2, "sandholm": DISK - lens(35) / 2,
    "ashford": DISK - lens(50) / 2, "brampton": DISK - lens(50) / 2,
    "kingsbury": DISK - lens(8) / 2, "new-kingsbury": DISK - lens(8) / 2,
}
#: Settled land: a disk of ``H_KM`` around each place, inside its cell; Kingsbury and New Kingsbury,
#: 8 km apart, share two overlapping disks.  Sandholm lies 105.5 km from Westbrook, which it follows:
#: farther than ``INFERRED_KM``, so its settled land is *inferred*.
HELD_DISK = math.pi * H_KM**2
SETTLED_KM2 = {place: HELD_DISK for place in CELL_KM2} | {
    "kingsbury": HELD_DISK - lens(8, H_KM) / 2, "new-kingsbury": HELD_DISK - lens(8, H_KM) / 2}
INFERRED_PLACES = {"sandholm"}
CLAIMED_KM2 = sum(CELL_KM2.values())
#: Land no place reaches: one pocket in each country.  Syria's touches Westbrook (with Sandholm),
#: Northmere, Ferrygate and Redfield Airbase, which never share one holder, so it is never anyone's;
#: Iraq's touches Bridgeport, Ashford, Brampton and Kingsbury, so it is dominated by the Iraqi
#: government whenever all four are Iraqi (before June 2014 and from 26 June 2016).
SY_POCKET_KM2 = COUNTRY_KM2 - sum(CELL_KM2[p] for p in ("westbrook", "northmere", "ferrygate",
                                                          "redfield-airbase", "sandholm"))
IQ_POCKET_KM2 = COUNTRY_KM2 - sum(CELL_KM2[p] for p in ("bridgeport", "ashford", "brampton", "kingsbury",
                                                          "new-kingsbury"))
UNCLAIMED_KM2 = 2 * COUNTRY_KM2 - CLAIMED_KM2

IRAQI_HELD = ["bridgeport", "ashford", "brampton", "kingsbury", "new-kingsbury"]
#: Who holds which places (Sandholm goes with Westbrook, New Kingsbury with Kingsbury), read off the
#: record's table of events.
HELD = {
    dt.date(2014, 1, 1): {"iraq": IRAQI_HELD, "syria": ["westbrook", "sandholm", "redfield-airbase"],
                          "sdf": ["ferrygate"], "contested": ["northmere"]},
    dt.date(2015, 6, 1): {"isis": ["northmere", "redfield-airbase", "ashford"],
                          "iraq": ["bridgeport", "brampton", "kingsbury", "new-kingsbury"],
                          "syria": ["westbrook", "sandholm"], "sdf": ["ferrygate"]},
    dt.date(2016, 7, 15): {"isis": ["ferrygate", "redfield-airbase"], "iraq": IRAQI_HELD,
                           "syria": ["westbrook", "sandholm"], "opposition": ["northmere"]},
    dt.date(2019, 3, 31): {"iraq": IRAQI_HELD, "syria": ["westbrook", "sandholm", "redfield-airbase"],
                           "sdf": ["ferrygate"], "opposition": ["northmere"]},
}

#: First day of each distinct state: the start and the date of every change of control or siege.
EPOCH_STARTS = [dt.date(2014, 1, 1), dt.date(2014, 1, 14), dt.date(2014, 6, 10), dt.date(2015, 1, 15),
                dt.date(2015, 5, 20), dt.date(2015, 9, 1), dt.date(2016, 6, 26), dt.date(2016, 6, 28),
                dt.date(2017, 9, 5), dt.date(2017, 10, 20), dt.date(2018, 1, 10)]


def iraq_holds_all_of_iraq(date: dt.date) -> bool:
    return all(p in HELD[date].get("iraq", []) for p in ("bridgeport", "ashford", "brampton", "kingsbury"))


def held_km2(date: dt.date) -> dict[str, float]:
    """km² per holder (every tier) and unclaimed, on one of the dates of :data:`HELD`."""
    out = {faction: sum(CELL_KM2[p] for p in places) for faction, places in HELD[date].items()}
    if iraq_holds_all_of_iraq(date):
        out["iraq"] += IQ_POCKET_KM2
        out["unclaimed"] = SY_POCKET_KM2
    else:
        out["unclaimed"] = SY_POCKET_KM2 + IQ_POCKET_KM2
    return out
