"""The project as an installed package, and how CI installs it.

The wheel is built from the checkout, installed (without its dependencies) into a fresh virtual
environment, and run from a folder outside the repository: ``frontlines validate``, ``frontlines
export`` and ``frontlines app`` must work from what the wheel carries alone. The dependencies come
from the environment running the tests, so nothing is downloaded.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import os
import re
import shutil
import site
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from dashboard import cli
from dashboard.core import paths
from tests.browser import free_port, stop_process_group

ROOT = paths.ROOT
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LEAFLET = "/app/static/leaflet-1.9.4/leaflet.js"


@dataclass(frozen=True)
class Installed:
    """A virtual environment holding only the wheel; ``env`` runs it blind to the checkout."""

    wheel: Path
    venv: Path
    workdir: Path
    env: dict[str, str]

    def run(self, program: str, *args: str) -> subprocess.CompletedProcess:
        """``program`` of the venv's bin/ with ``args``, from the folder outside the repository."""
        return subprocess.run([str(self.venv / "bin" / program), *args], cwd=self.workdir, env=self.env,
                              capture_output=True, text=True, timeout=120)

    def command(self, *args: str) -> subprocess.CompletedProcess:
        return self.run("frontlines", *args)

    def python(self, code: str) -> str:
        result = self.run("python", "-c", code)
        assert result.returncode == 0, result.stderr
        return result.stdout


def _build_backend_or_skip() -> None:
    """The wheel is built with the environment's setuptools (no download), which must be recent enough."""
    (needed,) = [Requirement(r) for r in PYPROJECT["build-system"]["requires"] if r.startswith("setuptools")]
    found = importlib.metadata.version("setuptools")
    if Version(found) not in needed.specifier:
        reason = f"building the wheel needs {needed} (pip install -e '.[test]'), found setuptools {found}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


def _copy_sources(target: Path) -> Path:
    """What the wheel is built from, copied out: the build writes build/ and *.egg-info beside its sources,
    and a stale build/lib in the checkout could slip files that no longer exist into the wheel."""
    target.mkdir()
    for name in ("pyproject.toml", PYPROJECT["project"]["readme"], *PYPROJECT["project"]["license-files"]):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    shutil.copytree(paths.PACKAGE, target / "dashboard",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "generated", "*.bak"))
    return target


def _dependency_paths() -> list[str]:
    """The site-packages folders the tests run with (a venv's, and the system's if that venv sees it).

    Listed in a ``.pth`` file of the new venv they are plain sys.path entries: the ``.pth`` files inside
    them, such as an editable install's finder for this checkout, are not run.
    """
    folders = list(site.getsitepackages())
    if site.ENABLE_USER_SITE:
        folders.append(site.getusersitepackages())
    return [folder for folder in folders if Path(folder).is_dir()]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    _build_backend_or_skip()
    base = tmp_path_factory.mktemp("packaging")
    workdir = base / "elsewhere"
    workdir.mkdir()
    # Nothing may lead back to the checkout: no PYTHONPATH (through which pip would also take the
    # checkout's frontlines.egg-info for an installed frontlines), no data files named by the environment.
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "FRONTLINES_EVENTS", "FRONTLINES_GEODATA")}

    def run(*args: str) -> None:
        subprocess.run(args, cwd=workdir, env=env, check=True, capture_output=True, timeout=120)

    dist = base / "dist"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
        "-w", str(dist), str(_copy_sources(base / "src")))
    (wheel,) = dist.glob("frontlines-*.whl")
    venv = base / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", str(venv))
    run(sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q", "--no-deps",
        "--no-index", str(wheel))
    installed = Installed(wheel, venv, workdir, env)
    purelib = Path(installed.python("import sysconfig; print(sysconfig.get_path('purelib'))").strip())
    (purelib / "frontlines-test-dependencies.pth").write_text("\n".join(_dependency_paths()) + "\n")
    return installed


def test_the_wheel_carries_the_data_the_app_and_the_licences(installed: Installed):
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    dist_info = f"frontlines-{PYPROJECT['project']['version']}.dist-info"
    for needed in ("dashboard/data/events.yaml", "dashboard/data/geodata/places.csv",
                   "dashboard/data/geodata/countries.geojson", "dashboard/.streamlit/config.toml",
                   "dashboard/app.py", "dashboard/pages/add_article.py",
                   "dashboard/static/leaflet-1.9.4/leaflet.js", "dashboard/static/leaflet-1.9.4/LICENSE",
                   f"{dist_info}/licenses/LICENSE", f"{dist_info}/licenses/geodata/README.md"):
        assert needed in names
    assert not [n for n in names if "/generated/" in n or "__pycache__" in n or n.endswith(".bak")]


def test_the_venv_imports_the_installed_package_not_the_checkout(installed: Installed):
    found = installed.python("import dashboard.core.paths as p; print(p.PACKAGE); print(p.EVENTS)")
    package, events = (Path(line) for line in found.splitlines())
    assert package.is_relative_to(installed.venv) and events.is_relative_to(package)


def test_validate_checks_the_record_the_wheel_carries(installed: Installed):
    result = installed.command("validate")
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r".*/site-packages/dashboard/data/events\.yaml: ok\n", result.stdout)


def test_export_writes_the_areas_of_a_date(installed: Installed):
    result = installed.command("export", "--date", "2016-07-15", "--format", "geojson")
    assert result.returncode == 0, result.stderr
    collection = json.loads(result.stdout)
    areas = [f for f in collection["features"] if f["properties"]["kind"] == "area"]
    assert {"isis", "iraq", "syria"} <= {a["properties"]["faction"] for a in areas}
    assert all(a["properties"]["area_km2"] > 0 for a in areas)


@contextlib.contextmanager
def app_server(installed: Installed, port: int) -> Iterator[str]:
    """``frontlines app`` on ``port`` (loopback, headless), in its own process group; yields its URL."""
    log = installed.workdir / "app.log"
    with open(log, "wb") as out:
        argv = [str(installed.venv / "bin" / "frontlines"), "app", "--server.port", str(port),
                "--server.address", "127.0.0.1", "--server.headless", "true"]
        proc = subprocess.Popen(argv, cwd=installed.workdir, env=installed.env, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, f"frontlines app exited with {proc.returncode}:\n{log.read_text()}"
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"frontlines app not healthy after 60 s:\n{log.read_text()}")
            time.sleep(0.2)  # polling, bounded by the deadline
        yield url
    finally:
        stop_process_group(proc)


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200, url
        return response.read()


def test_frontlines_app_serves_the_page_leaflet_and_the_generated_geography(installed: Installed):
    """Started from another folder, the app still gets its settings (static serving for Leaflet), and the
    base geography written into the installed package's static folder is what Streamlit serves."""
    urls = json.loads(installed.python("import json; from dashboard.web import mapview; "
                                       "print(json.dumps(mapview.publish_geography()))"))
    assert urls, "the installed static folder could not be written"
    with app_server(installed, free_port()) as url:
        assert b"<html" in fetch(f"{url}/").lower()
        assert b"Leaflet 1.9.4" in fetch(f"{url}{LEAFLET}")[:200]
        countries = json.loads(fetch(f"{url}{urls['countries']}"))
        assert countries["type"] == "FeatureCollection" and countries["features"]


# --- the app command, without a server -------------------------------------------------------------

def test_app_passes_streamlit_options_through_and_names_the_data(monkeypatch: pytest.MonkeyPatch):
    started: list[tuple[str, list[str], dict[str, str]]] = []

    def execve(path: str, argv: list[str], env: dict[str, str]) -> None:
        started.append((path, argv, env))
        raise SystemExit(0)  # where the real exec would never come back

    monkeypatch.setattr(os, "execve", execve)
    monkeypatch.setattr(os, "name", "posix")
    with pytest.raises(SystemExit):
        cli.main(["--events", "/data/mine.yaml", "app", "--server.port", "8502", "--theme.base=dark"])
    ((path, argv, env),) = started
    assert path == sys.executable
    assert argv == [sys.executable, "-m", "streamlit", "run", str(paths.PACKAGE / "app.py"),
                    "--server.port", "8502", "--theme.base=dark"]
    assert env["FRONTLINES_EVENTS"] == "/data/mine.yaml" and env["FRONTLINES_GEODATA"] == str(paths.GEODATA)


def test_other_commands_still_refuse_unknown_options(capsys: pytest.CaptureFixture[str]):
    assert cli.main(["validate", "--server.port=8502"]) == 2
    assert "unrecognized arguments: --server.port=8502" in capsys.readouterr().err


def test_the_streamlit_settings_turn_on_static_serving():
    """Leaflet is served from dashboard/static/ only with static serving on (dashboard/.streamlit is the
    one copy of the settings; tests/test_deploy.py checks there is no other)."""
    config = tomllib.loads((paths.PACKAGE / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableStaticServing"] is True
    assert config["browser"]["gatherUsageStats"] is False


# --- CI: the README's test command, and the lowest versions ----------------------------------------

def quick_start() -> list[str]:
    """The commands of the README's quick start: the first two ``sh`` blocks after its heading."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.S)[:2]]


def test_ci_runs_the_readme_test_command_word_for_word():
    app, tests = quick_start()
    assert "streamlit run dashboard/app.py" in app and "pytest" in tests
    for command in (app, tests):  # Debian's Python refuses pip outside a venv (PEP 668)
        assert command.startswith("python3 -m venv .venv && .venv/bin/pip install ")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert tests in ci
    assert ci[-1] == tests, "the README's command is the last: its status is CI's"


def test_ci_pins_every_dependency_to_its_lower_bound():
    script = ROOT / ".ci" / "lowest_constraints.py"
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True)
    pinned = [Requirement(line) for line in result.stdout.splitlines()]
    project = PYPROJECT["project"]
    required = [Requirement(r) for r in [*project["dependencies"], *project["optional-dependencies"]["test"]]]
    assert [p.name for p in pinned] == [r.name for r in required]
    for pin, requirement in zip(pinned, required, strict=True):
        (exact,) = pin.specifier
        (lower,) = [s for s in requirement.specifier if s.operator == ">="]
        assert exact.operator == "==" and exact.version == lower.version
        assert exact.version in requirement.specifier
