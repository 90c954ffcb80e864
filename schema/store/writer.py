"""The SQL store: crawl items in, rows of the researchers' tables (docs/schema.md) out, idempotently and in batches.

Items are buffered and written one transaction per batch, in dependency order (edition → page → article →
children → failure), with Core `INSERT … ON CONFLICT DO UPDATE` on each table's natural key, so that a
repeated crawl updates rows in place and never duplicates them. Ids are resolved with one query per table
per batch and edition/page ids are cached, because this is the crawl's hot path.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, Table, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import InterfaceError, OperationalError, StatementError

from schema.db import SCHEMA_REVISIONS, make_engine, stored_revision, upgrade
from schema.records import ArticleItem
from schema.store.buffer import Batch, Buffer, PageInfo, describe_item
from schema.store.common import (
    CRAWL_RUN,
    LRU,
    NEWSPAPER,
    RETRY_ATTEMPTS,
    Item,
    reason_of,
    retry_pause,
    retryable,
    utcnow,
)
from schema.store.finalize import FinalizeHook, Finalizer
from schema.store.upsert import Upserts

logger = logging.getLogger(__name__)


class Store(Upserts, Finalizer):
    """Buffered, idempotent writer of crawl items (see the module docstring)."""

    def __init__(
        self, engine: Engine, batch_size: int = 500, cache_size: int = 4096, on_finalize: FinalizeHook | None = None
    ) -> None:
        self.engine = engine
        self.on_finalize = on_finalize
        self.batch_size = max(1, batch_size)
        name = engine.dialect.name
        if name == "sqlite":
            self._insert: Callable[[Table], Any] = sqlite.insert
        elif name == "postgresql":
            self._insert = postgresql.insert
        else:
            raise NotImplementedError(f"the store upserts with ON CONFLICT: SQLite or PostgreSQL, not {name}")
        self._batch_with_returning = name == "postgresql"
        self._owns_engine = False
        self.rejected = 0  # items the database refused (logged; see flush)
        self.reparse = False  # set by a reparse: no "seen now" times, no write of an unchanged row (upsert.py)
        self.written: Counter[str] = Counter()  # rows written per table (inserted, updated or deleted)
        self.skipped = 0  # a reparse's unchanged tail pieces of joined stories (upsert.py _unjoined)
        self.join_stats: Counter[str] = Counter()  # of on_finalize: continued stories joined, ambiguous, unresolved
        self.regions: dict[str, str] = {}  # paper → OpenCC region of its articles (simplifying joined stories)
        self._newspaper_ids: dict[str, int] = {}
        self._edition_ids: LRU[tuple[str, dt.date], int] = LRU(cache_size)
        self._page_ids: LRU[int, dict[str, PageInfo]] = LRU(cache_size)
        self._reset_buffer()

    @classmethod
    def open(cls, url: str | None = None, batch_size: int = 500) -> Store:
        """Connect (default URL rules of schema.db) and migrate to the current schema.

        A database already at the newest revision (every run after the first) is not handed to Alembic: one
        plain query instead of importing and running the migration machinery at each crawl's start."""
        engine = make_engine(url)
        if stored_revision(engine) != SCHEMA_REVISIONS[-1]:
            upgrade(engine)
        store = cls(engine, batch_size=batch_size)
        store._owns_engine = True
        return store

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ runs and papers

    def ensure_newspaper(
        self,
        key: str,
        name: str,
        region: str | None = None,
        script: str = "hans",
        homepage: str | None = None,
    ) -> int:
        """Create or update a newspaper row from the registry; returns its id."""
        row = {"key": key, "name": name, "region": region, "script": script, "homepage": homepage}
        with self.engine.begin() as conn:
            self._upsert(conn, NEWSPAPER, [row], ["key"], ["name", "region", "script", "homepage"])
            newspaper_id = conn.execute(select(NEWSPAPER.c.id).where(NEWSPAPER.c.key == key)).scalar_one()
        self._newspaper_ids[key] = newspaper_id
        return newspaper_id

    def start_run(self, args: dict[str, Any]) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(
                CRAWL_RUN.insert().values(args=args, started_at=utcnow(), status="running", counters={})
            )
            key = result.inserted_primary_key
            assert key is not None  # an INSERT of one row always has one
            return int(key[0])

    def record_progress(self, run_id: int, counters: dict[str, Any]) -> None:
        """The counters of a run still going (status stays `running`), so that `epaper status --runs` shows it."""
        with self.engine.begin() as conn:
            conn.execute(
                update(CRAWL_RUN)
                .where(CRAWL_RUN.c.id == run_id, CRAWL_RUN.c.status == "running")
                .values(counters=counters)
            )

    def finish_run(self, run_id: int, status: str, counters: dict[str, Any]) -> None:
        self.flush()
        with self.engine.begin() as conn:
            conn.execute(
                update(CRAWL_RUN)
                .where(CRAWL_RUN.c.id == run_id)
                .values(status=status, counters=counters, finished_at=utcnow())
            )

    # ------------------------------------------------------------------ buffering

    def _reset_buffer(self) -> None:
        self._buffer = Buffer()
        self._pending = 0

    @property
    def pending(self) -> int:
        """Items added since the last flush."""
        return self._pending

    def discard(self) -> None:
        """Forget the buffered items unwritten (the database refused them; see pipelines/store.py)."""
        self._reset_buffer()

    def add(self, item: Item, autoflush: bool = True) -> None:
        """Buffer one item; the buffer is flushed when it holds `batch_size` items (with `autoflush`: a caller
        that writes in another thread takes the full buffer with take_batch instead)."""
        self._buffer.add(item)
        if isinstance(item, ArticleItem):
            self.regions[item.paper] = item.region
        self._pending += 1
        if autoflush and self._pending >= self.batch_size:
            self.flush()

    # ------------------------------------------------------------------ flushing

    def take_batch(self, full_only: bool = True) -> Buffer | None:
        """The buffered items, detached for write_batch (None when there are none, or fewer than `batch_size`
        with `full_only`). The buffer is not thread-safe: add and take_batch stay on one thread, while
        write_batch may run on another, one batch at a time and in the order taken."""
        if not self._pending or (full_only and self._pending < self.batch_size):
            return None
        buffer = self._buffer
        self._reset_buffer()
        return buffer

    def flush(self) -> None:
        """Write the buffer in one transaction (see write_batch)."""
        buffer = self.take_batch(full_only=False)
        if buffer is not None:
            self.write_batch(buffer)

    def write_batch(self, buffer: Buffer) -> None:
        """Write a detached buffer in one transaction.

        When the database refuses a row (a constraint, a value it cannot take), the batch is stored in
        halves until the refused items are isolated: they are counted in `rejected` and logged, the rest is
        stored. Connection and locking errors are raised: nothing of the batch is stored then.
        """
        try:
            self._write_retrying(buffer)
        except (OperationalError, InterfaceError):
            raise
        except StatementError as exc:
            items = buffer.items()
            logger.warning(
                "a batch of %d items was refused (%s); isolating the bad items", len(items), reason_of(exc)
            )
            self._write_isolating(items)

    def _write_retrying(self, buffer: Buffer) -> None:
        """_write, run again when PostgreSQL rolled it back for a deadlock with another writer."""
        for attempt in range(RETRY_ATTEMPTS):
            try:
                self._write(buffer)
                return
            except OperationalError as exc:
                if not retryable(exc) or attempt == RETRY_ATTEMPTS - 1:
                    raise
                logger.info("batch rolled back (%s); writing it again", reason_of(exc))
                retry_pause(attempt)

    def _write_isolating(self, items: list[Item]) -> None:
        try:
            self._write_retrying(Buffer.of(items))
        except (OperationalError, InterfaceError):
            raise
        except StatementError as exc:
            if len(items) == 1:
                self.rejected += 1
                logger.error("item not stored: %r (%s)", describe_item(items[0]), reason_of(exc))
                return
            middle = len(items) // 2
            self._write_isolating(items[:middle])
            self._write_isolating(items[middle:])

    def _write(self, buffer: Buffer) -> None:
        editions, pages, articles, failures = buffer.editions, buffer.pages, buffer.articles, buffer.failures
        media = buffer.media
        now = utcnow()
        batch = Batch()
        with self.engine.begin() as conn:
            self._flush_newspapers(conn, batch, editions, pages, articles, failures, media)
            self._flush_editions(conn, batch, now, editions, pages, articles, failures, media)
            self._flush_pages(conn, batch, pages, articles)
            self._flush_articles(conn, batch, now, articles)
            self._flush_media(conn, batch, media)
            self._flush_failures(conn, batch, now, editions, pages, articles, failures, media)
        # Only ids of a committed transaction may be cached.
        self._newspaper_ids.update(batch.newspapers)
        for key, edition_id in batch.editions.items():
            self._edition_ids.put(key, edition_id)
        for edition_id, infos in batch.pages.items():
            self._page_ids.put(edition_id, infos)

    def close(self) -> None:
        """Flush what is buffered; dispose of the engine when this store opened it."""
        try:
            self.flush()
        finally:
            if self._owns_engine:
                self.engine.dispose()
