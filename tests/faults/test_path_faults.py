"""Paths built from paper keys or user values stay in their folder (lock files, WARC folders, plot names,
page-image lookups), whatever the key says."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.archive.writer import WarcFileWriter
from crawler.paths import PathEscape, confined
from crawler.plots import PageView, page_image
from crawler.runlock import lock_path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DB = "sqlite:////tmp/epaper.db"


def test_confined_keeps_names_inside_their_folder(tmp_path: Path) -> None:
    assert confined(tmp_path, "ycrb.lock") == tmp_path / "ycrb.lock"
    assert confined(tmp_path, "a", "b/c.warc.gz") == tmp_path / "a" / "b" / "c.warc.gz"
    assert confined(tmp_path, "a/../b") == tmp_path / "b"
    for parts in (("../x",), ("a/../../x",), ("/etc/passwd",), ("a", "/etc/passwd"), ("",), (".",)):
        with pytest.raises(PathEscape, match="is not a name inside"):
            confined(tmp_path, *parts)


def test_confined_follows_no_symlink_check(tmp_path: Path) -> None:
    """An operator's symlink inside the folder (a paper's archive on another disk) is the operator's choice."""
    elsewhere = tmp_path / "other-disk"
    elsewhere.mkdir()
    base = tmp_path / "archive"
    base.mkdir()
    (base / "ycrb").symlink_to(elsewhere)
    assert confined(base, "ycrb", "f.warc.gz") == base / "ycrb" / "f.warc.gz"


@pytest.mark.parametrize("key", ["../../x", "/tmp/x", "a/../../x"])
def test_lock_file_of_a_hostile_key_is_refused(tmp_path: Path, key: str) -> None:
    locks = tmp_path / "data" / "locks"
    with pytest.raises(PathEscape):
        lock_path(locks, key, DB)
    assert lock_path(locks, "ycrb", DB).parent == locks


def test_warc_folder_of_a_hostile_key_stays_in_the_archive(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    for key in ("../../x", "/tmp/x", ".."):
        writer = WarcFileWriter(archive, key)
        assert archive in writer.directory.parents


def test_page_image_lookup_stays_in_the_mirror(tmp_path: Path) -> None:
    mirror = tmp_path / "pages"
    (mirror / "h").mkdir(parents=True)
    (mirror / "h" / "p1.jpg").write_bytes(b"jpg")
    (tmp_path / "secret.jpg").write_bytes(b"not the mirror's")

    def view(url: str) -> PageView:
        return PageView("x", "X", dt.date(2025, 4, 25), "01", None, url, None, None)

    assert page_image(view("http://h/p1.jpg"), mirror) == mirror / "h" / "p1.jpg"
    assert page_image(view("http://h/../../secret.jpg"), mirror) is None
    assert page_image(view("http://h/%2e%2e/x/../../../secret.jpg"), mirror) is None


def test_plot_default_file_name_stays_in_the_working_directory(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    key = "/../../../../../../../../" + str(tmp_path / "evil").lstrip("/")
    # an archive that holds the hostile key (a registry refuses it, an old database might not): the plot gets
    # past "unknown paper" and must still keep its default file name inside the working directory
    db = f"sqlite:///{tmp_path / 'data' / 'epaper.db'}"
    from schema.store import Store

    store = Store.open(db)
    store.ensure_newspaper(key, "evil", None, "hans", None)
    store.close()
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "crawler.cli",
            "plot",
            "coverage",
            "--paper",
            key,
            "--year",
            "2025",
            "--db",
            db,
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert [line for line in proc.stderr.splitlines() if line.startswith("epaper plot: ")], proc.stderr
    assert "is not a name inside" in proc.stderr
    assert not list(tmp_path.glob("evil*")) and not list(work.iterdir())
