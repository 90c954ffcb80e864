"""`epaper serve`: the SQLite archive in Datasette, read-only, described and searchable.

The database is opened immutable (no locks, no writes, cacheable) once its write-ahead log is checkpointed
into the main file: an immutable open reads only the main file, so un-checkpointed rows would be invisible.
When a crawl is writing at the same time the checkpoint cannot finish; then the file is served read-only
but mutable, so that new rows appear as they are committed.

Our plugin (crawler/datasette_plugin.py) makes the search box of `story` and `article` answer like
`epaper search` and refuses writes (POST …) with a 405.

Datasette is an optional dependency (`pip install datasette`, the project's `research` extra).
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from schema.docs import column_doc, table_doc
from schema.models import Base

DATASETTE_MISSING = (
    "epaper serve needs Datasette: `pip install datasette` (or the project's `research` extra)."
)
FTS_TABLE = "article_fts"
PLUGIN = "epaper"  # crawler/datasette_plugin.py: search box and read-only guard
STORY_COLUMNS = {
    "id": "article.id",
    "paper": "newspaper.key",
    "paper_name": "newspaper.name",
    "date": "edition date",
    "page_seq": "position of the first page in the edition",
    "page_number": "page label as printed",
    "page_name": "版名 of the first page",
    "seq": "position on the page",
}

# Canned queries: named parameters become form fields in Datasette.
QUERIES: dict[str, dict[str, Any]] = {
    "front_page": {
        "title": "An edition's front page",
        "description": "Stories on page 1 of one edition, in the page's order, with their share of the page.",
        "sql": (
            "select s.page_number, s.page_name, s.seq, s.kicker, s.title, s.subtitle, s.byline,\n"
            "  round(s.area_share, 3) as area_share, s.url\n"
            "from story s\n"
            "where s.paper = :paper and s.date = :date and s.page_seq = 1\n"
            "order by s.seq"
        ),
    },
    "reporter_stories": {
        "title": "A reporter's stories",
        "description": "Every story crediting a name (exact match on byline.name), newest first.",
        "sql": (
            "select s.paper, s.date, s.page_number, s.page_name, s.title, b.role, b.organisation, s.url\n"
            "from byline b join story s on s.id = b.article_id\n"
            "where b.name = :name\n"
            "order by s.date desc, s.page_seq, s.seq"
        ),
    },
    "coverage_by_month": {
        "title": "Coverage by month",
        "description": "Editions per paper and month by status, and the articles stored.",
        "sql": (
            "select n.key as paper, substr(e.date, 1, 7) as month, count(*) as editions,\n"
            "  sum(e.status = 'complete') as complete, sum(e.status = 'partial') as partial,\n"
            "  sum(e.status = 'missing') as missing, sum(e.status = 'not_published') as not_published,\n"
            "  sum(e.status = 'failed') as failed, sum(e.status is null) as pending,\n"
            "  coalesce(sum(e.article_count), 0) as articles\n"
            "from edition e join newspaper n on n.id = e.newspaper_id\n"
            "group by n.key, month order by n.key, month"
        ),
    },
    "front_page_share_by_keyword": {
        "title": "Front-page area share by topic keyword",
        "description": (
            "Per paper and month: front pages, front-page stories mentioning the keyword (title, kicker, "
            "subtitle or body; type it in the paper's script), and the mean share of a front page they cover."
        ),
        "sql": (
            "with front as (\n"
            "  select s.paper, s.date, s.area_share,\n"
            "    instr(coalesce(s.kicker, '') || ' ' || coalesce(s.title, '') || ' ' || coalesce(s.subtitle, '')\n"
            "      || ' ' || s.body || ' ' || coalesce(s.body_simplified, ''), :keyword) > 0 as hit\n"
            "  from story s where s.page_seq = 1\n"
            ")\n"
            "select paper, substr(date, 1, 7) as month, count(distinct date) as front_pages,\n"
            "  sum(hit) as stories_with_keyword,\n"
            "  round(sum(case when hit then coalesce(area_share, 0) else 0 end) / count(distinct date), 4)\n"
            "    as mean_front_page_share\n"
            "from front group by paper, month order by paper, month"
        ),
    },
}

FACETS = {
    "story": ["paper", "page_name"],
    "byline": ["role", "organisation"],
    "page": ["name"],
    "edition": ["status"],
}
SEARCH_TABLES = ("story", "article")
SEARCH_BOX = (
    "the box finds what `epaper search` finds: every space-separated term (AND) in kicker, title, subtitle "
    "or body, in simplified or traditional script; terms of 1-2 characters are checked by a scan "
    "(slower on a large archive: add a longer term or a facet)."
)
SETTINGS = {"sql_time_limit_ms": 5000, "facet_time_limit_ms": 1000, "default_page_size": 50}


def sqlite_path(url: str) -> Path:
    """The file behind a sqlite:/// URL; ValueError for any other database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        raise ValueError(
            f"epaper serve opens a SQLite file, not {parsed.render_as_string(hide_password=True)}"
        )
    path = Path(parsed.database).expanduser()
    if not path.is_file():
        raise ValueError(f"no database at {path} (crawl first, or give --db)")
    return path


def build_metadata(database: str) -> dict[str, Any]:
    """Datasette metadata: descriptions from the schema docs, full-text search, facets, canned queries."""
    tables: dict[str, Any] = {}
    for table in Base.metadata.sorted_tables:
        tables[table.name] = {
            "description": table_doc(table),
            "columns": {c.name: column_doc(table, c) for c in table.columns},
        }
    article = Base.metadata.tables["article"]
    story_columns = dict(STORY_COLUMNS)
    for name in (
        "kicker",
        "title",
        "subtitle",
        "byline",
        "dateline",
        "body",
        "body_simplified",
        "script",
        "char_count",
        "area_share",
        "url",
    ):
        story_columns[name] = column_doc(article, article.c[name])
    tables["story"] = {
        "description": "One row per story with its paper, date and page (a view over article, edition, "
        "newspaper and page). Search here: " + SEARCH_BOX,
        "columns": story_columns,
        "sort_desc": "date",
    }
    tables["article"]["description"] += " Search box: " + SEARCH_BOX
    for name, columns in FACETS.items():
        tables[name]["facets"] = columns
    for suffix in ("", "_data", "_idx", "_docsize", "_config"):
        tables[FTS_TABLE + suffix] = {"hidden": True}
    return {
        "title": "E-paper archive",
        "description": "Chinese newspaper e-editions: editions, pages, stories, bylines and captions. "
        "Read-only. Table `story` is the place to start and to search.",
        "plugins": {PLUGIN: {"read_only": True}},
        "databases": {
            database: {
                "tables": tables,
                "queries": QUERIES,
                "plugins": {PLUGIN: {"search_tables": list(SEARCH_TABLES)}},
            }
        },
    }


def checkpoint(path: Path, timeout: float = 5.0) -> bool:
    """Fold the write-ahead log into the database file; True when nothing is left outside it."""
    connection = sqlite3.connect(path, timeout=timeout)
    try:
        busy, log_frames, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.OperationalError:
        return False
    finally:
        connection.close()
    return busy == 0 and log_frames in (0, -1)


def register_plugin() -> None:
    """Register crawler/datasette_plugin.py with Datasette's plugin manager (once per process)."""
    from datasette.plugins import pm

    from crawler import datasette_plugin

    if not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin, name=PLUGIN)


def make_datasette(path: Path, immutable: bool = True) -> Any:
    """A configured Datasette instance over the archive (immutable or read-only mutable)."""
    try:
        from datasette.app import Datasette
    except ImportError as exc:
        raise RuntimeError(DATASETTE_MISSING) from exc
    register_plugin()
    metadata = build_metadata(path.stem)
    if immutable:
        return Datasette(immutables=[str(path)], metadata=metadata, settings=SETTINGS)
    return Datasette(files=[str(path)], metadata=metadata, settings=SETTINGS)


def serve(url: str, host: str = "127.0.0.1", port: int = 8001) -> int:
    """Run Datasette on the archive until interrupted."""
    path = sqlite_path(url)
    immutable = checkpoint(path)
    datasette = make_datasette(path, immutable=immutable)
    import uvicorn

    asyncio.run(datasette.invoke_startup())
    mode = "immutable" if immutable else "read-only (a writer is active; new rows appear as committed)"
    print(f"serving {path} ({mode}) at http://{host}:{port}/{path.stem}", flush=True)
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning", lifespan="on")
    return 0
