"""The SQL store: crawl items in, rows of the researchers' tables (docs/schema.md) out, idempotently and in batches.

Items are buffered and written one transaction per batch, in dependency order (edition → page → article →
children → failure), with Core `INSERT … ON CONFLICT DO UPDATE` on each table's natural key, so that a
repeated crawl updates rows in place and never duplicates them. Ids are resolved with one query per table
per batch and edition/page ids are cached, because this is the crawl's hot path.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import random
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

from sqlalchemy import Engine, Table, and_, bindparam, case, delete, func, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import InterfaceError, OperationalError, StatementError

from schema.db import make_engine, upgrade
from schema.models import Article, ArticlePart, Byline, CrawlRun, Edition, Failure, Image, Newspaper, Page
from schema.records import ArticleItem, Caption, CoordinateSpace, EditionItem, FailureItem, PageItem
from schema.stories import PART_SEQ_STRIDE, join_continued

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
SETTLED_STATUSES = ("complete", "not_published")  # an edition settled so: its remaining failures are resolved

logger = logging.getLogger(__name__)
Item = EditionItem | PageItem | ArticleItem | FailureItem
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
IN_CHUNK = 500  # values per IN (...) list: far below SQLite's and PostgreSQL's parameter limits
ARTICLE_CONTENT_COLUMNS = ("kicker", "title", "subtitle", "dateline", "byline", "body")
# Concurrent writers (distributed workers) can deadlock or fail to serialise; PostgreSQL then rolls one
# transaction back, and that transaction is simply run again.
RETRY_PGCODES = ("40P01", "40001")  # deadlock_detected, serialization_failure
RETRY_ATTEMPTS = 5
# First key of the PostgreSQL advisory locks that serialise finalisation per edition (the second is the edition id).
FINALIZE_LOCK_SPACE = 0x45504150  # "EPAP"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _chunks(values: Sequence[V], size: int = IN_CHUNK) -> Iterator[Sequence[V]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class _LRU(OrderedDict[K, V]):
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


# --------------------------------------------------------------------------- pure helpers


def polygon_area(flat: Sequence[float]) -> float:
    """Area of one hotspot given as flat [x, y, x, y, …]; two points are a rectangle's corners."""
    xs, ys = flat[0::2], flat[1::2]
    n = min(len(xs), len(ys))
    if n == 2:
        return abs((xs[1] - xs[0]) * (ys[1] - ys[0]))
    if n < 3:
        return 0.0
    twice = sum(xs[i] * ys[(i + 1) % n] - xs[(i + 1) % n] * ys[i] for i in range(n))
    return abs(twice) / 2.0


def area_share(polygons: Sequence[Sequence[float]], width: int | None, height: int | None) -> float | None:
    """Share of the page the polygons cover (their union approximated by the sum, capped at 1)."""
    if not polygons or not width or not height:
        return None
    total = sum(polygon_area(p) for p in polygons)
    if total <= 0:
        return None
    return min(total / (width * height), 1.0)


def source_key_of(item: ArticleItem) -> str:
    """The article's key within its edition: the parser's key, else the URL path."""
    if item.ref.source_key:
        return item.ref.source_key
    url = item.article.url or item.ref.url
    return urlsplit(url).path or url


def content_hash(values: dict[str, Any], images: list[dict[str, Any]], bylines: list[dict[str, Any]]) -> str:
    """sha256 of the stored content fields: what a re-crawl compares to decide whether a story changed."""
    payload = [
        [values.get(c) for c in ARTICLE_CONTENT_COLUMNS],
        [[i["url"], i["caption"], i["credit"]] for i in images],
        [[b["name"], b["role"], b["organisation"]] for b in bylines],
    ]
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class ArticleRows:
    """An article item turned into its row values and child rows (article ids filled in later)."""

    values: dict[str, Any]
    images: list[dict[str, Any]] = field(default_factory=list)
    bylines: list[dict[str, Any]] = field(default_factory=list)
    continuations: list[dict[str, str]] = field(default_factory=list)  # 下转/上接 markers the text stages removed


def article_rows(item: ArticleItem) -> ArticleRows:
    """Map an article item to column values: text-stage output when present, the raw record otherwise."""
    record, text = item.article, item.text
    images: list[dict[str, Any]] = []
    bylines: list[dict[str, Any]] = []
    if text is None:
        values: dict[str, Any] = {
            "kicker": record.kicker,
            "title": record.title if record.title is not None else item.ref.title,
            "subtitle": record.subtitle,
            "dateline": None,
            "byline": record.author,
            "body": "\n".join(record.paragraphs),
            "title_simplified": None,
            "body_simplified": None,
            "crossheads": None,
            "editors": None,
            "joins": 0,
            "script": item.script,
        }
        for image in record.images:
            images.append({"url": image.url, "caption": image.caption, "credit": image.credit})
    else:
        title = text.title if text.title is not None else (record.title or item.ref.title)
        values = {
            "kicker": text.kicker,
            "title": title,
            "subtitle": text.subtitle,
            "dateline": text.dateline.text if text.dateline is not None else None,
            "byline": text.byline_text,
            "body": text.body,
            "title_simplified": text.title_simplified,
            "body_simplified": text.body_simplified,
            "crossheads": list(text.crossheads),
            "editors": [
                {"name": e.name, "role": e.role, "organisation": e.organisation} for e in text.editors
            ],
            "joins": text.joins,
            "script": text.script,
        }
        by_url: dict[str, list[Caption]] = {}
        for caption in text.captions:
            by_url.setdefault(caption.image_url or "", []).append(caption)
        used: set[int] = set()
        for image in record.images:
            matches = by_url.get(image.url or "") if image.url else None
            found = next((c for c in matches or [] if id(c) not in used), None)
            if found is not None:
                used.add(id(found))
                images.append({"url": image.url, "caption": found.text, "credit": found.credit})
            else:
                images.append({"url": image.url, "caption": image.caption, "credit": image.credit})
        for caption in text.captions:  # captions printed without a picture (or for one we did not see)
            if id(caption) not in used:
                images.append({"url": None, "caption": caption.text, "credit": caption.credit})
        for b in text.bylines:
            bylines.append({"name": b.name, "role": b.role, "organisation": b.organisation})
    for seq, row in enumerate(images, 1):
        row["seq"] = seq
    for seq, row in enumerate(bylines, 1):
        row["seq"] = seq
    values["char_count"] = len(values["body"])
    values["content_hash"] = content_hash(values, images, bylines)
    values["parser_version"] = record.parser_version or None
    values["url"] = record.url or item.ref.url
    values["seq"] = item.seq
    values["source_key"] = source_key_of(item)
    continuations = (
        [{"direction": c.direction, "page": c.page, "text": c.text} for c in text.continuations] if text else []
    )
    return ArticleRows(values, images, bylines, continuations)


def decide_status(
    *,
    reported: str | None,
    promised_pages: int | None,
    stored_pages: int,
    placeholder_pages: int,
    short_pages: int,
    stored_articles: int,
    failures: int,
) -> str:
    """An edition's status from what is stored against what its page list promised."""
    if stored_pages == 0 and stored_articles == 0:
        if reported == "not_published":
            return "not_published"
        if failures or reported == "failed":
            return "failed"
        return "missing"
    complete = (
        failures == 0
        and placeholder_pages == 0
        and short_pages == 0
        and (promised_pages is None or stored_pages >= promised_pages)
    )
    return "complete" if complete else "partial"


# --------------------------------------------------------------------------- the store


@dataclass
class _PageInfo:
    id: int
    width: int | None
    height: int | None


@dataclass
class _Batch:
    """Ids resolved during one flush; merged into the caches only once the transaction commits."""

    newspapers: dict[str, int] = field(default_factory=dict)
    editions: dict[tuple[str, dt.date], int] = field(default_factory=dict)
    pages: dict[int, dict[str, _PageInfo]] = field(default_factory=dict)


@dataclass
class _Buffer:
    """Items waiting for a flush, keyed by natural key (last wins): one statement must not touch a row twice."""

    editions: dict[tuple[str, dt.date], EditionItem] = field(default_factory=dict)
    pages: dict[tuple[str, dt.date, str], PageItem] = field(default_factory=dict)
    articles: dict[tuple[str, dt.date, str], ArticleItem] = field(default_factory=dict)
    failures: dict[tuple[str, str], FailureItem] = field(default_factory=dict)

    @classmethod
    def of(cls, items: Iterable[Item]) -> _Buffer:
        buffer = cls()
        for item in items:
            buffer.add(item)
        return buffer

    def add(self, item: Item) -> None:
        if isinstance(item, ArticleItem):
            self.articles[(item.paper, item.date, source_key_of(item))] = item
            self._succeeded(item.paper, item.article.url, item.ref.url)
        elif isinstance(item, PageItem):
            self.pages[(item.paper, item.date, item.page.number)] = item
            self._succeeded(item.paper, item.page.url)
        elif isinstance(item, EditionItem):
            self.editions[(item.paper, item.date)] = item
            if item.status is None:
                self._succeeded(item.paper, item.url)
        elif isinstance(item, FailureItem):
            self.failures[(item.paper, item.url)] = item
        else:
            raise TypeError(f"the store takes crawl items, not {type(item).__name__}")

    def _succeeded(self, paper: str, *urls: str | None) -> None:
        """A URL stored after it failed earlier in this batch: its failure is void."""
        for url in urls:
            if url:
                self.failures.pop((paper, url), None)

    def items(self) -> list[Item]:
        """In dependency order, so that halves of a refused batch stay meaningful."""
        return [
            *self.editions.values(),
            *self.pages.values(),
            *self.articles.values(),
            *self.failures.values(),
        ]


def _retryable(exc: BaseException) -> bool:
    """A deadlock or serialisation failure: the whole transaction was rolled back and may run again."""
    return getattr(getattr(exc, "orig", None), "pgcode", None) in RETRY_PGCODES


def _retry_pause(attempt: int) -> None:
    time.sleep(random.uniform(0.05, 0.2) * (2**attempt))  # apart, so that the same two do not collide again


def _reason(exc: StatementError) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:300]


def _describe(item: Item) -> str:
    url = getattr(item, "url", None) or getattr(getattr(item, "page", None), "url", None)
    url = url or getattr(getattr(item, "article", None), "url", None)
    return f"{type(item).__name__}({item.paper} {item.date} {url})"


class Store:
    """Buffered, idempotent writer of crawl items (see the module docstring)."""

    def __init__(self, engine: Engine, batch_size: int = 500, cache_size: int = 4096) -> None:
        self.engine = engine
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
        self.join_stats: Counter[str] = Counter()  # continued stories: joined parts, ambiguous, unresolved
        self.regions: dict[str, str] = {}  # paper → OpenCC region of its articles (simplifying joined stories)
        self._newspaper_ids: dict[str, int] = {}
        self._edition_ids: _LRU[tuple[str, dt.date], int] = _LRU(cache_size)
        self._page_ids: _LRU[int, dict[str, _PageInfo]] = _LRU(cache_size)
        self._reset_buffer()

    @classmethod
    def open(cls, url: str | None = None, batch_size: int = 500) -> Store:
        """Connect (default URL rules of schema.db) and migrate to the current schema."""
        engine = make_engine(url)
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
            assert key is not None  # an INSERT of one row always has its primary key
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
        self._buffer = _Buffer()
        self._pending = 0

    @property
    def pending(self) -> int:
        """Items added since the last flush."""
        return self._pending

    def discard(self) -> None:
        """Forget the buffered items unwritten (the database refused them; see pipelines.store)."""
        self._reset_buffer()

    def add(self, item: Item) -> None:
        """Buffer one item; the buffer is flushed when it holds `batch_size` items."""
        self._buffer.add(item)
        if isinstance(item, ArticleItem):
            self.regions[item.paper] = item.region
        self._pending += 1
        if self._pending >= self.batch_size:
            self.flush()

    # ------------------------------------------------------------------ flushing

    def flush(self) -> None:
        """Write the buffer in one transaction.

        When the database refuses a row (a constraint, a value it cannot take), the batch is stored in
        halves until the refused items are isolated: they are counted in `rejected` and logged, the rest is
        stored. Connection and locking errors are raised: nothing of the batch is stored then.
        """
        if not self._pending:
            return
        buffer = self._buffer
        self._reset_buffer()
        try:
            self._write_retrying(buffer)
        except (OperationalError, InterfaceError):
            raise
        except StatementError as exc:
            items = buffer.items()
            logger.warning(
                "a batch of %d items was refused (%s); isolating the bad items", len(items), _reason(exc)
            )
            self._write_isolating(items)

    def _write_retrying(self, buffer: _Buffer) -> None:
        """_write, run again when PostgreSQL rolled it back for a deadlock with another writer."""
        for attempt in range(RETRY_ATTEMPTS):
            try:
                self._write(buffer)
                return
            except OperationalError as exc:
                if not _retryable(exc) or attempt == RETRY_ATTEMPTS - 1:
                    raise
                logger.info("batch rolled back (%s); writing it again", _reason(exc))
                _retry_pause(attempt)

    def _write_isolating(self, items: list[Item]) -> None:
        try:
            self._write_retrying(_Buffer.of(items))
        except (OperationalError, InterfaceError):
            raise
        except StatementError as exc:
            if len(items) == 1:
                self.rejected += 1
                logger.error("item not stored: %r (%s)", _describe(items[0]), _reason(exc))
                return
            middle = len(items) // 2
            self._write_isolating(items[:middle])
            self._write_isolating(items[middle:])

    def _write(self, buffer: _Buffer) -> None:
        editions, pages, articles, failures = buffer.editions, buffer.pages, buffer.articles, buffer.failures
        now = utcnow()
        batch = _Batch()
        with self.engine.begin() as conn:
            self._flush_newspapers(conn, batch, editions, pages, articles, failures)
            self._flush_editions(conn, batch, now, editions, pages, articles, failures)
            self._flush_pages(conn, batch, pages, articles)
            self._flush_articles(conn, batch, now, articles)
            self._flush_failures(conn, batch, now, editions, pages, articles, failures)
        # Only ids of a committed transaction may be cached.
        self._newspaper_ids.update(batch.newspapers)
        for key, edition_id in batch.editions.items():
            self._edition_ids.put(key, edition_id)
        for edition_id, infos in batch.pages.items():
            self._page_ids.put(edition_id, infos)

    def _upsert(
        self,
        conn: Connection,
        table: Table,
        rows: list[dict[str, Any]],
        keys: Sequence[str],
        update_columns: Iterable[str] = (),
        extra_set: Callable[[Any], dict[str, Any]] | None = None,
    ) -> None:
        """Executemany INSERT … ON CONFLICT (keys) DO UPDATE (or DO NOTHING when there is nothing to set)."""
        if not rows:
            return
        # every writer locks a table's rows in natural-key order: concurrent batches queue, not deadlock
        rows = sorted(rows, key=lambda row: tuple(row[k] for k in keys))
        stmt = self._insert(table)
        set_: dict[str, Any] = {c: stmt.excluded[c] for c in update_columns}
        if extra_set is not None:
            set_.update(extra_set(stmt))
        if set_:
            stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_=set_)
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
        if self._batch_with_returning:
            # SQLAlchemy batches an upsert into multi-row VALUES only when it has RETURNING; without it
            # psycopg2 sends one statement per row (4x slower here). The ids are resolved separately.
            stmt = stmt.returning(table.c.id)
        conn.execute(stmt, rows)

    def _newspaper_id(self, batch: _Batch, key: str) -> int:
        return batch.newspapers.get(key) or self._newspaper_ids[key]

    def _edition_id(self, batch: _Batch, paper: str, date: dt.date) -> int:
        found = batch.editions.get((paper, date))
        if found is None:
            found = self._edition_ids.lookup((paper, date))
        if found is None:
            raise LookupError(f"edition {paper} {date} was not resolved")
        return found

    def _flush_newspapers(self, conn: Connection, batch: _Batch, *groups: dict[Any, Any]) -> None:
        papers = {item.paper for group in groups for item in group.values()}
        missing = sorted(p for p in papers if p not in self._newspaper_ids)
        if not missing:
            return
        # A paper the registry did not announce: a minimal row, named as its pages name it when they do.
        scripts = {item.paper: item.script for item in groups[2].values()}
        names = {item.paper: item.page.paper_name for item in groups[1].values() if item.page.paper_name}
        rows = [
            {
                "key": p,
                "name": names.get(p, p),
                "region": None,
                "script": scripts.get(p, "hans"),
                "homepage": None,
            }
            for p in missing
        ]
        self._upsert(conn, NEWSPAPER, rows, ["key"])
        for chunk in _chunks(missing):
            for newspaper_id, key in conn.execute(
                select(NEWSPAPER.c.id, NEWSPAPER.c.key).where(NEWSPAPER.c.key.in_(chunk))
            ):
                batch.newspapers[key] = newspaper_id

    def _flush_editions(
        self,
        conn: Connection,
        batch: _Batch,
        now: dt.datetime,
        editions: dict[tuple[str, dt.date], EditionItem],
        pages: dict[tuple[str, dt.date, str], PageItem],
        articles: dict[tuple[str, dt.date, str], ArticleItem],
        failures: dict[tuple[str, str], FailureItem],
    ) -> None:
        page_counts: dict[tuple[str, dt.date], int] = {}
        for p in pages.values():
            if p.page.pages:
                key = (p.paper, p.date)
                page_counts[key] = max(page_counts.get(key, 0), len(p.page.pages))
        explicit = []
        for (paper, date), item in editions.items():
            promised = item.page_count if item.page_count is not None else page_counts.get((paper, date))
            explicit.append(
                {
                    "newspaper_id": self._newspaper_id(batch, paper),
                    "date": date,
                    "url": item.url,
                    "status": item.status,
                    "reason": item.reason,
                    "page_count": promised,
                    "first_crawled_at": now,
                    "last_crawled_at": now,
                }
            )
        self._upsert(
            conn,
            EDITION,
            explicit,
            ["newspaper_id", "date"],
            ["status", "reason", "last_crawled_at"],
            lambda stmt: {
                "url": func.coalesce(stmt.excluded.url, EDITION.c.url),
                "page_count": func.coalesce(stmt.excluded.page_count, EDITION.c.page_count),
            },
        )
        needed = {(i.paper, i.date) for group in (pages, articles) for i in group.values()}
        needed |= {(f.paper, f.date) for f in failures.values()}
        implicit = []
        for key in sorted(needed - editions.keys()):
            if key in page_counts or self._edition_ids.lookup(key) is None:
                implicit.append(
                    {
                        "newspaper_id": self._newspaper_id(batch, key[0]),
                        "date": key[1],
                        "page_count": page_counts.get(key),
                        "first_crawled_at": now,
                        "last_crawled_at": now,
                    }
                )
        self._upsert(
            conn,
            EDITION,
            implicit,
            ["newspaper_id", "date"],
            ["last_crawled_at"],
            lambda stmt: {"page_count": func.coalesce(stmt.excluded.page_count, EDITION.c.page_count)},
        )
        unresolved: dict[str, list[dt.date]] = {}
        for paper, date in needed | editions.keys():
            if self._edition_ids.lookup((paper, date)) is None:
                unresolved.setdefault(paper, []).append(date)
        for paper, dates in unresolved.items():
            newspaper_id = self._newspaper_id(batch, paper)
            for chunk in _chunks(dates):
                for edition_id, date in conn.execute(
                    select(EDITION.c.id, EDITION.c.date).where(
                        EDITION.c.newspaper_id == newspaper_id, EDITION.c.date.in_(chunk)
                    )
                ):
                    batch.editions[(paper, date)] = edition_id

    def _page_rows(
        self, batch: _Batch, pages: dict[tuple[str, dt.date, str], PageItem]
    ) -> list[dict[str, Any]]:
        rows = []
        for item in pages.values():
            record = item.page
            space = record.coordinate_space or CoordinateSpace()
            pdf_url = record.pdf_url or next(
                (ref.pdf_url for ref in record.pages if ref.number == record.number and ref.pdf_url), None
            )
            rows.append(
                {
                    "edition_id": self._edition_id(batch, item.paper, item.date),
                    "seq": item.seq,
                    "number": record.number,
                    "name": record.name,
                    "url": record.url,
                    "image_url": record.image_url or space.image_url,
                    "pdf_url": pdf_url,
                    "image_width": space.width,
                    "image_height": space.height,
                    "article_count": len(record.articles) - len(item.listed_elsewhere),
                }
            )
        return rows

    def _load_pages(self, conn: Connection, batch: _Batch, edition_ids: Iterable[int]) -> None:
        ids = sorted(set(edition_ids))
        for edition_id in ids:
            batch.pages[edition_id] = {}
        for chunk in _chunks(ids):
            query = select(
                PAGE.c.id,
                PAGE.c.edition_id,
                PAGE.c.number,
                PAGE.c.url,
                PAGE.c.image_width,
                PAGE.c.image_height,
            ).where(PAGE.c.edition_id.in_(chunk))
            for page_id, edition_id, number, url, width, height in conn.execute(query):
                info = _PageInfo(page_id, width, height)
                batch.pages[edition_id]["n:" + number] = info
                if url:
                    batch.pages[edition_id]["u:" + url] = info

    def _page_info(self, batch: _Batch, edition_id: int, item: ArticleItem) -> _PageInfo | None:
        infos = batch.pages.get(edition_id)
        if infos is None:
            infos = self._page_ids.lookup(edition_id)
        if infos is None:
            return None
        return infos.get("u:" + item.page_url) or infos.get("n:" + item.page_number)

    def _flush_pages(
        self,
        conn: Connection,
        batch: _Batch,
        pages: dict[tuple[str, dt.date, str], PageItem],
        articles: dict[tuple[str, dt.date, str], ArticleItem],
    ) -> None:
        rows = self._page_rows(batch, pages)
        self._upsert(
            conn,
            PAGE,
            rows,
            ["edition_id", "number"],
            ["seq", "name", "url", "image_url", "pdf_url", "image_width", "image_height", "article_count"],
        )
        reload = {row["edition_id"] for row in rows}
        for item in articles.values():
            edition_id = self._edition_id(batch, item.paper, item.date)
            if edition_id not in reload and self._page_info(batch, edition_id, item) is None:
                reload.add(edition_id)
        self._load_pages(conn, batch, reload)
        placeholders: dict[tuple[int, str], dict[str, Any]] = {}
        for item in articles.values():
            edition_id = self._edition_id(batch, item.paper, item.date)
            if item.page_number and self._page_info(batch, edition_id, item) is None:
                # The article came before its page: a placeholder row (article_count NULL) until the page does.
                placeholders[(edition_id, item.page_number)] = {
                    "edition_id": edition_id,
                    "number": item.page_number,
                    "url": item.page_url or None,
                }
        if placeholders:
            self._upsert(conn, PAGE, list(placeholders.values()), ["edition_id", "number"])
            self._load_pages(conn, batch, {key[0] for key in placeholders})

    def _flush_articles(
        self,
        conn: Connection,
        batch: _Batch,
        now: dt.datetime,
        articles: dict[tuple[str, dt.date, str], ArticleItem],
    ) -> None:
        if not articles:
            return
        rows: list[ArticleRows] = []
        by_edition: dict[int, list[str]] = {}
        for item in articles.values():
            edition_id = self._edition_id(batch, item.paper, item.date)
            page = self._page_info(batch, edition_id, item)
            built = article_rows(item)
            space = {"width": page.width, "height": page.height} if page else {"width": None, "height": None}
            built.values.update(
                {
                    "edition_id": edition_id,
                    "page_id": page.id if page else None,
                    "polygon": {"polygons": item.ref.polygons, "coordinate_space": space}
                    if item.ref.polygons
                    else None,
                    "area_share": area_share(item.ref.polygons, space["width"], space["height"]),
                    "first_seen_at": now,
                    "last_seen_at": now,
                    "changed_at": now,
                }
            )
            rows.append(built)
            by_edition.setdefault(edition_id, []).append(built.values["source_key"])

        existing = self._article_ids(conn, by_edition, with_hash=True)
        update_columns = [
            c
            for c in rows[0].values
            if c not in ("edition_id", "source_key", "first_seen_at", "changed_at", "content_hash")
        ]
        self._upsert(
            conn,
            ARTICLE,
            [r.values for r in rows],
            ["edition_id", "source_key"],
            [*update_columns, "content_hash"],
            lambda stmt: {
                "changed_at": case(
                    (ARTICLE.c.content_hash == stmt.excluded.content_hash, ARTICLE.c.changed_at),
                    else_=stmt.excluded.changed_at,
                )
            },
        )
        new_keys: dict[int, list[str]] = {}
        for r in rows:
            key = (r.values["edition_id"], r.values["source_key"])
            if key not in existing:
                new_keys.setdefault(key[0], []).append(key[1])
        ids = {key: value[0] for key, value in existing.items()}
        ids.update(
            {key: value[0] for key, value in self._article_ids(conn, new_keys, with_hash=False).items()}
        )

        parts: list[dict[str, Any]] = []
        replaced: list[int] = []
        images: list[dict[str, Any]] = []
        bylines: list[dict[str, Any]] = []
        for r in rows:
            key = (r.values["edition_id"], r.values["source_key"])
            article_id = ids[key]
            parts.append(
                {
                    "article_id": article_id,
                    "seq": 1,
                    "page_id": r.values["page_id"],
                    "url": r.values["url"],
                    "source_key": r.values["source_key"],
                    "title": r.values["title"],
                    "body": r.values["body"],
                    "continuations": r.continuations or None,
                }
            )
            old = existing.get(key)
            if old is not None and old[1] == r.values["content_hash"]:
                continue  # unchanged: its bylines and images stay as they are
            if old is not None:
                replaced.append(article_id)
            images.extend({**row, "article_id": article_id} for row in r.images)
            bylines.extend({**row, "article_id": article_id} for row in r.bylines)
        self._upsert(
            conn, ARTICLE_PART, parts, ["article_id", "seq"],
            ["page_id", "url", "source_key", "title", "body", "continuations"],
        )
        for chunk in _chunks(replaced):  # the story's own children; those moved in from continued parts stay
            conn.execute(delete(IMAGE).where(IMAGE.c.article_id.in_(chunk), IMAGE.c.seq < PART_SEQ_STRIDE))
            conn.execute(delete(BYLINE).where(BYLINE.c.article_id.in_(chunk), BYLINE.c.seq < PART_SEQ_STRIDE))
        if images:
            conn.execute(IMAGE.insert(), images)
        if bylines:
            conn.execute(BYLINE.insert(), bylines)

    def _article_ids(
        self, conn: Connection, by_edition: dict[int, list[str]], with_hash: bool
    ) -> dict[tuple[int, str], tuple[int, str | None]]:
        """(edition_id, source_key) → (id, content_hash) for the keys that exist, one query per edition."""
        found: dict[tuple[int, str], tuple[int, str | None]] = {}
        columns = [ARTICLE.c.id, ARTICLE.c.source_key] + ([ARTICLE.c.content_hash] if with_hash else [])
        for edition_id, keys in by_edition.items():
            for chunk in _chunks(keys):
                query = select(*columns).where(
                    ARTICLE.c.edition_id == edition_id, ARTICLE.c.source_key.in_(chunk)
                )
                for row in conn.execute(query):
                    found[(edition_id, row[1])] = (row[0], row[2] if with_hash else None)
        return found

    def _flush_failures(
        self,
        conn: Connection,
        batch: _Batch,
        now: dt.datetime,
        editions: dict[tuple[str, dt.date], EditionItem],
        pages: dict[tuple[str, dt.date, str], PageItem],
        articles: dict[tuple[str, dt.date, str], ArticleItem],
        failures: dict[tuple[str, str], FailureItem],
    ) -> None:
        stored: dict[str, set[str]] = {}
        for e in editions.values():
            if e.status is None and e.url:
                stored.setdefault(e.paper, set()).add(e.url)
        for p in pages.values():
            stored.setdefault(p.paper, set()).add(p.page.url)
        for a in articles.values():
            stored.setdefault(a.paper, set()).update(u for u in (a.article.url, a.ref.url) if u)
        for paper, urls in stored.items():  # stored now: the failure is history (resolved), no longer counted
            newspaper_id = self._newspaper_id(batch, paper)
            for chunk in _chunks(sorted(urls)):
                conn.execute(
                    update(FAILURE)
                    .where(FAILURE.c.newspaper_id == newspaper_id, FAILURE.c.url.in_(chunk), OPEN_FAILURE)
                    .values(resolved_at=now, resolution="stored")
                )
        rows = [
            {
                "newspaper_id": self._newspaper_id(batch, f.paper),
                "edition_id": self._edition_id(batch, f.paper, f.date),
                "page_url": f.page_url,
                "url": f.url,
                "kind": f.kind,
                "reason": f.reason,
                "attempts": f.attempts,
                "first_failed_at": now,
                "last_failed_at": now,
                "resolved_at": None,  # failing again reopens a resolved failure
                "resolution": None,
            }
            for f in failures.values()
        ]
        self._upsert(
            conn,
            FAILURE,
            rows,
            ["newspaper_id", "url"],
            ["edition_id", "page_url", "kind", "reason", "attempts", "last_failed_at", "resolved_at", "resolution"],
        )

    # ------------------------------------------------------------------ closing the books

    def finalize(self, paper: str, dates: Iterable[dt.date] | None = None) -> dict[dt.date, str]:
        """Compute status, page and article counts of the paper's editions (all, or the given dates)."""
        self.flush()
        date_list = sorted(set(dates)) if dates is not None else None
        for attempt in range(RETRY_ATTEMPTS):
            counted = Counter(self.join_stats)
            try:
                return self._finalize_once(paper, date_list)
            except OperationalError as exc:
                self.join_stats = counted  # the rolled-back joins did not happen
                if not _retryable(exc) or attempt == RETRY_ATTEMPTS - 1:
                    raise
                logger.info("finalisation of %s rolled back (%s); running it again", paper, _reason(exc))
                _retry_pause(attempt)
        return {}  # pragma: no cover - the loop returns or raises

    def _finalize_once(self, paper: str, date_list: list[dt.date] | None) -> dict[dt.date, str]:
        now = utcnow()
        with self.engine.begin() as conn:
            self._serialize_finalize(conn, paper, date_list)
            newspaper_id = conn.execute(select(NEWSPAPER.c.id).where(NEWSPAPER.c.key == paper)).scalar()
            if newspaper_id is None:
                return {}
            result: dict[dt.date, str] = {}
            chunks = _chunks(date_list) if date_list is not None else [None]
            for chunk in chunks:
                result.update(self._finalize_editions(conn, newspaper_id, chunk, now, self.regions.get(paper)))
        return result

    def _serialize_finalize(self, conn: Connection, paper: str, dates: Iterable[dt.date] | None) -> None:
        """Hold the editions being finalised until this transaction ends, so that two processes (distributed
        workers closing together) never join or count the same edition at the same time.

        PostgreSQL: a transaction-level advisory lock per edition, taken in id order (no deadlock between two
        finalisers); a finaliser that waited then reads what the other committed. SQLite: the transaction
        starts with BEGIN IMMEDIATE, which takes the database's write lock (waiting up to the busy timeout)."""
        if self.engine.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        if self.engine.dialect.name != "postgresql":
            return
        condition = EDITION.c.newspaper_id == select(NEWSPAPER.c.id).where(NEWSPAPER.c.key == paper).scalar_subquery()
        ids: set[int] = set()
        if dates is None:
            ids.update(conn.execute(select(EDITION.c.id).where(condition)).scalars())
        else:
            for chunk in _chunks(sorted(set(dates))):
                ids.update(conn.execute(select(EDITION.c.id).where(condition, EDITION.c.date.in_(chunk))).scalars())
        lock = sql_text("SELECT pg_advisory_xact_lock(:space, :id)")
        for edition_id in sorted(ids):
            conn.execute(lock, {"space": FINALIZE_LOCK_SPACE, "id": edition_id})

    def _finalize_editions(
        self, conn: Connection, newspaper_id: int, dates: Sequence[dt.date] | None, now: dt.datetime,
        region: str | None = None,
    ) -> dict[dt.date, str]:
        condition = EDITION.c.newspaper_id == newspaper_id
        if dates is not None:
            condition = and_(condition, EDITION.c.date.in_(dates))
        editions = conn.execute(
            select(EDITION.c.id, EDITION.c.date, EDITION.c.status, EDITION.c.page_count).where(condition)
        ).all()
        if not editions:
            return {}
        edition_ids = select(EDITION.c.id).where(condition).scalar_subquery()
        join_continued(conn, edition_ids, self.join_stats, region)
        # a page's promise is met by the pieces stored from it: a continued piece joined into a story that
        # starts on another page still counts for the page it was printed on
        stored_per_page = (
            select(ARTICLE_PART.c.page_id, func.count().label("n"))
            .join(ARTICLE, ARTICLE.c.id == ARTICLE_PART.c.article_id)
            .where(ARTICLE.c.edition_id.in_(edition_ids))
            .group_by(ARTICLE_PART.c.page_id)
            .subquery()
        )
        page_stats: dict[int, list[int]] = {}  # edition_id → [stored pages, placeholders, short pages]
        query = (
            select(PAGE.c.edition_id, PAGE.c.article_count, func.coalesce(stored_per_page.c.n, 0))
            .select_from(PAGE.outerjoin(stored_per_page, stored_per_page.c.page_id == PAGE.c.id))
            .where(PAGE.c.edition_id.in_(edition_ids))
        )
        for edition_id, promised, stored in conn.execute(query):
            stats = page_stats.setdefault(edition_id, [0, 0, 0])
            if promised is None:
                stats[1] += 1
            else:
                stats[0] += 1
                if stored < promised:
                    stats[2] += 1
        article_counts: dict[int, int] = dict(
            conn.execute(
                select(ARTICLE.c.edition_id, func.count())
                .where(ARTICLE.c.edition_id.in_(edition_ids))
                .group_by(ARTICLE.c.edition_id)
            ).all()
        )
        self._resolve_answered_entries(conn, edition_ids, now)
        failure_counts: dict[int, int] = dict(
            conn.execute(
                select(FAILURE.c.edition_id, func.count())
                .where(FAILURE.c.edition_id.in_(edition_ids), OPEN_FAILURE)
                .group_by(FAILURE.c.edition_id)
            ).all()
        )
        updates, result = [], {}
        settled: dict[str, list[int]] = {}
        for edition_id, date, reported, promised in editions:
            stored_pages, placeholders, short = page_stats.get(edition_id, [0, 0, 0])
            status = decide_status(
                reported=reported,
                promised_pages=promised,
                stored_pages=stored_pages,
                placeholder_pages=placeholders,
                short_pages=short,
                stored_articles=article_counts.get(edition_id, 0),
                failures=failure_counts.get(edition_id, 0),
            )
            page_count = max(promised or 0, stored_pages) or promised
            updates.append(
                {
                    "b_id": edition_id,
                    "b_status": status,
                    "b_pages": page_count,
                    "b_articles": article_counts.get(edition_id, 0),
                }
            )
            result[date] = status
            if status in SETTLED_STATUSES and failure_counts.get(edition_id):
                settled.setdefault(status, []).append(edition_id)
        for status, ids in settled.items():  # e.g. a night with the site down, then the date turned out unpublished
            for chunk in _chunks(ids):
                conn.execute(
                    update(FAILURE)
                    .where(FAILURE.c.edition_id.in_(chunk), OPEN_FAILURE)
                    .values(resolved_at=now, resolution=status)
                )
        conn.execute(
            update(EDITION)
            .where(EDITION.c.id == bindparam("b_id"))
            .values(
                status=bindparam("b_status"),
                page_count=bindparam("b_pages"),
                article_count=bindparam("b_articles"),
                first_crawled_at=func.coalesce(EDITION.c.first_crawled_at, now),
                last_crawled_at=now,
            ),
            updates,
        )
        self._fill_area_shares(conn, edition_ids)
        return result

    def _resolve_answered_entries(self, conn: Connection, edition_ids: Any, now: dt.datetime) -> None:
        """An edition with stored pages had its entry answered, perhaps at a redirected URL that the failed one
        is not: its entry failures are history."""
        answered = select(PAGE.c.edition_id).where(PAGE.c.edition_id.in_(edition_ids), PAGE.c.article_count.is_not(None))
        conn.execute(
            update(FAILURE)
            .where(FAILURE.c.edition_id.in_(answered), FAILURE.c.kind == "edition", OPEN_FAILURE)
            .values(resolved_at=now, resolution="stored")
        )

    def _fill_area_shares(self, conn: Connection, edition_ids: Any) -> None:
        """Articles stored before their page know no coordinate space: fill it in now that the page is there."""
        query = (
            select(ARTICLE.c.id, ARTICLE.c.polygon, PAGE.c.image_width, PAGE.c.image_height)
            .join(PAGE, PAGE.c.id == ARTICLE.c.page_id)
            .where(
                ARTICLE.c.edition_id.in_(edition_ids),
                ARTICLE.c.area_share.is_(None),
                ARTICLE.c.polygon.is_not(None),
                PAGE.c.image_width.is_not(None),
                PAGE.c.image_height.is_not(None),
            )
        )
        updates = []
        for article_id, polygon, width, height in conn.execute(query):
            polygons = (polygon or {}).get("polygons") or []
            share = area_share(polygons, width, height)
            if share is not None:
                space = {**(polygon.get("coordinate_space") or {}), "width": width, "height": height}
                updates.append(
                    {
                        "b_id": article_id,
                        "b_share": share,
                        "b_polygon": {"polygons": polygons, "coordinate_space": space},
                    }
                )
        if updates:
            conn.execute(
                update(ARTICLE)
                .where(ARTICLE.c.id == bindparam("b_id"))
                .values(
                    area_share=bindparam("b_share"),
                    polygon=bindparam("b_polygon", type_=ARTICLE.c.polygon.type),
                ),
                updates,
            )

    def close(self) -> None:
        """Flush what is buffered; dispose of the engine when this store opened it."""
        try:
            self.flush()
        finally:
            if self._owns_engine:
                self.engine.dispose()
