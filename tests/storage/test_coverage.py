"""The layout-drift monitor (schema/coverage.py): coverage measured from the database, judged against history."""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy.settings import Settings
from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError

from schema.coverage import (
    DriftRules,
    baseline_of,
    describe,
    format_health,
    health,
    judge,
    latest_drift,
    measure,
    record_coverage,
)
from schema.models import Newspaper
from schema.store import Store
from tests.storage import factory as f

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DAY = dt.date(2024, 5, 1)
LONG_BODY = "本报讯（记者 林晓川）河阳市第一期农技培训班昨日开班，学员们走进田间地头学习春耕技术。\n" * 2
RULES = DriftRules(min_body=40, min_articles=4, min_pages=2)
HEALTHY = {
    "articles": 40,
    "pages": 8,
    "title": 1.0,
    "body": 0.9,
    "byline": 0.8,
    "image": 0.5,
    "clean": 1.0,
    "parsed": 1.0,
    "per_page": 5.0,
}


def test_a_share_that_drops_beyond_the_threshold_is_drift_and_a_small_dip_is_not() -> None:
    baseline = baseline_of([HEALTHY, {**HEALTHY, "body": 0.8}, {**HEALTHY, "body": 1.0}])
    assert baseline["runs"] == 3 and baseline["body"] == 0.9
    assert judge({**HEALTHY, "body": 0.75}, baseline, RULES) == []  # 0.15 below: within 0.25
    findings = judge({**HEALTHY, "body": 0.05, "byline": 0.0}, baseline, RULES)
    assert [(x["kind"], x["measure"]) for x in findings] == [("drift", "body"), ("drift", "byline")]
    assert describe(findings[0]).startswith("drift: body 0.05 (median of the last 3 healthy runs: 0.9")


def test_no_judgement_without_history_or_with_too_few_articles() -> None:
    broken = {**HEALTHY, "title": 0.0}
    assert judge(broken, None, RULES) == []
    assert judge(broken, baseline_of([HEALTHY]), DriftRules(min_runs=2)) == []
    assert judge({**broken, "articles": 3}, baseline_of([HEALTHY]), RULES) == []


def test_an_emptied_page_list_is_drift_in_articles_per_page() -> None:
    figures = {
        **HEALTHY,
        "articles": 0,
        "pages": 8,
        "per_page": 0.0,
        **dict.fromkeys(("title", "body"), None),
    }
    findings = judge(figures, baseline_of([HEALTHY]), RULES)
    assert [x["measure"] for x in findings] == ["per_page"]
    assert judge({**figures, "per_page": 3.0}, baseline_of([HEALTHY]), RULES) == []  # 40% fewer: within 50%


def test_replacement_characters_are_flagged_but_are_not_drift() -> None:
    figures = {
        **HEALTHY,
        "replacement_articles": 1,
        "replacement_chars": 2,
        "replacement_examples": [{"article_id": 7, "date": "2024-05-01", "source_key": "c", "chars": 2}],
    }
    (finding,) = judge(figures, baseline_of([HEALTHY]), RULES)
    assert finding["kind"] == "replacement"
    assert describe(finding) == "replacement: 1 article with U+FFFD (2 chars): article 7 2024-05-01 ×2"


def _store_edition(engine: Engine, day: dt.date, start: int, **kw: object) -> None:
    with Store(engine) as store:
        for item in f.edition(day, n_pages=2, per_page=3, start=start, **kw):
            store.add(item)
        store.finalize(f.PAPER, [day])


def _run(engine: Engine, finished: bool = True) -> int:
    with Store(engine) as store:
        run_id = store.start_run({"spider": "epaper"})
        if finished:
            store.finish_run(run_id, "finished", {})
    return run_id


def test_coverage_is_measured_from_the_database_and_drift_is_stored_and_shown(migrated: Engine) -> None:
    _store_edition(migrated, DAY, 1000, body=LONG_BODY)
    _store_edition(migrated, DAY + dt.timedelta(days=1), 2000, body="版权所有")  # the redesign: a footer
    with migrated.connect() as conn:
        newspaper_id = conn.execute(select(Newspaper.id).where(Newspaper.key == f.PAPER)).scalar_one()
        figures = measure(conn, newspaper_id, [DAY], RULES.min_body)
    assert (figures["editions"], figures["pages"], figures["articles"]) == (1, 2, 6)
    assert (figures["title"], figures["body"], figures["image"], figures["clean"], figures["per_page"]) == (
        1.0,
        1.0,
        1.0,
        1.0,
        3.0,
    )

    first = _run(migrated)
    (clean,) = record_coverage(migrated, first, {f.PAPER: [DAY]}, RULES)
    assert clean.findings == [] and clean.baseline is None
    second = _run(migrated)
    (broken,) = record_coverage(migrated, second, {f.PAPER: [DAY + dt.timedelta(days=1)]}, RULES)
    assert broken.drift and [x["measure"] for x in broken.findings] == ["body"]
    assert broken.baseline is not None and broken.baseline["runs"] == 1

    third = _run(migrated)  # the site stays broken: the drift run is not the new normal
    (still,) = record_coverage(migrated, third, {f.PAPER: [DAY + dt.timedelta(days=1)]}, RULES)
    assert still.drift and still.baseline is not None and still.baseline["body"] == 1.0

    report = health(migrated, f.PAPER)
    assert [r["run"] for r in report[f.PAPER]] == [third, second, first]
    assert report[f.PAPER][0]["findings"] == "drift:body" and report[f.PAPER][2]["findings"] == "ok"
    assert latest_drift(report) == [f.PAPER]
    text = format_health(report)
    assert text.startswith(f"{f.PAPER}\nrun") and f"latest run {third}:\n  drift: body 0.0 " in text


def test_replacement_characters_are_counted_per_article(migrated: Engine) -> None:
    _store_edition(migrated, DAY, 1000, body=LONG_BODY)
    with Store(migrated) as store:  # one story of the edition decoded with two bad byte sequences
        store.add(f.article_item(DAY, 1, 1, 1000, body=LONG_BODY + "河阳\ufffd县\ufffd"))
        store.finalize(f.PAPER, [DAY])
    run_id = _run(migrated, finished=False)
    (coverage,) = record_coverage(migrated, run_id, {f.PAPER: [DAY]}, RULES)
    assert coverage.figures["replacement_articles"] == 1 and coverage.figures["replacement_chars"] == 2
    assert coverage.figures["clean"] == round(5 / 6, 4)
    (finding,) = coverage.findings
    assert finding["kind"] == "replacement" and finding["examples"][0]["chars"] == 2
    assert not coverage.drift
    assert "replacement: 1 article with U+FFFD (2 chars): article" in format_health(health(migrated))


def test_status_health_on_a_database_without_coverage_says_so(tmp_path: Path) -> None:
    from schema.db import upgrade

    def health(db: Path) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "crawler.cli", "status", "--health", "--db", f"sqlite:///{db}"]
        return subprocess.run(cmd, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)

    upgrade(f"sqlite:///{tmp_path / 'new.db'}")  # at head, nothing crawled yet
    shown = health(tmp_path / "new.db")
    assert shown.returncode == 0, shown.stderr
    assert "Traceback" not in shown.stderr
    assert (
        shown.stdout.strip()
        == "(no coverage recorded yet: crawl first, or `epaper db upgrade` an older database)"
    )

    upgrade(f"sqlite:///{tmp_path / 'old.db'}", "0004")  # an archive from before the coverage table
    refused = health(tmp_path / "old.db")  # a read never migrates: it names the revision and the upgrade
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "revision 0004" in refused.stderr and "epaper db upgrade" in refused.stderr


def test_a_failing_measurement_is_logged_and_the_run_still_closes(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import crawler.run_ledger as ledger_module
    from pipelines.store import StorePipeline

    def broken(*args: object, **kwargs: object) -> None:
        raise OperationalError("SELECT …", {}, Exception("no such function: replace"))

    monkeypatch.setattr(ledger_module, "record_coverage", broken)
    crawler = SimpleNamespace(settings=Settings())
    stage = StorePipeline(crawler, "sqlite://", 10)  # type: ignore[arg-type]
    stage.store = SimpleNamespace(engine=None)  # type: ignore[assignment]
    stage.dates[f.PAPER].add(DAY)
    pipeline = ledger_module.RunLedger(crawler)  # type: ignore[arg-type]
    pipeline.stage, pipeline.run_id = stage, 1
    with caplog.at_level(logging.ERROR, logger="pipelines.store"):
        assert pipeline._coverage() == []
    assert "field coverage not measured: (builtins.Exception) no such function: replace" in caplog.text
