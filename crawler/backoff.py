"""Exponential backoff for retried requests.

Scrapy's RetryMiddleware re-schedules a failed request at once; a struggling e-paper server (500s at
night while the edition is published) deserves a pause that grows with each attempt.
"""

from __future__ import annotations

import asyncio
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler


class RetryBackoffMiddleware:
    """Delay a retried request by base × 2^(attempt-1) seconds, capped (EPAPER_RETRY_BACKOFF_*)."""

    def __init__(self, base: float, cap: float) -> None:
        self.base = base
        self.cap = cap

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryBackoffMiddleware:
        settings = crawler.settings
        return cls(settings.getfloat("EPAPER_RETRY_BACKOFF_BASE", 1.0), settings.getfloat("EPAPER_RETRY_BACKOFF_MAX", 60.0))

    def delay_for(self, retry_times: int) -> float:
        if retry_times <= 0 or self.base <= 0:
            return 0.0
        return min(self.base * 2 ** (retry_times - 1), self.cap)

    async def process_request(self, request: Request) -> Any:
        delay = self.delay_for(request.meta.get("retry_times", 0))
        if delay:
            await asyncio.sleep(delay)
        return None
