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
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
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
    #: District and sub-district codes of ``districts.csv`` (Iraq: OCHA adm2 and adm3; Syria: a
    #: district GeoNames names, no sub-district), ``""`` where unknown.
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
    """Places by id, with a resolver that accepts any alias in any spelling.

    Built for tens of thousands of places: only the exact keys (:func:`normalise`) are indexed up
    front; the looser keys (:func:`skeleton`, for misspellings) are indexed the first time an exact
    key misses, and the keys by first letter the first time suggestions are wanted.
    """

    def __init__(self, places: Iterable[Place]):
        self.places: dict[str, Place] = {}
        for place in places:
            self.places[place.id] = place
        self._by_skeleton: dict[str, list[str]] | None = None
        self._by_letter: dict[str, list[str]] | None = None

    @cached_property
    def _rank(self) -> dict[str, int]:
        # Bigger places first, so an alias shared by a city and a village means the city; among
        # places of equal population, the one given first (places.csv lists the project's own
        # towns before the villages of the dense gazetteer).
        ranked = sorted(self.places.values(), key=lambda p: -p.population)
        return {p.id: i for i, p in enumerate(ranked)}

    @cached_property
    def _by_key(self) -> dict[str, list[str]]:
        """Place ids by exact key, built on first use: the model never needs it, and normalising
        every name of 30,000 places takes half a second."""
        index: dict[str, list[str]] = {}
        for place_id in sorted(self._rank, key=self._rank.__getitem__):
            for key in {normalise(name) for name in self.places[place_id].names}:
                ids = index.get(key)
                if ids is None:
                    index[key] = [place_id]
                else:  # ranked order: a place is added to a key once, after the bigger ones
                    ids.append(place_id)
        return index

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

    def _skeletons(self) -> dict[str, list[str]]:
        """Place ids by :func:`skeleton` of their normalised names, bigger places first."""
        if self._by_skeleton is None:
            index: dict[str, set[str]] = {}
            for key, ids in self._by_key.items():
                index.setdefault(skeleton(key), set()).update(ids)
            self._by_skeleton = {k: sorted(ids, key=self._rank.__getitem__) for k, ids in index.items()}
        return self._by_skeleton

    def resolve(self, name: str) -> Place:
        """Return the place a name means, or raise :class:`UnknownPlace` with suggestions."""
        if name in self.places:
            return self.places[name]
        key = normalise(name)
        ids = self._by_key.get(key) or self._skeletons().get(skeleton(key))
        if ids:
            return self.places[ids[0]]
        raise UnknownPlace(name, self.suggest(name))

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """Return up to ``n`` place ids whose names are closest to ``name``.

        Names are compared with those starting with the same letter (a misspelt first letter
        finds nothing): with tens of thousands of names that keeps a suggestion to milliseconds.
        """
        key = normalise(name)
        if self._by_letter is None:
            letters: dict[str, list[str]] = {}
            for known in self._by_key:
                letters.setdefault(known[:1], []).append(known)
            self._by_letter = letters
        near = [k for k in self._by_letter.get(key[:1], []) if 0.5 * len(key) <= len(k) <= 2 * len(key)]
        scored: dict[str, float] = {}
        for match in difflib.get_close_matches(key, near, n=4 * n, cutoff=0.6):
            ratio = difflib.SequenceMatcher(None, key, match).ratio()
            for place_id in self._by_key[match]:
                # Among close names, a bigger place is the likelier meaning ("Raqqa Dam": Raqqa).
                score = ratio + 0.02 * math.log10(1 + self.places[place_id].population)
                scored[place_id] = max(scored.get(place_id, 0.0), score)
        return sorted(scored, key=lambda i: (-scored[i], self._rank[i]))[:n]


def read_places(path: Path | str) -> Gazetteer:
    """Read the gazetteer CSV; raise :class:`DataError` listing every bad row.

    A gazetteer is read-only, so one read is shared by every caller in the process until the file
    changes (the CLI, the app's pages and the merge each ask for it).

    Each row is checked on its own (id, name, coordinates that are numbers inside
    :data:`REGION_BOUNDS`, country, population), so loading stays fast with tens of thousands of
    rows. Whether a place lies inside Syria or Iraq needs the outlines: ``geodata/build.py``
    refuses places far outside both, and ``validate`` reports them
    (:func:`dashboard.core.geography.places_outside`); loading does not look.
    """
    def unusable(what: str) -> DataError:
        return DataError([Problem(str(path), None, "", f"{what}; rebuild the geography "
                                  "(python geodata/build.py) or reinstall the package")])

    # A generated file is checked, not trusted by its name: empty (an interrupted build) or unreadable
    # is one clear problem, not a list of missing columns or a traceback.
    try:
        stat = Path(path).stat()
        if stat.st_size == 0:
            raise unusable("the gazetteer is empty (0 bytes)")
        return _read_places(str(path), stat.st_mtime_ns, stat.st_size)
    except OSError as exc:
        raise unusable(f"the gazetteer cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise unusable("the gazetteer is not UTF-8 text") from None


@lru_cache(maxsize=8)
def _read_places(path: str, mtime_ns: int, size: int) -> Gazetteer:
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
