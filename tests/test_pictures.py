"""The web map as a picture: the standalone page of the synthetic world in headless Chromium, compared
with a saved reference (tests/images.py; ``FRONTLINES_UPDATE_REFERENCES=1`` rewrites it).

The page draws with the app's own Leaflet code (``mapview``), so this is also the app's map as a user
sees it.  The static map's picture is compared in tests/test_staticmap.py.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from dashboard.web.standalone import standalone_html
from tests import browser

from .conftest import SYNTHETIC_GEODATA
from .images import assert_looks_like

pytestmark = pytest.mark.browser

DATE = dt.date(2015, 6, 1)


def test_the_web_map_looks_like_the_reference(chromium, synthetic_model, tmp_path):
    """Areas in the factions' colours, the besieged outline, front lines, names, river, borders, legend
    and date stamp, on 1 June 2015 (tests/fixtures/README.md)."""
    path = tmp_path / "map.html"
    path.write_text(standalone_html(synthetic_model, dt.date(2015, 1, 1), dt.date(2015, 12, 31),
                                    geodata=SYNTHETIC_GEODATA, opening=DATE), encoding="utf-8")
    context = chromium.new_context(offline=True, viewport=browser.VIEWPORT)
    try:
        page = context.new_page()
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function(f"() => document.getElementById('fl-stamp')?.dataset.date === '{DATE}'")
        # The credits line and the scale's labels are small text whose width moves by a few pixels from
        # one Chromium build to the next; their content is checked in tests/test_standalone.py.
        page.add_style_tag(content=".leaflet-control-attribution, .leaflet-control-scale "
                                   "{visibility: hidden}")
        # The page opens on its two countries (the synthetic world's), fitted beside the legend.
        page.evaluate("() => document.fonts.ready")
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        shot = Image.open(io.BytesIO(page.locator(".folium-map").screenshot())).convert("RGB")
    finally:
        context.close()
    assert_looks_like(shot.resize((shot.width // 2, shot.height // 2), Image.Resampling.BOX),
                      "standalone-2015-06-01.png")
