"""Read commands answer at once: they load no crawler machinery and never migrate the database they read.

Each command runs in its own interpreter (as a user runs it) and reports which top-level packages it imported;
no wall-clock limit is asserted (the figures are in benchmarks/README.md).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_cli_errors import ROOT, _env, assert_one_line_error, epaper

# what a read command has no use for: the crawl engine, the migration tool, the WARC archive, the parsers
HEAVY = ("scrapy", "twisted", "alembic", "warcio", "scrapy_redis", "parsel")

PROBE = """
import json, sys
from crawler.cli import main
try:
    status = main(sys.argv[1:])
except SystemExit as exc:
    status = exc.code
print(json.dumps({"status": status, "modules": sorted({m.split(".")[0] for m in sys.modules})}), file=sys.stderr)
"""


def _modules_of(*args: str) -> tuple[int, set[str], str]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=120
    )
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    return report["status"], set(report["modules"]), proc.stdout


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite archive holding one stored, finalised edition (built by the store, without a crawl)."""
    import datetime as dt

    from schema.store import Store
    from tests.storage.factory import PAPER, edition

    url = f"sqlite:///{tmp_path_factory.mktemp('reads') / 'epaper.db'}"
    store = Store.open(url)
    try:
        store.ensure_newspaper(PAPER, "河阳日报", "河阳", "hans", None)
        day = dt.date(2025, 4, 25)
        for item in edition(day):
            store.add(item)
        store.flush()
        store.finalize(PAPER, [day])
    finally:
        store.close()
    return url


READS = {
    "status": ["status"],
    "status --runs": ["status", "--runs"],
    "search": ["search", "河阳"],
    "export": ["export", "--format", "jsonl"],
}


@pytest.mark.parametrize("command", sorted(READS))
def test_a_read_command_imports_no_crawler_machinery(command: str, demo_db: str) -> None:
    status, modules, _ = _modules_of(*READS[command], "--db", demo_db)
    assert status in (0, 1), status  # 1: status reports an incomplete edition, which this one is
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))


@pytest.mark.skipif(importlib.util.find_spec("matplotlib") is None, reason="matplotlib not installed ('.[research]')")
def test_plot_imports_no_crawler_machinery(demo_db: str, tmp_path: Path) -> None:
    status, modules, _ = _modules_of(
        "plot", "coverage", "--paper", "hyrb", "--year", "2025", "--out", str(tmp_path / "c.svg"), "--db", demo_db
    )
    assert status == 0, status
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))


def test_the_revision_list_is_alembics_history() -> None:
    """schema.db.SCHEMA_REVISIONS (read without Alembic) lists the packaged migrations, oldest first."""
    from alembic.script import ScriptDirectory

    from schema.db import SCHEMA_REVISIONS, alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    history = [rev.revision for rev in script.walk_revisions()][::-1]
    assert list(SCHEMA_REVISIONS) == history


def test_a_read_on_an_older_schema_names_the_upgrade_and_does_not_migrate(tmp_path: Path) -> None:
    from schema.db import make_engine, stored_revision, upgrade

    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0003")
    for args in (["status"], ["search", "河阳"], ["export", "--format", "csv"]):
        proc = epaper(*args, "--db", url)
        assert_one_line_error(proc, f"epaper {args[0]}", "revision 0003", "epaper db upgrade")
    engine = make_engine(url)
    try:
        assert stored_revision(engine) == "0003"  # nothing was migrated by the reads
    finally:
        engine.dispose()
