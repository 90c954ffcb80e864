"""The reason stored on a failure row for a request that Scrapy gave up on (its errback's Failure)."""

from __future__ import annotations

from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure


def failure_reason(failure: Failure, limit: int = 500) -> str:
    """`HTTP 404` for a refused status, else the exception's type and message, cut to `limit` characters (a
    failure row names the cause; a long traceback text belongs in the log)."""
    if failure.check(HttpError):
        return f"HTTP {failure.value.response.status}"
    return f"{failure.type.__name__}: {failure.getErrorMessage()}"[:limit]
