"""Reading articles handed in by users: types, size, encodings, HTML reduced to what a reader sees."""

from __future__ import annotations

import pytest

from dashboard.ingest.reading import MAX_BYTES, ArticleError, read_article

PAGE = b"""<!doctype html><html><head><title>t</title><style>p{}</style></head><body>
<nav><ul><li>Home</li></ul></nav><article><h1>Raqqa offensive</h1>
<p>The SDF&nbsp;launched an offensive on <b>Raqqa</b> on 6&nbsp;June&nbsp;2017.</p>
<script>var x = "Mosul";</script><p>Caf&eacute; owners fled.</p></article></body></html>"""


def test_html_keeps_visible_text_one_block_a_line():
    text = read_article(PAGE, "story.html")
    assert "Raqqa offensive\n\nThe SDF launched an offensive on Raqqa on 6 June 2017." in text
    assert "Café owners fled." in text
    assert "Mosul" not in text and "p{}" not in text  # scripts and styles are not text


def test_plain_text_is_kept_as_is_byte_for_byte():
    raw = "Mosul, 10 July 2017\n\nIraqi forces   declared victory.\n"
    assert read_article(raw.encode(), "a.txt") == raw


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"%PDF-1.4", "a.pdf", "only .txt and .html"),
    (b"x", "noextension", "only .txt and .html"),
    (b"\xff\xfe\x00", "a.txt", "not UTF-8"),
    (b"x" * (MAX_BYTES + 1), "big.html", "over the 1 MB limit"),
])
def test_bad_articles_are_refused_with_a_clear_message(data, name, message):
    with pytest.raises(ArticleError, match=message):
        read_article(data, name)
