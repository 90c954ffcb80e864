"""The shared frontier's names: settings, Redis keys of one deployment, the client, queue length and heartbeats.

Used by the workers (runtime.py), by seeding and ops (seeding.py) and by `epaper seed` / `epaper frontier`."""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import dataclass
from typing import Any

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
        return cls(
            str(settings.get(PREFIX_SETTING) or os.environ.get(PREFIX_SETTING) or DEFAULT_PREFIX), spider
        )

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
