"""Layout-drift monitor: field coverage of what a run stored, judged against the paper's own history.

A site redesign rarely fails loudly: pages still answer 200, but titles come back empty, bodies shrink to a
footer or the page lists stop listing articles. So after every run, for each paper, the store measures
what the run left in the database (the editions of the run's dates, whatever earlier runs stored of them
too, so that a resumed run or a reparse is judged the same way) and compares it with the median of the
paper's last healthy runs. A share that drops by more than the threshold is a `drift` finding: logged at
WARNING, stored in `run_coverage`, shown by `epaper status --health` and turned into exit status 3.

Measured per run and paper (shares are of the stored articles):

- `title`: a non-blank title; `body`: a body of at least `min_body` characters; `byline`: a byline (column
  or rows); `image`: at least one image with a URL;
- `clean`: no U+FFFD replacement character in title or body (GB18030/GBK bytes that did not decode);
- `parsed`: articles stored out of articles stored plus article pages that failed to parse;
- `per_page`: articles per stored page (judged by relative drop: an emptied page list shows here).

U+FFFD is also counted per article; any article with one is a `replacement` finding listing the worst
articles: not drift (the edition stays complete, the run `finished`), but a health finding all the same, so
the run exits DRIFT_EXIT and cron hears that stored text lost characters.
"""

from __future__ import annotations

import datetime as dt
import logging
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, and_, case, delete, exists, func, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError, ProgrammingError

from schema.models import (
    Article,
    Byline,
    CrawlRun,
    Edition,
    Failure,
    Image,
    Newspaper,
    Page,
    RunCoverage,
    table_of,
)

logger = logging.getLogger(__name__)

ARTICLE = table_of(Article)
EDITION = table_of(Edition)
PAGE = table_of(Page)
BYLINE = table_of(Byline)
IMAGE = table_of(Image)
FAILURE = table_of(Failure)
NEWSPAPER = table_of(Newspaper)
CRAWL_RUN = table_of(CrawlRun)
RUN_COVERAGE = table_of(RunCoverage)

DRIFT_EXIT = 3  # exit status of a run (and of `epaper status --health`) with a finding: drift or U+FFFD text
REPLACEMENT = "\ufffd"
SHARES = ("title", "body", "byline", "image", "clean", "parsed")  # higher is better; judged by absolute drop
PER_PAGE = "per_page"  # judged by relative drop
EXAMPLES = 5  # articles with the most U+FFFD listed in a replacement finding
IN_CHUNK = 500


@dataclass(frozen=True)
class DriftRules:
    """Thresholds of the monitor; each is a Scrapy setting (EPAPER_DRIFT_*), see docs/operations.md."""

    min_body: int = 80  # EPAPER_DRIFT_MIN_BODY: characters a body needs to count as a body
    history: int = 10  # EPAPER_DRIFT_HISTORY: healthy runs the baseline is the median of
    min_runs: int = 1  # EPAPER_DRIFT_MIN_RUNS: fewer healthy runs than this → no judgement yet
    min_articles: int = 20  # EPAPER_DRIFT_MIN_ARTICLES: a run with fewer is not judged (nor a baseline)
    min_pages: int = 4  # EPAPER_DRIFT_MIN_PAGES: ... nor on articles per page with fewer pages
    max_drop: float = 0.25  # EPAPER_DRIFT_MAX_DROP: a share this far (absolute) below the baseline is drift
    per_page_drop: float = 0.5  # EPAPER_DRIFT_PER_PAGE_DROP: articles per page this much lower is drift

    @classmethod
    def from_settings(cls, settings: Any) -> DriftRules:
        return cls(
            min_body=settings.getint("EPAPER_DRIFT_MIN_BODY", cls.min_body),
            history=settings.getint("EPAPER_DRIFT_HISTORY", cls.history),
            min_runs=settings.getint("EPAPER_DRIFT_MIN_RUNS", cls.min_runs),
            min_articles=settings.getint("EPAPER_DRIFT_MIN_ARTICLES", cls.min_articles),
            min_pages=settings.getint("EPAPER_DRIFT_MIN_PAGES", cls.min_pages),
            max_drop=settings.getfloat("EPAPER_DRIFT_MAX_DROP", cls.max_drop),
            per_page_drop=settings.getfloat("EPAPER_DRIFT_PER_PAGE_DROP", cls.per_page_drop),
        )


@dataclass
class PaperCoverage:
    """One paper's verdict for one run."""

    paper: str
    figures: dict[str, Any]
    baseline: dict[str, Any] | None
    findings: list[dict[str, Any]]

    @property
    def drift(self) -> bool:
        return any(f["kind"] == "drift" for f in self.findings)

    @property
    def replacement(self) -> bool:
        return any(f["kind"] == "replacement" for f in self.findings)


def _chunks(values: Sequence[Any], size: int = IN_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


# --------------------------------------------------------------------------- measuring


def measure(conn: Connection, newspaper_id: int, dates: Iterable[dt.date], min_body: int) -> dict[str, Any]:
    """Coverage figures of the paper's stored editions on these dates (see the module docstring)."""
    totals = dict.fromkeys(
        (
            "editions",
            "pages",
            "articles",
            "title",
            "body",
            "byline",
            "image",
            "replacement_articles",
            "replacement_chars",
            "parse_failures",
        ),
        0,
    )
    examples: list[dict[str, Any]] = []
    text = func.coalesce(ARTICLE.c.title, "") + func.coalesce(ARTICLE.c.body, "")
    fffd_chars = func.length(text) - func.length(func.replace(text, REPLACEMENT, ""))
    has_byline = or_(
        and_(ARTICLE.c.byline.is_not(None), func.trim(ARTICLE.c.byline) != ""),
        exists().where(BYLINE.c.article_id == ARTICLE.c.id),
    )
    has_image = exists().where(IMAGE.c.article_id == ARTICLE.c.id, IMAGE.c.url.is_not(None))

    def counted(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    for chunk in _chunks(sorted(set(dates))):
        editions = select(EDITION.c.id).where(
            EDITION.c.newspaper_id == newspaper_id, EDITION.c.date.in_(chunk)
        )
        ids = editions.scalar_subquery()
        totals["editions"] += conn.execute(select(func.count()).select_from(editions.subquery())).scalar_one()
        totals["pages"] += conn.execute(
            select(func.count()).where(PAGE.c.edition_id.in_(ids), PAGE.c.article_count.is_not(None))
        ).scalar_one()
        row = conn.execute(
            select(
                func.count(),
                counted(and_(ARTICLE.c.title.is_not(None), func.trim(ARTICLE.c.title) != "")),
                counted(ARTICLE.c.char_count >= min_body),
                counted(has_byline),
                counted(has_image),
                counted(text.like(f"%{REPLACEMENT}%")),
                func.coalesce(func.sum(fffd_chars), 0),
            ).where(ARTICLE.c.edition_id.in_(ids))
        ).one()
        for key, value in zip(
            ("articles", "title", "body", "byline", "image", "replacement_articles", "replacement_chars"),
            row,
            strict=True,
        ):
            totals[key] += int(value or 0)
        totals["parse_failures"] += conn.execute(
            select(func.count()).where(
                FAILURE.c.edition_id.in_(ids), FAILURE.c.kind == "article", FAILURE.c.reason.like("parse:%")
            )
        ).scalar_one()
        if row[5]:
            query = (
                select(ARTICLE.c.id, EDITION.c.date, ARTICLE.c.source_key, fffd_chars.label("n"))
                .join(EDITION, EDITION.c.id == ARTICLE.c.edition_id)
                .where(ARTICLE.c.edition_id.in_(ids), text.like(f"%{REPLACEMENT}%"))
                .order_by(fffd_chars.desc(), ARTICLE.c.id)
                .limit(EXAMPLES)
            )
            examples += [
                {"article_id": a, "date": d.isoformat(), "source_key": k, "chars": int(n)}
                for a, d, k, n in conn.execute(query)
            ]
    articles, pages = totals["articles"], totals["pages"]
    figures: dict[str, Any] = {
        "editions": totals["editions"],
        "pages": pages,
        "articles": articles,
        "min_body": min_body,
        **{name: _share(totals[name], articles) for name in ("title", "body", "byline", "image")},
        "clean": _share(articles - totals["replacement_articles"], articles),
        "parsed": _share(articles, articles + totals["parse_failures"]),
        PER_PAGE: round(articles / pages, 2) if pages else None,
        "parse_failures": totals["parse_failures"],
        "replacement_articles": totals["replacement_articles"],
        "replacement_chars": totals["replacement_chars"],
        "replacement_examples": sorted(examples, key=lambda e: (-e["chars"], e["article_id"]))[:EXAMPLES],
    }
    return figures


# --------------------------------------------------------------------------- judging


def healthy_history(
    conn: Connection, newspaper_id: int, run_id: int, rules: DriftRules
) -> list[dict[str, Any]]:
    """Figures of the paper's latest finished runs before this one with enough articles and no drift finding.

    Runs with a drift finding stay out of the baseline, so a redesign that broke extraction keeps being
    reported on every run until the parser is fixed, instead of becoming the new normal."""
    query = (
        select(RUN_COVERAGE.c.figures, RUN_COVERAGE.c.findings)
        .join(CRAWL_RUN, CRAWL_RUN.c.id == RUN_COVERAGE.c.run_id)
        .where(
            RUN_COVERAGE.c.newspaper_id == newspaper_id,
            RUN_COVERAGE.c.run_id < run_id,
            RUN_COVERAGE.c.articles >= rules.min_articles,
            CRAWL_RUN.c.finished_at.is_not(None),
        )
        .order_by(RUN_COVERAGE.c.run_id.desc())
    )
    history = []
    for figures, findings in conn.execute(query):
        if any(f.get("kind") == "drift" for f in findings or []):
            continue
        history.append(figures or {})
        if len(history) >= rules.history:
            break
    return history


def baseline_of(history: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The median of each measure over the history (measures a run did not have are left out)."""
    result: dict[str, Any] = {"runs": len(history)}
    for name in (*SHARES, PER_PAGE):
        values = [h[name] for h in history if h.get(name) is not None]
        result[name] = round(statistics.median(values), 4) if values else None
    return result


def judge(
    figures: Mapping[str, Any], baseline: Mapping[str, Any] | None, rules: DriftRules
) -> list[dict[str, Any]]:
    """Findings of one run: a `drift` per measure that dropped beyond its threshold, a `replacement` flag."""
    findings: list[dict[str, Any]] = []
    if baseline is not None and baseline.get("runs", 0) >= rules.min_runs:
        if figures.get("articles", 0) >= rules.min_articles:
            for name in SHARES:
                now, then = figures.get(name), baseline.get(name)
                if now is not None and then is not None and then - now > rules.max_drop:
                    findings.append(
                        _drift(name, now, then, baseline["runs"], f"more than {rules.max_drop:.0%} below")
                    )
        now, then = figures.get(PER_PAGE), baseline.get(PER_PAGE)
        if figures.get("pages", 0) >= rules.min_pages and now is not None and then:
            if (then - now) / then > rules.per_page_drop:
                findings.append(
                    _drift(PER_PAGE, now, then, baseline["runs"], f"{rules.per_page_drop:.0%} below")
                )
    if figures.get("replacement_articles"):
        findings.append(
            {
                "kind": "replacement",
                "articles": figures["replacement_articles"],
                "chars": figures["replacement_chars"],
                "examples": figures.get("replacement_examples", []),
            }
        )
    return findings


def _drift(name: str, now: float, then: float, runs: int, how: str) -> dict[str, Any]:
    return {"kind": "drift", "measure": name, "value": now, "baseline": then, "runs": runs, "rule": how}


def describe(finding: Mapping[str, Any]) -> str:
    """One line an operator reads: what changed, against what."""
    if finding["kind"] == "drift":
        runs = finding.get("runs")
        return (
            f"drift: {finding['measure']} {finding['value']} (median of the last {runs} healthy "
            f"run{'' if runs == 1 else 's'}: {finding['baseline']}; {finding.get('rule', '')})"
        )
    if finding["kind"] == "replacement":
        worst = ", ".join(
            f"article {e['article_id']} {e['date']} ×{e['chars']}" for e in finding.get("examples", [])
        )
        return (
            f"replacement: {finding['articles']} article{'' if finding['articles'] == 1 else 's'} with "
            f"U+FFFD ({finding['chars']} chars)" + (f": {worst}" if worst else "")
        )
    return str(dict(finding))


# --------------------------------------------------------------------------- recording (the store's hook)


def record_coverage(
    engine: Engine, run_id: int, paper_dates: Mapping[str, Iterable[dt.date]], rules: DriftRules
) -> list[PaperCoverage]:
    """Measure, judge and store each paper's coverage for the run (one `run_coverage` row per paper)."""
    result = []
    with engine.begin() as conn:
        for paper, dates in sorted(paper_dates.items()):
            newspaper_id = conn.execute(select(NEWSPAPER.c.id).where(NEWSPAPER.c.key == paper)).scalar()
            if newspaper_id is None:
                continue
            figures = measure(conn, newspaper_id, dates, rules.min_body)
            history = healthy_history(conn, newspaper_id, run_id, rules)
            baseline = baseline_of(history) if history else None
            findings = judge(figures, baseline, rules)
            conn.execute(
                delete(RUN_COVERAGE).where(
                    RUN_COVERAGE.c.run_id == run_id, RUN_COVERAGE.c.newspaper_id == newspaper_id
                )
            )
            conn.execute(
                RUN_COVERAGE.insert().values(
                    run_id=run_id,
                    newspaper_id=newspaper_id,
                    computed_at=dt.datetime.now(dt.timezone.utc),
                    articles=figures["articles"],
                    figures=figures,
                    baseline=baseline,
                    findings=findings,
                )
            )
            coverage = PaperCoverage(paper, figures, baseline, findings)
            for finding in findings:
                level = logging.WARNING if finding["kind"] == "drift" else logging.INFO
                logger.log(level, "%s run %s: %s", paper, run_id, describe(finding))
            result.append(coverage)
    return result


# --------------------------------------------------------------------------- reading (epaper status --health)

HEALTH_COLUMNS = (
    "run",
    "started",
    "status",
    "editions",
    "pages",
    "articles",
    PER_PAGE,
    *SHARES,
    "fffd",
    "findings",
)


def health(engine: Engine, paper: str | None = None, runs: int = 8) -> dict[str, list[dict[str, Any]]]:
    """paper → its latest runs' coverage rows, newest first, each with its findings."""
    query = (
        select(
            NEWSPAPER.c.key,
            RUN_COVERAGE.c.run_id,
            CRAWL_RUN.c.started_at,
            CRAWL_RUN.c.status,
            RUN_COVERAGE.c.figures,
            RUN_COVERAGE.c.baseline,
            RUN_COVERAGE.c.findings,
        )
        .join(NEWSPAPER, NEWSPAPER.c.id == RUN_COVERAGE.c.newspaper_id)
        .join(CRAWL_RUN, CRAWL_RUN.c.id == RUN_COVERAGE.c.run_id)
        .order_by(NEWSPAPER.c.key, RUN_COVERAGE.c.run_id.desc())
    )
    if paper is not None:
        query = query.where(NEWSPAPER.c.key == paper)
    result: dict[str, list[dict[str, Any]]] = {}
    try:
        with engine.connect() as conn:
            found = conn.execute(query).all()
    except (OperationalError, ProgrammingError):  # a database from before run_coverage: nothing measured yet
        return {}
    for key, run_id, started, status, figures, baseline, findings in found:
        rows = result.setdefault(key, [])
        if len(rows) >= runs:
            continue
        figures = figures or {}
        rows.append(
            {
                "run": run_id,
                "started": started.strftime("%Y-%m-%d %H:%M") if started else "",
                "status": status,
                **{name: figures.get(name) for name in ("editions", "pages", "articles", PER_PAGE, *SHARES)},
                "fffd": figures.get("replacement_articles", 0),
                "findings": ",".join(sorted({_short(f) for f in findings or []})) or "ok",
                "_findings": list(findings or []),
                "_baseline": baseline,
            }
        )
    return result


def _short(finding: Mapping[str, Any]) -> str:
    return f"drift:{finding['measure']}" if finding["kind"] == "drift" else str(finding["kind"])


def latest_drift(
    report: Mapping[str, Sequence[Mapping[str, Any]]], kinds: tuple[str, ...] = ("drift",)
) -> list[str]:
    """Papers whose latest measured run has a finding of one of `kinds` (drift by default)."""
    return [p for p, rows in report.items() if rows and any(f["kind"] in kinds for f in rows[0]["_findings"])]


def format_health(report: Mapping[str, Sequence[Mapping[str, Any]]]) -> str:
    """A table per paper (latest run first) and, under it, what changed in its latest run."""
    from schema.status import format_table

    if not report:
        return "(no coverage recorded yet: crawl first, or `epaper db upgrade` an older database)"
    blocks = []
    for paper, rows in report.items():
        table = format_table([{c: _cell(r.get(c)) for c in HEALTH_COLUMNS} for r in rows], HEALTH_COLUMNS)
        latest = rows[0]
        lines = [describe(f) for f in latest["_findings"]]
        if latest["_baseline"] is None:
            lines.append("no baseline yet: no earlier healthy run with enough articles")
        changed = "\n".join(f"  {line}" for line in lines) or "  nothing changed beyond the thresholds"
        blocks.append(f"{paper}\n{table}\nlatest run {latest['run']}:\n{changed}")
    return "\n\n".join(blocks)


def _cell(value: Any) -> Any:
    if isinstance(value, float):
        return f"{value:.2f}"
    return "" if value is None else value
