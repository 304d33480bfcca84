"""The gazetteer, the name resolver and the static geography, on the real files."""

from __future__ import annotations

import pytest
import shapely

from dashboard.core import geography
from dashboard.core.places import UnknownPlace, read_places

# Spellings that must resolve to one place: transliterations, case, diacritics, the article, Arabic.
ALIASES = [
    ("Deir ez-Zor", "deir-ez-zor"), ("Deir al-Zour", "deir-ez-zor"), ("Dayr az Zawr", "deir-ez-zor"),
    ("DEIR EZZOR", "deir-ez-zor"), ("دير الزور", "deir-ez-zor"),
    ("Raqqa", "raqqa"), ("Al-Raqqah", "raqqa"), ("Ar Raqqah", "raqqa"), ("ar-raqqa", "raqqa"),
    ("الرقة", "raqqa"),
    ("Mosul", "mosul"), ("Al-Mawsil", "mosul"), ("East Mosul", "mosul-east"),
    ("Fallujah", "fallujah"), ("Falluja", "fallujah"), ("Al Fallūjah", "fallujah"),
    ("Kobani", "kobani"), ("Ayn al-Arab", "kobani"), ("Ain al-Arab", "kobani"),
    ("Hit", "hit"), ("Heet", "hit"),
    ("Palmyra", "palmyra"), ("Tadmur", "palmyra"),
    ("Abu Kamal", "abu-kamal"), ("Al-Bukamal", "abu-kamal"), ("Albu Kamal", "abu-kamal"),
    ("Tal Afar", "tal-afar"), ("Tall Afar", "tal-afar"),
    ("Tabqa", "tabqa"), ("Manbij", "manbij"), ("Al-Bab", "al-bab"), ("Baghuz", "baghuz"),
]


@pytest.mark.parametrize(("name", "place_id"), ALIASES, ids=[a for a, _ in ALIASES])
def test_any_spelling_resolves_to_one_place(gazetteer, name, place_id):
    assert gazetteer.resolve(name).id == place_id


def test_misspelling_with_the_same_consonants_still_resolves(gazetteer):
    assert gazetteer.resolve("Falujjahh").id == "fallujah"


def test_unknown_name_gets_suggestions(gazetteer):
    with pytest.raises(UnknownPlace) as err:
        gazetteer.resolve("Raqqa Dam")
    assert "raqqa" in err.value.suggestions
    assert "did you mean" in str(err.value)


def test_gazetteer_covers_both_countries(gazetteer):
    countries = [p.country for p in gazetteer]
    assert len(gazetteer) >= 300
    assert countries.count("SY") >= 100 and countries.count("IQ") >= 100
    assert all(p.governorate for p in gazetteer)


def test_every_recorded_place_is_in_the_gazetteer(model):
    assert set(model.history.places) <= set(model.gazetteer.places)


def test_bad_gazetteer_rows_are_reported_with_line_and_field(tmp_path):
    bad = tmp_path / "places.csv"
    bad.write_text("id,name,name_ar,aliases,lat,lon,country,governorate,population,source\n"
                   "x,X,,,33.0,43.0,IQ,Anbar,0,t\n"
                   "y,Y,,,3.0,43.0,IQ,Anbar,0,t\n"
                   "x,Z,,,33.0,43.0,FR,Anbar,many,t\n", encoding="utf-8")
    from dashboard.core.problems import DataError

    with pytest.raises(DataError) as err:
        read_places(bad)
    text = str(err.value)
    assert f"{bad}:3: lat: 3.0 is outside the map" in text
    assert f"{bad}:4: country: unknown country 'FR'" in text
    assert f"{bad}:4: population: not a whole number" in text


def test_outlines_have_their_true_areas():
    # OCHA COD-AB's outlines, the overlap between them split down the middle (geodata/README.md).
    areas = {iso: geom.area / 1e6 for iso, geom in geography.outlines().items()}
    assert areas["SY"] == pytest.approx(188_050, rel=0.01)
    assert areas["IQ"] == pytest.approx(436_200, rel=0.01)
    assert geography.outlines()["SY"].intersection(geography.outlines()["IQ"]).area < 1e6


def test_governorates_and_rivers():
    govs = geography.governorates()
    assert sum(g.properties["country"] == "IQ" for g in govs) == 18
    assert sum(g.properties["country"] == "SY" for g in govs) >= 14
    assert all(g.geometry.is_valid for g in govs)
    names = {r.properties["name"] for r in geography.rivers()}
    assert {"Euphrates", "Tigris", "Khabur"} <= names
    # The Euphrates runs past Raqqa, the Tigris through Baghdad.
    euphrates = next(r.geometry for r in geography.rivers() if r.properties["name"] == "Euphrates")
    tigris = next(r.geometry for r in geography.rivers() if r.properties["name"] == "Tigris")
    assert euphrates.distance(shapely.Point(39.01, 35.95)) < 0.05
    assert tigris.distance(shapely.Point(44.38, 33.33)) < 0.05
