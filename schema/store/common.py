"""What every part of the store shares: the tables, batch and retry limits, small helpers."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import OrderedDict
from collections.abc import Hashable, Iterator, Sequence
from typing import TypeVar

from sqlalchemy import Table
from sqlalchemy.exc import StatementError

from schema.models import Article, ArticlePart, Byline, CrawlRun, Edition, Failure, Image, Newspaper, Page
from schema.records import ArticleItem, EditionItem, FailureItem, MediaItem, PageItem

NEWSPAPER: Table = Newspaper.__table__  # type: ignore[assignment]
EDITION: Table = Edition.__table__  # type: ignore[assignment]
PAGE: Table = Page.__table__  # type: ignore[assignment]
ARTICLE: Table = Article.__table__  # type: ignore[assignment]
ARTICLE_PART: Table = ArticlePart.__table__  # type: ignore[assignment]
BYLINE: Table = Byline.__table__  # type: ignore[assignment]
IMAGE: Table = Image.__table__  # type: ignore[assignment]
CRAWL_RUN: Table = CrawlRun.__table__  # type: ignore[assignment]
FAILURE: Table = Failure.__table__  # type: ignore[assignment]
OPEN_FAILURE = FAILURE.c.resolved_at.is_(None)  # resolved failures are history: they count nowhere
# a page image or PDF that could not be fetched is a ledger line, never held against its edition
EDITION_FAILURE = FAILURE.c.kind != "media"
SETTLED_STATUSES = ("complete", "not_published")  # an edition settled so: its remaining failures are resolved

Item = EditionItem | PageItem | ArticleItem | FailureItem | MediaItem
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
IN_CHUNK = 500  # values per IN (...) list: far below SQLite's and PostgreSQL's parameter limits
# Concurrent writers (distributed workers) can deadlock or fail to serialise; PostgreSQL then rolls one
# transaction back, and that transaction is simply run again.
RETRY_PGCODES = ("40P01", "40001")  # deadlock_detected, serialization_failure
RETRY_ATTEMPTS = 5
# First key of the PostgreSQL advisory locks that serialise finalisation per edition (the second is the edition id).
FINALIZE_LOCK_SPACE = 0x45504150  # "EPAP"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def in_chunks(values: Sequence[V], size: int = IN_CHUNK) -> Iterator[Sequence[V]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class LRU(OrderedDict[K, V]):
    """A small bounded mapping: ids of recently used editions and their pages."""

    def __init__(self, maxsize: int) -> None:
        super().__init__()
        self.maxsize = maxsize

    def lookup(self, key: K) -> V | None:
        value = self.get(key)
        if value is not None:
            self.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.maxsize:
            self.popitem(last=False)


def retryable(exc: BaseException) -> bool:
    """A deadlock or serialisation failure: the whole transaction was rolled back and may run again."""
    return getattr(getattr(exc, "orig", None), "pgcode", None) in RETRY_PGCODES


def retry_pause(attempt: int) -> None:
    time.sleep(random.uniform(0.05, 0.2) * (2**attempt))  # apart, so that the same two do not collide again


def reason_of(exc: StatementError) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:300]
