"""Shared fixtures: the synthetic world and small files of ``tests/fixtures/``, the real data for the
tests about the real record, and the command line run in-process.

``synthetic_model`` and ``small_model`` are defined in the root ``conftest.py`` (doctests use them too).
Fixtures named ``real_*`` (and ``gazetteer``, ``model``) read the shipped ``events.yaml`` and geography
through :mod:`dashboard.core.paths`.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dashboard.core import paths
from dashboard.core.places import Gazetteer, read_places

#: Small named files for the tests (see tests/fixtures/README.md); the same paths as the root conftest's.
FIXTURES = Path(__file__).parent / "fixtures"
SYNTHETIC_EVENTS = FIXTURES / "events_synthetic.yaml"
SYNTHETIC_GEODATA = FIXTURES / "geodata"
#: Older name of ``FIXTURES`` (``tests/data`` before it moved), still imported by some test modules.
DATA = FIXTURES
#: Command-line options that point a command at the synthetic world instead of the real data.
ON_SYNTHETIC = ("--events", str(SYNTHETIC_EVENTS), "--geodata", str(SYNTHETIC_GEODATA))


def _scan_component_manifests_once() -> None:
    """Streamlit's AppTest scans every installed distribution for custom-component manifests on each
    run: 0.4 s of a 0.5 s page run on a machine with ~550 packages.  What is installed cannot change
    during a test session, so the scan's answer is kept after the first run."""
    try:
        from streamlit.components.v2 import manifest_scanner
    except ImportError:  # a Streamlit without v2 components does not scan
        return
    scan = manifest_scanner.scan_component_manifests
    if not hasattr(scan, "cache_info"):
        manifest_scanner.scan_component_manifests = functools.cache(scan)


_scan_component_manifests_once()


@pytest.fixture(scope="session")
def small_gazetteer() -> Gazetteer:
    return read_places(FIXTURES / "places_small.csv")


@pytest.fixture(scope="session")
def synthetic_gazetteer() -> Gazetteer:
    return read_places(SYNTHETIC_GEODATA / "places.csv")


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    """The shipped gazetteer (real places and spellings: the name resolver and ingest are tested on it)."""
    return read_places(paths.GEODATA / "places.csv")


@pytest.fixture(scope="session")
def real_model():
    """The real record on the shipped geography, for the tests about the real data."""
    from dashboard.core.model import ControlModel

    return ControlModel.load(paths.EVENTS, paths.GEODATA)


@pytest.fixture(scope="session")
def model(real_model):
    """The real record: the same model as ``real_model``, under the name older test modules use."""
    return real_model


@dataclass(frozen=True)
class CliResult:
    """What a command printed and its exit status."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(capsys: pytest.CaptureFixture[str], args: tuple[str | Path, ...], check: bool) -> CliResult:
    from dashboard.cli import main

    capsys.readouterr()  # what was printed before the command is not its output
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    result = CliResult(code, out, err)
    if check:
        assert code == 0, err
    return result


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """``cli("export", "--date", ...)`` runs ``python -m dashboard ...`` in this process on the synthetic
    world; ``check=True`` (the default) asserts exit status 0."""
    def run(*args: str | Path, check: bool = True) -> CliResult:
        return run_cli(capsys, (*ON_SYNTHETIC, *args), check)
    return run


@pytest.fixture
def real_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Like ``cli``, on the real record and geography (the command's defaults)."""
    def run(*args: str | Path, check: bool = True) -> CliResult:
        return run_cli(capsys, args, check)
    return run


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Headless Debian Chromium for a module's page tests; skipped (or failed, when CI requires the
    browser tests) where it cannot start."""
    from tests import browser

    reason = browser.unavailable_reason()
    if reason:
        if os.environ.get("FRONTLINES_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests required (FRONTLINES_REQUIRE_BROWSER=1) but {reason}")
        pytest.skip(reason)
    with browser.chromium() as chromium:
        yield chromium


@pytest.fixture
def soffice(tmp_path: Path) -> Callable[[Path], Path]:
    """``soffice(deck)`` converts a PPTX to PDF with LibreOffice (Debian ``libreoffice-impress``) and
    returns the PDF; skipped (failed, when CI requires it) without ``soffice`` or poppler's
    ``pdftotext``.  Each test has its own LibreOffice profile and HOME: tests running at the same time
    would otherwise wait on each other's profile lock."""
    missing = [tool for tool in ("soffice", "pdftotext") if shutil.which(tool) is None]
    if missing:
        reason = (f"{' and '.join(missing)} missing (Debian packages libreoffice-impress, poppler-utils; "
                  ".ci/run installs them)")
        if os.environ.get("FRONTLINES_REQUIRE_SOFFICE") == "1":
            pytest.fail(f"LibreOffice tests required (FRONTLINES_REQUIRE_SOFFICE=1) but {reason}")
        pytest.skip(reason)
    home = tmp_path / "soffice-home"
    home.mkdir()

    def convert(deck: Path) -> Path:
        out = tmp_path / "soffice-pdf"
        result = subprocess.run(
            ["soffice", f"-env:UserInstallation={(home / 'profile').as_uri()}", "--headless",
             "--convert-to", "pdf", "--outdir", str(out), str(deck)],
            env={**os.environ, "HOME": str(home)}, capture_output=True, text=True, timeout=180)
        pdf = out / f"{deck.stem}.pdf"
        assert pdf.exists(), f"soffice wrote no PDF (exit {result.returncode}): {result.stderr.strip()}"
        return pdf
    return convert
