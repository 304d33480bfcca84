"""The Folium adapter: what goes into the page, escaped, and filtered."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dashboard.core import features, palette, paths
from dashboard.core.model import ControlModel
from dashboard.web import mapview
from dashboard.web.elements import ControlLayers, EngineCommand
from tests.conftest import DATA

HOSTILE = '<img src=x onerror="alert(1)">'


def event_props(**extra):
    props = {"kind": "event", "id": "e1", "date": "2016-08-12", "date_precision": "day", "approximate": False,
             "place": "manbij", "place_name": "Manbij", "type": "capture", "summary": "SDF took the town.",
             "sources": [{"title": "Manbij falls", "publisher": "Reuters", "date": "2016-08-12",
                          "url": "https://example.org/a?b=1&c=2"}], "from": "isis", "to": "sdf"}
    props.update(extra)
    return props


def test_popup_has_date_place_type_summary_and_linked_sources():
    popup = mapview.event_popup_html(event_props())
    for text in ("2016-08-12", "Manbij", "capture", "SDF took the town.", "isis → sdf", "Reuters"):
        assert text in popup
    named = mapview.event_popup_html(event_props(), names={"isis": "Islamic State", "sdf": "SDF"})
    assert "Islamic State → SDF" in named
    assert '<a href="https://example.org/a?b=1&amp;c=2" target="_blank"' in popup


def test_popup_escapes_every_piece_of_text_from_the_data():
    popup = mapview.event_popup_html(event_props(
        summary=HOSTILE, place_name=HOSTILE,
        sources=[{"title": HOSTILE, "publisher": HOSTILE, "date": None, "url": 'javascript:alert(1)'}]))
    assert "<img" not in popup
    assert popup.count("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;") == 4
    assert "javascript:" not in popup  # not a link: only http(s) URLs become links


def test_month_precision_and_approximate_dates_are_shown_as_such():
    popup = mapview.event_popup_html(event_props(date="2016-08-01", date_precision="month", approximate=True))
    assert "<b>c. August 2016</b>" in popup  # never "1 August" or "2016-08-01": the day is not known
    exact = mapview.event_popup_html(event_props(date="2016-08-12"))
    assert "<b>2016-08-12</b>" in exact


@pytest.fixture(scope="module")
def hostile_model(tmp_path_factory) -> ControlModel:
    """The small test record with markup in a faction's name and an event's summary."""
    path = tmp_path_factory.mktemp("hostile") / "events.yaml"
    text = (DATA / "events_small.yaml").read_text(encoding="utf-8")
    text = text.replace("name: Islamic State,", f"name: '{HOSTILE}',", 1)
    path.write_text(text.replace("summary: IS fighters took the city.", f"summary: '{HOSTILE}'", 1),
                    encoding="utf-8")
    return ControlModel.load(path, paths.GEODATA)


def test_the_engine_record_escapes_every_name_and_popup(hostile_model):
    data = mapview.engine_data(hostile_model)
    # Leaflet inserts tooltip and popup text as HTML: everything from the data arrives escaped.
    names = [p["tip"] for p in data["places"]] + list(data["look"]["names"].values())
    texts = names + [e["tip"] for e in data["events"]] + [e["popup"] for e in data["events"]]
    shown = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    assert data["look"]["names"]["isis"] == shown and any(shown in e["popup"] for e in data["events"])
    assert not any("<img" in t for t in texts)


def test_the_view_layer_carries_only_the_command_and_a_ring():
    command = EngineCommand(layers=["areas"], window=30, factions=["isis"], compare="2016-01-01",
                            goto="2016-08-12", nonce=3)
    page = mapview.base_map(labels=[])
    mapview.engine_layer(command).add_to(page)
    text = page.get_root().render()
    assert '"goto": "2016-08-12"' in text and '"nonce": 3' in text and '"compare": "2016-01-01"' in text
    assert "frontlinesEngine.command(command)" in text


def test_select_keeps_what_concerns_the_shown_factions_and_types(model):
    every = features.date_features(model, dt.date(2016, 8, 20), 30)
    shown = features.select(every, factions={"sdf"}, types={"capture"})
    kinds = {(f["properties"]["kind"], f["properties"].get("faction")) for f in shown}
    assert ("area", "sdf") in kinds and ("area", "isis") not in kinds
    assert all("sdf" in f["properties"]["sides"] for f in shown if f["properties"]["kind"] == "front_line")
    events = [f["properties"] for f in shown if f["properties"]["kind"] == "event"]
    assert events and all(e["type"] == "capture" and "sdf" in (e["from"], e["to"]) for e in events)
    assert features.select(every) == every


def test_base_geography_is_published_as_static_files_named_by_content(tmp_path):
    urls = mapview.publish_geography(directory=tmp_path)
    assert set(urls) == {"countries", "governorates", "rivers", "lakes"}
    inline = mapview.base_geography()
    for name, url in urls.items():
        assert url.startswith(mapview.GENERATED_URL + "/")
        path = tmp_path / url.rsplit("/", 1)[1]
        written = json.loads(path.read_text(encoding="utf-8"))
        assert written == json.loads(json.dumps(inline[name]))
    assert mapview.publish_geography(directory=tmp_path) == urls  # same content, same names
    assert not list(tmp_path.glob("*.tmp"))
    # A file left empty (a crash, a full disk) is written again, not served because of its name.
    emptied = tmp_path / urls["rivers"].rsplit("/", 1)[1]
    emptied.write_bytes(b"")
    assert mapview.publish_geography(directory=tmp_path) == urls
    assert json.loads(emptied.read_text(encoding="utf-8")) == json.loads(json.dumps(inline["rivers"]))


def test_an_unwritable_static_folder_means_an_inline_map_not_a_crash(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert mapview.publish_geography(directory=blocker / "generated") is None


def test_the_base_map_fetches_published_layers_or_carries_them_inline():
    urls = {"countries": "/app/static/generated/c.json", "governorates": "/app/static/generated/g.json",
            "rivers": "/app/static/generated/r.json"}
    fetched = mapview.base_map(labels=[], geography_urls=urls).get_root().render()
    inline = mapview.base_map(labels=[]).get_root().render()
    assert all(url in fetched for url in urls.values())
    assert len(fetched) < len(inline) / 5  # the point: the page no longer carries the geography
    assert '"FeatureCollection"' in inline and '"FeatureCollection"' not in fetched


def test_the_engine_preloads_its_record_from_the_pages_head_when_it_fetches_it(synthetic_model):
    """The record's fetch starts as the map's head is read, beside the geography's, not after the map's
    script has run (80 ms earlier in Chromium); an inline record is not fetched at all."""
    from dashboard.web.elements import TimeEngine

    url = "/app/static/generated/record-0123456789abcdef.json"
    fetched = mapview.base_map(labels=[])
    TimeEngine(url, "2016-07-15", settle="streamlit").add_to(fetched)
    page = fetched.get_root().render()
    link = f'<link rel="preload" href="{url}" as="fetch" crossorigin="anonymous">'
    assert link in page and page.index(link) < page.index("<body>")
    inline = mapview.base_map(labels=[])
    TimeEngine(mapview.engine_data(synthetic_model), "2016-07-15").add_to(inline)
    assert 'rel="preload"' not in inline.get_root().render()


TEMPLATE = "{{ range(3) | list }} {% if true %}kept{% endif %} {# note #}"


def test_template_syntax_in_the_data_stays_text_on_the_page_and_in_the_app_component(synthetic_model):
    """Place names are free text: Jinja syntax in them must reach the page as written, never be run."""
    from streamlit_folium import _get_feature_group_string

    village = features.place_feature(synthetic_model, "sandholm", dt.date(2016, 8, 12))
    village["properties"]["name"] = TEMPLATE
    page_map, app_map = mapview.base_map(labels=[]), mapview.base_map(labels=[])
    command = EngineCommand(layers=["areas"], window=30)
    mapview.engine_layer(command, village).add_to(page_map)
    # The same call streamlit-folium makes for feature_group_to_add (it renders the group first).
    component = _get_feature_group_string(mapview.engine_layer(command, village), app_map)
    for text in (page_map.get_root().render(), component):
        assert TEMPLATE in text
        assert "[0, 1, 2]" not in text


def test_the_legend_has_a_row_for_changed_land_only_where_the_map_can_show_it():
    factions = {"isis": ("Islamic State", "#262626")}
    assert "changed hands since comparison date" in mapview.legend_html(factions)
    assert "changed hands" not in mapview.legend_html(factions, comparison=False)
    assert "Islamic State" in mapview.legend_html(factions, comparison=False)


def test_a_searched_village_is_ringed_though_the_map_draws_only_recorded_places(synthetic_model):
    date = dt.date(2016, 7, 15)
    village = features.place_feature(synthetic_model, "sandholm", date)
    assert (village["properties"]["recorded"], village["properties"]["faction"]) == (False, "syria")
    assert "sandholm" not in {p["id"] for p in mapview.engine_data(synthetic_model)["places"]}
    layer = mapview.engine_layer(EngineCommand(layers=["places"], window=30), village)
    (parts,) = [child for child in layer._children.values() if isinstance(child, ControlLayers)]
    (ring,) = [part for part in parts.parts if part["name"] == "highlight"]
    assert ring["features"][0]["geometry"] == village["geometry"]


def test_country_names_for_syria_iraq_and_their_larger_neighbours():
    from dashboard.core import geography
    from dashboard.web.elements import CountryNames

    names = {name: focus for name, _, _, focus in CountryNames(geography.countries()).names}
    assert names["Syria"] and names["Iraq"] and not names["Turkey"]
    assert {"Jordan", "Saudi Arabia", "Iran"} <= set(names)
    assert not {"Lebanon", "Israel", "Palestine", "Kuwait"} & set(names)  # too small to name at this scale
    page = mapview.base_map(labels=[]).get_root().render()
    assert '"Syria"' in page and "fl-country" in page


def _lab(colour: str) -> tuple[float, float, float]:
    """CIELAB (D65) of an sRGB hex colour, for perceived colour differences."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(int(colour[i:i + 2], 16) / 255) for i in (1, 3, 5))
    xyz = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.9505, 0.2126 * r + 0.7152 * g + 0.0722 * b, \
        (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.089
    f = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in xyz]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def colour_difference(a: str, b: str) -> float:
    """CIE76 delta E: about 2 is just noticeable, 25 and more reads as another colour.

    >>> round(colour_difference("#000000", "#ffffff"))
    100
    """
    return sum((x - y) ** 2 for x, y in zip(_lab(a), _lab(b), strict=True)) ** 0.5


def test_front_lines_and_the_siege_outline_are_told_apart_from_what_they_sit_beside(real_model):
    colours = real_model.record.colours
    # Front lines are not the Syrian government's red (as they were: a red line read as its land) ...
    assert colour_difference(palette.FRONT_COLOUR, colours["syria"]) >= 25
    # ... and stand out on every faction's land as drawn (its most opaque tier).
    for faction, colour in colours.items():
        seen = (int(colour[i:i + 2], 16) * palette.AREA_OPACITY + 255 * (1 - palette.AREA_OPACITY)
                for i in (1, 3, 5))  # over white land, through the areas' translucent layer
        drawn = "#" + "".join(f"{round(c):02x}" for c in seen)
        assert colour_difference(palette.FRONT_COLOUR, drawn) >= 25, (faction, drawn)
    # A besieged enclave's outline is not a capture's ring, nor a front line.
    assert colour_difference(palette.BESIEGED_COLOUR, palette.EVENT_COLOURS["capture"]) >= 25
    assert colour_difference(palette.BESIEGED_COLOUR, palette.FRONT_COLOUR) >= 25
