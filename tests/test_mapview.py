"""The Folium adapter: what goes into the page, escaped, and filtered."""

from __future__ import annotations

import datetime as dt
import json

from dashboard.core import features
from dashboard.web import mapview
from dashboard.web.elements import ControlLayers

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
    for text in ("2016-08-12", "Manbij", "capture", "SDF took the town.", "isis &rarr; sdf", "Reuters"):
        assert text in popup
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


def test_the_date_layer_carries_the_stamp_and_escaped_tooltips():
    props = {"kind": "place", "id": "x", "name": HOSTILE, "faction": "isis", "recorded": True}
    feature = {"type": "Feature", "properties": props,
               "geometry": {"type": "Point", "coordinates": [38.0, 36.5]}}
    layer = mapview.date_layer([feature], {"isis": "#262626"}, dt.date(2016, 8, 12),
                               compare=dt.date(2016, 1, 1))
    (parts,) = [child for child in layer._children.values() if isinstance(child, ControlLayers)]
    (places,) = [part for part in parts.parts if part["name"] == "places"]
    # Leaflet inserts tooltip text as HTML: the shown text must arrive escaped.
    shown = '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;: isis'
    assert places["features"][0]["properties"]["tip"] == shown
    assert set(places["features"][0]["properties"]) == {"kind", "id", "faction", "s", "tip"}
    assert feature["properties"].get("tip") is None  # the cached input is not modified
    fmap = mapview.base_map(labels=[])
    layer.add_to(fmap)
    page = fmap.get_root().render()
    assert '"12 August 2016"' in page and '"2016-08-12"' in page
    assert "changes since 1 January 2016 highlighted" in page
    assert "<img" not in page


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


TEMPLATE = "{{ range(3) | list }} {% if true %}kept{% endif %} {# note #}"


def test_template_syntax_in_the_data_stays_text_on_the_page_and_in_the_app_component():
    """Event text is free text: Jinja syntax in it must reach the page as written, never be run."""
    from streamlit_folium import _get_feature_group_string

    event = {"type": "Feature", "properties": event_props(summary=TEMPLATE, place_name=TEMPLATE),
             "geometry": {"type": "Point", "coordinates": [37.95, 36.53]}}
    page_map, app_map = mapview.base_map(labels=[]), mapview.base_map(labels=[])
    mapview.date_layer([event], {}, dt.date(2016, 8, 12)).add_to(page_map)
    # The same call streamlit-folium makes for feature_group_to_add (it renders the group first).
    component = _get_feature_group_string(mapview.date_layer([event], {}, dt.date(2016, 8, 12)), app_map)
    for text in (page_map.get_root().render(), component):
        assert text.count(TEMPLATE) >= 2  # in the popup and the tooltip
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
    shown = features.state_features(synthetic_model, date)
    assert "sandholm" not in {f["properties"].get("id") for f in shown}
    layer = mapview.date_layer(shown, synthetic_model.record.colours, date, highlight=village)
    (parts,) = [child for child in layer._children.values() if isinstance(child, ControlLayers)]
    (ring,) = [part for part in parts.parts if part["name"] == "highlight"]
    assert ring["features"][0]["geometry"] == village["geometry"]
