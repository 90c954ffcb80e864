"""Chinese full-text search over articles, in either script, on SQLite and PostgreSQL.

How a query is answered:
- The query is split on whitespace into terms; an article must contain every term (AND), each as a
  substring of its kicker, title, title_simplified, subtitle, body or body_simplified.
- Each term is looked for in up to three spellings: as typed, OpenCC t2s and OpenCC s2t, so 圖書館 finds
  图书馆 and the reverse (traditional papers also carry `body_simplified`, which the simplified spelling hits).
- Terms of three characters or more use the trigram index: SQLite's FTS5 table `article_fts` (trigram
  tokenizer, phrase match) or PostgreSQL's pg_trgm GIN index `ix_article_fulltext` (ILIKE on the indexed
  expression).
- One- and two-character terms cannot use a trigram index. They are answered by a substring scan
  (instr() on SQLite, strpos()/ILIKE on PostgreSQL) over windows of edition dates, newest first, each window
  also restricted by the other conditions (--paper, --from/--to, --page-name, --byline, a longer term);
  the scan stops as soon as `limit` articles matched. A common word is answered from the newest editions
  in milliseconds; a term that occurs nowhere costs a scan of the whole filtered range. Measured with
  benchmarks/search.py on 100,000 synthetic 600-character articles (2 shared cores): SQLite median 3 ms
  for common 1-/2-character terms, 14 ms for a 2-character term in 0.6 % of articles, 0.23 s (1 char) and
  0.38 s (2 chars) for a term found nowhere. A bigram side index would make that last case fast, at the
  cost of a second index as large as the trigram one and of write time on every crawl; we judged the
  worst case acceptable and filters bring it down (one paper, one quarter: 12 ms).
- A common long term matches most articles, and the trigram index hands over every match before the
  sort (186 ms at 100,000 articles): the same newest-first scan, limited to the first window, answers such
  queries in about 3 ms, and a rare term falls through to the index after that small probe.

Results are ordered by edition date (newest first), then page and position on the page, and carry a
snippet cut around the first hit with every spelling of every term highlighted.

A query holds at most MAX_TERMS terms: each term is an AND of up to 18 substring tests, and SQLite refuses
an expression nested deeper than 1000 levels ("Expression tree is too large"); no researcher's query needs
more terms, so more is a user error with a clear message instead of a database error.

`epaper serve` answers Datasette's search box on `story` and `article` with `term_filter_sql`, the same
term conditions, so the box and the command find the same articles.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

import opencc
from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Engine,
    Select,
    and_,
    exists,
    func,
    literal_column,
    or_,
    select,
    text,
)

from schema.models import Article, Byline, Edition, Newspaper, Page

FTS_TABLE = "article_fts"
PG_INDEX = "ix_article_fulltext"
INDEXED_COLUMNS = ("kicker", "title", "title_simplified", "subtitle", "body", "body_simplified")
# The exact expression the PostgreSQL GIN index is built on (schema/migrations/versions/0002_fulltext.py):
# the planner uses the index only for this expression, so a test compares the two.
PG_EXPRESSION = " || ' ' || ".join(f"coalesce({c}, '')" for c in INDEXED_COLUMNS)
TRIGRAM = 3  # shortest term a trigram index can answer
MAX_TERMS = 50  # terms per query (see the module docstring)
SNIPPET_CHARS = 60
MARKS = ("«", "»")
SNIPPET_SOURCES = ("body", "body_simplified", "title", "title_simplified", "kicker", "subtitle")


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def spellings(term: str) -> list[str]:
    """The term as typed, in simplified (t2s) and in traditional (s2t) script, without duplicates."""
    found = [term]
    for config in ("t2s.json", "s2t.json"):
        converted = _converter(config).convert(term)
        if converted and converted not in found:
            found.append(converted)
    return found


def split_terms(query: str) -> list[str]:
    """Whitespace-separated terms, each to be found; duplicates dropped. ValueError beyond MAX_TERMS."""
    terms: list[str] = []
    for term in query.split():
        if term not in terms:
            terms.append(term)
    if len(terms) > MAX_TERMS:
        raise ValueError(
            f"too many search terms: {len(terms)} (at most {MAX_TERMS} per query; every term must occur, "
            "so a few distinctive ones find the same articles)"
        )
    return terms


def uses_index(term: str) -> bool:
    """True when every spelling of the term is long enough for a trigram index."""
    return all(len(s) >= TRIGRAM for s in spellings(term))


@dataclass
class Hit:
    """One article found: where it was printed and a highlighted snippet."""

    id: int
    paper: str
    date: dt.date
    page_seq: int | None
    page_number: str | None
    page_name: str | None
    seq: int | None
    title: str | None
    byline: str | None
    snippet: str
    url: str | None

    @property
    def page(self) -> str:
        return " ".join(p for p in (self.page_number, self.page_name) if p)

    def to_json(self) -> dict[str, Any]:
        plain = asdict(self)
        plain["date"] = self.date.isoformat()
        return plain


# --------------------------------------------------------------------------- SQL conditions


def _fts_phrase(spelling: str) -> str:
    return '"' + spelling.replace('"', '""') + '"'


def _like_pattern(spelling: str) -> str:
    escaped = spelling.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _sqlite_scan_term(term: str) -> ColumnElement[bool]:
    columns = [getattr(Article, c) for c in INDEXED_COLUMNS]
    return or_(*(func.instr(col, v) > 0 for v in spellings(term) for col in columns))


def _sqlite_term(term: str) -> ColumnElement[bool]:
    if not uses_index(term):
        return _sqlite_scan_term(term)
    match = " OR ".join(_fts_phrase(v) for v in spellings(term))
    fts_ids: Select[Any] = (
        select(literal_column("rowid"))
        .select_from(text(FTS_TABLE))
        .where(literal_column(FTS_TABLE).op("MATCH")(match))
    )
    return Article.id.in_(fts_ids.scalar_subquery())


def _pg_term(term: str) -> ColumnElement[bool]:
    indexed: ColumnClause[Any] = literal_column(f"({PG_EXPRESSION})")
    conditions = []
    for variant in spellings(term):
        # ILIKE folds case like FTS5 does, but costs a lower-casing pass over every text it checks: use it
        # only for terms that have case at all (Chinese has none)
        operator = "ILIKE" if variant.lower() != variant.upper() else "LIKE"
        conditions.append(indexed.op(operator)(_like_pattern(variant)))
    return or_(*conditions)


def _pg_scan_term(term: str) -> ColumnElement[bool]:
    """Column by column and not on the indexed expression, so that the planner scans the window's rows
    instead of collecting every match from the GIN index."""
    columns = [getattr(Article, c) for c in INDEXED_COLUMNS]
    conditions = []
    for variant in spellings(term):
        for column in columns:
            if variant.lower() != variant.upper():
                conditions.append(column.op("ILIKE")(_like_pattern(variant)))
            else:
                conditions.append(func.strpos(column, variant) > 0)
    return or_(*conditions)


def _contains(column: Any, needle: str, dialect: str) -> ColumnElement[bool]:
    if dialect == "sqlite":
        return func.instr(column, needle) > 0
    return func.strpos(column, needle) > 0


def _byline_condition(name: str, dialect: str) -> ColumnElement[bool]:
    names = spellings(name)
    credited = exists().where(Byline.article_id == Article.id, Byline.name.in_(names))
    printed = or_(*(_contains(Article.byline, n, dialect) for n in names))
    return or_(credited, printed)


def term_conditions(dialect: str, query: str, force_scan: bool = False) -> list[ColumnElement[bool]]:
    """One condition on `article` per term of the query (ValueError for an empty or too long query)."""
    terms = split_terms(query)
    if not terms:
        raise ValueError("empty query: give at least one term")
    if force_scan:
        term_condition = _sqlite_scan_term if dialect == "sqlite" else _pg_scan_term
    else:
        term_condition = _sqlite_term if dialect == "sqlite" else _pg_term
    # index-backed terms first: SQLite evaluates conjunctions in order, so the scan runs on their hits only
    ordered = sorted(terms, key=lambda t: not uses_index(t))
    return [term_condition(t) for t in ordered]


def term_filter_sql(query: str, prefix: str = "epaper_search_") -> tuple[str, dict[str, Any]]:
    """SQLite `id in (select … from article where …)` for the query's terms, with named parameters.

    For callers that add a WHERE clause to SQL of their own (Datasette's search box in `epaper serve`):
    the same conditions as `search`, so both find the same articles. Parameter names start with `prefix`.
    """
    from sqlalchemy.dialects import sqlite

    stmt = select(Article.id).where(and_(*term_conditions("sqlite", query)))
    compiled = stmt.compile(dialect=sqlite.dialect(paramstyle="named"))
    sql = str(compiled)
    params: dict[str, Any] = {}
    # longest names first, so that :param_1 does not rename the start of :param_10
    for name in sorted(compiled.params, key=len, reverse=True):
        sql = re.sub(rf":{re.escape(name)}\b", f":{prefix}{name}", sql)
        params[prefix + name] = compiled.params[name]
    return f"id in ({sql})", params


def build_query(
    dialect: str,
    query: str,
    *,
    paper: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    page_name: str | None = None,
    byline: str | None = None,
    limit: int | None = 20,
    force_scan: bool = False,
) -> Any:
    """The SELECT behind `search` (exposed so that tests and benchmarks can EXPLAIN it).

    `force_scan` checks every term by substring scan instead of the index (for a narrow date window).
    """
    conditions = term_conditions(dialect, query, force_scan)
    if paper:
        conditions.append(Newspaper.key == paper)
    if date_from:
        conditions.append(Edition.date >= date_from)
    if date_to:
        conditions.append(Edition.date <= date_to)
    if page_name:
        conditions.append(or_(*(Page.name == n for n in spellings(page_name))))
    if byline:
        conditions.append(_byline_condition(byline, dialect))
    stmt = (
        select(
            Article.id,
            Newspaper.key,
            Edition.date,
            Page.seq,
            Page.number,
            Page.name,
            Article.seq,
            Article.title,
            Article.byline,
            Article.url,
            *(getattr(Article, c) for c in SNIPPET_SOURCES),
        )
        .select_from(Article)
        .join(Edition, Edition.id == Article.edition_id)
        .join(Newspaper, Newspaper.id == Edition.newspaper_id)
        .outerjoin(Page, Page.id == Article.page_id)
        .where(and_(*conditions))
        .order_by(Edition.date.desc(), Page.seq.asc().nulls_last(), Article.seq.asc(), Article.id.asc())
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return stmt


# --------------------------------------------------------------------------- snippets


def _hit_pattern(terms: Sequence[str]) -> re.Pattern[str]:
    variants = {v for t in terms for v in spellings(t)}
    # longest first, so that 图书馆 is marked whole rather than as 图书 + 馆
    return re.compile("|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True)), re.IGNORECASE)


def make_snippet(
    texts: Sequence[str | None],
    terms: Sequence[str],
    width: int = SNIPPET_CHARS,
    marks: tuple[str, str] = MARKS,
) -> str:
    """A window of about `width` characters around the first hit in the first text that has one.

    Newlines become spaces; every spelling of every term inside the window is wrapped in `marks`.
    """
    pattern = _hit_pattern(terms)
    chosen, first = None, None
    for candidate in texts:
        if not candidate:
            continue
        found = pattern.search(candidate)
        if found:
            chosen, first = candidate, found
            break
    if chosen is None or first is None:
        chosen = next((t for t in texts if t), "")
        start = 0
    else:
        start = max(0, first.start() - width // 3)
    end = min(len(chosen), start + width)
    window = chosen[start:end].replace("\n", " ")
    marked = pattern.sub(lambda m: f"{marks[0]}{m.group(0)}{marks[1]}", window)
    return ("…" if start > 0 else "") + marked + ("…" if end < len(chosen) else "")


# --------------------------------------------------------------------------- entry point


def _edition_dates(
    engine: Engine, paper: str | None, date_from: dt.date | None, date_to: dt.date | None
) -> list[dt.date]:
    query = select(Edition.date).distinct().order_by(Edition.date.desc())
    if paper:
        query = query.join(Newspaper, Newspaper.id == Edition.newspaper_id).where(Newspaper.key == paper)
    if date_from:
        query = query.where(Edition.date >= date_from)
    if date_to:
        query = query.where(Edition.date <= date_to)
    with engine.connect() as conn:
        return list(conn.execute(query).scalars())


STRATEGIES = ("auto", "index", "scan")
FIRST_WINDOW = 8  # edition dates scanned first; windows then grow 4× each time


def _scan_newest_first(
    engine: Engine, query: str, limit: int | None, max_windows: int | None = None, **filters: Any
) -> tuple[list[Any], bool]:
    """Run the query by substring scan over windows of edition dates, newest first, until `limit` rows.

    Neither planner stops a scan early when the ORDER BY spans three tables, so we do it: each window holds
    whole dates and its rows come in the final order, so concatenating windows gives the answer. Returns
    the rows and whether the scan covered everything it had to (enough rows, or no dates left).
    """
    dates = _edition_dates(engine, filters.get("paper"), filters.get("date_from"), filters.get("date_to"))
    rows: list[Any] = []
    start, size, windows = 0, FIRST_WINDOW, 0
    with engine.connect() as conn:
        while start < len(dates) and (limit is None or len(rows) < limit):
            if max_windows is not None and windows >= max_windows:
                return rows, False
            window = dates[start : start + size]
            bounds = dict(filters, date_from=window[-1], date_to=window[0])
            remaining = None if limit is None else limit - len(rows)
            stmt = build_query(engine.dialect.name, query, limit=remaining, force_scan=True, **bounds)
            rows.extend(conn.execute(stmt).all())
            start += size
            size *= 4
            windows += 1
    return rows, True


def search(
    engine: Engine,
    query: str,
    *,
    paper: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    page_name: str | None = None,
    byline: str | None = None,
    limit: int | None = 20,
    marks: tuple[str, str] = MARKS,
    strategy: str = "auto",
) -> list[Hit]:
    """Articles containing every term of `query` in either script, newest first (see the module docstring).

    `strategy` is for tests and benchmarks: "index" answers with one query (the trigram index for long
    terms), "scan" by substring scan over date windows, "auto" (the default) picks as described above.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}; expected one of {', '.join(STRATEGIES)}")
    terms = split_terms(query)
    filters: dict[str, Any] = {
        "paper": paper,
        "date_from": date_from,
        "date_to": date_to,
        "page_name": page_name,
        "byline": byline,
    }
    rows: Sequence[Any] = []
    done = False
    if strategy == "scan" and terms:
        rows, done = _scan_newest_first(engine, query, limit, **filters)
    elif strategy == "auto" and limit is not None and terms:
        if any(uses_index(t) for t in terms):
            # a common long term matches most articles, and the index hands over every match before the
            # sort: scanning the newest editions first answers such a query sooner. One small window
            # only, so a rare term costs little more than its index lookup.
            rows, done = _scan_newest_first(engine, query, limit, max_windows=1, **filters)
        else:
            rows, done = _scan_newest_first(engine, query, limit, **filters)
    if not done:
        with engine.connect() as conn:
            rows = conn.execute(build_query(engine.dialect.name, query, limit=limit, **filters)).all()
    hits = []
    for row in rows:
        (article_id, key, date, page_seq, number, name, seq, title, printed_byline, url, *texts) = row
        hits.append(
            Hit(
                id=article_id,
                paper=key,
                date=date,
                page_seq=page_seq,
                page_number=number,
                page_name=name,
                seq=seq,
                title=title,
                byline=printed_byline,
                snippet=make_snippet(texts, terms, marks=marks),
                url=url,
            )
        )
    return hits


def fulltext_objects() -> frozenset[str]:
    """Names of the schema objects migration 0002 adds outside the models (for autogenerate filters)."""
    shadow = ("data", "idx", "docsize", "config", "content")
    return frozenset({FTS_TABLE, PG_INDEX, "story", *(f"{FTS_TABLE}_{s}" for s in shadow)})


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic `include_object` hook: leave the full-text objects of migration 0002 out of comparisons."""
    return not (reflected and name in fulltext_objects())
