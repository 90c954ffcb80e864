"""The reparse rebuilds the crawled database: a crawl of two months of the benchmark site with the archive on,
then `epaper reparse` into fresh databases (one and two worker processes) must give equal tables, row for row
(every stored field but ids and timestamps, foreign keys by natural key), and a second reparse writes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from crawler.testsite.server import FixtureServer
from crawler.testsite.sites import site_for
from tests.crawl.conftest import run_crawl

from .conftest import TABLES, query, run_reparse

START, DAYS = dt.date(2021, 3, 1), 45
# what a reparse must not move (first_/last_ seen and crawled times, changed_at) or cannot know (ids): left out
SKIPPED = {"id"}
KEYS = {"newspaper_id": "newspaper", "edition_id": "edition", "page_id": "page", "article_id": "article"}


def _natural_keys(conn: Any) -> dict[str, dict[int, Any]]:
    """Row id → natural key, per table that others refer to."""
    return {
        "newspaper": dict(conn.execute(text("select id, key from newspaper")).all()),
        "edition": {i: str(d) for i, d in conn.execute(text("select id, date from edition"))},
        "page": {i: f"{d}/{n}" for i, d, n in conn.execute(text(
            "select p.id, e.date, p.number from page p join edition e on e.id = p.edition_id"))},
        "article": {i: f"{d}/{k}" for i, d, k in conn.execute(text(
            "select a.id, e.date, a.source_key from article a join edition e on e.id = a.edition_id"))},
    }


def table_digests(url: str) -> dict[str, tuple[int, str]]:
    """Per table: the row count and a sha256 of its sorted rows, ids replaced by natural keys, times left out."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            keys = _natural_keys(conn)
            out = {}
            for table in TABLES:
                result = conn.execute(text(f"select * from {table}"))
                columns = list(result.keys())
                rows = []
                for row in result:
                    values = []
                    for name, value in zip(columns, row, strict=True):
                        if name in SKIPPED or name.endswith("_at"):
                            continue
                        if name in KEYS and value is not None:
                            value = keys[KEYS[name]].get(value, f"dangling {value}")
                        if isinstance(value, str) and value[:1] in "[{":
                            try:  # JSON text: compared as values (the two backends space it differently)
                                value = json.loads(value)
                            except ValueError:
                                pass
                        values.append([name, value])
                    rows.append(json.dumps(values, ensure_ascii=False, sort_keys=True, default=str))
                rows.sort()
                out[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
            return out
    finally:
        engine.dispose()


def seen_times(url: str) -> list[tuple]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(
                "select e.date, e.first_crawled_at, e.last_crawled_at, a.source_key, a.first_seen_at, a.last_seen_at,"
                " a.changed_at from article a join edition e on e.id = a.edition_id order by e.date, a.source_key"))]
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One crawl of the benchmark site over DAYS dates (2 pages × 3 articles, continued stories) into SQLite."""
    tmp = tmp_path_factory.mktemp("equality")
    site = site_for("bench", start=START, days=DAYS, pages=2, articles_per_page=3)
    with FixtureServer([site]) as server:
        registry = tmp / "papers.toml"
        registry.write_text(
            '[papers.bench]\nname = "河东日报（基准）"\nscript = "hans"\n[[papers.bench.layouts]]\n'
            f'family = "founder-pc"\nbase_url = "{server.base_url}/bench/"\n'
            'entry = "pc/layout/{date:%Y%m}/{date:%d}/node_01.html"\n', encoding="utf-8")
        db = f"sqlite:///{tmp / 'crawl.db'}"
        archive = tmp / "archive"
        result = run_crawl(server.base_url, db, "bench", start=str(site.dates[0]), end=str(site.dates[-1]),
                           registry=registry, settings={"EPAPER_ARCHIVE_ENABLED": "1",
                                                        "EPAPER_ARCHIVE_DIR": str(archive)})
        assert result.returncode == 0, result.log[-3000:]
        url = server.base_url
    return {"tmp": tmp, "db": db, "archive": archive, "registry": registry, "server": url}


def test_a_reparse_into_a_fresh_database_equals_the_crawl_and_a_second_one_writes_nothing(crawled: dict) -> None:
    fresh = f"sqlite:///{crawled['tmp'] / 'fresh.db'}"
    run = run_reparse(crawled["archive"], fresh, crawled["server"], registry=crawled["registry"])
    assert run.returncode == 0, run.stderr[-3000:]
    summary = run.summary
    assert summary["missing"] == 0 and summary["rows_written"] > 0
    expected = table_digests(crawled["db"])
    assert expected["article"][0] > 0 and expected["article_part"][0] > expected["article"][0]  # stories joined
    assert table_digests(fresh) == expected
    assert {v for (v,) in query(fresh, "select distinct parser_version from article")} == {"founder-pc/V1"}
    runs = query(fresh, "select args, status from crawl_run")
    assert len(runs) == 1 and "reparse" in str(runs[0][0]) and runs[0][1] == "finished"

    times = seen_times(fresh)
    again = run_reparse(crawled["archive"], fresh, crawled["server"], registry=crawled["registry"])
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.summary["rows_written"] == 0, again.summary["rows_written_by_table"]
    assert seen_times(fresh) == times  # nothing seen anew: no seen, crawled or changed time moves
    assert table_digests(fresh) == expected
    assert len(query(fresh, "select id from crawl_run")) == 2  # the ledger records every reparse


def test_reparse_into_the_crawled_database_moves_no_time_and_writes_nothing(crawled: dict) -> None:
    times = seen_times(crawled["db"])
    run = run_reparse(crawled["archive"], crawled["db"], crawled["server"], registry=crawled["registry"])
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.summary["rows_written"] == 0, run.summary["rows_written_by_table"]
    assert seen_times(crawled["db"]) == times


def test_two_worker_processes_give_the_same_database(crawled: dict) -> None:
    fresh = f"sqlite:///{crawled['tmp'] / 'jobs2.db'}"
    run = run_reparse(crawled["archive"], fresh, crawled["server"], "--jobs", "2", registry=crawled["registry"])
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.summary["jobs"] == 2
    assert table_digests(fresh) == table_digests(crawled["db"])


def test_the_digest_sees_a_changed_field(crawled: dict, tmp_path: Path) -> None:
    """The comparison can fail: one changed byline differs."""
    import shutil

    copy = tmp_path / "changed.db"
    shutil.copy(str(crawled["db"]).removeprefix("sqlite:///"), copy)
    url = f"sqlite:///{copy}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("update byline set name = name || 'x' where id = (select min(id) from byline)"))
    engine.dispose()
    before, after = table_digests(crawled["db"]), table_digests(url)
    assert after["byline"] != before["byline"] and after["article"] == before["article"]
