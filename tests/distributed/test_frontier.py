"""The switch, seeding and the worker components, without crawling: the add-on changes nothing unless
EPAPER_DISTRIBUTED is set; a repeated seed pushes nothing twice; the sweep re-seeds only gaps."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.settings import Settings
from scrapy_redis import picklecompat
from scrapy_redis.queue import PriorityQueue
from sqlalchemy import text

from crawler.distributed import (
    DistributedAddon,
    FrontierKeys,
    SharedFrontierMiddleware,
    WorkerExtension,
    frontier_status,
    project_settings,
    queue_length,
    redis_client,
    seed_frontier,
)
from schema.db import make_engine

NOWHERE = "http://127.0.0.1:9"  # {fixture} URLs are only built here, never fetched
DEMO = {"paper": "demo", "start": "2025-04-25", "end": "2025-04-27"}


def settings_for(db: Path, prefix: str) -> Settings:
    return project_settings({"EPAPER_DATABASE_URL": f"sqlite:///{db}", "EPAPER_DISTRIBUTED_PREFIX": prefix,
                             "EPAPER_FIXTURE_URL": NOWHERE})


def test_the_addon_does_nothing_without_the_switch(monkeypatch) -> None:
    monkeypatch.delenv("EPAPER_DISTRIBUTED", raising=False)
    settings = project_settings()
    assert "crawler.distributed.DistributedAddon" in settings.getdict("ADDONS")
    before = {k: settings.get(k) for k in ("SCHEDULER", "DUPEFILTER_CLASS", "SCHEDULER_PERSIST", "REDIS_URL")}
    DistributedAddon().update_settings(settings)
    assert {k: settings.get(k) for k in before} == before
    assert "scrapy_redis" not in str(settings.get("SCHEDULER"))
    assert not any("distributed" in str(k) for k in settings.getdict("SPIDER_MIDDLEWARES"))
    assert not any("distributed" in str(k) for k in settings.getdict("EXTENSIONS"))
    with pytest.raises(NotConfigured):
        WorkerExtension.from_crawler(SimpleNamespace(settings=settings))


def test_the_switch_selects_the_shared_scheduler_under_the_deployment_prefix(monkeypatch) -> None:
    monkeypatch.delenv("EPAPER_DISTRIBUTED", raising=False)
    settings = project_settings({"EPAPER_DISTRIBUTED": "redis://10.0.0.5:6379/2", "EPAPER_DISTRIBUTED_PREFIX": "north"})
    DistributedAddon().update_settings(settings)
    assert settings["SCHEDULER"] == "scrapy_redis.scheduler.Scheduler"
    assert settings["DUPEFILTER_CLASS"] == "scrapy_redis.dupefilter.RFPDupeFilter"
    assert settings.getbool("SCHEDULER_PERSIST") is True
    assert settings["REDIS_URL"] == "redis://10.0.0.5:6379/2"
    assert settings["SCHEDULER_QUEUE_KEY"] % {"spider": "epaper"} == "north:epaper:requests"
    assert settings["SCHEDULER_DUPEFILTER_KEY"] % {"spider": "epaper"} == "north:epaper:dupefilter"
    assert SharedFrontierMiddleware in settings.getdict("SPIDER_MIDDLEWARES")
    assert WorkerExtension in settings.getdict("EXTENSIONS")
    with pytest.raises(ValueError):
        FrontierKeys("bad%prefix")


def test_a_worker_drops_the_spiders_start_items_without_running_them() -> None:
    started = []

    async def start():
        started.append(True)
        yield "an entry request"

    crawler = SimpleNamespace(settings=Settings({"EPAPER_DISTRIBUTED": "redis://x"}), stats=None)
    middleware = SharedFrontierMiddleware.from_crawler(crawler)

    async def drain():
        return [x async for x in middleware.process_start(start())]

    assert asyncio.run(drain()) == [] and started == []


def test_seeding_twice_pushes_each_edition_once(redis_url: str, prefix: str, tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "a.db", prefix)
    first = seed_frontier(redis_url, DEMO, settings)
    assert sorted(first.seeded) == ["demo/2025-04-25", "demo/2025-04-26", "demo/2025-04-27"]
    assert first.requests == 3 and first.queue == 3 and first.items == 3
    again = seed_frontier(redis_url, DEMO, settings)
    wider = seed_frontier(redis_url, {**DEMO, "end": "2025-04-28"}, settings)
    assert again.seeded == [] and again.requests == 0 and sorted(again.already) == sorted(first.seeded)
    assert wider.seeded == ["demo/2025-04-28"] and wider.queue == 4
    keys = FrontierKeys(prefix)
    server = redis_client(redis_url)
    assert queue_length(server, keys.requests) == 4 and server.scard(keys.seeded) == 4

    # serialised as the scheduler serialises: a worker's queue decodes them into the spider's own callbacks
    from crawler.spiders.epaper import EpaperSpider

    spider = EpaperSpider(paper="demo")
    queue = PriorityQueue(server, spider, keys.requests, picklecompat)
    popped = [queue.pop() for _ in range(4)]
    assert {r.meta["day"] for r in popped} == {dt.date(2025, 4, d) for d in (25, 26, 27, 28)}
    assert all(r.callback == spider.parse_page and r.errback == spider.on_error and r.dont_filter for r in popped)
    assert all(r.url.startswith(NOWHERE + "/demo/") for r in popped)

    engine = make_engine(settings["EPAPER_DATABASE_URL"])  # the seeded editions are in the ledger, pending
    with engine.connect() as conn:
        stored = conn.execute(text("select date, status from edition order by date")).all()
    engine.dispose()
    assert [(str(d), s) for d, s in stored] == [(f"2025-04-{d}", None) for d in (25, 26, 27, 28)]


def test_the_sweep_reseeds_only_editions_that_are_not_complete(redis_url: str, prefix: str, tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "b.db", prefix)
    seed_frontier(redis_url, DEMO, settings)
    keys = FrontierKeys(prefix)
    server = redis_client(redis_url)
    server.delete(keys.requests)  # the workers drained the queue …
    server.sadd(keys.dupefilter, "fingerprint-of-a-lost-request")  # … and one of them died with requests taken
    engine = make_engine(settings["EPAPER_DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(text("update edition set status = 'complete' where date = '2025-04-25'"))
        conn.execute(text("update edition set status = 'partial' where date = '2025-04-26'"))
    engine.dispose()
    assert seed_frontier(redis_url, DEMO, settings).seeded == []  # a plain re-seed adds nothing
    server.hset(keys.workers, "elsewhere:7", json.dumps({"seen": time.time(), "every": 2.0, "in_flight": 1}))
    with pytest.raises(ValueError, match="workers still running"):  # its requests would be made twice
        seed_frontier(redis_url, DEMO, settings, only_gaps=True)
    server.hdel(keys.workers, "elsewhere:7")
    swept = seed_frontier(redis_url, DEMO, settings, only_gaps=True)
    assert sorted(swept.seeded) == ["demo/2025-04-26", "demo/2025-04-27"]
    assert swept.stats.get("epaper/editions/skipped_complete") == 1
    assert swept.queue == 2 and server.scard(keys.dupefilter) == 0  # lost requests may be made again


def test_an_idle_worker_waits_for_the_frontier_then_leaves(redis_url: str, prefix: str) -> None:
    keys = FrontierKeys(prefix)
    server = redis_client(redis_url)
    settings = Settings({"EPAPER_DISTRIBUTED": redis_url, "EPAPER_DISTRIBUTED_PREFIX": prefix})
    crawler = SimpleNamespace(settings=settings, engine=None, spider=None, spidercls=SimpleNamespace(name="epaper"),
                              signals=SimpleNamespace(connect=lambda *a, **k: None))
    ext = WorkerExtension.from_crawler(crawler)
    ext.idle = 0.3
    server.zadd(keys.requests, {b"a request another worker pushed": 0})
    for _ in range(3):  # work is waiting: stay, however long it takes
        with pytest.raises(DontCloseSpider):
            ext.spider_idle(None)
        time.sleep(0.15)
    server.delete(keys.requests)
    with pytest.raises(DontCloseSpider):  # empty now, but not yet for EPAPER_DISTRIBUTED_IDLE seconds
        ext.spider_idle(None)
    time.sleep(0.35)
    busy = {"seen": time.time(), "every": 2.0, "in_flight": 3}
    server.hset(keys.workers, "elsewhere:1", json.dumps(busy))  # another worker is still fetching
    with pytest.raises(DontCloseSpider):
        ext.spider_idle(None)
    server.hset(keys.workers, "elsewhere:1", json.dumps({**busy, "seen": time.time() - 60}))  # it died
    with pytest.raises(DontCloseSpider):  # the idle wait starts again from when the others stopped
        ext.spider_idle(None)
    time.sleep(0.35)
    ext.spider_idle(None)  # empty long enough, nobody else working: the worker may close
    server.hdel(keys.workers, "elsewhere:1")

    ext.heartbeat()
    status = frontier_status(redis_url, Settings({"EPAPER_DISTRIBUTED_PREFIX": prefix}),
                             db_url="sqlite:///:memory:")
    assert [w["state"] for w in status["workers"]] == ["alive"] and status["queue"] == 0
    ext.spider_closed(None, "finished")
    assert server.hlen(keys.workers) == 0
