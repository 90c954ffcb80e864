"""What the archive holds, per edition and in total: for `epaper status` and the end-of-crawl summary."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Engine, Select, and_, func, or_, select
from sqlalchemy.exc import OperationalError, ProgrammingError

from schema.models import Article, CrawlRun, Edition, Failure, Newspaper, Page

PENDING = "pending"  # an edition seen by a crawl that has not been finalised


Query = TypeVar("Query", bound=Select)  # a select of any columns; filtering keeps its row type


def _filtered(query: Query, paper: str | None, date_from: dt.date | None, date_to: dt.date | None) -> Query:
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
        select(Failure.edition_id, func.count().label("n"))
        .where(Failure.resolved_at.is_(None), Failure.kind != "media")  # resolved failures are history; media
        .group_by(Failure.edition_id)  # failures are ledger lines of their own, never held against an edition
        .subquery("failures")
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

    def scoped(query: Query) -> Query:
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
            scoped(select(func.count()).select_from(Failure).join(Edition, Edition.id == Failure.edition_id)).where(
                Failure.resolved_at.is_(None), Failure.kind != "media"
            )
        ).scalar_one()
    editions = {(status or PENDING): count for status, count in by_status}
    return {
        "editions": dict(sorted(editions.items())),
        "edition_total": sum(editions.values()),
        "pages": pages,
        "articles": articles,
        "failures": failures,
    }


def paper_totals(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Edition rows summed per paper (editions by status, pages, articles, failures), with a total row when
    there are several papers: the end-of-run summary, short however many editions the run covered."""
    statuses = [s for s in ("complete", "partial", "failed", "missing", "not_published", PENDING)
                if any(r["status"] == s for r in rows)]
    totals: dict[str, dict[str, Any]] = {}
    for row in rows:
        for key in (row["paper"], "total"):
            entry = totals.setdefault(
                key, {"paper": key, "editions": 0, **dict.fromkeys(statuses, 0), "pages": 0, "articles": 0,
                      "failures": 0}
            )
            entry["editions"] += 1
            entry[row["status"]] += 1
            for name in ("pages", "articles", "failures"):
                entry[name] += int(row.get(name) or 0)
    result = [totals[key] for key in sorted(totals) if key != "total"]
    return result + [totals["total"]] if len(result) > 1 else result


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


# --------------------------------------------------------------------------- the ledger, for planning and operators

DONE = "complete"
# One character per day in the calendar strip: what an operator scans for at a glance.
DAY_MARKS = {
    "complete": "#",
    "partial": "p",
    "failed": "F",
    "missing": "m",
    "not_published": "-",
    PENDING: "?",
}
NO_ROW = "."  # a day the archive has never tried
STATUS_ORDER = ("complete", "partial", "failed", "missing", "not_published", PENDING)


@dataclass(frozen=True)
class EditionState:
    """What the ledger says about one edition: enough for the spider to decide whether to fetch it."""

    status: str  # a final status, or PENDING when no run has finalised it
    last_crawled_at: dt.datetime | None = None


def edition_states(
    engine: Engine, paper: str, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> dict[dt.date, EditionState]:
    """date → EditionState for one paper's editions in a range, in one query; {} before the first migration."""
    query = (
        select(Edition.date, Edition.status, Edition.last_crawled_at)
        .join(Newspaper, Newspaper.id == Edition.newspaper_id)
        .where(Newspaper.key == paper)
    )
    if date_from is not None:
        query = query.where(Edition.date >= date_from)
    if date_to is not None:
        query = query.where(Edition.date <= date_to)
    try:
        with engine.connect() as conn:
            rows = conn.execute(query).all()
    except (OperationalError, ProgrammingError):  # no tables yet: nothing is known, everything is a gap
        return {}
    return {date: EditionState(status or PENDING, crawled) for date, status, crawled in rows}


@dataclass(frozen=True)
class PageMedia:
    """A stored page whose image or PDF (of the kinds asked for) is named but not archived yet."""

    number: str
    url: str | None
    image_url: str | None
    pdf_url: str | None


def pages_missing_media(
    engine: Engine, paper: str, date_from: dt.date, date_to: dt.date, kinds: Iterable[str]
) -> dict[dt.date, list[PageMedia]]:
    """date → the pages whose named image/PDF has no digest yet (only the missing kinds' URLs are set), in one
    query: what `-a media=… -a only=gaps` still fetches for editions that are otherwise complete."""
    kinds = set(kinds)
    wanted = []
    if "image" in kinds:
        wanted.append(and_(Page.image_url.is_not(None), Page.image_sha256.is_(None)))
    if "pdf" in kinds:
        wanted.append(and_(Page.pdf_url.is_not(None), Page.pdf_sha256.is_(None)))
    if not wanted:
        return {}
    query = (
        select(Edition.date, Page.number, Page.url, Page.image_url, Page.image_sha256, Page.pdf_url, Page.pdf_sha256)
        .join(Edition, Edition.id == Page.edition_id)
        .join(Newspaper, Newspaper.id == Edition.newspaper_id)
        .where(Newspaper.key == paper, Edition.date >= date_from, Edition.date <= date_to, or_(*wanted))
        .order_by(Edition.date, Page.seq)
    )
    try:
        with engine.connect() as conn:
            rows = conn.execute(query).all()
    except (OperationalError, ProgrammingError):  # no tables yet
        return {}
    found: dict[dt.date, list[PageMedia]] = {}
    for date, number, url, image_url, image_sha, pdf_url, pdf_sha in rows:
        found.setdefault(date, []).append(PageMedia(
            number, url, image_url if "image" in kinds and image_sha is None else None,
            pdf_url if "pdf" in kinds and pdf_sha is None else None))
    return found


def calendar(
    engine: Engine,
    paper: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[dict[str, Any]]:
    """One row per paper and month: editions by status and a day strip (DAY_MARKS; NO_ROW: never tried)."""
    rows = edition_status(engine, paper, date_from, date_to)
    months: dict[tuple[str, int, int], dict[str, Any]] = {}
    for row in rows:
        day: dt.date = row["date"]
        key = (row["paper"], day.year, day.month)
        month = months.get(key)
        if month is None:
            length = (dt.date(day.year + day.month // 12, day.month % 12 + 1, 1) - dt.timedelta(days=1)).day
            month = {"paper": row["paper"], "month": f"{day:%Y-%m}", **dict.fromkeys(STATUS_ORDER, 0)}
            month["_strip"] = [NO_ROW] * length
            months[key] = month
        month[row["status"]] = month.get(row["status"], 0) + 1
        month["_strip"][day.day - 1] = DAY_MARKS.get(row["status"], "?")
    result = []
    for key in sorted(months):
        month = months[key]
        month["days"] = "".join(month.pop("_strip"))
        result.append(month)
    return result


def gaps(
    engine: Engine,
    paper: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    reasons_per_edition: int = 3,
) -> list[dict[str, Any]]:
    """Editions that are not complete (not_published is not a gap), oldest first, with why: the edition's own
    reason and its failure rows (kind, reason, attempts, url), most attempted first."""
    wanted = [r for r in edition_status(engine, paper, date_from, date_to) if r["status"] not in (DONE, "not_published")]
    if not wanted:
        return []
    query = (
        select(Newspaper.key, Edition.date, Edition.reason, Failure.kind, Failure.reason, Failure.attempts, Failure.url)
        .select_from(Edition)
        .join(Newspaper, Newspaper.id == Edition.newspaper_id)
        .outerjoin(Failure, and_(Failure.edition_id == Edition.id, Failure.resolved_at.is_(None)))
        .where(func.coalesce(Edition.status, PENDING).not_in((DONE, "not_published")))
        .order_by(Newspaper.key, Edition.date, Failure.attempts.desc(), Failure.url)
    )
    why: dict[tuple[str, dt.date], list[str]] = {}
    with engine.connect() as conn:
        for key, date, edition_reason, kind, reason, attempts, url in conn.execute(
            _filtered(query, paper, date_from, date_to)
        ):
            lines = why.setdefault((key, date), [])
            if edition_reason and edition_reason not in lines:
                lines.insert(0, edition_reason)
            if kind is not None:
                lines.append(f"{kind} {reason} ×{attempts}: {url}")
    result = []
    for row in wanted:
        lines = why.get((row["paper"], row["date"]), [])
        shown = lines[:reasons_per_edition]
        if len(lines) > len(shown):
            shown.append(f"… {len(lines) - len(shown)} more")
        result.append({**row, "why": "; ".join(shown) or _default_reason(row["status"])})
    return result


def _default_reason(status: str) -> str:
    return {
        PENDING: "seen by a run that did not finish (killed or still running)",
        "missing": "nothing stored for this date",
        "partial": "fewer pages or articles stored than the page list promised",
    }.get(status, "")


RUN_COUNTERS = ("editions", "skipped", "requests", "pages", "articles", "joins", "failures")


def runs(engine: Engine, limit: int = 20, paper: str | None = None) -> list[dict[str, Any]]:
    """The latest crawl runs, newest first: when, how long, with which arguments, status and main counters."""
    table = CrawlRun.__table__
    query = select(table.c.id, table.c.args, table.c.started_at, table.c.finished_at, table.c.status,
                   table.c.counters).order_by(table.c.id.desc())
    with engine.connect() as conn:
        found = conn.execute(query).all()
    result = []
    for run in found:
        args = dict(run.args or {})
        if paper is not None and paper not in str(args.get("paper_spec", args.get("paper", ""))).split(","):
            continue
        counters = run.counters or {}
        seconds = (run.finished_at - run.started_at).total_seconds() if run.finished_at and run.started_at else None
        args.pop("spider", None)
        row = {
            "id": run.id,
            "started": run.started_at.strftime("%Y-%m-%d %H:%M:%S") if run.started_at else "",
            "seconds": round(seconds, 1) if seconds is not None else None,
            "status": run.status,
            "args": " ".join(f"{k.removesuffix('_arg').removesuffix('_spec')}={v}" for k, v in args.items()),
        }
        row.update({name: int(counters.get(name) or 0) for name in RUN_COUNTERS})
        result.append(row)
        if len(result) >= limit:
            break
    return result


def format_calendar(rows: Sequence[dict[str, Any]]) -> str:
    """The calendar as a table, with only the status columns that occur, and the legend."""
    if not rows:
        return "(no editions)"
    used = [s for s in STATUS_ORDER if any(r.get(s) for r in rows)]
    table = format_table([{k: r[k] for k in ("paper", "month", *used, "days")} for r in rows])
    legend = "  ".join(f"{mark} {status}" for status, mark in DAY_MARKS.items()) + f"  {NO_ROW} never tried"
    return f"{table}\n{legend}"
