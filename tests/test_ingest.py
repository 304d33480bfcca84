"""Article ingest: places, dates, candidate events and the candidates file, on texts written here."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml

from dashboard.core import paths
from dashboard.core.events import EVENT_TYPES, parse_events
from dashboard.core.validation import load_record
from dashboard.core.yamlfile import load_yaml_text
from dashboard.ingest.candidate_file import candidates_document
from dashboard.ingest.candidates import Scope, propose_events
from dashboard.ingest.dates import DateMention, find_published, resolve_dates
from dashboard.ingest.merge import INGEST_KEYS
from dashboard.ingest.places import Mention, find_places

THURSDAY = dt.date(2016, 6, 2)
SOURCE = {"title": "Iraqi troops close in", "publisher": "Example News", "date": THURSDAY,
          "url": "https://example.org/a"}

ARTICLE = """Thursday, June 2, 2016

Iraqi troops close in on Fallujah

Iraqi forces recaptured the town of Hit from Islamic State on Wednesday, officers said. A suicide car bomb \
killed 20 people in Baghdad yesterday.

Earlier this month, Rutba fell to Islamic State fighters after Iraqi troops withdrew. Peshmerga forces are \
advancing on Tal Afar.

On May 29, Iraqi forces reached the outskirts of Fallujah. They stormed Saqlawiyah. Iraqi troops launched an \
operation to retake Fallujah on May 23.

In Syria, the Syrian army broke the siege of Deir ez-Zor on Tuesday, while Syrian government forces besieged \
Tabqa. Dozens of buses evacuated fighters and their families from Darayya on May 26. The SDF have retaken \
60% of Manbij. If Mosul is recaptured, the group is finished. Iraqi forces have not entered Mosul.

The recapture of Hit on Wednesday was swift.
"""


def found(text: str, gazetteer) -> list[tuple[str, str, int]]:
    return [(m.text, m.place, m.start) for m in find_places(text, gazetteer)]


def by_id(events: list[dict]) -> dict[str, dict]:
    return {e["id"]: e for e in events}


def dates(text: str, published: dt.date = THURSDAY) -> dict[str, DateMention]:
    return {text[m.start:m.end]: m for m in resolve_dates(text, published)}


# --- places -------------------------------------------------------------------------------------

def test_aliases_transliterations_and_arabic_names_with_offsets(gazetteer):
    text = ("Fighters left Deir al-Zour for Al-Raqqah. Rebels shelled al-Bab and Manbij; Falluja is "
            "Fallujah, Dayr az-Zawr is Deir ez-Zor, الرقة is Raqqa and الموصل is Mosul.")
    expected = [("Deir al-Zour", "deir-ez-zor"), ("Al-Raqqah", "raqqa"), ("al-Bab", "al-bab"),
                ("Manbij", "manbij"), ("Falluja", "fallujah"), ("Fallujah", "fallujah"),
                ("Dayr az-Zawr", "deir-ez-zor"), ("Deir ez-Zor", "deir-ez-zor"), ("الرقة", "raqqa"),
                ("Raqqa", "raqqa"), ("الموصل", "mosul"), ("Mosul", "mosul")]
    got = find_places(text, gazetteer)
    assert [(m.text, m.place) for m in got] == expected
    # Offsets are exact: each mention is the text it was found at, in order, without overlap.
    starts = [text.index(name, got[i - 1].end if i else 0) for i, (name, _) in enumerate(expected)]
    assert [m.start for m in got] == starts
    assert all(text[m.start:m.end] == m.text and m.end == m.start + len(m.text) for m in got)


def test_possessives_governorates_and_arabic_prefixes(gazetteer):
    text = "Raqqa's defenders held the Raqqa governorate. وفي الرقة قتال. Fallujah’s mayor spoke."
    assert found(text, gazetteer) == [("Raqqa", "raqqa", 0), ("Raqqa", "raqqa", 27),
                                      ("الرقة", "raqqa", text.index("الرقة")),
                                      ("Fallujah", "fallujah", text.index("Fallujah"))]


def test_no_false_positives_in_a_text_full_of_traps(gazetteer):
    text = ("Hit hard by the news, officials said air strikes hit several targets. The Islamic State claimed "
            "the attack. Cleric Muqtada al-Sadr met Qasim Soleimani and King Salman in Riyadh. The Bab "
            "al-Hawa crossing stayed open and the Bab gate too. As the Duma debated, Sam and Dana climbed a "
            "hill. A hero's welcome; Ana said she had seen it in Medina. Missile strikes by Syrian and "
            "Russian jets; CC BY licence; The New York Times.")
    # Bab al-Hawa is the name of four villages of the dense gazetteer (WOF/GeoNames): the name is
    # found, whole; "Bab" alone (the gate) never becomes al-Bab.
    assert [m.text for m in find_places(text, gazetteer)] == ["Bab al-Hawa"]


def test_an_ambiguous_word_is_a_place_where_the_text_makes_it_one(gazetteer):
    text = "Troops entered Hit. The town of Hit, like Ramadi and Hit, is on the Euphrates; Sadr City was hit."
    assert found(text, gazetteer) == [("Hit", "hit", 15), ("Hit", "hit", 32), ("Ramadi", "ramadi", 42),
                                      ("Hit", "hit", 53), ("Sadr City", "sadr-city", text.index("Sadr"))]


def test_a_name_is_one_mention_of_its_longest_form(gazetteer):
    text = "Tal Afar, Tal Abyad and Abu Kamal"
    assert [(m.place, m.text) for m in find_places(text, gazetteer)] == [
        ("tal-afar", "Tal Afar"), ("tell-abyad", "Tal Abyad"), ("abu-kamal", "Abu Kamal")]


def test_a_mention_is_the_place_and_where_its_name_stands(gazetteer):
    assert find_places("Troops entered Ar Raqqah.", gazetteer) == [Mention("raqqa", 15, 24, "Ar Raqqah")]


# --- dates --------------------------------------------------------------------------------------

@pytest.mark.parametrize("phrase, date, precision, approximate", [
    ("on Wednesday", dt.date(2016, 6, 1), "day", False),           # the latest Wednesday before
    ("on Thursday", dt.date(2016, 6, 2), "day", False),            # ... or on the publication day
    ("on Friday", dt.date(2016, 5, 27), "day", False),
    ("last Thursday", dt.date(2016, 5, 26), "day", False),         # strictly before
    ("yesterday", dt.date(2016, 6, 1), "day", False),
    ("today", dt.date(2016, 6, 2), "day", False),
    ("three days ago", dt.date(2016, 5, 30), "day", False),
    ("earlier this month", dt.date(2016, 6, 1), "month", True),
    ("this week", dt.date(2016, 5, 30), "day", True),               # its Monday
    ("last week", dt.date(2016, 5, 26), "day", True),
    ("last month", dt.date(2016, 5, 1), "month", False),
    ("in recent days", dt.date(2016, 5, 31), "day", True),
    ("in May", dt.date(2016, 5, 1), "month", False),
    ("in July", dt.date(2015, 7, 1), "month", False),               # the latest July not after
    ("in June", dt.date(2016, 6, 1), "month", False),
    ("May 22, 2016", dt.date(2016, 5, 22), "day", False),
    ("22 May 2016", dt.date(2016, 5, 22), "day", False),
    ("Sunday, May 22, 2016", dt.date(2016, 5, 22), "day", False),
    ("2016-05-22", dt.date(2016, 5, 22), "day", False),
    ("September 5", dt.date(2015, 9, 5), "day", False),             # year from publication, not after
    ("May 30", dt.date(2016, 5, 30), "day", False),
    ("the 5th of May", dt.date(2016, 5, 5), "day", False),
    ("August 2016", dt.date(2016, 8, 1), "month", False),
    ("the middle of October 2015", dt.date(2015, 10, 1), "month", False),
    ("the summer of 2014", dt.date(2014, 7, 1), "month", True),
    ("tomorrow", dt.date(2016, 6, 3), "day", False),                # future: the caller's to judge
])
def test_every_date_form(phrase, date, precision, approximate):
    text = f"Fighting resumed {phrase}, residents said."
    [mention] = resolve_dates(text, THURSDAY)
    expected_text = phrase.removeprefix("on ").removeprefix("in ") if phrase != "in recent days" else phrase
    assert text[mention.start:mention.end] == expected_text
    assert (mention.date, mention.precision, mention.approximate) == (date, precision, approximate)


def test_words_that_look_like_dates_are_not_dates():
    assert resolve_dates("Fighting may resume as troops march on; Raqqa said 8th Division", THURSDAY) == []


def test_dates_come_in_text_order_without_overlap():
    text = "On Sunday, May 22, 2016, and again on Monday and in July."
    got = resolve_dates(text, THURSDAY)
    assert [text[m.start:m.end] for m in got] == ["Sunday, May 22, 2016", "Monday", "July"]


@pytest.mark.parametrize("text, date", [
    ("\n\n\nThursday, September 7, 2017\n\nSubscribe\n\nHeadline", dt.date(2017, 9, 7)),
    ("Iraq pushes on\nPublished 25 May 2016\nBody text.", dt.date(2016, 5, 25)),
    ("Headline\n\nPosted on 2016-05-25 at 10:30\n\nText.", dt.date(2016, 5, 25)),
    ("BEIRUT, May 25, 2016 (AFP) - Syrian forces advanced.", dt.date(2016, 5, 25)),
    ("Headline\nUpdated: June 3, 2016 14:02 GMT\nText", dt.date(2016, 6, 3)),
])
def test_publication_date_found(text, date):
    assert find_published(text) == date


@pytest.mark.parametrize("text", [
    "Iraqi forces pressed on toward Fallujah on Wednesday.",
    "Soldiers near Mosul, Iraq, November 4, 2016. Photo: AP\n\nThe assault continues.",
    "",
])
def test_publication_date_absent_is_none(text):
    assert find_published(text) is None


# --- events -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def scope(gazetteer) -> Scope:
    return Scope.of(load_record(paths.EVENTS, gazetteer)[0])


@pytest.fixture(scope="module")
def events(gazetteer, scope) -> dict[str, dict]:
    published = find_published(ARTICLE)
    assert published == THURSDAY
    return by_id(propose_events(ARTICLE, gazetteer, published, SOURCE, scope))


def test_types_dates_and_changes(events):
    got = {i: (e["type"], e["date"], e["date_precision"], e["approximate"], e.get("change"))
           for i, e in events.items()}
    to_iraq, to_isis = {"from": "isis", "to": "iraq"}, {"from": "iraq", "to": "isis"}
    assert got == {
        "hit-2016-06-01-capture": ("capture", dt.date(2016, 6, 1), "day", False, to_iraq),
        "baghdad-2016-06-01-bombing": ("bombing", dt.date(2016, 6, 1), "day", False, None),
        "rutba-2016-06-capture": ("capture", dt.date(2016, 6, 1), "month", True, to_isis),
        # No date in the sentence and the present tense: the month of publication, approximate.
        "tal-afar-2016-06-offensive": ("offensive", dt.date(2016, 6, 1), "month", True, None),
        # Dated by the sentence before, in the same paragraph.
        "saqlawiyah-2016-05-29-offensive": ("offensive", dt.date(2016, 5, 29), "day", False, None),
        # "an operation to retake": an aim, so an offensive.
        "fallujah-2016-05-23-offensive": ("offensive", dt.date(2016, 5, 23), "day", False, None),
        "deir-ez-zor-2016-05-31-siege-broken": ("siege_broken", dt.date(2016, 5, 31), "day", False, None),
        "tabqa-2016-05-31-siege": ("siege", dt.date(2016, 5, 31), "day", False, None),
        "darayya-2016-05-26-evacuation": ("evacuation", dt.date(2016, 5, 26), "day", False, None),
        # "retaken 60% of": part of the town, so an offensive, not a capture.
        "manbij-2016-06-offensive": ("offensive", dt.date(2016, 6, 1), "month", True, None),
    }
    # A condition ("If Mosul is recaptured") and a denial ("have not entered") give nothing.
    assert not any(e["place"] == "mosul" for e in events.values())


def test_factions_and_besieger(events):
    assert events["hit-2016-06-01-capture"]["factions"] == ["iraq", "isis"]
    assert events["tal-afar-2016-06-offensive"]["factions"] == ["krg"]
    assert events["deir-ez-zor-2016-05-31-siege-broken"]["factions"] == ["syria"]
    assert events["tabqa-2016-05-31-siege"]["besieged_by"] == "syria"
    assert events["manbij-2016-06-offensive"]["factions"] == ["sdf"]


@pytest.mark.parametrize("sentence, factions", [
    ("Kurdish-led forces pushed into Manbij on May 30.", ["sdf"]),
    ("Turkish-backed rebels launched an assault on Jarablus on May 30.", ["opposition"]),
    ("Kurdish fighters advanced on Sinjar on May 30.", ["krg"]),            # Kurds in Iraq: Peshmerga
    ("Kurdish fighters advanced on Kobani on May 30.", ["sdf"]),            # ... in Syria: the YPG/SDF
    ("Government forces advanced on Palmyra on May 30, backed by Russian jets.", ["syria"]),
    ("Government forces and the Popular Mobilization advanced on Baiji on May 30.", ["iraq"]),
    ("Daesh fighters attacked Haditha on May 30.", ["isis"]),
])
def test_factions_from_the_lexicon(gazetteer, sentence, factions, scope):
    [event] = propose_events(sentence, gazetteer, THURSDAY, SOURCE, scope)
    assert event["factions"] == factions


@pytest.mark.parametrize("sentence, change", [
    ("On May 30, the SDF drove ISIS out of Manbij.", {"from": "isis", "to": "sdf"}),
    ("On May 30, ISIS was driven out of Manbij by the SDF.", {"from": "isis", "to": "sdf"}),
    ("On May 30, IS took control of Palmyra from government forces.", {"from": "syria", "to": "isis"}),
    ("Palmyra was retaken by the Syrian army on May 30 from ISIS.", {"from": "isis", "to": "syria"}),
    ("On May 30, IS militants overran Ramadi as Iraqi troops fled.", {"from": "iraq", "to": "isis"}),
    ("Having fought ISIS for weeks, Iraqi forces retook Baiji on May 30.", {"from": "isis", "to": "iraq"}),
])
def test_change_as_stated(gazetteer, sentence, change, scope):
    [event] = propose_events(sentence, gazetteer, THURSDAY, SOURCE, scope)
    assert (event["type"], event["change"]) == ("capture", change)


def test_change_only_where_both_sides_are_stated(gazetteer, scope):
    text = "On May 30, Kurdish-led fighters captured Shaddadi. On May 31, Shaddadi was captured from ISIS."
    events = propose_events(text, gazetteer, THURSDAY, SOURCE, scope)
    assert [(e["id"], e.get("change")) for e in events] == [
        ("shaddadi-2016-05-30-capture", None), ("shaddadi-2016-05-31-capture", None)]
    assert events[0]["confidence"] < propose_events(
        "On May 30, Kurdish-led fighters captured Shaddadi from ISIS.", gazetteer, THURSDAY, SOURCE, scope
    )[0]["confidence"]


def test_evidence_points_at_the_words(events):
    event = events["hit-2016-06-01-capture"]
    words = {(e["what"], ARTICLE[e["start"]:e["end"]]) for e in event["evidence"]}
    assert {("place", "Hit"), ("type", "recaptured"), ("date", "Wednesday"), ("faction", "Iraqi forces"),
            ("faction", "Islamic State")} <= words
    for e in events.values():
        assert all(0 <= x["start"] < x["end"] <= len(ARTICLE) for x in e["evidence"])
        places = [ARTICLE[x["start"]:x["end"]] for x in e["evidence"] if x["what"] == "place"]
        assert places and all(p == places[0] or e["place"] != "hit" for p in places)


def test_near_duplicates_merge_with_combined_evidence(events, gazetteer, scope):
    # Hit's recapture "on Wednesday" is told twice: one candidate, with the evidence of both.
    event = events["hit-2016-06-01-capture"]
    assert [ARTICLE[x["start"]:x["end"]] for x in event["evidence"] if x["what"] == "type"] == [
        "recaptured", "recapture"]
    once = by_id(propose_events(ARTICLE.split("\n\nThe recapture")[0], gazetteer, THURSDAY, SOURCE, scope))
    assert once["hit-2016-06-01-capture"]["confidence"] < event["confidence"]


def test_ids_valid_and_unique_and_fields_in_schema(events, gazetteer):
    ids = list(events)
    assert len(ids) == len(set(ids))
    for event in events.values():
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", event["id"])
        assert event["type"] in EVENT_TYPES
        assert event["date_precision"] in ("day", "month")
        assert 0 <= event["confidence"] <= 1
        assert event["sources"] == [SOURCE]
        assert set(event) <= {"id", "date", "date_precision", "approximate", "place", "type", "change",
                              "besieged_by", "summary", "sources", "confidence", "evidence", "factions",
                              "coordinates"}
        assert list(event)[:6] == ["id", "date", "date_precision", "approximate", "place", "type"]
        place = gazetteer[event["place"]]
        assert event["coordinates"] == {"lat": place.lat, "lon": place.lon}


def test_summary_is_a_template_not_article_text(events):
    for event in events.values():
        assert event["summary"].endswith("as reported by Example News.")
        assert event["summary"] not in ARTICLE
    assert events["hit-2016-06-01-capture"]["summary"] == (
        "Iraqi government took Hit from Islamic State, as reported by Example News.")


def test_no_event_without_a_cue_outside_the_record_or_in_the_future(gazetteer, scope):
    text = ("Mosul is a big city. In this June 5, 2013 photo, troops fought in Qusair. "
            "Iraqi forces will launch an offensive on Tikrit next week.")
    assert propose_events(text, gazetteer, THURSDAY, SOURCE, scope) == []


def test_dated_by_publication_when_the_text_gives_no_date(gazetteer, scope):
    [event] = propose_events("Iraqi forces are advancing on Haditha.", gazetteer, THURSDAY, SOURCE, scope)
    assert (event["date"], event["date_precision"], event["approximate"]) == (
        dt.date(2016, 6, 1), "month", True)
    [dated] = propose_events("Iraqi forces advanced on Haditha on Monday.", gazetteer, THURSDAY, SOURCE,
                             scope)
    assert dated["date"] == dt.date(2016, 5, 30) and dated["confidence"] > event["confidence"]


def test_candidates_validate_as_events(events):
    """With a stated change (capture) or besieger (siege), a candidate is a valid event as it stands."""
    record = yaml.safe_load(paths.EVENTS.read_text(encoding="utf-8"))
    kept = [e for e in events.values() if e["type"] not in ("capture", "siege") or e.get("change")
            or e.get("besieged_by")]
    plain = [{k: v for k, v in e.items() if k not in INGEST_KEYS} for e in kept]
    text = yaml.safe_dump({"factions": record["factions"], "start": record["start"], "end": record["end"],
                           "baseline": [], "events": plain}, sort_keys=False)
    parsed, problems = parse_events(load_yaml_text(text, "candidates.yaml"), "candidates.yaml")
    assert problems == []
    assert len(parsed.events) == len(plain)


# --- the candidates file ------------------------------------------------------------------------

def test_document_round_trips(events):
    candidates = list(events.values())
    text = candidates_document(candidates, SOURCE, THURSDAY, "article.txt")
    assert text.startswith("#")
    assert "python -m dashboard merge" in text
    doc = yaml.safe_load(text)
    assert list(doc) == ["article", "source", "candidates"]
    assert doc["article"] == {"name": "article.txt", "published": THURSDAY}
    assert doc["source"] == SOURCE
    assert doc["candidates"] == candidates
    assert "date: 2016-06-01" in text and "2016-06-01 00:00" not in text
    assert "&id" not in text and "*id" not in text          # no YAML anchors for a reviewer to trip on


def test_empty_document_round_trips():
    doc = yaml.safe_load(candidates_document([], SOURCE, THURSDAY, "a.txt"))
    assert doc["candidates"] == []
