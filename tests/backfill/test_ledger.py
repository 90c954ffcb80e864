"""The ledger queries behind `epaper status` and the spider's plan: calendar, gaps, runs, skip decisions."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from crawler.cli import main
from crawler.registry import load_registry
from crawler.spiders.epaper import edition_dates, skip_reason
from schema.db import upgrade
from schema.records import EditionItem, FailureItem
from schema.status import EditionState, calendar, edition_states, format_calendar, gaps, runs
from schema.store import Store
from tests.storage import factory as f

DAY = dt.date(2024, 5, 30)
UTC = dt.timezone.utc


@pytest.fixture
def db(db_url: str, db_engine: Engine) -> tuple[str, Engine]:
    """A migrated database on each backend: the ledger queries are plain SQL that both must answer alike."""
    upgrade(db_engine)
    return db_url, db_engine


def _fill(engine: Engine) -> None:
    """05-30 complete, 05-31 partial (a page failed), 06-01 not published, 06-02 pending (never finalised)."""
    store = Store(engine, batch_size=50)
    store.ensure_newspaper(f.PAPER, "河阳日报")
    for item in f.edition(DAY, n_pages=2, per_page=2):
        store.add(item)
    partial = f.edition(DAY + dt.timedelta(days=1), n_pages=2, per_page=2, start=2000)
    for item in partial[:4]:  # the edition, page 1 and its articles; page 2 failed
        store.add(item)
    store.add(FailureItem(f.PAPER, DAY + dt.timedelta(days=1), f.page_url(DAY, 2), "page", "HTTP 500", 3))
    store.add(EditionItem(f.PAPER, DAY + dt.timedelta(days=2), status="not_published", reason="HTTP 404"))
    store.finalize(f.PAPER, [DAY, DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=2)])
    store.add(EditionItem(f.PAPER, DAY + dt.timedelta(days=3), url=f.page_url(DAY, 1)))
    run = store.start_run({"spider": "epaper", "paper_spec": f.PAPER, "only_arg": "gaps"})
    store.finish_run(run, "failed", {"editions": 3, "requests": 17, "pages": 3, "articles": 6, "failures": 1,
                                     "skipped": 2, "joins": 1})
    store.close()


def test_calendar_gaps_and_runs(db) -> None:
    url, engine = db
    _fill(engine)
    months = calendar(engine, f.PAPER)
    assert [(m["month"], m["complete"], m["partial"], m["not_published"], m["pending"]) for m in months] == [
        ("2024-05", 1, 1, 0, 0), ("2024-06", 0, 0, 1, 1)]
    assert months[0]["days"] == "." * 29 + "#p" and months[1]["days"].startswith("-?.") and len(months[1]["days"]) == 30
    text = format_calendar(months)
    assert "# complete" in text and "missing" not in text.splitlines()[0]  # only statuses that occur get a column

    found = gaps(engine, f.PAPER)
    assert [(g["date"], g["status"]) for g in found] == [(DAY + dt.timedelta(days=1), "partial"),
                                                         (DAY + dt.timedelta(days=3), "pending")]
    assert "page HTTP 500 ×3" in found[0]["why"] and "did not finish" in found[1]["why"]

    listed = runs(engine)
    assert len(listed) == 1 and listed[0]["status"] == "failed" and listed[0]["requests"] == 17
    assert "only=gaps" in listed[0]["args"] and "paper=hyrb" in listed[0]["args"]
    assert runs(engine, paper="other") == []

    states = edition_states(engine, f.PAPER, DAY, DAY + dt.timedelta(days=5))
    assert {d: s.status for d, s in states.items()} == {
        DAY: "complete", DAY + dt.timedelta(days=1): "partial", DAY + dt.timedelta(days=2): "not_published",
        DAY + dt.timedelta(days=3): "pending"}


def test_status_command_prints_calendar_gaps_and_runs(db, capsys: pytest.CaptureFixture[str]) -> None:
    url, engine = db
    _fill(engine)
    assert main(["status", "--db", url, "--paper", f.PAPER]) == 1  # a partial edition: non-zero for scripts
    out = capsys.readouterr().out
    assert "2024-05" in out and "gaps: 2 editions not complete" in out and "HTTP 500" in out
    assert main(["status", "--db", url, "--runs"]) == 0
    out = capsys.readouterr().out
    assert "requests" in out.splitlines()[0] and "failed" in out
    assert main(["status", "--db", url, "--editions", "--from", "2024-05-30", "--to", "2024-05-30"]) == 0
    assert "complete" in capsys.readouterr().out


def test_edition_states_on_a_database_without_tables(db_engine: Engine) -> None:
    assert edition_states(db_engine, "x") == {}


def test_skip_decisions() -> None:
    paper = load_registry()["ycrb"]  # Asia/Shanghai
    day = dt.date(2025, 3, 5)
    late = dt.datetime(2025, 3, 5, 17, 0, tzinfo=UTC)  # 01:00 on 03-06 in Beijing: the day was over
    early = dt.datetime(2025, 3, 4, 23, 0, tzinfo=UTC)  # 07:00 on 03-05 in Beijing: maybe not online yet
    assert skip_reason(None, day, paper, None, False) is None
    assert skip_reason(EditionState("complete"), day, paper, None, False) == "complete"
    assert skip_reason(EditionState("complete"), day, paper, "gaps", True) is None
    for status in ("partial", "failed", "missing", "pending"):
        assert skip_reason(EditionState(status), day, paper, "gaps", False) is None
    assert skip_reason(EditionState("not_published", late), day, paper, "gaps", False) == "not_published"
    assert skip_reason(EditionState("not_published", early), day, paper, "gaps", False) is None
    assert skip_reason(EditionState("not_published", late), day, paper, None, False) is None  # default re-checks


def test_relative_days_follow_the_papers_timezone() -> None:
    paper = load_registry()["ycrb"]
    assert edition_dates(paper, None, "yesterday", "today") == [paper.today() - dt.timedelta(days=1), paper.today()]
    assert edition_dates(paper, "today", None, None) == [paper.today()]


@pytest.mark.parametrize("lose", ["an article", "a page with its articles", "the edition's page list"])
def test_items_lost_in_a_kill_leave_the_edition_a_gap(db, lose: str) -> None:
    """What a kill -9 can lose (the store's unflushed batch) never leaves an edition that looks complete."""
    url, engine = db
    items = f.edition(DAY, n_pages=2, per_page=2)  # [edition, page 1, a, a, page 2, a, a]
    kept = {"an article": items[:-1], "a page with its articles": items[:4],
            "the edition's page list": items[1:4]}[lose]
    store = Store(engine, batch_size=50)
    store.ensure_newspaper(f.PAPER, "河阳日报")
    for item in kept:
        store.add(item)
    status = store.finalize(f.PAPER, [DAY])[DAY]
    store.close()
    assert status == "partial"
    paper = load_registry()["ycrb"]
    assert skip_reason(edition_states(engine, f.PAPER)[DAY], DAY, paper, "gaps", False) is None
