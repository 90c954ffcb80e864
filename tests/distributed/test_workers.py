"""The issue's done-test: two workers share one frontier, one is killed midway, the sweep fills the gap, and
the database ends with exactly the rows of a single-process crawl."""

from __future__ import annotations

import datetime as dt
import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from crawler.distributed import FrontierKeys, project_settings, queue_length, redis_client, seed_frontier
from crawler.testsite.faults import Faults
from crawler.testsite.server import FixtureServer
from crawler.testsite.sites import SITES, site_for

from .conftest import PROJECT_ROOT, crawl_env, rows, run_single, start_worker, write_registry

D = dt.date
DEMO = ("demo", D(2025, 4, 25), D(2025, 4, 26))  # the curated demo: a story continued across pages
GENERATED = ("distb", D(2025, 3, 3), D(2025, 3, 7))
PAPERS = "demo,distb"
TABLES = ("newspaper", "edition", "page", "article", "byline", "image", "article_part", "failure")

ARTICLES = """select n.key, e.date, a.source_key, a.content_hash, a.title, a.body, a.char_count
              from article a join edition e on e.id = a.edition_id join newspaper n on n.id = e.newspaper_id"""
PARTS = """select n.key, e.date, a.source_key, p.seq, p.source_key, p.url, pg.number
           from article_part p join article a on a.id = p.article_id join edition e on e.id = a.edition_id
           join newspaper n on n.id = e.newspaper_id left join page pg on pg.id = p.page_id"""
EDITIONS = """select n.key, e.date, e.status, e.page_count, e.article_count
              from edition e join newspaper n on n.id = e.newspaper_id"""


def snapshot(db_url: str) -> dict[str, object]:
    counts = {t: rows(db_url, f"select count(*) from {t}")[0][0] for t in TABLES}
    articles, parts, editions = rows(db_url, ARTICLES), rows(db_url, PARTS), rows(db_url, EDITIONS)
    assert len(articles) == len({a[:3] for a in articles}), "an article is stored twice"
    assert len(parts) == len({p[:4] for p in parts}), "an article part is stored twice"
    return {"counts": counts, "articles": set(articles), "parts": set(parts), "editions": set(editions)}


def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def responses_of(server, keys: FrontierKeys, pid: int) -> int:
    """Responses a worker reported in its last heartbeat (0 before its first)."""
    for wid, raw in server.hgetall(keys.workers).items():
        if wid.decode().endswith(f":{pid}"):
            return int(json.loads(raw)["responses"])
    return 0


def test_two_workers_one_killed_then_swept_equal_a_single_process_run(
    redis_url: str, prefix: str, pg_schema, tmp_path: Path
) -> None:
    generated = site_for("pc-newslist", key="distb", start=GENERATED[1], days=5)
    registry = write_registry(tmp_path / "papers.toml", {"distb": generated})
    distributed_db, single_db = pg_schema(), pg_schema()
    # slow answers, so that the crawl lasts a few seconds and a worker dies with requests in flight
    faults = Faults(slow={re.compile(r"/(content|node)_\w+\.html$"): 0.25})
    worker_settings = {"EPAPER_DISTRIBUTED": redis_url, "EPAPER_DISTRIBUTED_PREFIX": prefix,
                       "EPAPER_DISTRIBUTED_IDLE": "2", "CONCURRENT_REQUESTS_PER_DOMAIN": "2",
                       # a worker pulls from the frontier only what it can fetch at once, so that the frontier
                       # still holds work when the doomed one is killed (16 would let two workers drain it early)
                       "CONCURRENT_REQUESTS": "2",
                       "EPAPER_DISTRIBUTED_HEARTBEAT": "0.3",
                       "EPAPER_STORE_BATCH": "20"}
    keys = FrontierKeys(prefix)
    server_redis = redis_client(redis_url)
    with FixtureServer([SITES["demo"], generated], faults) as server:
        settings = project_settings({"EPAPER_DATABASE_URL": distributed_db, "EPAPER_DISTRIBUTED_PREFIX": prefix,
                                     "EPAPER_FIXTURE_URL": server.base_url, "EPAPER_PAPERS": str(registry)})
        for paper, first, last in (DEMO, GENERATED):
            seeded = seed_frontier(redis_url, {"paper": paper, "start": str(first), "end": str(last)}, settings)
            assert len(seeded.seeded) == (last - first).days + 1 and seeded.requests == len(seeded.seeded)

        logs = [tmp_path / f"worker{i}.log" for i in (1, 2, 3)]
        doomed = start_worker(server.base_url, registry, PAPERS, distributed_db, worker_settings, logs[0])
        survivor = start_worker(server.base_url, registry, PAPERS, distributed_db, worker_settings, logs[1])
        try:
            wait_until(lambda: responses_of(server_redis, keys, doomed.pid) >= 5, 90, "the doomed worker to work")
            assert queue_length(server_redis, keys.requests) > 0, "killed too late: the frontier is already empty"
            doomed.send_signal(signal.SIGKILL)
            doomed.wait(10)
            assert survivor.wait(180) in (0, 1), logs[1].read_text()[-3000:]  # 1: editions the dead one left partial
        finally:
            for proc in (doomed, survivor):
                if proc.poll() is None:
                    proc.kill()
        # a shared seen-set: no page or article was fetched twice, even by two processes
        fetched = {p: n for p, n in server.hits.snapshot().items() if p.endswith(".html")}
        assert fetched and max(fetched.values()) == 1, sorted(p for p, n in fetched.items() if n > 1)
        assert queue_length(server_redis, keys.requests) == 0

        # the sweep: re-seed what is not complete (the dead worker's requests are lost), one more worker drains
        env = crawl_env(server.base_url, registry)
        swept = 0
        for paper, first, last in (DEMO, GENERATED):
            cmd = [sys.executable, "-m", "crawler.cli", "seed", "--paper", paper, "--from", str(first),
                   "--to", str(last), "--only-gaps", "--redis", redis_url, "--prefix", prefix,
                   "--db", distributed_db, "--json"]
            done = subprocess.run(cmd, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stderr
            swept += len(json.loads(done.stdout)["seeded"])
        assert swept >= 1, "the killed worker left no gap to sweep"
        sweeper = start_worker(server.base_url, registry, PAPERS, distributed_db, worker_settings, logs[2])
        assert sweeper.wait(180) == 0, logs[2].read_text()[-3000:]

        server.faults = Faults()  # the reference run needs no slowness
        for paper, first, last in (DEMO, GENERATED):
            single = run_single(server.base_url, registry, paper, single_db, first, last)
            assert single.returncode == 0, (single.stdout + single.stderr)[-3000:]

    ours, reference = snapshot(distributed_db), snapshot(single_db)
    assert ours["counts"] == reference["counts"]
    assert ours["editions"] == reference["editions"]
    assert {e[2] for e in ours["editions"]} == {"complete"}
    assert len(ours["editions"]) == 2 + 5
    assert ours["articles"] == reference["articles"]
    assert ours["parts"] == reference["parts"]
    assert any(p[3] == 2 for p in ours["parts"]), "no continued story was joined"
    runs = rows(distributed_db, "select status, args from crawl_run order by id")
    assert len(runs) == 3 and [r[0] for r in runs].count("running") == 1  # the killed worker never finished
    assert "locked" not in [r[0] for r in runs]  # workers of one paper do not lock each other out
    assert all("worker_arg" in (r[1] or {}) for r in runs)  # which worker ran it (host:pid)
