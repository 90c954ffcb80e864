"""Distributed crawling: many `scrapy crawl epaper` workers share one frontier in Redis (scrapy-redis).

Switch: `-s EPAPER_DISTRIBUTED=redis://host:6379/0` (setting or environment variable). Without it nothing here
has any effect. With it, `DistributedAddon` (enabled in crawler/settings.py ADDONS) makes the crawl use
scrapy-redis's scheduler and dupefilter on keys under a per-deployment prefix (EPAPER_DISTRIBUTED_PREFIX,
default `epaper`), so that every worker that reaches the same Redis and database drains one queue and every
request is made once:

- `epaper seed` (crawler/cli/distributed.py, `seed_frontier` below) builds the spider exactly as a crawl does
  and pushes its start requests (one entry request per edition) into the shared queue, serialised as the
  scheduler serialises them. Each edition is seeded once: a Redis set remembers `paper/date`, so a repeated
  seed adds nothing. The edition items of the start plan are stored in the database at once (the entry page
  re-yields its edition item when it parses; a date no layout covers is recorded as failed right away).
- workers drop the spider's own start items (`SharedFrontierMiddleware`), drain the queue, and exit once
  the frontier has been empty for EPAPER_DISTRIBUTED_IDLE seconds (`WorkerExtension` on spider_idle).
  Workers can join or leave at any time. Each worker finalises the editions it touched when it closes;
  Store.finalize serialises the finalisation of one edition across processes, so repeated finalisation is
  harmless and continued stories are joined by one process at a time.
- scrapy-redis has no acknowledgement: a killed worker loses the requests it had taken. The sweep, run after
  the workers ended, is `epaper seed … --only-gaps`: it forgets the seen-set (the lost requests are in it),
  re-seeds every edition the database does not hold as complete, and one more worker drains them.

A worker holds no per-paper run lock (crawler/runlock.py): in a shared frontier, several workers crawling
one paper is the point. The spider takes those locks when it is created, before add-ons apply, so the worker
extension gives them back at once (`release_run_locks`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import shutil
import socket
import tempfile
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.http import Request

from crawler.config import resolve

logger = logging.getLogger(__name__)

SETTING = "EPAPER_DISTRIBUTED"  # the Redis URL of the shared frontier; unset → an ordinary one-process crawl
PREFIX_SETTING = "EPAPER_DISTRIBUTED_PREFIX"  # one deployment's keys: "<prefix>:<spider>:requests", …
IDLE_SETTING = "EPAPER_DISTRIBUTED_IDLE"  # seconds of empty frontier after which a worker exits
DEFAULT_PREFIX = "epaper"
DEFAULT_IDLE = 30.0
POLL_SECONDS = 0.5  # how often an idle worker looks at the frontier (Scrapy's own heartbeat is 5 s)
HEARTBEAT_SETTING = "EPAPER_DISTRIBUTED_HEARTBEAT"  # seconds between a worker's heartbeats in Redis
HEARTBEAT_SECONDS = 2.0
STALE_SECONDS = 3600.0  # a worker not heard from for this long is forgotten when the next one starts
QUEUE_CLASS = "scrapy_redis.queue.PriorityQueue"
SCHEDULER_CLASS = "scrapy_redis.scheduler.Scheduler"
DUPEFILTER_CLASS = "scrapy_redis.dupefilter.RFPDupeFilter"
SPIDER_NAME = "epaper"


def frontier_url(settings: Any = None) -> str | None:
    """The Redis URL of the shared frontier: the setting, else the environment variable, else None."""
    value = settings.get(SETTING) if settings is not None else None
    return str(value) if value else (os.environ.get(SETTING) or None)


@dataclass(frozen=True)
class FrontierKeys:
    """The Redis keys of one deployment's frontier for one spider."""

    prefix: str = DEFAULT_PREFIX
    spider: str = SPIDER_NAME

    def __post_init__(self) -> None:
        if not self.prefix or "%" in self.prefix:
            raise ValueError(f"{PREFIX_SETTING} must be a non-empty string without '%': {self.prefix!r}")

    @classmethod
    def from_settings(cls, settings: Any, spider: str = SPIDER_NAME) -> FrontierKeys:
        return cls(str(settings.get(PREFIX_SETTING) or os.environ.get(PREFIX_SETTING) or DEFAULT_PREFIX), spider)

    @property
    def requests_template(self) -> str:  # scrapy-redis fills %(spider)s itself
        return f"{self.prefix}:%(spider)s:requests"

    @property
    def dupefilter_template(self) -> str:
        return f"{self.prefix}:%(spider)s:dupefilter"

    @property
    def requests(self) -> str:
        return self.requests_template % {"spider": self.spider}

    @property
    def dupefilter(self) -> str:
        return self.dupefilter_template % {"spider": self.spider}

    @property
    def seeded(self) -> str:
        """Set of `paper/date` of the editions seeded so far (what makes a repeated seed a no-op)."""
        return f"{self.prefix}:{self.spider}:seeded"

    @property
    def workers(self) -> str:
        """Hash worker id → JSON heartbeat (host, pid, started, seen, responses, in_flight)."""
        return f"{self.prefix}:{self.spider}:workers"

    def all(self) -> list[str]:
        return [self.requests, self.dupefilter, self.seeded, self.workers]


def redis_client(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30)


def queue_length(server: Any, key: str) -> int:
    """Requests waiting in the frontier, whichever scrapy-redis queue class holds them (sorted set or list)."""
    kind = server.type(key)
    kind = kind.decode() if isinstance(kind, bytes) else kind
    if kind == "zset":
        return int(server.zcard(key))
    if kind == "list":
        return int(server.llen(key))
    return 0


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def worker_beats(server: Any, keys: FrontierKeys) -> dict[str, dict[str, Any]]:
    """Every worker's last heartbeat, with `alive` (heard from within three heartbeat intervals)."""
    now = time.time()
    beats = {}
    for wid, raw in server.hgetall(keys.workers).items():
        beat = json.loads(raw)
        beat["age"] = now - float(beat.get("seen", 0))
        beat["alive"] = beat["age"] <= 3 * float(beat.get("every") or HEARTBEAT_SECONDS)
        beats[wid.decode() if isinstance(wid, bytes) else wid] = beat
    return beats


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
        logger.info("epaper: shared frontier; this worker drains the queue (seed editions with `epaper seed`)")
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

        stale = [wid for wid, beat in worker_beats(self.server, self.keys).items() if beat["age"] > STALE_SECONDS]
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
        skipped = {k.rsplit("/", 1)[-1].removeprefix("skipped_"): v for k, v in self.stats.items() if "skipped" in k}
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


def frontier_status(redis_url: str, settings: Any = None, db_url: str | None = None, runs: int = 10) -> dict[str, Any]:
    """Queue length, seen-set size, seeded editions, live workers (heartbeats) and the latest crawl runs."""
    settings = settings if settings is not None else project_settings()
    keys = FrontierKeys.from_settings(settings)
    server = redis_client(redis_url)
    workers = [
        {"worker": wid, "state": "alive" if beat["alive"] else "silent (killed?)", "seen_s_ago": round(beat["age"], 1),
         "responses": beat.get("responses", 0), "in_flight": beat.get("in_flight", 0)}
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
