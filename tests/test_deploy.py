"""Deployment files: the Dockerfile, .dockerignore and requirements.txt (Streamlit Community Cloud).

Nothing here needs Docker: the files are read as text, and the image's health check command is run
against the image's own ``streamlit run`` command started from the repository root.
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import PurePosixPath

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from dashboard.core import paths
from dashboard.web import mapview
from tests.browser import free_port, is_healthy, stop_process_group, wait_until

ROOT = paths.ROOT
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
REQUIREMENTS = ROOT / "requirements.txt"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
BASE_IMAGE = "python:3.12-slim"
PORT = 8501
HEALTH_URL = f"http://localhost:{PORT}/_stcore/health"
# Community Cloud takes the first of these it finds, in the entry point's folder and then at the root
# (docs.streamlit.io/deploy/streamlit-community-cloud/deploy-your-app/app-dependencies).
CLOUD_DEPENDENCY_FILES = ["uv.lock", "Pipfile", "environment.yml", "requirements.txt", "pyproject.toml"]


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile as (KEYWORD, arguments) pairs: comments dropped, continuation lines joined."""
    result: list[tuple[str, str]] = []
    pending = ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        keyword, _, args = (pending + line).strip().partition(" ")
        result.append((keyword.upper(), args.strip()))
        pending = ""
    assert not pending, "the Dockerfile ends in a continuation line"
    return result


def only(keyword: str) -> str:
    found = [args for kw, args in instructions() if kw == keyword]
    assert len(found) == 1, f"expected one {keyword}, found {len(found)}"
    return found[0]


def exec_form(args: str) -> list[str]:
    """The JSON (exec) form of CMD/HEALTHCHECK CMD: no shell is needed or involved."""
    argv = json.loads(args)
    assert isinstance(argv, list) and all(isinstance(a, str) for a in argv), args
    return argv


def cmd() -> list[str]:
    return exec_form(only("CMD"))


def healthcheck() -> tuple[dict[str, str], list[str]]:
    """The HEALTHCHECK's options (``--interval=30s`` -> {"interval": "30s"}) and its command."""
    options, sep, command = only("HEALTHCHECK").partition("CMD ")
    assert sep, "HEALTHCHECK without CMD"
    opts = dict(opt[2:].split("=", 1) for opt in options.split())
    return opts, exec_form(command)


def seconds(duration: str) -> float:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m)", duration)
    assert match, f"unexpected duration {duration!r}"
    return float(match[1]) * {"ms": 0.001, "s": 1, "m": 60}[match[2]]


def environment() -> dict[str, str]:
    env: dict[str, str] = {}
    for kw, args in instructions():
        if kw == "ENV":
            env.update(pair.split("=", 1) for pair in args.split())
    return env


def copied_sources() -> list[str]:
    """Every source path of the Dockerfile's COPY instructions (relative to the build context)."""
    sources = []
    for kw, args in instructions():
        if kw == "COPY":
            words = [w for w in args.split() if not w.startswith("--")]
            sources += [w.rstrip("/") for w in words[:-1]]
    return sources


def runtime_user() -> str:
    users = [args for kw, args in instructions() if kw == "USER"]
    assert users, "the image runs as root: no USER instruction"
    return users[-1].split(":")[0]


# --- Dockerfile -------------------------------------------------------------------------------------

def test_the_image_is_python_312_slim_which_the_project_supports():
    bases = [args.split()[0] for kw, args in instructions() if kw == "FROM"]
    assert bases == [BASE_IMAGE]
    version = BASE_IMAGE.split(":")[1].split("-")[0]
    assert SpecifierSet(PYPROJECT["project"]["requires-python"]).contains(version)


def test_the_image_runs_the_readme_entry_point_on_all_interfaces_port_8501():
    argv = cmd()
    assert argv[:2] == ["streamlit", "run"]
    script = argv[2]
    assert (ROOT / script).is_file()
    quick_start = re.search(r"streamlit run (\S+\.py)", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert quick_start and quick_start[1] == script, "the README runs another entry point than the image"
    options = dict(arg.removeprefix("--").split("=", 1) for arg in argv[3:])
    assert options == {"server.address": "0.0.0.0", "server.port": str(PORT), "server.headless": "true"}
    assert only("EXPOSE").split() in ([str(PORT)], [f"{PORT}/tcp"])


def test_the_health_check_asks_streamlit_with_python_not_curl():
    opts, command = healthcheck()
    assert command[:2] == ["python", "-c"]
    assert re.findall(r"https?://[^'\"\s]+", command[2]) == [HEALTH_URL]
    assert 1 <= seconds(opts["interval"]) <= 300
    assert 1 <= seconds(opts["timeout"]) < seconds(opts["interval"])
    assert int(opts.get("retries", "3")) >= 1


def test_the_dockerfile_names_no_address_but_the_local_health_check():
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert set(re.findall(r"\b[a-z][a-z0-9+.-]*://[^\s'\"\]]+", text)) == {HEALTH_URL}


def test_the_app_runs_as_an_unprivileged_user():
    keywords = [kw for kw, _ in instructions()]
    user = runtime_user()
    assert user not in ("root", "0")
    assert keywords.index("USER") < keywords.index("CMD")
    installs = [i for i, (kw, args) in enumerate(instructions()) if kw == "RUN" and "pip install" in args]
    assert installs and max(installs) < keywords.index("USER"), "pip must install as root, before USER"


def test_the_runtime_user_owns_the_generated_static_folder():
    generated = PurePosixPath(mapview.GENERATED_DIR.relative_to(ROOT).as_posix())
    user = runtime_user()
    runs = " && ".join(args for kw, args in instructions() if kw == "RUN")
    assert re.search(rf"\bmkdir -p {re.escape(str(generated))}(\s|$)", runs)
    assert re.search(rf"\bchown (-R )?{re.escape(user)}(:\S+)? {re.escape(str(generated))}(\s|$)", runs)


def test_the_image_holds_the_data_and_an_editable_install():
    """The data and the Streamlit settings are inside dashboard/; the license files are needed to build
    the install; CMD runs dashboard/app.py from WORKDIR, the same files the editable install imports."""
    sources = set(copied_sources())
    needed = {"pyproject.toml", PYPROJECT["project"]["readme"], "dashboard",
              *PYPROJECT["project"]["license-files"]}
    assert needed <= sources, f"not copied into the image: {sorted(needed - sources)}"
    for inside in (paths.DATA / "events.yaml", paths.DATA / "geodata", paths.PACKAGE / ".streamlit"):
        assert inside.exists() and inside.is_relative_to(ROOT / "dashboard"), inside
    runs = [args for kw, args in instructions() if kw == "RUN"]
    assert any(re.search(r"\bpip install (--\S+ )*-e \.(\s|$)", run) for run in runs)
    assert only("WORKDIR") == "/app"


def test_dockerignore_keeps_out_generated_and_local_files_but_nothing_the_image_copies():
    patterns = [line.strip().rstrip("/") for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")]
    assert not any(p.startswith("!") for p in patterns), "exceptions are not checked here"
    for needed in (".git", "dashboard/static/generated", "artifacts", "**/__pycache__"):
        assert needed in patterns

    def ignored(path: str) -> bool:
        parts = PurePosixPath(path).parts
        prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
        return any(fnmatch.fnmatchcase(prefix, p.removeprefix("**/")) or fnmatch.fnmatchcase(prefix, p)
                   for prefix in prefixes for p in patterns)

    for source in copied_sources():
        assert not ignored(source), f"{source} is copied by the Dockerfile but excluded by .dockerignore"
        assert (ROOT / source).exists(), source
    for kept in ("dashboard/app.py", "dashboard/static/leaflet-1.9.4/leaflet.js",
                 "dashboard/data/events.yaml", "dashboard/data/geodata/places.csv",
                 "dashboard/.streamlit/config.toml", "geodata/README.md"):
        assert not ignored(kept)


@contextlib.contextmanager
def image_command(port: int):
    """The image's CMD, from the repository root like WORKDIR, on ``port`` and loopback only."""
    argv = [a.replace(f"--server.port={PORT}", f"--server.port={port}")
             .replace("--server.address=0.0.0.0", "--server.address=127.0.0.1") for a in cmd()]
    assert argv[0] == "streamlit"
    env = dict(os.environ, **environment())
    proc = subprocess.Popen([sys.executable, "-m", *argv], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield proc
    finally:
        stop_process_group(proc)


def test_the_health_check_passes_on_the_running_app_and_fails_without_it():
    opts, command = healthcheck()
    port = free_port()
    code = command[2].replace(f":{PORT}/", f":{port}/")
    timeout = seconds(opts["timeout"])

    def check() -> int:
        return subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=timeout).returncode

    assert check() != 0, "the health check passes with nothing listening"
    with image_command(port) as proc:
        def up() -> bool:
            assert proc.poll() is None, f"the image's command exited with {proc.returncode}"
            return is_healthy(f"http://127.0.0.1:{port}/_stcore/health")

        wait_until(up, 60, "the image's command becoming healthy")
        assert check() == 0
    assert check() != 0


# --- Streamlit Community Cloud -----------------------------------------------------------------------

def requirement_lines() -> list[str]:
    return [line.split(" #")[0].strip() for line in REQUIREMENTS.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def by_name(requirements: list[str]) -> dict[str, str]:
    result = {}
    for text in requirements:
        req = Requirement(text)
        name = canonicalize_name(req.name)
        assert name not in result, f"{req.name} listed twice"
        result[name] = f"{sorted(req.extras)}{req.specifier}{';' + str(req.marker) if req.marker else ''}"
    return result


def test_requirements_txt_pins_the_runtime_dependencies_of_pyproject():
    listed = by_name([line for line in requirement_lines() if not line.startswith("-")])
    assert listed == by_name(PYPROJECT["project"]["dependencies"])


def test_requirements_txt_installs_the_project_itself_editable():
    """`streamlit run dashboard/app.py` puts only dashboard/ on sys.path, so `import dashboard` needs
    the project installed, and editable so that it is the checkout's own files that run."""
    options = [line for line in requirement_lines() if line.startswith("-")]
    assert options == ["-e ."]


def test_community_cloud_reads_requirements_txt():
    entry_dir = (ROOT / cmd()[2]).parent
    for folder in (entry_dir, ROOT):
        found = [name for name in CLOUD_DEPENDENCY_FILES if (folder / name).exists()]
        if found:
            assert found[0] == "requirements.txt", f"Community Cloud would use {folder / found[0]}"
            break
    else:
        pytest.fail("no dependency file for Community Cloud")
    # The settings live beside the entry point (Streamlit's script-level config, read wherever
    # `streamlit run` starts), and only there: a root .streamlit/config.toml would be a second copy.
    assert (entry_dir / ".streamlit" / "config.toml").is_file()
    assert not (ROOT / ".streamlit").exists()


def test_visitors_never_see_a_traceback_or_the_servers_paths():
    """An unexpected error shows a short notice only; "none" is one of the values Streamlit takes."""
    from streamlit import config

    settings = tomllib.loads((ROOT / "dashboard" / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["client"]["showErrorDetails"] == "none"
    assert '"none"' in config._config_options_template["client.showErrorDetails"].description
