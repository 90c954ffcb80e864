"""The cross-check of stored HTML text against the printed page: articles whose HTML misses text that the page
PDF prints inside their hotspots (`article.pdf_coverage`, measured by the crawl's PDF stage with
EPAPER_MEDIA=pdf/all or by a reparse of an archive holding the PDFs). `epaper status --health` lists them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError, ProgrammingError

from schema.models import Article, Edition, Newspaper, Page
from schema.status import _filtered, format_table

MISSING_PRINT_BELOW = 0.9  # an article whose HTML has less than this share of what its hotspots print
MISSING_PRINT_COLUMNS = ("paper", "date", "page", "coverage", "title", "url")  # the table of `status --health`
# what `status --health --json` gives of each: enough to find the article, its page and the printed page
MISSING_PRINT_FIELDS = ("paper", "date", "page", "article_id", "source_key", "coverage", "title", "url",
                        "page_url", "pdf_url")


def missing_print(
    engine: Engine, paper: str | None = None, below: float = MISSING_PRINT_BELOW, limit: int | None = 20,
    date_from: dt.date | None = None, date_to: dt.date | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """The worst-covered articles (lowest `pdf_coverage` first, at most `limit`, all with None) and how many
    there are, each with the fields of MISSING_PRINT_FIELDS."""
    query = (
        select(Newspaper.key, Edition.date, Page.number, Article.id, Article.source_key, Article.pdf_coverage,
               Article.title, Article.url, Page.url, Page.pdf_url)
        .join(Edition, Edition.id == Article.edition_id)
        .join(Newspaper, Newspaper.id == Edition.newspaper_id)
        .outerjoin(Page, Page.id == Article.page_id)
        .where(Article.pdf_coverage.is_not(None), Article.pdf_coverage < below)
        .order_by(Article.pdf_coverage, Edition.date, Article.id)
    )
    query = _filtered(query, paper, date_from, date_to)
    try:
        with engine.connect() as conn:
            rows = conn.execute(query).all()
    except (OperationalError, ProgrammingError):  # a database from before 0007: nothing measured
        return [], 0
    shown = [
        dict(zip(MISSING_PRINT_FIELDS, (k, d, n, i, sk, round(c or 0.0, 4), t or "", u or "", pu, pdf), strict=True))
        for k, d, n, i, sk, c, t, u, pu, pdf in (rows if limit is None else rows[:limit])
    ]
    return shown, len(rows)


def format_missing_print(rows: list[dict[str, Any]], total: int, below: float = MISSING_PRINT_BELOW) -> str:
    """The section of `status --health` that names them (nothing when every measured article is covered)."""
    if not total:
        return ""
    more = f" ({len(rows)} shown)" if total > len(rows) else ""
    head = f"{total} article(s) whose HTML misses text the page PDF prints (pdf_coverage < {below:.2f}){more}:"
    table = [{**r, "coverage": round(r["coverage"], 2)} for r in rows]
    return head + "\n" + format_table(table, MISSING_PRINT_COLUMNS)
