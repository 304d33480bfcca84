"""Timelapse films on the synthetic world (tests/fixtures/README.md): which frames, which pictures are
drawn and reused, what each frame shows, the MP4 and GIF read back, and the command line.

The range used throughout, 1 June to 20 July 2016 a week apart, holds one change of state between two
frames: on 26 June the Iraqi government retakes Ashford (and with it the desert pocket), on 28 June IS
takes Ferrygate; both fall between the frames of 22 and 29 June.
"""

from __future__ import annotations

import datetime as dt

import imageio.v2 as imageio
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from dashboard.outputs import staticmap, timelapse
from dashboard.outputs.timelapse import TimelapseError, TimelapseFrames, frame_dates, timelapse_bytes

from .images import difference

D = dt.date.fromisoformat
START, END = D("2016-06-01"), D("2016-07-20")
#: Frames 0-3 (1-22 June) show one state, frame 4 (29 June) the next with the land that changed
#: highlighted, frames 5-7 (6-20 July) that state again without it.
CHANGED = 4
SMALL = (320, 180)


@pytest.fixture(scope="module")
def frames(synthetic_model) -> TimelapseFrames:
    return TimelapseFrames(synthetic_model, frame_dates(synthetic_model, START, END, "1W"), size_px=SMALL)


@pytest.fixture(scope="module")
def images(frames) -> list[np.ndarray]:
    return frames.images()


def outside(image: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """The image with the box blanked out."""
    left, top, right, bottom = box
    out = image.astype(int).copy()
    out[top:bottom, left:right] = 0
    return out


def inside(image: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    left, top, right, bottom = box
    return image[top:bottom, left:right].astype(int)


# --- which frames ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("start", "end", "every", "count", "last"), [
    ("2016-06-01", "2016-07-20", "1W", 8, "2016-07-20"),  # 7 weeks: the end falls on a step
    ("2016-06-01", "2016-07-21", "week", 9, "2016-07-21"),  # one day more: the end is a frame of its own
    ("2016-01-31", "2016-04-30", "1M", 4, "2016-04-30"),  # month ends stay month ends
    ("2014-01-01", "2019-03-31", "1D", 1916, "2019-03-31"),  # the whole record, daily
])
def test_frames_run_from_start_to_end_inclusive(synthetic_model, start, end, every, count, last):
    dates = frame_dates(synthetic_model, D(start), D(end), every)
    assert len(dates) == count
    assert dates[0] == D(start) and dates[-1] == D(last)
    assert dates == sorted(set(dates))


@pytest.mark.parametrize(("start", "end", "every", "words"), [
    ("2016-06-01", "2016-07-20", "0W", "unknown step"),
    ("2016-06-01", "2016-07-20", "fortnight", "unknown step"),
    ("2016-06-01", "2016-07-20", "2M", "longer than"),
    ("2016-06-01", "2016-07-20", "1000000000D", "longer than"),  # no date arithmetic overflows
    ("2016-06-01", "2016-06-01", "1D", "not after"),
    ("2016-07-20", "2016-06-01", "1W", "not after"),
    ("2013-12-31", "2016-06-01", "1W", "outside the record"),
])
def test_bad_ranges_and_steps_are_refused(synthetic_model, start, end, every, words):
    with pytest.raises(TimelapseError, match=words):
        frame_dates(synthetic_model, D(start), D(end), every)


# --- pictures drawn once, reused ------------------------------------------------------------------

def test_each_pair_of_states_is_drawn_once(synthetic_model, frames, images):
    assert len(images) == 8
    assert frames.renders == 3  # 1-22 June; 29 June after the change; 6-20 July
    assert [frames.key(i) for i in range(8)].count(frames.key(0)) == CHANGED
    again = TimelapseFrames(synthetic_model, frames.dates[:3], size_px=SMALL)
    again.image(0)
    assert again.renders == 1
    again.image(1), again.image(2)  # steps without a change draw nothing new
    assert again.renders == 1


def test_frames_of_one_state_differ_only_in_their_date_stamp(frames, images):
    box = frames.stamp_box
    for i in range(1, 8):
        assert not np.array_equal(inside(images[i], box), inside(images[i - 1], box)), i
        same_picture = frames.key(i) == frames.key(i - 1)
        assert np.array_equal(outside(images[i], box), outside(images[i - 1], box)) == same_picture, i


def test_land_that_changed_hands_is_highlighted_on_the_frame_after_the_change_only(frames, images):
    """Ashford's land (dominated: 15 km south of the town) passed from IS to the Iraqi government."""
    col, row = frames.to_pixel(50_000, -65_000)
    seen = [images[i][row, col].astype(int) for i in range(8)]
    assert all(np.array_equal(seen[i], seen[0]) for i in range(CHANGED))
    assert all(np.array_equal(seen[i], seen[CHANGED + 1]) for i in range(CHANGED + 1, 8))
    iraq = np.array([0xd8, 0x1b, 0x60])
    # Highlighted: the new holder's colour at 0.8 over the area; then the dominated tier's 0.2 only.
    assert np.abs(seen[CHANGED] - iraq).sum() < np.abs(seen[CHANGED + 1] - iraq).sum() - 150
    assert np.abs(seen[CHANGED] - seen[CHANGED - 1]).max() > 60


def test_a_frame_is_the_snapshot_map_of_its_date(synthetic_model, frames, images):
    """The map of a frame is draw_map's, comparing with the frame before (the legend and header differ)."""
    width, height = SMALL
    dpi = 100 * width / timelapse.SIZE_PX[0]
    date, before = frames.dates[CHANGED], frames.dates[CHANGED - 1]
    size_in = (width / dpi, height / dpi)
    figure: Figure = staticmap.draw_map(synthetic_model, date, compare=before, size_in=size_in)
    figure.set_dpi(dpi)
    figure.canvas.draw()
    snapshot = np.asarray(figure.canvas.buffer_rgba())[..., :3]
    ax = next(a for a in figure.axes if a.get_gid() == staticmap.MAP_GID)
    x0, y0, x1, y1 = ax.get_window_extent().extents
    box = (round(x0) + 2, round(height - y1) + 2, round(x1) - 2, round(height - y0) - 2)
    crop = [Image.fromarray(np.ascontiguousarray(inside(a, box).astype(np.uint8))) for a in
            (images[CHANGED], snapshot)]
    found = difference(*crop)
    assert found.mean < 0.5 and found.worst < 22, found


def test_every_frame_carries_the_legend_scale_and_sources(frames):
    texts = texts_of(frames)
    assert any("Borders: OCHA" in t for t in texts)
    assert any(t.endswith(" km") for t in texts)  # the scale bar
    assert "changed hands (new holder)" in texts
    assert synthetic_factions_in(texts) >= {"Islamic State", "Iraqi government (incl. PMF)"}


def texts_of(frames: TimelapseFrames) -> list[str]:
    return [t.get_text() for t in frames.figure.findobj(Text)]


def synthetic_factions_in(texts: list[str]) -> set[str]:
    return {t for t in texts if t in {"Islamic State", "Iraqi government (incl. PMF)", "SDF",
                                      "Syrian government and allies", "Syrian opposition"}}


def test_a_faction_filter_leaves_out_the_others_land(synthetic_model, images):
    only_syria = TimelapseFrames(synthetic_model, frame_dates(synthetic_model, START, END, "1W"),
                                 size_px=SMALL, factions={"syria"})
    shown = only_syria.image(CHANGED)
    col, row = only_syria.to_pixel(50_000, -65_000)  # Ashford's land: Iraqi, not shown
    assert not np.array_equal(shown[row, col], images[CHANGED][row, col])
    texts = texts_of(only_syria)
    assert synthetic_factions_in(texts) == {"Syrian government and allies"}


# --- films ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["mp4", "gif"])
def test_films_read_back_frame_by_frame(synthetic_model, frames, kind, tmp_path):
    film = tmp_path / f"film.{kind}"
    film.write_bytes(timelapse_bytes(synthetic_model, START, END, "1W", kind=kind, size_px=SMALL))
    decoded = [np.asarray(f)[..., :3] for f in imageio.mimread(film, memtest=False)]
    assert len(decoded) == 8
    assert all(f.shape == (SMALL[1], SMALL[0], 3) for f in decoded)
    box = frames.stamp_box

    def apart(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.abs(outside(a, box) - outside(b, box)).mean())

    # Across the change the map differs; between two frames of one state only the stamp does (within
    # what the encoder's compression moves).
    assert apart(decoded[CHANGED - 1], decoded[CHANGED]) > 2.0
    assert apart(decoded[CHANGED + 1], decoded[CHANGED + 2]) < 0.3
    assert np.abs(inside(decoded[CHANGED + 1], box) - inside(decoded[CHANGED + 2], box)).mean() > 1.0


def test_unknown_kind_is_refused(synthetic_model):
    with pytest.raises(ValueError, match="unknown format"):
        timelapse_bytes(synthetic_model, START, END, "1W", kind="avi")


# --- command line ---------------------------------------------------------------------------------

def test_timelapse_command_writes_a_film_of_the_range(cli, tmp_path):
    out = tmp_path / "war.mp4"
    result = cli("timelapse", "--from", "2016-06-01", "--to", "2016-06-29", "--every", "1W",
                 "--focus", "Ashford", "--out", out)
    assert result.stderr == f"wrote {out} (5 frames)\n"
    reader = imageio.get_reader(out, format="FFMPEG")
    assert reader.count_frames() == 5
    assert reader.get_data(0).shape == (720, 1280, 3)
    assert [p.name for p in tmp_path.iterdir()] == ["war.mp4"]


def test_timelapse_command_writes_a_gif_in_a_bbox(cli, tmp_path):
    out = tmp_path / "war.gif"
    cli("timelapse", "--from", "2016-06-20", "--to", "2016-07-01", "--every", "1W", "--bbox", "42,33,44,35",
        "--out", out)
    with Image.open(out) as gif:
        assert (gif.n_frames, gif.size) == (3, (1280, 720))


@pytest.mark.parametrize(("args", "words"), [
    (("--focus", "Atlantis"), "unknown place"),
    (("--bbox", "0,0,5,5"), "outside Syria and Iraq"),
    (("--bbox", "1,2"), "not a bbox"),
    (("--from", "2016-07-01", "--to", "2016-06-01"), "is not after --from"),
    (("--from", "2012-01-01"), "outside the record"),
    (("--every", "0D"), "unknown step"),
    (("--every", "99999999999Y"), "longer than"),
    (("--every", "fortnight"), "unknown step"),
])
def test_bad_timelapse_input_is_one_line_exit_2_and_writes_nothing(cli, tmp_path, args, words):
    result = cli("timelapse", *args, "--out", tmp_path / "war.mp4", check=False)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("error: ") and words in result.stderr, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_unknown_film_extension_is_refused_before_any_work(cli, tmp_path):
    result = cli("timelapse", "--out", tmp_path / "war.avi", check=False)
    assert result.returncode == 2 and "unknown extension '.avi' (use .mp4, .gif)" in result.stderr
    assert list(tmp_path.iterdir()) == []
