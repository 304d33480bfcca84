"""Project-wide rules: ruff clean, and a core that does not depend on Streamlit."""

from __future__ import annotations

import subprocess
import sys

from dashboard import paths

CORE = ["dashboard.names", "dashboard.places", "dashboard.events", "dashboard.validation",
        "dashboard.control", "dashboard.areas", "dashboard.model", "dashboard.stats",
        "dashboard.export", "dashboard.cli", "dashboard.changes", "dashboard.labels", "dashboard.links",
        "dashboard.palette", "dashboard.wording", "dashboard.staticmap", "dashboard.briefing",
        "dashboard.downloads", "dashboard.files", "dashboard.articles", "dashboard.merge",
        "dashboard.ingest", "dashboard.article_dates"]
#: Folium adapters (no Streamlit either): their doctests run with the core's.
ADAPTERS = ["dashboard.mapview", "dashboard.standalone"]


def test_ruff_is_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=paths.ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_core_does_not_import_streamlit():
    code = ("import sys\n" + "".join(f"import {m}\n" for m in CORE) +
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'folium'))\n"
            "print(','.join(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_doctests_of_the_core_and_map_adapters_pass():
    files = [m.replace(".", "/") + ".py" for m in CORE + ADAPTERS]
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "--doctest-modules",
                             "-p", "no:cacheprovider", *files],
                            cwd=paths.ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
