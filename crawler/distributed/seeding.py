"""Seeding and ops of a shared frontier: the start plan pushed into Redis once per edition, the frontier's
status and clearing it (`epaper seed`, `epaper frontier`)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any

from scrapy import signals
from scrapy.http import Request

from crawler.config import resolve
from crawler.distributed.frontier import (
    DEFAULT_PREFIX,
    DUPEFILTER_CLASS,
    QUEUE_CLASS,
    SETTING,
    SPIDER_NAME,
    FrontierKeys,
    frontier_url,
    queue_length,
    redis_client,
    worker_beats,
)

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- seeding


@dataclass
class SeedResult:
    """What `seed_frontier` did: editions pushed, editions skipped because already seeded, and the plan."""

    seeded: list[str] = field(default_factory=list)  # "paper/date" pushed now
    already: list[str] = field(default_factory=list)  # "paper/date" seeded before: nothing pushed
    requests: int = 0
    items: int = 0  # edition items stored in the database
    queue: int = 0  # frontier length afterwards
    stats: dict[str, Any] = field(default_factory=dict)  # the spider's planning stats (planned, skipped_…)

    def summary(self) -> str:
        skipped = {
            k.rsplit("/", 1)[-1].removeprefix("skipped_"): v for k, v in self.stats.items() if "skipped" in k
        }
        why = " (" + ", ".join(f"{k}: {v}" for k, v in sorted(skipped.items())) + ")" if skipped else ""
        return (
            f"seeded {len(self.seeded)} edition(s) ({self.requests} request(s)), {len(self.already)} already "
            f"seeded, {sum(skipped.values())} not needed{why}; the frontier holds {self.queue} request(s)"
        )


def edition_key(paper: str, day: dt.date | str) -> str:
    return f"{paper}/{day}"


async def _collect(start: AsyncIterator[Any]) -> list[Any]:
    return [x async for x in start]


def project_settings(overrides: dict[str, Any] | None = None) -> Any:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def plan_start(spider_args: dict[str, str], settings: Any) -> tuple[Any, list[Any], dict[str, Any]]:
    """The spider's start items exactly as a crawl would produce them: (spider, items and requests, stats).

    The spider is built through a Crawler so that from_crawler runs (registry, ledger, URL rules); its run
    locks go to a private folder, released before returning."""
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import MemoryStatsCollector

    from crawler.spiders.epaper import EpaperSpider

    lock_dir = tempfile.mkdtemp(prefix="epaper-seed-locks-")
    settings = settings.copy()
    settings.set("EPAPER_LOCK_DIR", lock_dir, priority="cmdline")
    if frontier_url(settings):  # the spider reads only the setting (the add-on sets it in a crawl)
        settings.set(SETTING, frontier_url(settings), priority="cmdline")
    crawler = Crawler(EpaperSpider, settings)
    crawler.stats = MemoryStatsCollector(crawler)
    try:
        spider = EpaperSpider.from_crawler(crawler, **spider_args)
        crawler.spider = spider
        try:
            out = asyncio.run(_collect(spider.start()))
        finally:
            crawler.signals.send_catch_log(signals.spider_closed, spider=spider, reason="finished")
        return spider, out, dict(crawler.stats.get_stats())
    finally:
        shutil.rmtree(lock_dir, ignore_errors=True)


def seed_frontier(
    redis_url: str,
    spider_args: dict[str, str],
    settings: Any = None,
    *,
    only_gaps: bool = False,
    store_items: bool = True,
    force: bool = False,
) -> SeedResult:
    """Push the spider's start requests into the shared frontier, once per edition (see the module docstring).

    only_gaps: the sweep after workers ended: the spider plans with `only=gaps` (the database decides), the
    seen-set is cleared (a killed worker's lost requests are in it) and editions are pushed even if seeded;
    it refuses while a worker is alive (its requests would be made again) unless force."""
    from scrapy.utils.misc import load_object
    from scrapy_redis import picklecompat

    settings = settings if settings is not None else project_settings()
    args = dict(spider_args)
    if only_gaps:
        args["only"] = "gaps"
    keys = FrontierKeys.from_settings(settings)
    server = redis_client(redis_url)
    server.ping()
    if only_gaps and not force:
        alive = sorted(wid for wid, beat in worker_beats(server, keys).items() if beat["alive"])
        if alive:
            raise ValueError(f"workers still running ({', '.join(alive)}): sweep once they ended, or force")
    spider, planned, stats = plan_start(args, settings)
    queue_cls = load_object(settings.get("SCHEDULER_QUEUE_CLASS") or QUEUE_CLASS)
    queue = queue_cls(server=server, spider=spider, key=keys.requests, serializer=picklecompat)
    dupefilter = load_object(DUPEFILTER_CLASS)(server, key=keys.dupefilter)
    if only_gaps:
        server.delete(keys.dupefilter)

    by_edition: dict[str, list[Any]] = {}
    for thing in planned:
        if isinstance(thing, Request):
            key = edition_key(thing.meta["paper"], thing.meta["day"])
        else:
            key = edition_key(thing.paper, thing.date)
        by_edition.setdefault(key, []).append(thing)

    result = SeedResult(stats={k: v for k, v in stats.items() if k.startswith("epaper/")})
    to_store: list[Any] = []
    for key, things in by_edition.items():
        first_time = bool(server.sadd(keys.seeded, key))
        if not first_time and not only_gaps:
            result.already.append(key)
            continue
        result.seeded.append(key)
        for thing in things:
            if isinstance(thing, Request):
                if thing.dont_filter or not dupefilter.request_seen(thing):  # as the scheduler enqueues
                    queue.push(thing)
                    result.requests += 1
            else:
                to_store.append(thing)
    if store_items and to_store:
        _store_items(spider, settings, to_store)
        result.items = len(to_store)
    result.queue = queue_length(server, keys.requests)
    return result


def _store_items(spider: Any, settings: Any, items: Iterable[Any]) -> None:
    """Record the seeded editions (status pending) and verdicts made without a request (no layout)."""
    from pipelines.joining import JoiningStore

    store = JoiningStore.open(resolve(settings).database_url)
    try:
        for paper in getattr(spider, "papers", []):
            store.ensure_newspaper(paper.key, paper.name, paper.region, paper.script, paper.homepage)
        decided: dict[str, set[dt.date]] = {}
        for item in items:
            store.add(item)
            if getattr(item, "status", None) is not None:
                decided.setdefault(item.paper, set()).add(item.date)
        store.flush()
        for paper, dates in decided.items():
            store.finalize(paper, sorted(dates))
    finally:
        store.close()


# --------------------------------------------------------------------------- status


def frontier_status(
    redis_url: str, settings: Any = None, db_url: str | None = None, runs: int = 10
) -> dict[str, Any]:
    """Queue length, seen-set size, seeded editions, live workers (heartbeats) and the latest crawl runs."""
    settings = settings if settings is not None else project_settings()
    keys = FrontierKeys.from_settings(settings)
    server = redis_client(redis_url)
    workers = [
        {
            "worker": wid,
            "state": "alive" if beat["alive"] else "silent (killed?)",
            "seen_s_ago": round(beat["age"], 1),
            "responses": beat.get("responses", 0),
            "in_flight": beat.get("in_flight", 0),
        }
        for wid, beat in sorted(worker_beats(server, keys).items())
    ]
    status: dict[str, Any] = {
        "prefix": keys.prefix,
        "queue": queue_length(server, keys.requests),
        "dupefilter": int(server.scard(keys.dupefilter)),
        "seeded_editions": int(server.scard(keys.seeded)),
        "workers": workers,
        "runs": [],
    }
    from schema.db import make_engine
    from schema.status import runs as latest_runs

    engine = make_engine(resolve(settings, db=db_url).database_url)
    try:
        status["runs"] = latest_runs(engine, limit=runs)
    except Exception as exc:  # noqa: BLE001 - an empty or unreachable database still shows the frontier
        status["runs_error"] = str(exc).splitlines()[0]
    finally:
        engine.dispose()
    return status


def clear_frontier(redis_url: str, prefix: str = DEFAULT_PREFIX, spider: str = SPIDER_NAME) -> int:
    """Delete one deployment's frontier keys (queue, seen-set, seeded editions, workers); returns keys deleted."""
    keys = FrontierKeys(prefix, spider)
    return int(redis_client(redis_url).delete(*keys.all()))
