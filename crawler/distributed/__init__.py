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

from typing import TYPE_CHECKING, Any

from crawler.distributed.frontier import (
    DEFAULT_IDLE,
    DEFAULT_PREFIX,
    DUPEFILTER_CLASS,
    HEARTBEAT_SECONDS,
    HEARTBEAT_SETTING,
    IDLE_SETTING,
    POLL_SECONDS,
    PREFIX_SETTING,
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

if TYPE_CHECKING:
    from crawler.distributed.runtime import (
        DistributedAddon,
        SharedFrontierMiddleware,
        WorkerExtension,
        release_run_locks,
    )
    from crawler.distributed.seeding import (
        SeedResult,
        clear_frontier,
        edition_key,
        frontier_status,
        plan_start,
        project_settings,
        seed_frontier,
    )

# The Scrapy-side names load on first use: `epaper status` & co. read the setting names above without Scrapy.
_LAZY = {
    **dict.fromkeys(
        ("DistributedAddon", "SharedFrontierMiddleware", "WorkerExtension", "release_run_locks"),
        "crawler.distributed.runtime",
    ),
    **dict.fromkeys(
        ("SeedResult", "clear_frontier", "edition_key", "frontier_status", "plan_start", "project_settings",
         "seed_frontier"),
        "crawler.distributed.seeding",
    ),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_IDLE",
    "DEFAULT_PREFIX",
    "DUPEFILTER_CLASS",
    "DistributedAddon",
    "FrontierKeys",
    "HEARTBEAT_SECONDS",
    "HEARTBEAT_SETTING",
    "IDLE_SETTING",
    "POLL_SECONDS",
    "PREFIX_SETTING",
    "QUEUE_CLASS",
    "SCHEDULER_CLASS",
    "SETTING",
    "SPIDER_NAME",
    "STALE_SECONDS",
    "SeedResult",
    "SharedFrontierMiddleware",
    "WorkerExtension",
    "clear_frontier",
    "edition_key",
    "frontier_status",
    "frontier_url",
    "plan_start",
    "project_settings",
    "queue_length",
    "redis_client",
    "release_run_locks",
    "seed_frontier",
    "worker_beats",
    "worker_id",
]
