"""Writing files safely (dashboard.core.files): all or nothing, with the permissions a plain write gives."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from dashboard.core.files import OutputError, atomic_write, ensure_content, writable_target


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_follows_the_umask_not_the_temporary_files_0600(tmp_path, umask_022):
    target = tmp_path / "map.png"
    with atomic_write(target) as out:
        out.write(b"png")
    assert target.read_bytes() == b"png" and mode(target) == 0o644
    os.umask(0o077)
    private = tmp_path / "private.png"
    with atomic_write(private) as out:
        out.write(b"png")
    assert mode(private) == 0o600


def test_a_replaced_file_keeps_its_mode(tmp_path, umask_022):
    target = tmp_path / "events.yaml"
    target.write_text("old")
    target.chmod(0o664)
    with atomic_write(target) as out:
        out.write(b"new")
    assert target.read_text() == "new" and mode(target) == 0o664


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "events.yaml"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_write(target) as out:
        out.write(b"half")
        raise RuntimeError("interrupted")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["events.yaml"]


def test_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(OutputError, match="does not exist"), atomic_write(tmp_path / "no" / "map.png"):
        pass


# --- what a write may replace ----------------------------------------------------------------------

def test_a_symlink_stays_a_link_to_the_new_content(tmp_path, umask_022):
    real = tmp_path / "data" / "events.yaml"
    real.parent.mkdir()
    real.write_text("old")
    real.chmod(0o664)
    link = tmp_path / "events.yaml"
    link.symlink_to(real)
    with atomic_write(link) as out:
        out.write(b"new")
    assert link.is_symlink() and link.readlink() == real
    assert real.read_text() == "new" and mode(real) == 0o664
    assert sorted(p.name for p in real.parent.iterdir()) == ["events.yaml"]  # the temporary went there


def test_a_dangling_symlink_creates_its_target(tmp_path, umask_022):
    link = tmp_path / "map.png"
    link.symlink_to(tmp_path / "real.png")
    with atomic_write(link) as out:
        out.write(b"png")
    assert link.is_symlink() and (tmp_path / "real.png").read_bytes() == b"png"


def make_fifo(path):
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(("make", "words"), [
    (lambda p: p.mkdir() or p, "it is a folder, not a regular file"),
    (make_fifo, "it is a FIFO (named pipe), not a regular file"),
    (lambda p: (p.parent / "loop").symlink_to(p.parent / "loop") or p.symlink_to(p.parent / "loop") or p,
     "a symlink that leads nowhere"),
])
def test_what_is_not_a_regular_file_is_refused_and_left_alone(tmp_path, make, words):
    target = make(tmp_path / "out.png")
    before = sorted((p.name, p.is_dir(), p.is_fifo()) for p in tmp_path.iterdir())
    with pytest.raises(OutputError, match=re.escape(f"cannot write {target}: {words}")), \
            atomic_write(target) as out:
        out.write(b"never")
    assert sorted((p.name, p.is_dir(), p.is_fifo()) for p in tmp_path.iterdir()) == before


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_a_device_is_refused_before_anything_is_written():
    full_before = os.stat("/dev/full")
    refused = pytest.raises(OutputError, match="/dev/full: it is a device, not a regular file")
    with refused, atomic_write("/dev/full") as out:
        out.write(b"never")
    assert os.stat("/dev/full").st_rdev == full_before.st_rdev  # still the device


@pytest.mark.parametrize("readonly", [0o444, 0o400, 0o555])
def test_a_read_only_file_is_refused_not_replaced(tmp_path, readonly):
    """Even for root, who may write anything: chmod a-w is how a file is kept as it is."""
    target = tmp_path / "events.yaml"
    target.write_text("kept")
    target.chmod(readonly)
    with pytest.raises(OutputError, match=re.escape(f"it is read-only (mode 0{readonly:o})")), \
            atomic_write(target) as out:
        out.write(b"new")
    assert target.read_text() == "kept" and mode(target) == readonly
    assert [p.name for p in tmp_path.iterdir()] == ["events.yaml"]


def test_writable_target_names_the_file_a_write_replaces(tmp_path):
    real = tmp_path / "real.csv"
    (tmp_path / "link.csv").symlink_to(real)
    assert writable_target(tmp_path / "link.csv") == real
    assert writable_target(tmp_path / "new.csv") == tmp_path / "new.csv"


# --- interrupted writes ----------------------------------------------------------------------------

@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, SystemExit])
def test_an_interrupt_leaves_the_old_file_and_no_temporary(tmp_path, interrupt):
    target = tmp_path / "map.png"
    target.write_bytes(b"old")
    with pytest.raises(interrupt), atomic_write(target) as out:
        out.write(b"half")
        assert len(list(tmp_path.iterdir())) == 2  # the temporary file is there while writing
        raise interrupt()
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["map.png"]


def test_an_interrupt_right_after_the_temporary_file_is_made_leaves_nothing(tmp_path, monkeypatch):
    """An interrupt landing as the file is created (before ``open`` returns its descriptor: a signal
    handler may raise between any two bytecodes) still finds the file to remove: its name came first."""
    made = []

    def interrupted_open(path, flags, mode=0o777):
        made.append(real_open(path, flags, mode))
        raise KeyboardInterrupt  # the file exists, its descriptor never reaches the caller

    real_open = os.open
    monkeypatch.setattr(os, "open", interrupted_open)
    with pytest.raises(KeyboardInterrupt), atomic_write(tmp_path / "map.png") as out:
        out.write(b"never")
    monkeypatch.undo()
    os.close(made[0])
    assert list(tmp_path.iterdir()) == []


# --- generated files checked, not trusted by name --------------------------------------------------

@pytest.mark.parametrize("there", [None, b"", b'{"type": "FeatureCol', b'{"type": "FeatureCollectioN"}'])
def test_ensure_content_rewrites_a_missing_empty_short_or_changed_file(tmp_path, umask_022, there):
    path = tmp_path / "countries-0123abcd.json"
    if there is not None:
        path.write_bytes(there)
    assert ensure_content(path, b'{"type": "FeatureCollection"}') is True
    assert path.read_bytes() == b'{"type": "FeatureCollection"}' and mode(path) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_ensure_content_leaves_a_file_that_already_holds_it(tmp_path):
    path = tmp_path / "record-0123abcd.json"
    path.write_bytes(b"[1, 2]")
    mtime = path.stat().st_mtime_ns
    assert ensure_content(path, b"[1, 2]") is False and path.stat().st_mtime_ns == mtime
