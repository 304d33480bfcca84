"""Add an article: paste or upload it, review the events it reports, merge the accepted ones.

A thin page over the core: :mod:`dashboard.ingest.reading` reads the file, :mod:`dashboard.ingest.candidates`
proposes candidate events, :mod:`dashboard.ingest.merge` writes the accepted ones into events.yaml
(the same path as ``python -m dashboard ingest`` then ``merge``). Candidates are found off the script
thread with a time limit and cached by the text's SHA-256, so one long article keeps no other user waiting.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import folium
import streamlit as st
from streamlit_folium import st_folium

from dashboard.core import paths
from dashboard.core.events import EVENT_TYPES
from dashboard.core.files import OutputError
from dashboard.core.places import read_places
from dashboard.core.problems import DataError
from dashboard.core.validation import load_record
from dashboard.core.wording import event_type
from dashboard.ingest import background
from dashboard.ingest.candidate_file import candidates_document
from dashboard.ingest.candidates import Scope, propose_events
from dashboard.ingest.dates import find_published
from dashboard.ingest.merge import merge_into
from dashboard.ingest.reading import MAX_BYTES, ArticleError, check_length, read_article
from dashboard.web import mapview
from dashboard.web.editing import editing_policy

st.set_page_config(page_title="frontlines: add an article", layout="wide")
COLUMNS = ["accept", "date", "date_precision", "place", "type", "from", "to", "summary", "confidence", "why"]


@st.cache_resource
def gazetteer(geodata: str) -> Any:
    return read_places(Path(geodata) / "places.csv")


@st.cache_resource
def scope(events: str, geodata: str) -> Scope:
    """The record's dates and faction names, which bound what a candidate may be."""
    return Scope.of(load_record(events, gazetteer(geodata))[0])


def article_input() -> tuple[str, str] | None:
    """(text, name) from the upload or the text box; errors are shown, not raised."""
    pasted, uploaded = st.tabs(["Paste text", "Upload a file"])
    with uploaded:
        upload = st.file_uploader(f"A .txt or .html file, up to {MAX_BYTES // 1_000_000} MB",
                                  type=["txt", "html", "htm"], key="upload")
    with pasted:
        text = st.text_area("Article text", height=240, key="pasted",
                            placeholder="Paste the article, with its dateline if it has one")
    if upload is not None:
        try:
            return read_article(upload.getvalue(), upload.name), upload.name
        except ArticleError as exc:
            st.error(str(exc))
            return None
    if text.strip():
        try:
            return check_length(text, "The pasted text"), "pasted text"
        except ArticleError as exc:
            st.error(str(exc))
            return None
    return None


@st.cache_data(max_entries=16, show_spinner=False)
def proposed(digest: str, published: dt.date, source: tuple, _text: str, _places: Any,
             _scope: Scope) -> list[dict]:
    """The candidates of the text whose SHA-256 is ``digest``: found on the ingest thread, waited for
    at most ``background.TIME_LIMIT`` seconds (else IngestTimeout, and nothing cached)."""
    return background.run_bounded(f"{digest} {published} {source}", propose_events, _text, _places,
                                  published, dict(source), _scope, timeout=background.TIME_LIMIT)


def source_form(text: str) -> tuple[dict, dt.date] | None:
    """The article as a source: title, publisher, URL and publication date (found or asked for)."""
    found = find_published(text)
    left, middle, right, last = st.columns([4, 3, 4, 2])
    title = left.text_input("Title", key="source_title")
    publisher = middle.text_input("Publisher", key="source_publisher")
    url = right.text_input("URL (optional)", key="source_url")
    published = last.date_input("Published", value=found, key="source_published", format="YYYY-MM-DD",
                                min_value=dt.date(2013, 1, 1), max_value=dt.date.today())
    if found is None:
        last.caption("No date found in the text: give it")
    missing = [name for name, value in (("title", title), ("publisher", publisher), ("date", published))
               if not value]
    if missing:
        st.info(f"Fill in the article's {', '.join(missing)} to find its events.")
        return None
    source = {"title": title.strip(), "publisher": publisher.strip(), "date": published,
              "url": url.strip() or None}
    return source, published


def candidate_rows(candidates: list[dict], text: str) -> list[dict]:
    """One editable row per candidate; ``why`` quotes the evidence (the article's words, for review)."""
    rows = []
    for c in candidates:
        change = c.get("change") or {}
        quoted = "; ".join(f"{e['what']}: {text[e['start']:e['end']]}" for e in c.get("evidence", []))
        rows.append({"accept": c.get("confidence", 0) >= 0.5, "date": c["date"],
                     "date_precision": c.get("date_precision", "day"), "place": c["place"], "type": c["type"],
                     "from": change.get("from"), "to": change.get("to"), "summary": c["summary"],
                     "confidence": c.get("confidence", 0.0), "why": quoted})
    return rows


def edited_candidates(candidates: list[dict], rows: list[dict]) -> list[dict]:
    """The accepted candidates with the reviewer's edits applied."""
    out = []
    for c, row in zip(candidates, rows, strict=True):
        if not row["accept"]:
            continue
        c = {**c, "date": row["date"], "date_precision": row["date_precision"], "place": row["place"],
             "type": row["type"], "summary": row["summary"]}
        c.pop("change", None)
        if row["from"] and row["to"]:
            c["change"] = {"from": row["from"], "to": row["to"]}
        out.append(c)
    return out


def candidates_map(candidates: list[dict], places: Any) -> None:
    """The candidates on the project's offline base map, numbered as in the table."""
    fmap = mapview.base_map(paths.GEODATA, [], {}, comparison=False)
    for i, c in enumerate(candidates, 1):
        place = places[c["place"]]
        tip = html.escape(f"{i}. {place.name}: {event_type(c['type'])}")
        folium.CircleMarker([place.lat, place.lon], radius=8, weight=3, color="#1565c0", fill=True,
                            fill_opacity=0.4, tooltip=tip).add_to(fmap)
    st_folium(fmap, key="candidates_map", height=420, use_container_width=True, returned_objects=[])


def secrets() -> dict[str, Any]:
    """Streamlit's secrets, or none where the deployment has no secrets file."""
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets.toml: Streamlit raises its own error types for that
        return {}


def served_as() -> str:
    """The host name the page was asked for (editing beyond this machine needs a token)."""
    return urlsplit(st.context.url or "http://localhost").hostname or "localhost"


def main() -> None:
    st.title("Add an article")
    st.caption("Paste or upload a news article. Its places and dated events are proposed as candidates; "
               "check each one, rewrite the summary in our own words, and merge the accepted ones into "
               "events.yaml. Nothing is written until you press Merge.")
    places = gazetteer(str(paths.GEODATA))
    got = article_input()
    if got is None:
        return
    text, name = got
    form = source_form(text)
    if form is None:
        return
    source, published = form
    try:
        record_scope = scope(str(paths.EVENTS), str(paths.GEODATA))
    except DataError as exc:
        st.error("events.yaml has problems; fix them before adding articles:\n\n"
                 + "\n".join(f"- {p.for_visitors()}" for p in exc.problems[:5]))
        return
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    try:
        with st.spinner("Finding the article's events..."):
            candidates = proposed(digest, published, tuple(sorted(source.items())), text, places,
                                  record_scope)
    except background.IngestTimeout:
        st.error(f"Finding this article's events took over {background.TIME_LIMIT:g} s (the server is busy). "
                 "It goes on in the background: rerun the page (press R) in a moment.")
        return
    if not candidates:
        st.warning("No events found in this article (no place in Syria or Iraq with an event next to it).")
        return
    st.subheader(f"{len(candidates)} candidate event(s)")
    rows = st.data_editor(candidate_rows(candidates, text), key="candidates", hide_index=True,
                          column_order=COLUMNS, disabled=["confidence", "why"], width="stretch",
                          column_config={"type": st.column_config.SelectboxColumn(options=list(EVENT_TYPES)),
                                         "date_precision": st.column_config.SelectboxColumn(
                                             options=["day", "month"])})
    candidates_map(candidates, places)
    accepted = edited_candidates(candidates, rows)
    st.download_button(f"Download the {len(accepted)} accepted candidate(s) (YAML)",
                       data=candidates_document(accepted, source, published, name),
                       file_name=f"candidates-{Path(name).stem or 'article'}.yaml", mime="application/x-yaml",
                       disabled=not accepted, on_click="ignore", key="download-candidates",
                       help="Review them where the record is kept, then: python -m dashboard merge FILE")
    policy = editing_policy(os.environ, secrets(), served_as())
    if not policy.allowed:
        st.info(policy.reason + " The accepted candidates can be downloaded above and merged with "
                "`python -m dashboard merge`.")
        return
    token = st.text_input("Editing token", type="password", key="edit_token") if policy.token else ""
    if st.button(f"Merge {len(accepted)} accepted event(s) into events.yaml", type="primary",
                 disabled=not accepted or not policy.accepts(token), key="merge"):
        try:
            report = merge_into(accepted, paths.EVENTS, places, origin=f"the candidates from {name}")
        except DataError as exc:
            st.error("Nothing merged: " + "; ".join(p.for_visitors() for p in exc.problems[:5]))
            return
        except (OutputError, OSError) as exc:  # e.g. a data folder the server may not write
            st.error("Nothing merged: the server cannot write events.yaml "
                     f"({type(exc).__name__}: {getattr(exc, 'strerror', None) or 'not writable'}). "
                     "Point FRONTLINES_EVENTS at a writable copy of the record (README: Docker).")
            return
        (st.success if report.added else st.warning)(report.summary())
        for problem in report.invalid:
            st.error(problem)
        if report.added:
            st.cache_resource.clear()  # the map page reloads the record on its next run
            st.cache_data.clear()


main()
