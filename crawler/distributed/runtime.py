"""What runs inside a worker of a shared frontier: the add-on that switches the scheduler to Redis, the spider
middleware that drops the spider's own start items, the worker extension (heartbeats, idle exit) and the
release of per-paper run locks."""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured

from crawler.config import resolve
from crawler.distributed.frontier import (
    DEFAULT_IDLE,
    DUPEFILTER_CLASS,
    HEARTBEAT_SECONDS,
    HEARTBEAT_SETTING,
    IDLE_SETTING,
    POLL_SECONDS,
    QUEUE_CLASS,
    SCHEDULER_CLASS,
    SETTING,
    SPIDER_NAME,
    STALE_SECONDS,
    FrontierKeys,
    frontier_url,
    queue_length,
    redis_client,
    worker_beats,
    worker_id,
)

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- the add-on


class DistributedAddon:
    """Scrapy add-on: with EPAPER_DISTRIBUTED set, the crawl shares its frontier in Redis; otherwise nothing."""

    def update_settings(self, settings: Any) -> None:
        url = frontier_url(settings)
        if not url:
            return
        keys = FrontierKeys.from_settings(settings)
        for name, value in {
            "SCHEDULER": SCHEDULER_CLASS,
            "DUPEFILTER_CLASS": DUPEFILTER_CLASS,
            "SCHEDULER_QUEUE_CLASS": QUEUE_CLASS,
            "SCHEDULER_PERSIST": True,  # one worker closing must not clear the queue the others drain
            "SCHEDULER_FLUSH_ON_START": False,
            "REDIS_URL": url,
            "SCHEDULER_QUEUE_KEY": keys.requests_template,
            "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter_template,
            SETTING: url,  # also when it came from the environment: the spider reads only the setting
        }.items():
            settings.set(name, value, priority="addon")
        settings.set_in_component_priority_dict("SPIDER_MIDDLEWARES", SharedFrontierMiddleware, 10)
        settings.set_in_component_priority_dict("EXTENSIONS", WorkerExtension, 100)
        db = resolve(settings).database_url
        if db.startswith("sqlite"):
            logger.warning(
                "epaper: a shared frontier with a SQLite database works on one machine only; "
                "workers on several machines need PostgreSQL (EPAPER_DATABASE_URL)"
            )


# --------------------------------------------------------------------------- worker components


class SharedFrontierMiddleware:
    """Spider middleware of a worker: the spider's start items are not used, the frontier was seeded.

    The spider's start() is not even iterated, so a worker neither plans dates nor reads the ledger."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> SharedFrontierMiddleware:
        if not frontier_url(crawler.settings):
            raise NotConfigured(f"{SETTING} is not set")
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        logger.info(
            "epaper: shared frontier; this worker drains the queue (seed editions with `epaper seed`)"
        )
        if self.crawler.stats is not None:
            self.crawler.stats.set_value("epaper/distributed/worker", worker_id())
        return
        yield  # an async generator that yields nothing


class WorkerExtension:
    """Keeps a worker alive while the shared frontier may still get work, and announces it in Redis.

    On spider_idle the worker stays open (DontCloseSpider) and looks at the queue every POLL_SECONDS; it
    closes once the queue has been empty, and no other live worker has had requests in flight, for
    EPAPER_DISTRIBUTED_IDLE seconds (so that workers leave together, each seeing its editions finished). An
    idle worker writes its buffered items at once, so that whoever finalises first sees them. A heartbeat in the workers
    hash lets `epaper frontier` show who is working; the worker id is also recorded in the crawl_run row."""

    def __init__(self, crawler: Any, server: Any, keys: FrontierKeys, idle: float) -> None:
        self.crawler = crawler
        self.server = server
        self.keys = keys
        self.idle = idle
        self.id = worker_id()
        self.started = time.time()
        self.empty_since: float | None = None
        self.responses = 0
        self._beat: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> WorkerExtension:
        url = frontier_url(crawler.settings)
        if not url:
            raise NotConfigured(f"{SETTING} is not set")
        keys = FrontierKeys.from_settings(crawler.settings, getattr(crawler.spidercls, "name", SPIDER_NAME))
        ext = cls(crawler, redis_client(url), keys, crawler.settings.getfloat(IDLE_SETTING, DEFAULT_IDLE))
        if crawler.spider is not None:
            # the store records the spider's *_arg attributes in crawl_run.args: which worker ran this run
            crawler.spider.worker_arg = ext.id
            release_run_locks(crawler.spider)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Any) -> None:
        from twisted.internet import task

        stale = [
            wid for wid, beat in worker_beats(self.server, self.keys).items() if beat["age"] > STALE_SECONDS
        ]
        if stale:  # workers killed long ago (a clean exit deregisters)
            self.server.hdel(self.keys.workers, *stale)
        self.heartbeat()
        self._beat = task.LoopingCall(self.heartbeat)
        self._beat.start(self.crawler.settings.getfloat(HEARTBEAT_SETTING, HEARTBEAT_SECONDS), now=False)

    def heartbeat(self) -> None:
        engine = getattr(self.crawler, "engine", None)
        downloader = getattr(engine, "downloader", None)
        beat = {
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "started": self.started,
            "seen": time.time(),
            "responses": self.responses,
            "in_flight": len(getattr(downloader, "active", ()) or ()),
            "every": self.crawler.settings.getfloat(HEARTBEAT_SETTING, HEARTBEAT_SECONDS),
        }
        try:
            self.server.hset(self.keys.workers, self.id, json.dumps(beat))
        except Exception as exc:  # noqa: BLE001 - a missed heartbeat must not stop the crawl
            logger.warning("epaper: heartbeat to Redis failed: %s", exc)

    def response_received(self, response: Any = None, request: Any = None, spider: Any = None) -> None:
        self.responses += 1
        self.empty_since = None

    def others_busy(self) -> bool:
        """Another live worker has requests in flight: it may still push work, and it is finishing editions
        this worker touched (so leaving now would finalise them as partial)."""
        return any(
            beat["alive"] and int(beat.get("in_flight") or 0) > 0
            for wid, beat in worker_beats(self.server, self.keys).items()
            if wid != self.id
        )

    def spider_idle(self, spider: Any) -> None:
        now = time.monotonic()
        if queue_length(self.server, self.keys.requests) > 0 or self.others_busy():
            self.empty_since = None
        else:
            if self.empty_since is None:
                self.empty_since = now
                self._flush_store()
            if now - self.empty_since >= self.idle:
                logger.info("epaper: the frontier has been empty for %.0f s; this worker is done", self.idle)
                return
        self._poll_soon()
        raise DontCloseSpider

    def _flush_store(self) -> None:
        """Write the store's buffered items now that this worker has nothing to do: the worker that closes
        first then finalises editions with every idle worker's rows in the database, not a partial view."""
        itemproc = getattr(getattr(getattr(self.crawler, "engine", None), "scraper", None), "itemproc", None)
        for component in getattr(itemproc, "middlewares", ()):
            store = getattr(component, "store", None)
            if store is not None and hasattr(store, "flush"):
                try:
                    store.flush()
                except Exception as exc:  # noqa: BLE001 - the close flushes (and reports) again
                    logger.warning("epaper: flushing the store while idle failed: %s", exc)

    def _poll_soon(self) -> None:
        """Look at the queue again in POLL_SECONDS instead of at Scrapy's 5 s heartbeat (best effort)."""
        slot = getattr(getattr(self.crawler, "engine", None), "_slot", None)
        nextcall = getattr(slot, "nextcall", None)
        if nextcall is not None and hasattr(nextcall, "schedule"):
            nextcall.schedule(POLL_SECONDS)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self._beat is not None and self._beat.running:
            self._beat.stop()
        try:
            self.server.hdel(self.keys.workers, self.id)
        except Exception as exc:  # noqa: BLE001
            logger.warning("epaper: could not deregister from Redis: %s", exc)


def release_run_locks(spider: Any) -> None:
    """Give back the per-paper run locks the spider took when it was created (crawler/runlock.py RunGuard).

    They keep two one-process crawls of a paper apart; workers of a shared frontier crawl the same papers
    together by design, and a worker locked out of a paper would report itself `locked` (exit 75). The
    spider is created before add-ons apply, so the guard has run by now: release its paper locks and restore
    the papers it set aside."""
    guard = getattr(spider, "guard", None)
    if guard is None or "JOBDIR" in getattr(guard, "busy", {}):
        return
    from crawler.registry import select_papers

    for lock in guard.paper_locks.values():
        lock.release("released: distributed worker")
    guard.paper_locks.clear()
    if guard.busy:
        guard.busy.clear()
        spider.papers = select_papers(spider.registry, spider.paper_spec)
