"""Parsing in worker processes (EPAPER_PARSE_WORKERS, crawler/parsing.py): the same rows as parsing on the reactor
thread, companion documents still fetched once, and a worker that dies is a failure row with the reason, never a
hang or a silent loss."""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.settings import Settings

from crawler.parsing import Parsed, ParseJob, ParsePool, WorkerLost, run
from crawler.spiders.epaper import EpaperSpider
from crawler.testsite.server import FixtureServer
from crawler.testsite.sites import SITES
from schema.records import FailureItem

from .conftest import expected_counts, registry_for, run_crawl

DEMO_DAY = dt.date(2025, 4, 25)


def _demo_jobs() -> list[ParseJob]:
    """A page and an article of the demo site, as the router would hand them to a worker."""
    site = SITES["demo"]
    fixture, render = FixtureServer([site]), site.renderer()
    page = site.edition(DEMO_DAY).pages[0]
    jobs = []
    for kind, path in (("page", render.page_path(site.spec, DEMO_DAY, page)),
                       ("article", render.article_path(site.spec, DEMO_DAY, page.articles[0]))):
        url = "http://127.0.0.1" + site.root + path
        body = fixture.respond(site.root + path).body
        jobs.append(ParseJob("founder-pc", kind, body, url, DEMO_DAY, {}, {}))  # type: ignore[arg-type]
    return jobs


def test_a_worker_parses_what_this_process_parses_and_says_parse_errors_the_same() -> None:
    jobs = [*_demo_jobs(), ParseJob("founder-pc", "article", b"<html><body>x</body></html>",
                                    "http://127.0.0.1/a.htm", DEMO_DAY, {}, {})]

    async def in_workers() -> list[Parsed]:
        pool = ParsePool(2)
        pool.start()
        try:
            return list(await asyncio.gather(*(pool.parse(job) for job in jobs)))
        finally:
            await pool.close()

    answers = asyncio.run(in_workers())
    assert answers == [run(job) for job in jobs]
    assert answers[0].record.articles and answers[1].record.title  # a page with its articles, an article
    assert answers[2].record is None and answers[2].error  # a ParseError travels as its reason


def test_a_worker_that_dies_fails_its_job_with_the_reason_and_the_next_job_gets_a_fresh_worker() -> None:
    job = _demo_jobs()[1]

    async def scenario() -> tuple[str, Parsed, list[int | None]]:
        pool = ParsePool(1)
        pool.start()
        first = await pool._worker(0)
        assert (await pool.parse(job)).record is not None
        first.process.send_signal(signal.SIGKILL)
        with pytest.raises(WorkerLost) as lost:
            await pool.parse(job)
        second = await pool._worker(0)
        answer = await pool.parse(job)
        await pool.close()
        return str(lost.value), answer, [first.process.returncode, second.process.returncode]

    reason, answer, codes = asyncio.run(asyncio.wait_for(scenario(), timeout=60))
    assert "parse worker process ended" in reason and f"exit status {-signal.SIGKILL}" in reason
    assert answer == run(job)
    assert codes[0] == -signal.SIGKILL and codes[1] == 0  # the fresh worker ended cleanly at close


class _LostPool(ParsePool):
    """A pool whose worker always dies with the job."""

    async def parse(self, job: ParseJob) -> Parsed:
        raise WorkerLost("the parse worker process ended (exit status -9)")


def test_the_spider_turns_a_lost_worker_into_a_failure_row_of_that_page_or_article() -> None:
    spider = EpaperSpider(paper="demo", date=DEMO_DAY.isoformat())
    spider.select(Settings())  # the project's registry, where the demo paper is
    spider.parse_pool = _LostPool(1)
    meta: dict[str, Any] = {"paper": "demo", "day": DEMO_DAY, "family": "founder-pc", "kind": "article", "seq": 1,
                            "page_url": "http://127.0.0.1/p.htm", "page_number": "01", "ref": None}
    url = "http://127.0.0.1/demo/a.htm"
    response = HtmlResponse(url, body=b"<html></html>", request=Request(url, meta=meta))

    async def collect() -> list[Any]:
        return [item async for item in spider.parse_in_worker(response)]

    (failure,) = asyncio.run(collect())
    assert isinstance(failure, FailureItem) and failure.kind == "article" and failure.url == url
    assert failure.reason == "parse: the parse worker process ended (exit status -9)"


def test_a_crawl_stores_the_same_rows_with_parse_workers_as_without(tmp_path: Path) -> None:
    site = SITES["demo"]
    urls = {w: f"sqlite:///{tmp_path / f'w{w}.db'}" for w in ("0", "1")}
    with FixtureServer([site]) as server:
        results = {w: run_crawl(server.base_url, url, "demo", date=DEMO_DAY.isoformat(),
                                settings={"EPAPER_PARSE_WORKERS": w}) for w, url in urls.items()}
    rows = {}
    for w, result in results.items():
        assert result.returncode == 0, result.log[-3000:]
        rows[w] = (
            result.rows("select source_key, title, body, content_hash from article order by source_key"),
            result.rows("select url, number, name from page order by url"),
            result.rows("select status from edition"),
            result.scalar("select count(*) from failure"),
        )
    pages, articles = expected_counts(site, [DEMO_DAY])
    assert len(rows["1"][1]) == pages and len(rows["1"][0]) >= articles - 1 > 0
    assert rows["1"] == rows["0"] and rows["0"][2] == [("complete",)] and rows["0"][3] == 0


def test_companion_documents_are_still_fetched_once_when_workers_parse(db_url: str, tmp_path: Path) -> None:
    site, day = SITES["jsdata"], dt.date(2025, 3, 4)
    with FixtureServer([site]) as server:
        result = run_crawl(server.base_url, db_url, "jsdata", date=day.isoformat(),
                           registry=registry_for(tmp_path / "r.toml", site), settings={"EPAPER_PARSE_WORKERS": "1"})
        data_hits = server.hits[f"{site.root}{day:%Y-%m-%d}/data.js"]
    assert result.returncode == 0, result.log[-3000:]
    pages, articles = expected_counts(site, [day])
    assert result.scalar("select count(*) from page") == pages
    assert result.scalar("select count(*) from article_part") == articles
    assert result.scalar("select count(*) from failure") == 0 and data_hits == 1
