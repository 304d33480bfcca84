"""Static maps for briefings, on the synthetic world (tests/fixtures/README.md): the figure's parts,
its pixels, and the files read back.

One map goes through the command line at print resolution and is compared with a saved reference
picture (tests/images.py); the others are drawn in-process and, where pixels are read, saved at a
low resolution.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from itertools import combinations

import numpy as np
import pytest
import shapely
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from PIL import Image

from dashboard.core import palette
from dashboard.core.changes import change_totals, land_changes
from dashboard.core.events import UNCLAIMED
from dashboard.core.geography import to_projected
from dashboard.core.wording import km2
from dashboard.outputs import staticmap

from . import synthetic
from .conftest import SYNTHETIC_GEODATA
from .images import assert_looks_like

DATE = dt.date(2015, 6, 1)
SINCE = dt.date(2014, 1, 1)
#: Pixels are read from maps saved at this resolution (the files are made at staticmap.DPI).
LOW_DPI = 50


def map_axes(figure: Figure):
    return next(ax for ax in figure.axes if ax.get_gid() == staticmap.MAP_GID)


def label_texts(figure: Figure) -> list:
    return [t for t in map_axes(figure).texts if t.get_gid() == staticmap.LABEL_GID]


def table_text(figure: Figure) -> list[list[str]]:
    rows: dict[tuple[int, int], list[tuple[int, str]]] = {}
    for ax in figure.axes:
        for table in ax.tables:
            for (r, c), cell in table.get_celld().items():
                rows.setdefault((id(table), r), []).append((c, cell.get_text().get_text()))
    return [[text for _, text in sorted(cells)] for _, cells in sorted(rows.items())]


def map_region(image: Image.Image, figure: Figure) -> Image.Image:
    """The part of a saved figure that the map's axes cover."""
    x0, y0, x1, y1 = map_axes(figure).get_position().extents
    w, h = image.size
    return image.crop((round(x0 * w), round((1 - y1) * h), round(x1 * w), round((1 - y0) * h)))


@pytest.fixture(scope="module")
def theatre(synthetic_model) -> Figure:
    """The whole synthetic world on DATE (drawn once; tests only read it)."""
    return staticmap.draw_map(synthetic_model, DATE)


def test_snapshot_is_print_resolution_and_looks_like_the_reference(cli, synthetic_model, tmp_path):
    """The command's PNG: 12 x 8 in at 200 dpi; its map is the reference picture's, within a tolerance
    that a matplotlib version or font hinting stays inside but a missing layer or colour does not."""
    out = tmp_path / "map.png"
    result = cli("snapshot", "--date", DATE, "--compare", SINCE, "--out", out)
    assert result.stderr == f"wrote {out}\n"
    image = Image.open(out)
    assert image.size == (2400, 1600)
    assert image.info["dpi"] == pytest.approx((200, 200), abs=0.1)
    layout = staticmap.draw_map(synthetic_model, DATE, compare=SINCE)  # where the map sits on the page
    region = map_region(image.convert("RGB"), layout)
    assert_looks_like(region.resize((region.width // 4, region.height // 4), Image.Resampling.BOX),
                      "staticmap-2015-06-01-since-2014-01-01.png")


def rendered(figure: Figure) -> np.ndarray:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=LOW_DPI)
    return np.asarray(Image.open(buffer).convert("RGB")).astype(int)


def pixel_at(figure: Figure, pixels: np.ndarray, x_km: float, y_km: float) -> np.ndarray:
    x, y = map_axes(figure).transData.transform((x_km * 1000, y_km * 1000)) * LOW_DPI / figure.dpi
    return pixels[int(pixels.shape[0] - y), int(x)]


def area_colour(colour: str, tier: str = "held") -> np.ndarray:
    """A faction's fill as it shows over the white land of Syria and Iraq, by how sure the map is."""
    alpha = palette.TIER_OPACITY[tier]
    return np.round(255 * (np.array(to_rgb(colour)) * alpha + (1 - alpha)))


# A point of each place's land, 13-15 km from it (clear of its dot, its name, the governorate borders at
# x = 0 and ±100 km and the river), and who holds it on DATE: beyond the settled 10 km, so dominated.
SAMPLES = [((-150, 35), "isis"), ((50, -65), "isis"), ((-45, -12), "isis"),  # Northmere, Ashford, Redfield
           ((110, -65), "iraq"), ((150, 25), "iraq"), ((20, 35), "iraq"),  # Brampton, Kingsbury, Bridgeport
           ((-150, -65), "syria"), ((-45, -75), "syria"),  # Westbrook, Sandholm
           ((-20, 35), "sdf")]  # Ferrygate


def test_each_factions_colour_is_where_its_land_is(synthetic_model, theatre):
    pixels = rendered(theatre)
    colours = synthetic_model.record.colours
    for (x, y), holder in SAMPLES:
        seen = pixel_at(theatre, pixels, x, y)
        assert np.abs(seen - area_colour(colours[holder], "dominated")).max() <= 6, (x, y, holder, seen)
    # Within 10 km of a place its land is settled: held, or inferred for Sandholm (105.5 km from Westbrook).
    for (x, y), holder, tier in (((-150, 45), "isis", "held"), ((-45, -55), "syria", "inferred")):
        seen = pixel_at(theatre, pixels, x, y)
        assert np.abs(seen - area_colour(colours[holder], tier)).max() <= 6, (x, y, holder, tier, seen)
    land = np.round(255 * np.array(to_rgb(palette.LAND_COLOUR)))
    assert np.abs(pixel_at(theatre, pixels, -90, 20) - land).max() <= 6  # unclaimed: 63 km from any place
    sea = np.round(255 * np.array(to_rgb(palette.SEA_COLOUR)))
    assert np.abs(pixel_at(theatre, pixels, 0, -110) - sea).max() <= 6  # south of both countries


def test_place_names_are_placed_by_rank_and_never_overlap(synthetic_model, theatre):
    """New Kingsbury's name would run into Kingsbury's (8 km apart): it is left out; Redfield Airbase
    (local) and Sandholm (unrecorded) are not named."""
    focus = staticmap.draw_map(synthetic_model, DATE,
                               frame=staticmap.Frame.around(synthetic_model.gazetteer["kingsbury"]))
    for figure in (theatre, focus):
        texts = label_texts(figure)
        renderer = figure.canvas.get_renderer()
        boxes = [t.get_window_extent(renderer) for t in texts]
        assert not [(a, b) for a, b in combinations(boxes, 2) if a.overlaps(b)]
        inside = map_axes(figure).bbox
        assert all(inside.x0 <= b.x0 and b.x1 <= inside.x1 for b in boxes)
    assert sorted(t.get_text() for t in label_texts(theatre)) == [
        "Ashford", "Brampton", "Bridgeport", "Ferrygate", "Kingsbury", "Northmere", "Westbrook"]
    assert {t.get_text() for t in label_texts(focus)} >= {"Kingsbury", "Brampton", "Ashford"}
    assert not {t.get_text() for t in label_texts(focus)} & {"New Kingsbury", "Westbrook", "Northmere"}


def test_compare_prints_the_km2_each_faction_gained_and_lost(synthetic_model):
    """Since 2014-01-01, IS took Northmere (from the contested land), Ashford (from Iraq) and Redfield
    Airbase (from Syria); with Ashford gone, Iraq no longer dominates the desert around its towns."""
    figure = staticmap.draw_map(synthetic_model, DATE, compare=SINCE)
    rows = {row[0]: row[1:] for row in table_text(figure)}
    names = synthetic_model.record.names(short=True)
    cell = synthetic.CELL_KM2
    pocket = synthetic.IQ_POCKET_KM2
    hand = {"isis": (cell["northmere"] + cell["ashford"] + cell["redfield-airbase"], 0),
            "contested": (0, cell["northmere"]), "iraq": (0, cell["ashford"] + pocket),
            "syria": (0, cell["redfield-airbase"])}
    assert set(rows) == {names[f] for f in hand} | {""}  # and the header row
    totals = change_totals(land_changes(synthetic_model, SINCE, DATE))
    for faction, (gained, lost) in hand.items():
        balance = totals[faction]
        assert rows[names[faction]] == [km2(balance.gained_km2, "+"), km2(balance.lost_km2, "−"),
                                        km2(balance.net_km2)]
        shown = [float(re.sub(r"[^\d.]", "", text) or 0) for text in rows[names[faction]][:2]]
        assert shown == pytest.approx([gained, lost], rel=synthetic.REL, abs=0.5)
    assert totals[UNCLAIMED].gained_km2 == pytest.approx(pocket, rel=synthetic.REL)  # not a table row
    texts = " ".join(t.get_text() for t in figure.texts)
    assert "1 June 2015" in texts and "1 January 2014" in texts


def test_the_change_table_counts_the_frame_only(synthetic_model):
    """Around Northmere only its own change is in the frame: IS gained part of its land from the
    contested holders; Ashford's and Redfield Airbase's changes (elsewhere) are left out."""
    frame = staticmap.Frame.around(synthetic_model.gazetteer["northmere"], radius_km=30)
    figure = staticmap.draw_map(synthetic_model, DATE, compare=SINCE, frame=frame)
    rows = {row[0]: row[1:] for row in table_text(figure)}
    names = synthetic_model.record.names(short=True)
    assert set(rows) == {names["isis"], names["contested"], ""}
    gained = float(re.sub(r"[^\d.]", "", rows[names["isis"]][0]))
    assert 0 < gained <= 60 * 60  # no more than the frame holds


def test_a_faction_filter_draws_only_those_factions(synthetic_model):
    figure = staticmap.draw_map(synthetic_model, DATE, factions=["iraq"])
    legend = {t.get_text() for t in figure.legends[0].get_texts()}
    factions = synthetic_model.record.factions
    assert factions["iraq"].name in legend
    assert not {factions[f].name for f in ("isis", "syria", "sdf")} & legend
    pixels = rendered(figure)
    land = np.round(255 * np.array(to_rgb(palette.LAND_COLOUR)))
    colours = synthetic_model.record.colours
    for (x, y), holder in SAMPLES:
        seen = pixel_at(figure, pixels, x, y)
        expected = area_colour(colours[holder], "dominated") if holder == "iraq" else land
        assert np.abs(seen - expected).max() <= 6, (x, y, holder, seen)


def test_a_long_table_shrinks_above_the_credits_and_the_north_arrow_is_off_the_map(synthetic_model):
    rows = tuple((f"row {i}", "1", "2", "3") for i in range(60))
    table = staticmap.Table("Long", ("", "a", "b", "c"), rows)
    figure = staticmap.draw_map(synthetic_model, DATE, tables=[table])
    renderer = figure.canvas.get_renderer()
    credits = next(t for t in figure.texts if "Borders" in t.get_text()).get_window_extent(renderer)
    cells = [c.get_window_extent(renderer) for ax in figure.axes for table in ax.tables
             for c in table.get_celld().values()]
    assert len(cells) == 61 * 4 and min(c.y0 for c in cells) >= credits.y1
    arrow = [t for ax in figure.axes for t in ax.texts if t.get_text() == "N"]
    assert len(arrow) == 1 and arrow[0].axes is not map_axes(figure)


def test_the_scale_bar_is_as_long_as_it_says(theatre):
    ax = map_axes(theatre)
    bar = [p for p in ax.patches if p.get_zorder() == 21]
    label = next(t.get_text() for t in ax.texts if t.get_text().endswith(" km"))
    assert label == "50 km"  # a round length near a fifth of the ~440 km wide map
    assert sum(p.get_width() for p in bar) == pytest.approx(50_000)


def test_legend_lists_the_factions_in_the_frame_only(synthetic_model):
    """A frame around Kingsbury (x 100..200 km, y 0..80 km) holds Iraqi land only."""
    figure = staticmap.draw_map(synthetic_model, DATE, frame=staticmap.Frame(100_000, 0, 200_000, 80_000))
    legend = {t.get_text() for t in figure.legends[0].get_texts()}
    factions = synthetic_model.record.factions
    assert factions["iraq"].name in legend
    assert not {factions[f].name for f in ("isis", "syria", "sdf", "opposition")} & legend
    assert {"front line", "river", "besieged (outline)"} <= legend
    assert "changed hands (new holder)" not in legend  # no comparison date


def test_pdf_and_svg_are_written_whole(theatre, tmp_path):
    assert staticmap.save_figure(theatre, tmp_path / "m.pdf").read_bytes().startswith(b"%PDF")
    root = ET.parse(staticmap.save_figure(theatre, tmp_path / "m.svg")).getroot()
    assert root.tag.endswith("svg")


def test_unknown_extension_writes_nothing(theatre, tmp_path):
    with pytest.raises(ValueError, match="unknown extension"):
        staticmap.save_figure(theatre, tmp_path / "m.gif")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("bbox", "message"), [((40, 30, 38, 35), "west < east"),
                                                ((0, 0, 5, 5), "outside Syria and Iraq"),
                                                ((46, 30, 48, 32), "outside Syria and Iraq"),
                                                ((40, 95, 41, 96), "degrees")])
def test_bad_bbox_is_refused(bbox, message):
    with pytest.raises(staticmap.FrameError, match=message):
        staticmap.Frame.from_bbox(*bbox, geodata=SYNTHETIC_GEODATA)


def test_bbox_frame_covers_the_box():
    """A degree of longitude at 34°N is 92 km; the box 42..43°E, 34..34.5°N holds Ashford-ish land."""
    frame = staticmap.Frame.from_bbox(42.0, 34.0, 43.0, 34.5, geodata=SYNTHETIC_GEODATA)
    box = shapely.box(frame.x0, frame.y0, frame.x1, frame.y1)
    assert box.contains(shapely.Point(*to_projected(42.5, 34.25)))
    assert 90 < frame.width_km < 95


def test_a_long_faction_name_keeps_clear_of_its_numbers_in_the_change_table(synthetic_model):
    """"Syrian government and allies" ran into "+21,143" when the number columns took 0.19 each."""
    rows = (("Syrian government and allies", "+21,143", "−1,349", "+19,794"),)
    figure = staticmap.draw_map(synthetic_model, DATE, tables=[staticmap.Table("Changes", ("", "a", "b", "c"),
                                                                               rows)])
    figure.canvas.draw()  # a table places its cells' text when drawn
    renderer = figure.canvas.get_renderer()
    (table,) = [t for ax in figure.axes for t in ax.tables]
    texts = {col: table[1, col].get_text().get_window_extent(renderer) for col in range(4)}
    for left, right in ((0, 1), (1, 2), (2, 3)):
        assert texts[left].x1 < texts[right].x0, (left, right)
