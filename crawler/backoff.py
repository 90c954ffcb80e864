"""Exponential backoff for retried requests, and Retry-After honoured per paper.

Scrapy's RetryMiddleware re-schedules a failed request at once; a struggling e-paper server (500s at
night while the edition is published) deserves a pause that grows with each attempt. A server that answers
429 or 503 with Retry-After says how long to wait: every request of that paper waits that long (the paper is
backed off, not just the one URL), up to EPAPER_RETRY_AFTER_MAX seconds. A longer wait is not slept through:
the paper is given up for the run, and its remaining requests fail at once with the reason, so that a nightly
run of many papers is not held for an hour by one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import logging
import time
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawler.limits import host_of

logger = logging.getLogger(__name__)
RETRY_AFTER_STATUSES = (429, 503)


class PaperGivenUp(IgnoreRequest):
    """The paper's server asked for a longer pause than EPAPER_RETRY_AFTER_MAX: no more requests this run."""


def retry_after_seconds(value: bytes | str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date), or None when absent or unreadable."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, (when - (now or dt.datetime.now(dt.timezone.utc))).total_seconds())


class RetryBackoffMiddleware:
    """Delay a retried request by base × 2^(attempt-1) seconds, capped (EPAPER_RETRY_BACKOFF_*), and every
    request of a paper by the Retry-After its server sent (up to EPAPER_RETRY_AFTER_MAX)."""

    def __init__(self, base: float, cap: float, retry_after_max: float = 300.0, stats: Any = None) -> None:
        self.base = base
        self.cap = cap
        self.retry_after_max = retry_after_max
        self.stats = stats
        self._not_before: dict[str, float] = {}  # paper → time.monotonic() before which its requests wait
        self._given_up: dict[str, str] = {}  # paper → why it gets no more requests this run

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryBackoffMiddleware:
        settings = crawler.settings
        return cls(
            settings.getfloat("EPAPER_RETRY_BACKOFF_BASE", 1.0),
            settings.getfloat("EPAPER_RETRY_BACKOFF_MAX", 60.0),
            settings.getfloat("EPAPER_RETRY_AFTER_MAX", 300.0),
            crawler.stats,
        )

    def delay_for(self, retry_times: int) -> float:
        if retry_times <= 0 or self.base <= 0:
            return 0.0
        return min(self.base * 2 ** (retry_times - 1), self.cap)

    @staticmethod
    def _key(request: Request) -> str:
        return request.meta.get("paper") or host_of(request.url)

    async def process_request(self, request: Request) -> Any:
        key = self._key(request)
        if key in self._given_up:
            raise PaperGivenUp(self._given_up[key])
        delay = self.delay_for(request.meta.get("retry_times", 0))
        delay = max(delay, self._not_before.get(key, 0.0) - time.monotonic())
        if delay > 0:
            await asyncio.sleep(delay)
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in RETRY_AFTER_STATUSES:
            return response
        seconds = retry_after_seconds(response.headers.get("Retry-After"))
        if seconds is None:
            return response
        key = self._key(request)
        if seconds > self.retry_after_max:
            reason = (
                f"HTTP {response.status} with Retry-After {seconds:.0f} s, over EPAPER_RETRY_AFTER_MAX="
                f"{self.retry_after_max:g} s: {key} given up for this run"
            )
            if key not in self._given_up:
                logger.warning("%s", reason)
                self._inc("epaper/backoff/given_up")
            self._given_up[key] = reason
            raise PaperGivenUp(reason)
        self._not_before[key] = max(self._not_before.get(key, 0.0), time.monotonic() + seconds)
        self._inc("epaper/backoff/retry_after")
        logger.info("%s asks for %.1f s (Retry-After, HTTP %d): backing off", key, seconds, response.status)
        return response

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)
