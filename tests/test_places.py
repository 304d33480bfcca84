"""The name resolver on the shipped gazetteer (real spellings are the point), and bad gazetteer rows.

What the shipped gazetteer and geography must hold: tests/test_record.py.
"""

from __future__ import annotations

import pytest

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
