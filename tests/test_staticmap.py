"""Static maps for briefings: real model, real figure, real files read back."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import xml.etree.ElementTree as ET
from itertools import combinations

import numpy as np
import pytest
import shapely
from matplotlib.colors import to_rgb
from PIL import Image

from dashboard.core import palette
from dashboard.core.changes import change_totals, land_changes
from dashboard.core.events import CONTESTED, UNCLAIMED
from dashboard.core.wording import km2
from dashboard.outputs import staticmap

DATE = dt.date(2017, 7, 10)
SINCE = dt.date(2016, 10, 17)


def map_axes(figure):
    return next(ax for ax in figure.axes if ax.get_gid() == staticmap.MAP_GID)


def label_boxes(figure):
    ax = map_axes(figure)
    renderer = figure.canvas.get_renderer()
    return [t.get_window_extent(renderer) for t in ax.texts if t.get_gid() == staticmap.LABEL_GID]


def table_text(figure) -> list[list[str]]:
    rows: dict[tuple[int, int], list[str]] = {}
    for ax in figure.axes:
        for table in ax.tables:
            for (r, c), cell in table.get_celld().items():
                rows.setdefault((id(table), r), []).append((c, cell.get_text().get_text()))
    return [[text for _, text in sorted(cells)] for _, cells in sorted(rows.items())]


@pytest.fixture(scope="module")
def theatre_png(tmp_path_factory):
    """The command line's PNG of the whole theatre."""
    out = tmp_path_factory.mktemp("snapshot") / "theatre.png"
    result = subprocess.run([sys.executable, "-m", "dashboard", "snapshot", "--date", DATE.isoformat(),
                             "--out", str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return out


def test_png_is_print_resolution(theatre_png):
    image = Image.open(theatre_png)
    assert image.size == (2400, 1600)  # 12 x 8 in at 200 dpi
    assert image.info["dpi"] == pytest.approx((200, 200), abs=0.1)


def test_each_factions_colour_is_where_its_land_is(model, tmp_path):
    """Sample points inside every faction's land; most must show its colour (at the app's opacity)."""
    figure = staticmap.draw_map(model, DATE)
    out = staticmap.save_figure(figure, tmp_path / "map.png")
    pixels = np.asarray(Image.open(out).convert("RGB")).astype(int)
    ax = map_axes(figure)
    rng = np.random.default_rng(7)
    checked = []
    for faction, land in _land_by_faction(model, DATE).items():
        inner = land.buffer(-4000)  # away from borders, outlines and front lines
        x0, y0, x1, y1 = inner.bounds
        points = [p for p in shapely.points(rng.uniform(x0, x1, 4000), rng.uniform(y0, y1, 4000))
                  if inner.contains(p)][:200]
        assert len(points) >= 20, faction
        xy = ax.transData.transform([(p.x, p.y) for p in points])
        rows = (pixels.shape[0] - xy[:, 1]).astype(int)
        seen = pixels[rows, xy[:, 0].astype(int)]
        fill = np.array(to_rgb(model.record.colours[faction]))
        alpha = palette.AREA_OPACITY
        expected = np.round(255 * (fill * alpha + (1 - alpha)))  # over the white land of Syria and Iraq
        share = (np.abs(seen - expected).max(axis=1) <= 10).mean()
        assert share >= 0.6, (faction, share, expected, seen[:5])
        checked.append(faction)
    assert {"isis", "iraq", "syria", "krg", "sdf", "opposition"} <= set(checked)


def _land_by_faction(model, date):
    land: dict = {}
    for area in model.snapshot(date).areas:
        if area.faction not in (UNCLAIMED, CONTESTED) and area.area_km2 > 3000:
            land.setdefault(area.faction, []).append(area.geometry)
    return {f: shapely.union_all(parts) for f, parts in land.items()}


@pytest.mark.parametrize("focus", [None, "Mosul", "Aleppo", "Deir ez-Zor"])
def test_place_names_never_overlap(model, focus):
    frame = staticmap.Frame.around(model.gazetteer.resolve(focus)) if focus else None
    figure = staticmap.draw_map(model, DATE, frame=frame)
    boxes = label_boxes(figure)
    assert len(boxes) >= 8
    clashes = [(a, b) for a, b in combinations(boxes, 2) if a.overlaps(b)]
    assert not clashes
    inside = map_axes(figure).bbox
    assert all(inside.x0 <= b.x0 and b.x1 <= inside.x1 for b in boxes)


def test_a_focus_map_names_its_place_and_its_neighbours(model):
    figure = staticmap.draw_map(model, DATE, frame=staticmap.Frame.around(model.gazetteer.resolve("Mosul")))
    names = {t.get_text() for t in map_axes(figure).texts if t.get_gid() == staticmap.LABEL_GID}
    assert {"Mosul", "Tal Afar", "Erbil"} <= names


def test_compare_prints_the_km2_each_faction_gained_and_lost(model):
    figure = staticmap.draw_map(model, DATE, compare=SINCE)
    rows = {row[0]: row[1:] for row in table_text(figure)}
    totals = change_totals(land_changes(model, SINCE, DATE))
    names = model.record.names(short=True)
    assert totals["isis"].lost_km2 > 10_000
    for faction, balance in totals.items():
        if faction == UNCLAIMED:
            continue
        expected = [km2(balance.gained_km2, "+"), km2(balance.lost_km2, "−"), km2(balance.net_km2)]
        assert rows[names[faction]] == expected
    texts = " ".join(t.get_text() for t in figure.texts)
    assert "10 July 2017" in texts and "17 October 2016" in texts


def test_the_scale_bar_is_as_long_as_it_says(model):
    figure = staticmap.draw_map(model, DATE)
    ax = map_axes(figure)
    bar = [p for p in ax.patches if p.get_zorder() == 21]
    label = next(t.get_text() for t in ax.texts if t.get_text().endswith(" km"))
    assert sum(p.get_width() for p in bar) == pytest.approx(float(label.split()[0]) * 1000)


def test_legend_lists_the_factions_in_the_frame_only(model):
    fallujah = model.gazetteer.resolve("Fallujah")
    figure = staticmap.draw_map(model, DATE, frame=staticmap.Frame.around(fallujah))
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert model.record.factions["iraq"].name in legend
    assert model.record.factions["opposition"].name not in legend  # north-west Syria is far away


def test_pdf_and_svg_are_written_whole(model, tmp_path):
    figure = staticmap.draw_map(model, DATE)
    assert staticmap.save_figure(figure, tmp_path / "m.pdf").read_bytes().startswith(b"%PDF")
    root = ET.parse(staticmap.save_figure(figure, tmp_path / "m.svg")).getroot()
    assert root.tag.endswith("svg")


def test_unknown_extension_writes_nothing(model, tmp_path):
    figure = staticmap.draw_map(model, DATE)
    with pytest.raises(ValueError, match="unknown extension"):
        staticmap.save_figure(figure, tmp_path / "m.gif")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("bbox", "message"), [((40, 30, 38, 35), "west < east"),
                                                ((0, 0, 5, 5), "outside Syria and Iraq"),
                                                ((40, 95, 41, 96), "degrees")])
def test_bad_bbox_is_refused(bbox, message):
    with pytest.raises(staticmap.FrameError, match=message):
        staticmap.Frame.from_bbox(*bbox)


def test_bbox_frame_covers_the_box():
    frame = staticmap.Frame.from_bbox(42.5, 35.8, 43.6, 36.8)
    box = shapely.box(frame.x0, frame.y0, frame.x1, frame.y1)
    from dashboard.core.geography import to_projected

    assert box.contains(shapely.Point(*to_projected(43.13, 36.34)))  # Mosul
    assert 90 < frame.width_km < 110
