"""Comparing a rendered picture with a saved reference (``tests/fixtures/reference/``) within a tolerance.

Both pictures are averaged over blocks of ``block`` x ``block`` pixels, then compared channel by
channel (0-255):

- the *mean* difference over the whole picture catches wrong colours and missing areas;
- the *worst* block catches a missing thin layer (front lines, a river, names, place dots).

A different font hinting or a matplotlib patch version moves edges and letters by a pixel, which
averaging over blocks absorbs; a missing layer or a wrong colour does not.  On a failure, the picture
and an amplified difference are written to ``artifacts/images/`` to look at.

To (re)write the references after an intended change of the pictures, run the tests that use them with
``FRONTLINES_UPDATE_REFERENCES=1``; they write the reference, then skip.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageChops

ROOT = Path(__file__).resolve().parents[1]
REFERENCES = Path(__file__).parent / "fixtures" / "reference"
ARTIFACTS = ROOT / "artifacts" / "images"
UPDATE = "FRONTLINES_UPDATE_REFERENCES"


@dataclass(frozen=True)
class Difference:
    """How far two pictures are apart, per channel (0-255), after averaging over blocks."""

    mean: float
    worst: float

    def __str__(self) -> str:
        return f"mean {self.mean:.2f}, worst block {self.worst:.1f}"


def difference(image: Image.Image, reference: Image.Image, block: int = 4) -> Difference:
    """The mean and the worst per-block, per-channel difference of two pictures of one size.

    >>> white = Image.new("RGB", (8, 8), "white")
    >>> spot = white.copy(); spot.putpixel((0, 0), (0, 0, 0))
    >>> str(difference(spot, white, block=4))
    'mean 3.98, worst block 15.9'
    """
    if image.size != reference.size:
        raise AssertionError(f"size {image.size} differs from the reference's {reference.size}")
    a, b = (np.asarray(im.convert("RGB"), dtype=float) for im in (image, reference))
    h, w = a.shape[0] // block, a.shape[1] // block

    def blocks(x: np.ndarray) -> np.ndarray:
        return x[:h * block, :w * block].reshape(h, block, w, block, 3).mean(axis=(1, 3))

    diff = np.abs(blocks(a) - blocks(b))
    return Difference(float(diff.mean()), float(diff.max()))


def assert_looks_like(image: Image.Image, name: str, *, mean: float = 0.5, worst: float = 22.0,
                      block: int = 4) -> Difference:
    """Fail unless ``image`` is within the tolerance of the reference ``name`` (a PNG file name)."""
    path = REFERENCES / name
    image = image.convert("RGB")
    if os.environ.get(UPDATE) == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        image.save(path, optimize=True)
        pytest.skip(f"{UPDATE}=1: wrote {path.relative_to(ROOT)}")
    if not path.exists():
        pytest.fail(f"no reference {path.relative_to(ROOT)}: run with {UPDATE}=1 to write it")
    reference = Image.open(path)
    found = difference(image, reference, block)
    if found.mean > mean or found.worst > worst:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        stem = name.removesuffix(".png")
        image.save(ARTIFACTS / f"{stem}.actual.png")
        ImageChops.difference(image, reference.convert("RGB")).point(lambda v: min(255, v * 4)).save(
            ARTIFACTS / f"{stem}.diff.png")
        pytest.fail(f"{name}: {found} (allowed: mean {mean}, worst block {worst}); "
                    f"see {ARTIFACTS.relative_to(ROOT)}/{stem}.actual.png and .diff.png")
    return found
