"""Writing files safely (dashboard.core.files): all or nothing, with the permissions a plain write gives."""

from __future__ import annotations

import os
import stat

import pytest

from dashboard.core.files import OutputError, atomic_write


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
