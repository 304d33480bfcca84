"""The candidates file: what ``ingest`` writes for a reviewer, and what ``merge`` reads back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from dashboard.core.problems import DataError, Problem, shown
from dashboard.core.validation import read_file
from dashboard.core.yamlfile import LineDict, load_yaml_text

_HEADER = """\
# Candidate events proposed from {name} (published {published}) by `python -m dashboard ingest`.
# Nothing here is in events.yaml yet. Review every candidate against the article:
#   - delete the ones that are wrong or not worth recording;
#   - check place, date (date_precision, approximate) and type; a capture needs a change
#     {{from, to}} and a siege needs besieged_by: add them where the article supports them;
#   - rewrite the summary in your own words (it is only a template).
# evidence gives character offsets [start, end) into the article of the words each guess rests on;
# confidence (0..1) says how strong those cues are; coordinates {{lat, lon}} are where the place
# resolved to. These, and factions, are dropped on merge.
# Then: python -m dashboard merge THIS_FILE
"""


class _Dumper(yaml.SafeDumper):
    """Safe YAML without anchors: a date shared by the source and every candidate is written out."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def candidates_document(candidates: Sequence[Mapping[str, Any]], source: Mapping[str, Any],
                        published: dt.date, article_name: str) -> str:
    """The candidates file: a header telling the reviewer what to do, then ``article``,
    ``source`` and ``candidates`` (YAML; dates as YYYY-MM-DD).

    >>> text = candidates_document([], {"title": "T", "publisher": "P", "date": None, "url": None},
    ...                            dt.date(2016, 5, 25), "a.txt")
    >>> yaml.safe_load(text)["article"]
    {'name': 'a.txt', 'published': datetime.date(2016, 5, 25)}
    """
    body = {
        "article": {"name": article_name, "published": published},
        "source": dict(source),
        "candidates": [dict(c) for c in candidates],
    }
    dumped = yaml.dump(body, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=None,
                       width=100)
    return _HEADER.format(name=article_name, published=published.isoformat()) + dumped


def read_candidates(path: Path | str) -> list[dict]:
    """The candidates of a candidates file, each a :class:`~dashboard.core.yamlfile.LineDict`.

    Only the file's shape is checked here (a mapping with a ``candidates`` list of mappings);
    a candidate's own fields are checked by :func:`merge_candidates`, which reports them one by
    one.  Raises :class:`DataError` naming file, line and field.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp, "c.yaml")
    ...     _ = path.write_text("candidates:\\n- id: a\\n  place: mosul\\n- oops\\n")
    ...     read_candidates(path)
    Traceback (most recent call last):
    ...
    dashboard.core.problems.DataError: ...c.yaml:1: candidates[1]: expected a mapping, got 'oops'
    """
    name = str(path)
    doc = load_yaml_text(read_file(path)[1], name)  # at most MAX_BYTES read
    if not isinstance(doc, LineDict):
        raise DataError([Problem(name, 1, "(top level)", "expected a mapping with a 'candidates' list")])
    raw = doc.get("candidates", ())
    if raw is None:  # every candidate deleted by the reviewer
        return []
    if not isinstance(raw, list):
        raise DataError([Problem(name, doc.line_of("candidates"), "candidates", "missing or not a list")])
    problems = [Problem(name, doc.line_of("candidates"), f"candidates[{i}]",
                        f"expected a mapping, got {shown(entry)}")
                for i, entry in enumerate(raw) if not isinstance(entry, LineDict)]
    if problems:
        raise DataError(problems)
    return list(raw)
