"""What the archive holds, per edition and in total: for `epaper status` and the end-of-crawl summary."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, Select, func, select

from schema.models import Article, Edition, Failure, Newspaper, Page

PENDING = "pending"  # an edition seen by a crawl that has not been finalised


def _filtered(
    query: Select[Any], paper: str | None, date_from: dt.date | None, date_to: dt.date | None
) -> Select[Any]:
    if paper is not None:
        query = query.where(Newspaper.key == paper)
    if date_from is not None:
        query = query.where(Edition.date >= date_from)
    if date_to is not None:
        query = query.where(Edition.date <= date_to)
    return query


def edition_status(
    engine: Engine,
    paper: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[dict[str, Any]]:
    """One row per edition, oldest first: paper, date, status, pages, articles, failures."""
    failures = (
        select(Failure.edition_id, func.count().label("n")).group_by(Failure.edition_id).subquery("failures")
    )
    query = (
        select(
            Newspaper.key,
            Edition.date,
            Edition.status,
            Edition.page_count,
            Edition.article_count,
            func.coalesce(failures.c.n, 0),
        )
        .join(Newspaper, Newspaper.id == Edition.newspaper_id)
        .outerjoin(failures, failures.c.edition_id == Edition.id)
        .order_by(Newspaper.key, Edition.date)
    )
    with engine.connect() as conn:
        rows = conn.execute(_filtered(query, paper, date_from, date_to)).all()
    return [
        {
            "paper": key,
            "date": date,
            "status": status or PENDING,
            "pages": pages or 0,
            "articles": articles or 0,
            "failures": failed,
        }
        for key, date, status, pages, articles, failed in rows
    ]


def summary(
    engine: Engine,
    paper: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> dict[str, Any]:
    """Totals over the selected editions: editions by status, stored pages, articles, failures."""

    def scoped(query: Select[Any]) -> Select[Any]:
        return _filtered(
            query.join(Newspaper, Newspaper.id == Edition.newspaper_id), paper, date_from, date_to
        )

    with engine.connect() as conn:
        by_status = conn.execute(
            scoped(select(Edition.status, func.count()).select_from(Edition)).group_by(Edition.status)
        ).all()
        pages = conn.execute(
            scoped(select(func.count()).select_from(Page).join(Edition, Edition.id == Page.edition_id)).where(
                Page.article_count.is_not(None)
            )
        ).scalar_one()
        articles = conn.execute(
            scoped(select(func.count()).select_from(Article).join(Edition, Edition.id == Article.edition_id))
        ).scalar_one()
        failures = conn.execute(
            scoped(select(func.count()).select_from(Failure).join(Edition, Edition.id == Failure.edition_id))
        ).scalar_one()
    editions = {(status or PENDING): count for status, count in by_status}
    return {
        "editions": dict(sorted(editions.items())),
        "edition_total": sum(editions.values()),
        "pages": pages,
        "articles": articles,
        "failures": failures,
    }


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def format_table(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    """An aligned plain-text table (numbers right-aligned); '(no editions)' when empty."""
    if not rows:
        return "(no editions)"
    columns = list(columns or rows[0].keys())
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    numeric = [all(isinstance(row.get(c), int | float) for row in rows) for c in columns]
    widths = [max([_width(c)] + [_width(line[i]) for line in cells]) for i, c in enumerate(columns)]

    def render(values: Sequence[str]) -> str:
        parts = []
        for i, value in enumerate(values):
            pad = " " * (widths[i] - _width(value))
            parts.append(pad + value if numeric[i] else value + pad)
        return "  ".join(parts).rstrip()

    lines = [render(columns), render(["-" * w for w in widths])]
    lines.extend(render(line) for line in cells)
    return "\n".join(lines)
