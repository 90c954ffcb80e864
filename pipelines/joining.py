"""Continued stories (下转/上接) and reprints: the pieces of one story become one article when an edition closes.

Every fetched piece is stored as an article with its own text in its seq-1 `article_part`. Per edition, the pure
linker (pipelines.text.continuation) decides which pieces form one story; the tails' parts are attached to the
head as parts 2…n (replacing what an earlier run attached), their images and bylines move along (seq
k*PART_SEQ_STRIDE + n), the tail rows go, and the head's body is rebuilt from all its parts. Built from the parts
every time, the result does not depend on arrival order or on how often an edition is crawled; content_hash stays
the hash of the head piece as fetched, so a re-run that joins the same pieces changes nothing.

A story printed in full twice (pad editions repeat front-page stories on inner pages under another CMS id) is
recognised by near-identical text (pipelines.text.reprints) and kept once, with both placements as parts.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, delete, select, update
from sqlalchemy.engine import Connection, Engine

from pipelines.text.continuation import Part, join_bodies, link_parts
from pipelines.text.reprints import Piece, find_reprints
from pipelines.text.script import to_simplified
from schema.models import Article, ArticlePart, Byline, Image, Page
from schema.records import Continuation
from schema.store import Store
from schema.store.common import in_chunks
from schema.store.rows import PART_SEQ_STRIDE

# article_part.seq of a reprinted story's other placements: REPRINT_SEQ + 1, + 2, … (continued pieces are 2…n)
REPRINT_SEQ = 500
ARTICLE: Table = Article.__table__  # type: ignore[assignment]
ARTICLE_PART: Table = ArticlePart.__table__  # type: ignore[assignment]
BYLINE: Table = Byline.__table__  # type: ignore[assignment]
IMAGE: Table = Image.__table__  # type: ignore[assignment]
PAGE: Table = Page.__table__  # type: ignore[assignment]

logger = logging.getLogger(__name__)


class JoiningStore(Store):
    """The store the crawl writes through: it joins the continued stories of an edition while finalising it,
    before the edition's pieces are counted (the schema layer knows no text rules, so the join is passed in)."""

    def __init__(self, engine: Engine, batch_size: int = 500, cache_size: int = 4096) -> None:
        super().__init__(engine, batch_size, cache_size, on_finalize=join_continued)


def join_continued(
    conn: Connection, edition_ids: Any, stats: Counter[str], region: str | None = "mainland"
) -> None:
    """Join the continued stories of these editions from their parts (the module docstring says how).

    `region` is the paper's OpenCC region: a joined traditional story's simplified text needs its variant table."""
    # reprints first: a story printed whole again on its 上接 page must not be joined into a doubled body.
    # The editions' pieces are read in one query (a backfill finalises hundreds of editions at once).
    pieces: dict[int, list[Any]] = {}
    for row in conn.execute(_pieces_query(ARTICLE.c.edition_id.in_(edition_ids))).all():
        pieces.setdefault(row.edition_id, []).append(row)
    for edition_id, rows in pieces.items():
        _join_reprints(conn, edition_id, stats, rows)
    marked = (
        select(ARTICLE.c.edition_id)
        .join(ARTICLE_PART, ARTICLE_PART.c.article_id == ARTICLE.c.id)
        .where(ARTICLE.c.edition_id.in_(edition_ids), ARTICLE_PART.c.continuations.is_not(None))
        .distinct()
    )
    joined = [edition_id for (edition_id,) in conn.execute(marked).all()]
    for edition_id in joined:
        _join_edition(conn, edition_id, stats, region)
    for chunk in in_chunks(sorted(joined)):
        _rebuild_joined_bodies(conn, chunk, region)


def _pieces_query(condition: Any) -> Any:
    """Every stored piece (seq-1 part) of the editions, in reading order."""
    return (
        select(ARTICLE.c.edition_id, ARTICLE_PART.c.article_id, ARTICLE_PART.c.page_id, ARTICLE_PART.c.url,
               ARTICLE_PART.c.source_key, ARTICLE_PART.c.title, ARTICLE_PART.c.body)
        .join(ARTICLE, ARTICLE.c.id == ARTICLE_PART.c.article_id)
        .outerjoin(PAGE, PAGE.c.id == ARTICLE_PART.c.page_id)
        .where(condition, ARTICLE_PART.c.seq == 1)
        .order_by(ARTICLE.c.edition_id, PAGE.c.seq, ARTICLE.c.seq, ARTICLE.c.id)
    )


def _join_reprints(conn: Connection, edition_id: int, stats: Counter[str], rows: list[Any] | None = None) -> None:
    """A story printed twice on two pages under two CMS ids (pipelines.text.reprints decides) becomes one story.

    The reprint's placement becomes a part of the kept story (its page, URL, CMS id and title; body NULL, the
    text being the story's), numbered from REPRINT_SEQ + 1 so that the 下转/上接 parts keep 2…n; pictures only
    the reprint shows move along (image seq from REPRINT_SEQ + 1 times the stride), and the reprint's row goes.
    The placements of a story are rewritten whole, in (page, CMS id) order, so a re-run gives the same rows."""
    if rows is None:
        rows = list(conn.execute(_pieces_query(ARTICLE.c.edition_id == edition_id)).all())
    own = {row.article_id: row for row in rows}
    reprints_of: dict[int, list[int]] = {}
    for kept, reprint in find_reprints([Piece(row.article_id, row.page_id, row.body or "") for row in rows]):
        reprints_of.setdefault(kept, []).append(reprint)
    first_image_seq = (REPRINT_SEQ + 1) * PART_SEQ_STRIDE
    for kept, reprints in reprints_of.items():
        placement = (ARTICLE_PART.c.page_id, ARTICLE_PART.c.url, ARTICLE_PART.c.source_key, ARTICLE_PART.c.title)
        placements = {p.source_key: p for p in conn.execute(
            select(*placement).where(ARTICLE_PART.c.article_id == kept, ARTICLE_PART.c.seq > REPRINT_SEQ))}
        placements.update({own[r].source_key: own[r] for r in reprints})
        own_urls = {url for (url,) in conn.execute(
            select(IMAGE.c.url).where(IMAGE.c.article_id == kept, IMAGE.c.seq < first_image_seq))}
        images = {i.url: i for i in conn.execute(
            select(IMAGE.c.url, IMAGE.c.caption, IMAGE.c.credit)
            .where(IMAGE.c.article_id.in_([kept, *reprints]))
            .order_by(IMAGE.c.article_id != kept, IMAGE.c.seq)) if i.url not in own_urls}
        conn.execute(delete(ARTICLE_PART).where(ARTICLE_PART.c.article_id == kept,
                                                ARTICLE_PART.c.seq > REPRINT_SEQ))
        conn.execute(delete(IMAGE).where(IMAGE.c.article_id == kept, IMAGE.c.seq >= first_image_seq))
        ordered = sorted(placements.values(), key=lambda p: (p.page_id or 0, p.source_key or ""))
        conn.execute(ARTICLE_PART.insert(), [
            {"article_id": kept, "seq": REPRINT_SEQ + k, "page_id": p.page_id, "url": p.url,
             "source_key": p.source_key, "title": p.title, "body": None, "continuations": None}
            for k, p in enumerate(ordered, start=1)])
        if images:
            conn.execute(IMAGE.insert(), [
                {"article_id": kept, "seq": first_image_seq + n, "url": i.url, "caption": i.caption,
                 "credit": i.credit} for n, i in enumerate(images.values())])
        for table in (IMAGE, BYLINE, ARTICLE_PART):
            conn.execute(delete(table).where(table.c.article_id.in_(reprints)))
        conn.execute(delete(ARTICLE).where(ARTICLE.c.id.in_(reprints)))
        stats["reprints"] += len(reprints)


def _join_edition(conn: Connection, edition_id: int, stats: Counter[str], region: str | None) -> None:
    columns = (ARTICLE_PART.c.article_id, ARTICLE_PART.c.seq, ARTICLE_PART.c.page_id, ARTICLE_PART.c.url,
               ARTICLE_PART.c.source_key, ARTICLE_PART.c.title, ARTICLE_PART.c.body,
               ARTICLE_PART.c.continuations)
    rows = conn.execute(
        select(*columns, PAGE.c.number)
        .join(ARTICLE, ARTICLE.c.id == ARTICLE_PART.c.article_id)
        .outerjoin(PAGE, PAGE.c.id == ARTICLE_PART.c.page_id)
        .where(ARTICLE.c.edition_id == edition_id, ARTICLE_PART.c.seq == 1)
        .order_by(PAGE.c.seq, ARTICLE.c.seq)
    ).all()
    own = {row.article_id: row for row in rows}
    parts = [
        Part(row.article_id, row.number or "", row.title,
             tuple(Continuation(m["direction"], m["page"], m.get("text", "")) for m in row.continuations or []))
        for row in rows
    ]
    links = link_parts(parts)
    for reason in links.ambiguous:
        logger.warning("edition %s: continuation left unjoined, ambiguous: %s", edition_id, reason)
    for reason in links.unresolved:
        logger.info("edition %s: continuation unresolved: %s", edition_id, reason)
    stats["ambiguous"] += len(links.ambiguous)
    stats["unresolved"] += len(links.unresolved)
    for head, *tails in links.chains:
        reprinted = (REPRINT_SEQ + 1) * PART_SEQ_STRIDE  # the reprint placements' rows are _join_reprints'
        conn.execute(delete(ARTICLE_PART).where(ARTICLE_PART.c.article_id == head, ARTICLE_PART.c.seq >= 2,
                                                ARTICLE_PART.c.seq <= REPRINT_SEQ))
        conn.execute(delete(IMAGE).where(IMAGE.c.article_id == head, IMAGE.c.seq >= PART_SEQ_STRIDE,
                                         IMAGE.c.seq < reprinted))
        conn.execute(delete(BYLINE).where(BYLINE.c.article_id == head, BYLINE.c.seq >= PART_SEQ_STRIDE))
        known = {(b.name, b.role) for b in conn.execute(
            select(BYLINE.c.name, BYLINE.c.role).where(BYLINE.c.article_id == head))}
        for k, tail in enumerate(tails, start=2):
            piece = own[tail]
            conn.execute(ARTICLE_PART.insert().values(
                article_id=head, seq=k, **{c.name: getattr(piece, c.name) for c in columns[2:]}))
            offset = k * PART_SEQ_STRIDE
            images = conn.execute(select(IMAGE.c.seq, IMAGE.c.url, IMAGE.c.caption, IMAGE.c.credit)
                                  .where(IMAGE.c.article_id == tail)).all()
            if images:
                conn.execute(IMAGE.insert(), [{"article_id": head, "seq": offset + i.seq, "url": i.url,
                                               "caption": i.caption, "credit": i.credit} for i in images])
            bylines = [b for b in conn.execute(select(BYLINE.c.seq, BYLINE.c.name, BYLINE.c.role,
                                                      BYLINE.c.organisation).where(BYLINE.c.article_id == tail))
                       if (b.name, b.role) not in known]
            if bylines:
                conn.execute(BYLINE.insert(), [{"article_id": head, "seq": offset + b.seq, "name": b.name,
                                                "role": b.role, "organisation": b.organisation} for b in bylines])
        for table in (IMAGE, BYLINE, ARTICLE_PART):
            conn.execute(delete(table).where(table.c.article_id.in_(tails)))
        conn.execute(delete(ARTICLE).where(ARTICLE.c.id.in_(tails)))
        stats["joined"] += len(tails)


def _rebuild_joined_bodies(conn: Connection, edition_ids: Sequence[int], region: str | None) -> None:
    """A story with several parts has the body of all its parts, in reading order (written only when it differs)."""
    joined = (
        select(ARTICLE_PART.c.article_id)
        .join(ARTICLE, ARTICLE.c.id == ARTICLE_PART.c.article_id)
        .where(ARTICLE.c.edition_id.in_(edition_ids), ARTICLE_PART.c.seq >= 2)
        .distinct()
        .scalar_subquery()
    )
    bodies: dict[int, list[str]] = {}
    for article_id, body in conn.execute(
        select(ARTICLE_PART.c.article_id, ARTICLE_PART.c.body)
        .where(ARTICLE_PART.c.article_id.in_(joined))
        .order_by(ARTICLE_PART.c.article_id, ARTICLE_PART.c.seq)
    ):
        bodies.setdefault(article_id, []).append(body or "")
    currents = {row.id: row for row in conn.execute(
        select(ARTICLE.c.id, ARTICLE.c.body, ARTICLE.c.script).where(ARTICLE.c.id.in_(joined)))}
    for article_id, pieces in bodies.items():
        current = currents[article_id]
        body = join_bodies(pieces)
        if body == current.body:
            continue
        values: dict[str, Any] = {"body": body, "char_count": len(body)}
        if current.script == "hant":
            values["body_simplified"] = to_simplified(body, region)
        conn.execute(update(ARTICLE).where(ARTICLE.c.id == article_id).values(**values))
