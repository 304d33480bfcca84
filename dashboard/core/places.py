"""The gazetteer: places of Syria and Iraq, and resolving any spelling to one of them.

Examples
--------
>>> gaz = Gazetteer([
...     Place("raqqa", "Raqqa", "الرقة", ("Al-Raqqah", "Ar Raqqah"), 35.95, 39.01, "SY", "Ar Raqqah"),
...     Place("fallujah", "Fallujah", None, ("Falluja",), 33.35, 43.78, "IQ", "Anbar"),
... ])
>>> gaz.resolve("ar-raqqah").id
'raqqa'
>>> gaz.resolve("FALLOUJAH").id
'fallujah'
>>> gaz.suggest("Raqa")
['raqqa']
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

from dashboard.core.names import normalise, skeleton
from dashboard.core.problems import DataError, Problem
from dashboard.core.wording import COUNTRY_NAMES

# A generous box around Syria and Iraq: a place outside it is a typo in its coordinates.
REGION_BOUNDS = (35.0, 29.0, 49.0, 37.5)  # west, south, east, north
PLACE_COLUMNS = (
    "id", "name", "name_ar", "aliases", "lat", "lon", "country", "governorate", "population", "source",
)
#: Optional columns: OCHA district and sub-district codes (``Place.district``, ``Place.subdistrict``).
OPTIONAL_COLUMNS = ("district", "subdistrict")


@dataclass(frozen=True)
class Place:
    """A populated place with its names and position (WGS84)."""

    id: str
    name: str
    name_ar: str | None
    aliases: tuple[str, ...]
    lat: float
    lon: float
    country: str
    governorate: str
    population: int = 0
    source: str = ""
    #: OCHA district (adm2) and sub-district (adm3) codes where known (Iraq), else ``""``.
    district: str = ""
    subdistrict: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """Every spelling of the place: id, English, Arabic and alternates."""
        extra = (self.name_ar,) if self.name_ar else ()
        return (self.id, self.name, *extra, *self.aliases)


class UnknownPlace(KeyError):
    """A name no place answers to; ``suggestions`` holds the closest place ids."""

    def __init__(self, name: str, suggestions: list[str]):
        self.name = name
        self.suggestions = suggestions
        hint = f" (did you mean: {', '.join(suggestions)}?)" if suggestions else ""
        super().__init__(f"unknown place {name!r}{hint}")

    def __str__(self) -> str:
        return self.args[0]


class Gazetteer:
    """Places by id, with a resolver that accepts any alias in any spelling."""

    def __init__(self, places: Iterable[Place]):
        self.places: dict[str, Place] = {}
        for place in places:
            self.places[place.id] = place

    @cached_property
    def _indexes(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """Place ids by normalised name and by skeleton, built on first use: the model never needs
        them, and for 30,000 places they take seconds."""
        by_key: dict[str, list[str]] = {}
        by_skeleton: dict[str, list[str]] = {}
        # Bigger places first, so an alias shared by a city and a village means the city.
        ranked = sorted(self.places.values(), key=lambda p: (-p.population, p.id))
        for place in ranked:
            for name in place.names:
                self._index(by_key, normalise(name), place.id)
                self._index(by_skeleton, skeleton(name), place.id)
        return by_key, by_skeleton

    @property
    def _by_key(self) -> dict[str, list[str]]:
        return self._indexes[0]

    @property
    def _by_skeleton(self) -> dict[str, list[str]]:
        return self._indexes[1]

    @staticmethod
    def _index(index: dict[str, list[str]], key: str, place_id: str) -> None:
        ids = index.setdefault(key, [])
        if place_id not in ids:
            ids.append(place_id)

    def __len__(self) -> int:
        return len(self.places)

    def __iter__(self) -> Iterator[Place]:
        return iter(self.places.values())

    def __contains__(self, place_id: object) -> bool:
        return place_id in self.places

    def __getitem__(self, place_id: str) -> Place:
        return self.places[place_id]

    @property
    def by_name(self) -> Mapping[str, list[str]]:
        """Place ids by normalised name (:func:`normalise`), for matching names in running text."""
        return MappingProxyType(self._by_key)

    def resolve(self, name: str) -> Place:
        """Return the place a name means, or raise :class:`UnknownPlace` with suggestions."""
        if name in self.places:
            return self.places[name]
        for index, key in ((self._by_key, normalise(name)), (self._by_skeleton, skeleton(name))):
            ids = index.get(key)
            if ids:
                return self.places[ids[0]]
        raise UnknownPlace(name, self.suggest(name))

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """Return up to ``n`` place ids whose names are closest to ``name``."""
        key = normalise(name)
        close = difflib.get_close_matches(key, list(self._by_key), n=n, cutoff=0.6)
        ids: list[str] = []
        for match in close:
            for place_id in self._by_key[match]:
                if place_id not in ids:
                    ids.append(place_id)
        return ids[:n]


def read_places(path: Path) -> Gazetteer:
    """Read the gazetteer CSV; raise :class:`DataError` listing every bad row."""
    problems: list[Problem] = []
    places: list[Place] = []
    seen: dict[str, int] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in PLACE_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise DataError([Problem(str(path), 1, "header", f"missing columns: {', '.join(missing)}")])
        for row in reader:
            line = reader.line_num
            place = _parse_place(row, str(path), line, problems)
            if place is None:
                continue
            if place.id in seen:
                problems.append(Problem(str(path), line, "id",
                                        f"duplicate id {place.id!r} (first on line {seen[place.id]})"))
                continue
            seen[place.id] = line
            places.append(place)
    if problems:
        raise DataError(problems)
    return Gazetteer(places)


def _parse_place(row: dict[str, str], path: str, line: int, problems: list[Problem]) -> Place | None:
    def bad(field: str, message: str) -> None:
        problems.append(Problem(path, line, field, message))

    before = len(problems)
    place_id = (row.get("id") or "").strip()
    if not place_id:
        bad("id", "missing id")
    name = (row.get("name") or "").strip()
    if not name:
        bad("name", "missing name")
    coords = []
    for field, low, high in (("lat", REGION_BOUNDS[1], REGION_BOUNDS[3]),
                             ("lon", REGION_BOUNDS[0], REGION_BOUNDS[2])):
        try:
            value = float(row.get(field) or "")
        except ValueError:
            bad(field, f"not a number: {row.get(field)!r}")
            continue
        if not low <= value <= high:
            bad(field, f"{value} is outside the map ({low} to {high})")
        coords.append(value)
    country = (row.get("country") or "").strip()
    if country not in COUNTRY_NAMES:
        bad("country", f"unknown country {country!r} (expected one of {', '.join(COUNTRY_NAMES)})")
    population = (row.get("population") or "0").strip() or "0"
    if not population.isdigit():
        bad("population", f"not a whole number: {population!r}")
    if len(problems) > before:
        return None
    aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
    return Place(
        id=place_id, name=name, name_ar=(row.get("name_ar") or "").strip() or None,
        aliases=aliases, lat=coords[0], lon=coords[1], country=country,
        governorate=(row.get("governorate") or "").strip(), population=int(population),
        source=(row.get("source") or "").strip(), district=(row.get("district") or "").strip(),
        subdistrict=(row.get("subdistrict") or "").strip(),
    )
