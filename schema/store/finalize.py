"""Closing the books on editions: status, page and article counts, settled failures, area shares."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Engine, and_, bindparam, func, or_, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from schema.store.common import (
    ARTICLE,
    ARTICLE_PART,
    EDITION,
    EDITION_FAILURE,
    FAILURE,
    FINALIZE_LOCK_SPACE,
    NEWSPAPER,
    OPEN_FAILURE,
    PAGE,
    RETRY_ATTEMPTS,
    SETTLED_STATUSES,
    in_chunks,
    reason_of,
    retry_pause,
    retryable,
    utcnow,
)
from schema.store.rows import area_share
from schema.store.upsert import differs

logger = logging.getLogger(__name__)

# Work of a higher layer on the editions being finalised, inside the finalising transaction and before the
# counting (pipelines/joining.py joins continued stories): (connection, edition ids, stats, OpenCC region).
FinalizeHook = Callable[[Connection, Any, Counter[str], str | None], None]


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


class Finalizer:
    """The store's finalisation of editions (mixed into schema.store.writer.Store)."""

    engine: Engine
    on_finalize: FinalizeHook | None
    join_stats: Counter[str]
    regions: dict[str, str]
    flush: Callable[[], None]  # the store's: what is buffered is written before the books close
    reparse: bool  # the store's (upsert.py): a reparse writes no crawl times and no unchanged row
    written: Counter[str]

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
                if not retryable(exc) or attempt == RETRY_ATTEMPTS - 1:
                    raise
                logger.info("finalisation of %s rolled back (%s); running it again", paper, reason_of(exc))
                retry_pause(attempt)
        return {}  # pragma: no cover - the loop returns or raises

    def _finalize_once(self, paper: str, date_list: list[dt.date] | None) -> dict[dt.date, str]:
        now = utcnow()
        with self.engine.begin() as conn:
            self._serialize_finalize(conn, paper, date_list)
            newspaper_id = conn.execute(select(NEWSPAPER.c.id).where(NEWSPAPER.c.key == paper)).scalar()
            if newspaper_id is None:
                return {}
            result: dict[dt.date, str] = {}
            chunks = in_chunks(date_list) if date_list is not None else [None]
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
            for chunk in in_chunks(sorted(set(dates))):
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
        if self.on_finalize is not None:
            self.on_finalize(conn, edition_ids, self.join_stats, region)
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
                .where(FAILURE.c.edition_id.in_(edition_ids), OPEN_FAILURE, EDITION_FAILURE)
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
            for chunk in in_chunks(ids):
                conn.execute(
                    update(FAILURE)
                    .where(FAILURE.c.edition_id.in_(chunk), OPEN_FAILURE)
                    .values(resolved_at=now, resolution=status)
                )
        values: dict[str, Any] = {
            "status": bindparam("b_status"), "page_count": bindparam("b_pages"),
            "article_count": bindparam("b_articles"),
        }
        condition = EDITION.c.id == bindparam("b_id")
        if self.reparse:  # nothing seen anew: no crawl times, and only editions whose books changed are written
            condition = and_(condition, or_(*(differs(EDITION.c[c], v) for c, v in values.items())))
        else:
            values.update(first_crawled_at=func.coalesce(EDITION.c.first_crawled_at, now), last_crawled_at=now)
        if updates:
            done = conn.execute(update(EDITION).where(condition).values(**values), updates)
            if done.rowcount and done.rowcount > 0:
                self.written[EDITION.name] += done.rowcount
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
