"""Territory units and followers kept on disk between runs: building them from 30,000 places takes seconds.

The file is named by a hash of everything the units depend on (positions, countries, leaders, the
outlines, the parameters and :data:`VERSION`), so a changed record or gazetteer simply makes a new
one.  It holds numbers and WKB only (``numpy.load`` with ``allow_pickle=False``): nothing in it is run.
The folder is ``$FRONTLINES_CACHE``, else ``$XDG_CACHE_HOME/frontlines`` or ``~/.cache/frontlines``;
when it cannot be written the units are simply built each time.

>>> import numpy as np, shapely, tempfile
>>> from pathlib import Path
>>> square = {"XX": shapely.box(0, 0, 100_000, 100_000)}
>>> xy, leaders = np.array([(25_000, 50_000), (75_000, 50_000)], dtype=float), np.array([0, 1])
>>> with tempfile.TemporaryDirectory() as folder:
...     built = cached_territory(xy, ["XX", "XX"], leaders, np.zeros(2), square, TerritoryParameters(),
...                              folder=Path(folder))
...     again = cached_territory(xy, ["XX", "XX"], leaders, np.zeros(2), square, TerritoryParameters(),
...                              folder=Path(folder))
>>> again.units == built.units and all(shapely.equals(again.unit_geometry, built.unit_geometry))
True
"""

from __future__ import annotations

import hashlib
import io
import itertools
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from dashboard.core.files import OutputError, atomic_write
from dashboard.core.followers import FollowerRules, follow
from dashboard.core.territory import Territory, TerritoryParameters

#: Bump when the way units are built changes, so old files are not read.
VERSION = "territory-2"


def cache_folder() -> Path:
    if "FRONTLINES_CACHE" in os.environ:
        return Path(os.environ["FRONTLINES_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "frontlines"


def cached_territory(xy: np.ndarray, countries: Sequence[str], leaders: np.ndarray, leader_km: np.ndarray,
                     outlines: Mapping[str, BaseGeometry], params: TerritoryParameters,
                     sparse: np.ndarray | None = None, folder: Path | None = None) -> Territory:
    """The :class:`Territory` of these inputs: read from the cache folder, or built and saved there."""
    folder = folder or cache_folder()
    sparse = np.zeros(len(countries), dtype=bool) if sparse is None else np.asarray(sparse, dtype=bool)
    key = _key(xy, countries, leaders, leader_km, sparse, outlines, params)
    path = folder / f"{key}.npz"
    if path.is_file():
        try:
            return _read(path, params)
        except (OSError, ValueError, KeyError):  # a damaged or foreign file: build anew
            pass
    territory = Territory(xy, countries, leaders, leader_km, outlines, params, sparse)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _write(path, territory)
    except (OSError, OutputError):
        pass
    return territory


def cached_follow(xy: np.ndarray, countries: Sequence[str], leading: Sequence[int], *,
                  districts: Sequence[str], subdistricts: Sequence[str], rivers: Sequence[BaseGeometry],
                  explicit: Mapping[int, int], rules: FollowerRules,
                  folder: Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`~dashboard.core.followers.follow` of these inputs, read from the cache folder or computed
    and saved there."""
    folder = folder or cache_folder()
    digest = hashlib.sha256(f"{VERSION} follow".encode())
    digest.update(np.ascontiguousarray(xy, dtype=float).tobytes())
    for text in ("\n".join(countries), ",".join(map(str, sorted(leading))), "\n".join(districts),
                 "\n".join(subdistricts), repr(sorted(explicit.items())), repr(rules)):
        digest.update(text.encode() + b"\0")
    for river in rivers:
        digest.update(shapely.to_wkb(river))
    path = folder / f"follow-{digest.hexdigest()[:32]}.npz"
    if path.is_file():
        try:
            with np.load(path, allow_pickle=False) as data:
                return data["leaders"].astype(int), data["km"].astype(float)
        except (OSError, ValueError, KeyError):  # a damaged or foreign file: compute anew
            pass
    leaders, km = follow(xy, countries, leading, districts=districts, subdistricts=subdistricts,
                         rivers=rivers, explicit=explicit, rules=rules)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        np.savez(buffer, leaders=leaders, km=km)
        with atomic_write(path) as fh:
            fh.write(buffer.getvalue())
    except (OSError, OutputError):
        pass
    return leaders, km


def _key(xy: np.ndarray, countries: Sequence[str], leaders: np.ndarray, leader_km: np.ndarray,
         sparse: np.ndarray, outlines: Mapping[str, BaseGeometry], params: TerritoryParameters) -> str:
    digest = hashlib.sha256(VERSION.encode())
    for part in (np.ascontiguousarray(xy, dtype=float), np.asarray(leaders, dtype=np.int64),
                 np.ascontiguousarray(leader_km, dtype=float), np.asarray(sparse, dtype=np.uint8)):
        digest.update(part.tobytes())
    digest.update("\n".join(countries).encode())
    for code in sorted(outlines):
        digest.update(code.encode() + shapely.to_wkb(outlines[code]))
    digest.update(repr(params).encode())
    return digest.hexdigest()[:32]


def _pack(geometries: Sequence[BaseGeometry]) -> tuple[np.ndarray, np.ndarray]:
    blobs = [shapely.to_wkb(g) for g in geometries]
    offsets = np.cumsum([0, *map(len, blobs)]).astype(np.int64)
    return np.frombuffer(b"".join(blobs), dtype=np.uint8), offsets


def _unpack(data: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    raw = data.tobytes()
    return np.array([shapely.from_wkb(raw[a:b]) for a, b in itertools.pairwise(offsets)],
                    dtype=object)


def _write(path: Path, t: Territory) -> None:
    units, unit_offsets = _pack(list(t.unit_geometry))
    pockets, pocket_offsets = _pack(list(t.pockets))
    edges, edge_offsets = _pack([line for _, _, line in t.edges])
    neighbours = [n for group in t.pocket_neighbours for n in group]
    buffer = io.BytesIO()
    np.savez(buffer, unit_leader=np.array([k[0] for k in t.units], dtype=np.int64),
             unit_tier=np.array([k[1] for k in t.units], dtype=str), units=units, unit_offsets=unit_offsets,
             pockets=pockets, pocket_offsets=pocket_offsets,
             neighbours=np.array(neighbours, dtype=np.int64),
             neighbour_offsets=np.cumsum([0, *map(len, t.pocket_neighbours)]).astype(np.int64),
             edge_pairs=np.array([(a, b) for a, b, _ in t.edges], dtype=np.int64).reshape(-1, 2),
             edges=edges, edge_offsets=edge_offsets)
    with atomic_write(path) as fh:
        fh.write(buffer.getvalue())


def _read(path: Path, params: TerritoryParameters) -> Territory:
    with np.load(path, allow_pickle=False) as data:
        units = [(int(leader), str(tier)) for leader, tier in zip(data["unit_leader"], data["unit_tier"],
                                                                  strict=True)]
        flat, offsets = data["neighbours"].tolist(), data["neighbour_offsets"].tolist()
        neighbours = [tuple(flat[a:b]) for a, b in itertools.pairwise(offsets)]
        lines = _unpack(data["edges"], data["edge_offsets"])
        edges = [(int(a), int(b), line) for (a, b), line in zip(data["edge_pairs"], lines, strict=True)]
        return Territory.from_parts(params, units, _unpack(data["units"], data["unit_offsets"]),
                                    _unpack(data["pockets"], data["pocket_offsets"]), neighbours, edges)
