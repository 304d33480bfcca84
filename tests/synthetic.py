"""The synthetic world's answers, worked out by hand (``tests/fixtures/README.md``).

Everything here comes from the README's figures and the circle formulas below, never from running
the model: the tests compare the model with these.

>>> round(DISK, 1), round(CELL_KM2["ashford"], 1), round(chord(50), 2)
(3166.9, 2986.7, 39.14)
"""

from __future__ import annotations

import datetime as dt
import math

#: How far a place claims land (``ModelParameters.claim_radius_km``), km.
R_KM = 31.75
#: Syria and Iraq are 200 km x 200 km each.
COUNTRY_KM2 = 40_000.0
#: The model draws circles as 64-gons, 0.16 % smaller than the circle: areas agree within this.
REL = 0.005

DISK = math.pi * R_KM**2


def lens(d: float) -> float:
    """Overlap of two claim disks whose centres are ``d`` km apart (km²)."""
    return 2 * R_KM**2 * math.acos(d / (2 * R_KM)) - d / 2 * math.sqrt(4 * R_KM**2 - d**2)


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
CLAIMED_KM2 = sum(CELL_KM2.values())
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


def held_km2(date: dt.date) -> dict[str, float]:
    """km² per holder on one of the dates of :data:`HELD`."""
    return {faction: sum(CELL_KM2[p] for p in places) for faction, places in HELD[date].items()}
