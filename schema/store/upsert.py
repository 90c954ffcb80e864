"""Upserts: one flush writes its batch table by table, in dependency order, on natural keys."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import (
    JSON,
    Engine,
    Table,
    Text,
    and_,
    bindparam,
    case,
    cast,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection

from schema.records import ArticleItem, CoordinateSpace, EditionItem, FailureItem, MediaItem, PageItem
from schema.store.buffer import Batch, PageInfo
from schema.store.common import (
    ARTICLE,
    ARTICLE_PART,
    BYLINE,
    EDITION,
    FAILURE,
    IMAGE,
    LRU,
    NEWSPAPER,
    OPEN_FAILURE,
    PAGE,
    in_chunks,
)
from schema.store.rows import PART_SEQ_STRIDE, ArticleRows, area_share, article_rows


def differs(column: Any, value: Any) -> Any:
    """SQL: the column's value is not `value` (NULLs compared as values; JSON, which PostgreSQL cannot compare, as
    its text)."""
    if isinstance(column.type, JSON):
        return cast(column, Text).is_distinct_from(cast(value, Text))
    return column.is_distinct_from(value)


# the columns of a continued story that hold all its parts (pipelines/joining.py rebuilds them), not its own piece
JOINED_BODY_COLUMNS = ("body", "char_count", "body_simplified")
# the columns of an article's text: kept as they are when text read from the page PDF meets a bare HTML re-crawl
PDF_TEXT_COLUMNS = (
    "kicker", "title", "subtitle", "dateline", "byline", "body", "title_simplified", "body_simplified",
    "crossheads", "editors", "joins", "script", "char_count", "text_source", "pdf_coverage",
)


def _key(rows: ArticleRows) -> tuple[int, str]:
    return rows.values["edition_id"], rows.values["source_key"]


class Upserts:
    """The store's writes of one batch (mixed into schema.store.writer.Store, which holds the caches)."""

    engine: Engine
    _insert: Callable[[Table], Any]
    _batch_with_returning: bool
    _newspaper_ids: dict[str, int]
    _edition_ids: LRU[tuple[str, dt.date], int]
    _page_ids: LRU[int, dict[str, PageInfo]]
    # a reparse (crawler/archive/run.py): saw nothing new, so no *_seen_at / *_crawled_at / last_failed_at moves, and
    # an upsert writes a row only when a value differs; `written` counts the rows written per table either way
    reparse: bool
    written: Counter[str]
    skipped: int  # a reparse's unchanged tail pieces of joined stories, not stored again

    def _touched(self, *columns: str) -> list[str]:
        """The "seen now" timestamp columns of an update, none during a reparse."""
        return [] if self.reparse else list(columns)

    def _count(self, table: Table, result: Any) -> None:
        """Rows a statement wrote (RETURNING rows on PostgreSQL, the driver's rowcount otherwise)."""
        if result.returns_rows:
            count = len(result.all())
        else:
            count = max(result.rowcount, 0)
        if count:
            self.written[table.name] += count

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
            # a reparse writes only rows with a value that differs: an unchanged re-parse writes nothing
            where = or_(*(differs(table.c[c], v) for c, v in set_.items())) if self.reparse else None
            stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_=set_, where=where)
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
        if self._batch_with_returning:
            # SQLAlchemy batches an upsert into multi-row VALUES only when it has RETURNING; without it
            # psycopg2 sends one statement per row (4x slower here). The ids are resolved separately.
            stmt = stmt.returning(table.c.id)
        self._count(table, conn.execute(stmt, rows))

    def _newspaper_id(self, batch: Batch, key: str) -> int:
        return batch.newspapers.get(key) or self._newspaper_ids[key]

    def _edition_id(self, batch: Batch, paper: str, date: dt.date) -> int:
        found = batch.editions.get((paper, date))
        if found is None:
            found = self._edition_ids.lookup((paper, date))
        if found is None:
            raise LookupError(f"edition {paper} {date} was not resolved")
        return found

    def _flush_newspapers(self, conn: Connection, batch: Batch, *groups: dict[Any, Any]) -> None:
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
        for chunk in in_chunks(missing):
            for newspaper_id, key in conn.execute(
                select(NEWSPAPER.c.id, NEWSPAPER.c.key).where(NEWSPAPER.c.key.in_(chunk))
            ):
                batch.newspapers[key] = newspaper_id

    def _flush_editions(
        self,
        conn: Connection,
        batch: Batch,
        now: dt.datetime,
        editions: dict[tuple[str, dt.date], EditionItem],
        pages: dict[tuple[str, dt.date, str], PageItem],
        articles: dict[tuple[str, dt.date, str], ArticleItem],
        failures: dict[tuple[str, str], FailureItem],
        media: dict[Any, MediaItem] | None = None,
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
            ["reason", *self._touched("last_crawled_at")],
            lambda stmt: {
                "url": func.coalesce(stmt.excluded.url, EDITION.c.url),
                "page_count": func.coalesce(stmt.excluded.page_count, EDITION.c.page_count),
                # a reparse keeps a decided status until finalisation decides it again (no write when it agrees)
                "status": func.coalesce(stmt.excluded.status, EDITION.c.status) if self.reparse
                else stmt.excluded.status,
            },
        )
        needed = {(i.paper, i.date) for group in (pages, articles) for i in group.values()}
        needed |= {(f.paper, f.date) for f in failures.values()}
        needed |= {(m.paper, m.date) for m in (media or {}).values()}
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
            self._touched("last_crawled_at"),
            lambda stmt: {"page_count": func.coalesce(stmt.excluded.page_count, EDITION.c.page_count)},
        )
        unresolved: dict[str, list[dt.date]] = {}
        for paper, date in needed | editions.keys():
            if self._edition_ids.lookup((paper, date)) is None:
                unresolved.setdefault(paper, []).append(date)
        for paper, dates in unresolved.items():
            newspaper_id = self._newspaper_id(batch, paper)
            for chunk in in_chunks(dates):
                for edition_id, date in conn.execute(
                    select(EDITION.c.id, EDITION.c.date).where(
                        EDITION.c.newspaper_id == newspaper_id, EDITION.c.date.in_(chunk)
                    )
                ):
                    batch.editions[(paper, date)] = edition_id

    def _page_rows(
        self, batch: Batch, pages: dict[tuple[str, dt.date, str], PageItem]
    ) -> list[dict[str, Any]]:
        rows = []
        for item in pages.values():
            record = item.page
            space = record.coordinate_space or CoordinateSpace()
            pdf_url = record.own_pdf_url()
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

    def _load_pages(self, conn: Connection, batch: Batch, edition_ids: Iterable[int]) -> None:
        ids = sorted(set(edition_ids))
        for edition_id in ids:
            batch.pages[edition_id] = {}
        for chunk in in_chunks(ids):
            query = select(
                PAGE.c.id,
                PAGE.c.edition_id,
                PAGE.c.number,
                PAGE.c.url,
                PAGE.c.image_width,
                PAGE.c.image_height,
            ).where(PAGE.c.edition_id.in_(chunk))
            for page_id, edition_id, number, url, width, height in conn.execute(query):
                info = PageInfo(page_id, width, height)
                batch.pages[edition_id]["n:" + number] = info
                if url:
                    batch.pages[edition_id]["u:" + url] = info

    def _page_info(self, batch: Batch, edition_id: int, item: ArticleItem) -> PageInfo | None:
        infos = batch.pages.get(edition_id)
        if infos is None:
            infos = self._page_ids.lookup(edition_id)
        if infos is None:
            return None
        return infos.get("u:" + item.page_url) or infos.get("n:" + item.page_number)

    def _flush_pages(
        self,
        conn: Connection,
        batch: Batch,
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

    def _flush_media(self, conn: Connection, batch: Batch, media: dict[Any, MediaItem]) -> None:
        """The archived page image's or PDF's digest, size and dimensions onto its page row (which exists: the
        page was stored before its media were fetched, in this batch or an earlier run's)."""
        groups: dict[str, list[dict[str, Any]]] = {"image": [], "pdf": []}
        for m in media.values():
            width = int(m.width) if m.kind == "image" and m.width is not None else m.width
            height = int(m.height) if m.kind == "image" and m.height is not None else m.height
            groups[m.kind].append({"b_edition": self._edition_id(batch, m.paper, m.date), "b_number": m.page_number,
                                   "b_sha": m.sha256, "b_size": m.size, "b_w": width, "b_h": height})
        names = {"image": ("image_sha256", "image_bytes", "image_pixel_width", "image_pixel_height"),
                 "pdf": ("pdf_sha256", "pdf_bytes", "pdf_width_pt", "pdf_height_pt")}
        for kind, rows in groups.items():
            if not rows:
                continue
            values: dict[str, Any] = dict(zip(names[kind], (bindparam("b_sha"), bindparam("b_size"), bindparam("b_w"),
                                            bindparam("b_h")), strict=True))
            condition = and_(PAGE.c.edition_id == bindparam("b_edition"), PAGE.c.number == bindparam("b_number"))
            if self.reparse:  # an unchanged file writes nothing
                condition = and_(condition, or_(*(differs(PAGE.c[c], v) for c, v in values.items())))
            self._count(PAGE, conn.execute(update(PAGE).where(condition).values(**values), rows))

    def _flush_articles(
        self,
        conn: Connection,
        batch: Batch,
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
            and (c != "last_seen_at" or not self.reparse)
        ]
        kept_bodies: set[tuple[int, str]] = set()
        if self.reparse:
            rows, kept_bodies = self._unjoined(conn, rows, existing, by_edition)
        kept_print = self._printed_kept(conn, rows, existing)
        for group, columns in (
            ([r for r in rows if _key(r) not in kept_bodies and _key(r) not in kept_print],
             [*update_columns, "content_hash"]),
            ([r for r in rows if _key(r) in kept_bodies and _key(r) not in kept_print],
             [c for c in update_columns if c not in JOINED_BODY_COLUMNS] + ["content_hash"]),
            ([r for r in rows if _key(r) in kept_print], [c for c in update_columns if c not in PDF_TEXT_COLUMNS]),
        ):
            self._upsert(
                conn,
                ARTICLE,
                [r.values for r in group],
                ["edition_id", "source_key"],
                columns,
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

        parts: list[Any]
        replaced: list[Any]
        images: list[Any]
        bylines: list[Any]
        parts, replaced, images, bylines = [], [], [], []
        for r in rows:
            key = (r.values["edition_id"], r.values["source_key"])
            article_id = ids[key]
            if key in kept_print:
                continue  # its printed text, part, bylines and images stay as they are
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
        for chunk in in_chunks(replaced):  # the story's own children; those moved in from continued parts stay
            self._count(IMAGE, conn.execute(delete(IMAGE).where(IMAGE.c.article_id.in_(chunk),
                                                                IMAGE.c.seq < PART_SEQ_STRIDE)))
            self._count(BYLINE, conn.execute(delete(BYLINE).where(BYLINE.c.article_id.in_(chunk),
                                                                  BYLINE.c.seq < PART_SEQ_STRIDE)))
        if images:
            self._count(IMAGE, conn.execute(IMAGE.insert(), images))
        if bylines:
            self._count(BYLINE, conn.execute(BYLINE.insert(), bylines))

    def _printed_kept(
        self, conn: Connection, rows: list[ArticleRows], existing: dict[tuple[int, str], tuple[int, str | None]]
    ) -> set[tuple[int, str]]:
        """Stored articles whose text was read from the page PDF (`text_source = 'pdf'`) and that come back with
        HTML text and no body: a run that fetched no PDF (a `refresh=1` crawl without media, a PDF that failed)
        has nothing to replace the printed text with, so it is kept (its part's too)."""
        bare = {_key(r): existing[_key(r)][0] for r in rows
                if _key(r) in existing and r.values["text_source"] == "html" and not r.values["body"]}
        if not bare:
            return set()
        printed: set[int] = set()
        for chunk in in_chunks(sorted(bare.values())):
            query = select(ARTICLE.c.id).where(ARTICLE.c.id.in_(chunk), ARTICLE.c.text_source == "pdf")
            printed.update(conn.execute(query).scalars())
        return {key for key, article_id in bare.items() if article_id in printed}

    def _unjoined(
        self, conn: Connection, rows: list[ArticleRows], existing: dict[tuple[int, str], tuple[int, str | None]],
        by_edition: dict[int, list[str]],
    ) -> tuple[list[ArticleRows], set[tuple[int, str]]]:
        """A reparse's view of continued stories already joined (pipelines/joining.py) when they are unchanged.

        A tail piece lives on as a part (seq ≥ 2, with its body) of its story and has no article row: when its
        title, body and URL are the part's, it is left out (storing it would only have the join undo it). A
        story with such parts keeps its joined body while its own piece's content hash is unchanged. Returns
        the rows to store and the keys of the stories whose body columns are kept."""
        edition_ids = sorted(by_edition)
        tails: dict[tuple[int, str], tuple[Any, ...]] = {}
        heads: set[int] = set()
        for chunk in in_chunks(edition_ids):
            query = (
                select(ARTICLE.c.edition_id, ARTICLE_PART.c.article_id, ARTICLE_PART.c.source_key,
                       ARTICLE_PART.c.title, ARTICLE_PART.c.body, ARTICLE_PART.c.url)
                .join(ARTICLE, ARTICLE.c.id == ARTICLE_PART.c.article_id)
                .where(ARTICLE.c.edition_id.in_(chunk), ARTICLE_PART.c.seq >= 2, ARTICLE_PART.c.body.is_not(None))
            )
            for edition_id, article_id, source_key, title, body, url in conn.execute(query):
                tails[(edition_id, source_key)] = (title, body, url)
                heads.add(article_id)
        kept: list[ArticleRows] = []
        kept_bodies: set[tuple[int, str]] = set()
        for r in rows:
            key = (r.values["edition_id"], r.values["source_key"])
            old = existing.get(key)
            if old is None and tails.get(key) == (r.values["title"], r.values["body"], r.values["url"]):
                self.skipped += 1
                continue
            if old is not None and old[0] in heads and old[1] == r.values["content_hash"]:
                kept_bodies.add(key)
            kept.append(r)
        return kept, kept_bodies

    def _article_ids(
        self, conn: Connection, by_edition: dict[int, list[str]], with_hash: bool
    ) -> dict[tuple[int, str], tuple[int, str | None]]:
        """(edition_id, source_key) → (id, content_hash) for the keys that exist.

        One query per chunk of editions (a batch spans dozens of editions, a backfill's hundreds), reading their
        articles and keeping the wanted keys: an edition holds hundreds of articles at most."""
        found: dict[tuple[int, str], tuple[int, str | None]] = {}
        wanted = {(edition_id, key) for edition_id, keys in by_edition.items() for key in keys}
        if not wanted:
            return found
        columns = [ARTICLE.c.id, ARTICLE.c.edition_id, ARTICLE.c.source_key]
        columns += [ARTICLE.c.content_hash] if with_hash else []
        for chunk in in_chunks(sorted(by_edition)):
            for row in conn.execute(select(*columns).where(ARTICLE.c.edition_id.in_(chunk))):
                key = (row[1], row[2])
                if key in wanted:
                    found[key] = (row[0], row[3] if with_hash else None)
        return found

    def _flush_failures(
        self,
        conn: Connection,
        batch: Batch,
        now: dt.datetime,
        editions: dict[tuple[str, dt.date], EditionItem],
        pages: dict[tuple[str, dt.date, str], PageItem],
        articles: dict[tuple[str, dt.date, str], ArticleItem],
        failures: dict[tuple[str, str], FailureItem],
        media: dict[Any, MediaItem] | None = None,
    ) -> None:
        stored: dict[str, set[str]] = {}
        for m in (media or {}).values():
            stored.setdefault(m.paper, set()).add(m.url)
        for e in editions.values():
            if e.status is None and e.url:
                stored.setdefault(e.paper, set()).add(e.url)
        for p in pages.values():
            stored.setdefault(p.paper, set()).add(p.page.url)
        for a in articles.values():
            stored.setdefault(a.paper, set()).update(u for u in (a.article.url, a.ref.url) if u)
        for paper, urls in stored.items():  # stored now: the failure is history (resolved), no longer counted
            newspaper_id = self._newspaper_id(batch, paper)
            for chunk in in_chunks(sorted(urls)):
                self._count(FAILURE, conn.execute(
                    update(FAILURE)
                    .where(FAILURE.c.newspaper_id == newspaper_id, FAILURE.c.url.in_(chunk), OPEN_FAILURE)
                    .values(resolved_at=now, resolution="stored")
                ))
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
            ["edition_id", "page_url", "kind", "reason", "attempts", *self._touched("last_failed_at"), "resolved_at",
             "resolution"],
        )
