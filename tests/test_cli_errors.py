"""User mistakes on the `epaper` entry points: one line on stderr, a non-zero exit status, never a traceback.

Every case runs the real console entry point (`python -m crawler.cli`, `python -m crawler.schedule`) in a
subprocess, as a user or cron would.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.errors import BROKEN_PIPE_EXIT, USER_ERROR_EXIT

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "families" / "fixtures"
PAGE_CASE = FIXTURES / "founder-pc" / "newslist_page"
UNREACHABLE_PG = "postgresql+psycopg2://127.0.0.1:1/x"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("EPAPER_DATABASE_URL", "EPAPER_PAPERS")}
    return env


def epaper(*args: str, module: str = "crawler.cli", timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_one_line_error(
    proc: subprocess.CompletedProcess[str], *fragments: str, status: int = USER_ERROR_EXIT
) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == status, (proc.returncode, proc.stdout[-500:], proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An existing, migrated (empty) SQLite archive."""
    from schema.db import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('archive') / 'epaper.db'}"
    upgrade(url)
    return url


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port something is listening on."""
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


# --------------------------------------------------------------------------- --db

# one command line per command that takes --db; {db} is replaced by the URL under test
DB_COMMANDS = {
    "status": ["status", "--db", "{db}"],
    "status --runs": ["status", "--runs", "--db", "{db}"],
    "search": ["search", "报", "--db", "{db}"],
    "export": ["export", "--format", "csv", "--db", "{db}"],
    "plot": ["plot", "coverage", "--paper", "demo", "--year", "2025", "--db", "{db}"],
    "db upgrade": ["db", "upgrade", "--db", "{db}"],
    "daily": ["daily", "--paper", "demo", "--db", "{db}"],
    "reparse": ["reparse", "--db", "{db}"],
    "demo": ["demo", "--port", "0", "--db", "{db}"],
    "seed": ["seed", "--paper", "demo", "--from", "2025-04-25", "--db", "{db}"],
    "frontier": ["frontier", "--db", "{db}"],
}


def _with_db(args: list[str], url: str) -> list[str]:
    return [url if a == "{db}" else a for a in args]


@pytest.mark.parametrize("command", sorted(DB_COMMANDS))
def test_a_malformed_database_url_is_one_line(command: str) -> None:
    proc = epaper(*_with_db(DB_COMMANDS[command], "nope://x"))
    assert_one_line_error(proc, f"epaper {command.split()[0]}", "not a usable database URL", "nope://x")


@pytest.mark.parametrize("command", ["status", "status --runs", "search", "export", "db upgrade"])
def test_an_unreachable_database_server_is_one_line(command: str) -> None:
    proc = epaper(*_with_db(DB_COMMANDS[command], UNREACHABLE_PG))
    assert_one_line_error(proc, f"epaper {command.split()[0]}", "Connection refused")


@pytest.mark.parametrize("command", ["status", "search", "export", "plot", "serve"])
def test_a_read_command_does_not_create_a_missing_sqlite_database(command: str, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "epaper.db"
    args = DB_COMMANDS.get(command, ["serve", "--port", "0", "--db", "{db}"])
    proc = epaper(*_with_db(args, f"sqlite:///{missing}"))
    assert_one_line_error(proc, "does not exist", str(missing))
    assert not missing.parent.exists()


# --------------------------------------------------------------------------- --paper

PAPER_COMMANDS = {
    "status": ["status", "--paper", "nosuch"],
    "search": ["search", "报", "--paper", "nosuch"],
    "export": ["export", "--format", "csv", "--paper", "nosuch"],
    "plot coverage": ["plot", "coverage", "--paper", "nosuch", "--year", "2025"],
    "plot page": ["plot", "page", "--paper", "nosuch", "--date", "2025-04-25", "--page", "1"],
    "daily": ["daily", "--paper", "nosuch"],
}


@pytest.mark.parametrize("command", sorted(PAPER_COMMANDS))
def test_an_unknown_paper_is_named(command: str, archive: str) -> None:
    proc = epaper(*PAPER_COMMANDS[command], "--db", archive)
    assert_one_line_error(proc, f"epaper {command.split()[0]}", "unknown paper 'nosuch'", "demo")
    assert proc.stdout == ""


def test_the_schedule_module_entry_point_checks_the_paper_too(archive: str) -> None:
    proc = epaper("daily", "--paper", "nosuch", "--db", archive, module="crawler.schedule")
    assert_one_line_error(proc, "unknown paper 'nosuch'")


def test_a_paper_that_is_only_in_the_archive_is_known(tmp_path: Path) -> None:
    """A paper removed from the registry is still readable from the archive."""
    from schema.store import Store

    url = f"sqlite:///{tmp_path / 'old.db'}"
    with Store.open(url) as store:
        store.ensure_newspaper("oldpaper", "旧报")
    proc = epaper("status", "--paper", "oldpaper", "--db", url)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr


# --------------------------------------------------------------------------- ports, files, pipes


def test_demo_on_a_busy_port_says_so(busy_port: int, tmp_path: Path) -> None:
    proc = epaper("demo", "--port", str(busy_port), "--db", f"sqlite:///{tmp_path / 'demo.db'}")
    assert_one_line_error(proc, "epaper demo", f"port {busy_port} is in use")


def test_serve_on_a_busy_port_says_so(busy_port: int, archive: str) -> None:
    proc = epaper("serve", "--port", str(busy_port), "--db", archive)
    assert_one_line_error(proc, "epaper serve", f"port {busy_port} is in use")


@pytest.mark.parametrize(
    ("payload", "what"),
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "a PDF file"),
        (bytes(range(256)) * 8, "binary data"),
        ("只是一段文字，没有标记。\n".encode(), "no HTML tags"),
    ],
    ids=["pdf", "binary", "plain-text"],
)
def test_parse_of_a_file_that_is_not_html_says_so(payload: bytes, what: str, tmp_path: Path) -> None:
    path = tmp_path / "saved.htm"
    path.write_bytes(payload)
    url = json.loads((PAGE_CASE / "meta.json").read_text(encoding="utf-8"))["url"]
    proc = epaper("parse", str(path), "--url", url)
    assert_one_line_error(proc, "epaper parse", "not an HTML document", what)
    assert "truncated" not in proc.stderr


def test_output_piped_into_a_reader_that_goes_away_ends_quietly() -> None:
    """`epaper parse … | head -1`: the reader closes the pipe before we write; no BrokenPipeError traceback."""
    url = json.loads((PAGE_CASE / "meta.json").read_text(encoding="utf-8"))["url"]
    cmd = [sys.executable, "-m", "crawler.cli", "parse", str(PAGE_CASE / "body.bin"), "--url", url]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # long before the interpreter has imported the parsers and printed
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == BROKEN_PIPE_EXIT
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr


def test_output_piped_into_head_in_a_shell_ends_quietly() -> None:
    """A real shell pipe; `head -n 0` has gone before the command prints (like `head` on long output)."""
    url = json.loads((PAGE_CASE / "meta.json").read_text(encoding="utf-8"))["url"]
    script = (
        f"{sys.executable} -m crawler.cli parse {PAGE_CASE / 'body.bin'} --url '{url}' | head -n 0;"
        " echo status=${PIPESTATUS[0]} >&2"
    )
    proc = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in proc.stderr and "BrokenPipeError" not in proc.stderr, proc.stderr
    assert f"status={BROKEN_PIPE_EXIT}" in proc.stderr, proc.stderr


def test_a_database_at_an_older_schema_says_to_upgrade(tmp_path: Path) -> None:
    from schema.db import upgrade

    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0003")
    proc = epaper("status", "--db", url)
    assert_one_line_error(proc, "epaper status: database error", "epaper db upgrade")


def test_a_postgresql_url_without_a_driver_uses_the_installed_one() -> None:
    """`postgresql://…` is what users write; SQLAlchemy 2.1 would pick psycopg 3, which the extra does not install."""
    proc = epaper("status", "--db", UNREACHABLE_PG.replace("postgresql+psycopg2://", "postgresql://"))
    assert_one_line_error(proc, "epaper status", "Connection refused")


def test_a_database_driver_that_is_not_installed_is_one_line() -> None:
    import importlib.util

    if importlib.util.find_spec("pg8000") is not None:
        pytest.skip("pg8000 is installed here: pick a driver that is not")  # never in the project's venvs
    proc = epaper("status", "--db", "postgresql+pg8000://u@127.0.0.1:1/x")
    assert_one_line_error(proc, "epaper status", "driver 'pg8000' is not installed")
