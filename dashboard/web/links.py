"""What a shared link holds: the date, the map view, the layers and filters.

A link is a set of query parameters.  Reading one never fails: each invalid
value falls back to its default and yields a warning naming the parameter, so a
mistyped link still opens (on the default for that part) and says why.

Examples
--------
>>> import datetime as dt
>>> default = View(date=dt.date(2016, 7, 15))
>>> view, warnings = read_link({"date": "2017-07-10", "zoom": "9", "layers": "areas,fronts"}, default,
...                            LinkLimits(dt.date(2014, 1, 1), dt.date(2019, 3, 31)))
>>> view.date, view.zoom, view.layers, warnings
(datetime.date(2017, 7, 10), 9, ('areas', 'fronts'), [])
>>> read_link({"zoom": "99"}, default, LinkLimits(dt.date(2014, 1, 1), dt.date(2019, 3, 31)))[1]
['Ignoring zoom=`99` in the link: not a zoom level from 4 to 14 (at most 2 decimals).']
>>> view.to_query()["layers"]
'areas,fronts'
>>> read_link({"date": "2016-01-01", "compare": "2017-01-01"}, default,
...           LinkLimits(dt.date(2014, 1, 1), dt.date(2019, 3, 31)))[1]
['Ignoring compare=`2017-01-01` in the link: it is after the date 2016-01-01; compare with an earlier date.']
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace

from dashboard.core.events import EVENT_TYPES, iso_date

#: Layers the page can show; the last two are online tile layers (need a network).
LAYERS = ("areas", "fronts", "places", "events", "osm", "satellite")
ONLINE_LAYERS = ("osm", "satellite")
DEFAULT_LAYERS = ("areas", "fronts", "places", "events")
#: Days before the date whose events are shown.
WINDOWS = (7, 30, 90, 365)
CENTER = (34.6, 41.5)
ZOOM = 6
ZOOM_RANGE = (4, 14)
LAT_RANGE = (25.0, 42.0)
LON_RANGE = (30.0, 54.0)
_SHOWN = 40  # longest piece of a bad value repeated in a warning


@dataclass(frozen=True)
class LinkLimits:
    """What a link may name: the record's dates, its factions and its places."""

    start: dt.date
    end: dt.date
    factions: Collection[str] = ()
    places: Collection[str] = ()


@dataclass(frozen=True)
class View:
    """Everything a link restores.  ``factions``/``types`` of ``None`` mean all of them."""

    date: dt.date
    lat: float = CENTER[0]
    lon: float = CENTER[1]
    zoom: float = ZOOM  # fractional where the map fitted a region (6.25)
    layers: tuple[str, ...] = DEFAULT_LAYERS
    compare: dt.date | None = None
    factions: tuple[str, ...] | None = None
    types: tuple[str, ...] | None = None
    window: int = 30
    place: str | None = None

    def to_query(self) -> dict[str, str]:
        """Query parameters for this view (filters only when they differ from showing everything)."""
        query = {"date": self.date.isoformat(), "lat": f"{self.lat:.4f}", "lon": f"{self.lon:.4f}",
                 "zoom": f"{round(self.zoom, 2):g}", "layers": ",".join(self.layers)}
        if self.compare:
            query["compare"] = self.compare.isoformat()
        if self.factions is not None:
            query["factions"] = ",".join(self.factions)
        if self.types is not None:
            query["types"] = ",".join(self.types)
        if self.window != View.window:
            query["window"] = str(self.window)
        if self.place:
            query["place"] = self.place
        return query

    def with_(self, **changes: object) -> View:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]


def quote(value: str) -> str:
    """A user-supplied value made safe to repeat in a Markdown message (a code span, shortened)."""
    shown = value if len(value) <= _SHOWN else value[:_SHOWN] + "…"
    return "`" + shown.replace("`", "'").replace("\n", " ") + "`"


def read_link(params: Mapping[str, str], default: View, limits: LinkLimits) -> tuple[View, list[str]]:
    """The view a link asks for, and one warning per parameter that had to be ignored."""
    warnings: list[str] = []
    values: dict[str, object] = {}
    for name, parse in _PARSERS.items():
        raw = params.get(name)
        if raw is None:
            continue
        try:
            values[name] = parse(raw, limits)
        except ValueError as exc:
            warnings.append(f"Ignoring {name}={quote(raw)} in the link: {exc}.")
    view = replace(default, **values)  # type: ignore[arg-type]
    if view.compare is not None and view.compare > view.date:  # "changed since" a later date: nothing
        warnings.append(f"Ignoring compare={quote(params['compare'])} in the link: it is after the date "
                        f"{view.date}; compare with an earlier date.")
        view = view.with_(compare=None)
    # An empty layers= is kept: the app writes it when every layer is unticked, so the link opens as
    # it was shared; but a hand-cut link can end up so too, and a map of nothing needs saying.
    if values.get("layers") == ():
        warnings.append("The link's layers= names no layer, so the map shows none: choose layers in the "
                        "sidebar.")
    return view, warnings


def _date(raw: str, limits: LinkLimits) -> dt.date:
    try:
        date = iso_date(raw)  # YYYY-MM-DD only: not 20190323 nor 2016-W28-5, which fromisoformat takes
    except ValueError:
        raise ValueError("not a date (YYYY-MM-DD)") from None
    if not limits.start <= date <= limits.end:
        raise ValueError(f"outside {limits.start} .. {limits.end}")
    return date


def _number(low: float, high: float, what: str) -> Callable[[str, LinkLimits], float]:
    def parse(raw: str, limits: LinkLimits) -> float:
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not low <= value <= high:  # NaN fails too
            raise ValueError(f"not a {what} from {low:g} to {high:g}")
        return value
    return parse


_ZOOM = re.compile(r"[0-9]{1,2}(\.[0-9]{1,2})?")  # ASCII digits only: "²".isdigit() is true


def _zoom(raw: str, limits: LinkLimits) -> float:
    low, high = ZOOM_RANGE
    if not _ZOOM.fullmatch(raw) or not low <= float(raw) <= high:
        raise ValueError(f"not a zoom level from {low} to {high} (at most 2 decimals)")
    value = float(raw)
    return int(value) if value.is_integer() else value


def _choices(allowed: Callable[[LinkLimits], Collection[str]], what: str, empty_ok: bool
             ) -> Callable[[str, LinkLimits], tuple[str, ...]]:
    def parse(raw: str, limits: LinkLimits) -> tuple[str, ...]:
        names = [n.strip() for n in raw.split(",") if n.strip()]
        known = allowed(limits)
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ValueError(f"unknown {what} {quote(unknown[0])} (known: {', '.join(sorted(known))})")
        if not names and not empty_ok:
            raise ValueError(f"no {what} named")
        return tuple(dict.fromkeys(names))
    return parse


def _window(raw: str, limits: LinkLimits) -> int:
    if not raw.isdigit() or int(raw) not in WINDOWS:
        raise ValueError(f"not one of {', '.join(map(str, WINDOWS))} days")
    return int(raw)


def _place(raw: str, limits: LinkLimits) -> str:
    if raw not in limits.places:
        raise ValueError("no place with this id")
    return raw


_PARSERS: dict[str, Callable[[str, LinkLimits], object]] = {
    "date": _date,
    "lat": _number(*LAT_RANGE, "latitude"),
    "lon": _number(*LON_RANGE, "longitude"),
    "zoom": _zoom,
    "layers": _choices(lambda limits: LAYERS, "layer", empty_ok=True),
    "compare": _date,
    "factions": _choices(lambda limits: limits.factions, "faction", empty_ok=True),
    "types": _choices(lambda limits: EVENT_TYPES, "event type", empty_ok=True),
    "window": _window,
    "place": _place,
}


#: How the map's engine names the date it rests on, in streamlit-folium's ``selected_tags``.
DATE_TAG = "date:"


def reported_date(value: object, start: dt.date, end: dt.date) -> dt.date | None:
    """The date the map reports (``{"selected_tags": ["date:YYYY-MM-DD"]}``), if it is one of the record.

    The value comes from the browser: anything else (no tag, a malformed or out-of-range date) is
    ``None``, and the page keeps its date.

    >>> reported_date({"selected_tags": ["date:2016-07-15"]}, dt.date(2014, 1, 1), dt.date(2019, 3, 31))
    datetime.date(2016, 7, 15)
    >>> reported_date({"selected_tags": ["date:2099-01-01"]}, dt.date(2014, 1, 1), dt.date(2019, 3, 31))
    """
    tags = value.get("selected_tags") if isinstance(value, dict) else None
    if not isinstance(tags, list):
        return None
    for tag in tags:
        if isinstance(tag, str) and tag.startswith(DATE_TAG) and len(tag) == len(DATE_TAG) + 10:
            try:
                date = dt.date.fromisoformat(tag[len(DATE_TAG):])
            except ValueError:
                return None
            return date if start <= date <= end else None
    return None


def same_view(a: tuple[float, float, float], b: tuple[float, float, float]) -> bool:
    """Whether two (lat, lon, zoom) views differ by less than a screen pixel.

    >>> same_view((36.0979, 42.9016, 8.0), (36.1, 42.9, 8.0))
    True
    >>> same_view((36.11, 42.9, 8.0), (36.1, 42.9, 8.0)), same_view((36.1, 42.9, 9.0), (36.1, 42.9, 8.0))
    (False, False)
    """
    pixel = 360 / (256 * 2 ** a[2])  # degrees of longitude per pixel; a degree of latitude is longer
    return a[2] == b[2] and abs(a[0] - b[0]) <= pixel and abs(a[1] - b[1]) <= pixel
