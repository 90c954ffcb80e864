"""The schema reference for researchers, generated from the models: `python -m schema.docs` writes
docs/schema.md (`--check` exits 1 when the file is stale; a test runs that check; the command's arguments
are read in crawler/cli/docs.py).

Descriptions come from a column's `comment=` when the model gives one, else from the dictionaries below,
written for readers of the tables. A model column without a description fails the tests, so a new
column cannot slip into the public contract undocumented. The same text feeds Datasette's table and column
descriptions (crawler/serve.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import CheckConstraint, Column, ForeignKeyConstraint, Table, UniqueConstraint
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import ColumnCollectionConstraint
from sqlalchemy.types import TypeDecorator

from schema.models import Base

DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "schema.md"

TABLE_DOCS: dict[str, str] = {
    "newspaper": "One row per paper in the registry (data/papers.toml).",
    "edition": "One issue of a paper on one date, with its crawl status.",
    "page": "A 版面 of an edition, in reading order. Hotspot polygons of its articles are drawn in the "
    "pixel space `image_width` × `image_height`.",
    "article": "One story. A story continued on other pages (下转/上接) stays one row; its pieces are in "
    "`article_part`.",
    "article_part": "Where each piece of a story came from: one row per page the story is printed on.",
    "byline": "A person or desk credited for a story, in printed order.",
    "image": "An image of a story with its caption and credit; `url` is NULL for a caption printed "
    "without a picture.",
    "crawl_run": "One run of the crawler: its arguments, times, outcome and counters.",
    "failure": "What could not be fetched or parsed; resolved (kept as history) once the URL is stored or the edition settles.",
    "run_coverage": "Field coverage of what one crawl run stored for one paper, the baseline it was compared "
    "with and the findings (layout drift, U+FFFD replacement characters); see `epaper status --health`.",
}

COLUMN_DOCS: dict[str, dict[str, str]] = {
    "newspaper": {
        "id": "Row id.",
        "key": "Short stable key used everywhere else (`ycrb`).",
        "name": "The paper's name (运城日报).",
        "region": "Where the paper is published.",
        "script": "`hans` (simplified) or `hant` (traditional): the script the paper prints in.",
        "homepage": "The e-paper's home URL.",
    },
    "edition": {
        "id": "Row id.",
        "newspaper_id": "The paper (→ newspaper.id).",
        "date": "Publication date; unique per paper.",
        "status": "`complete`, `partial`, `missing`, `not_published` or `failed`; NULL until a crawl "
        "finalises the edition.",
        "page_count": "Pages the edition has (as its page list promises, or as stored when larger).",
        "article_count": "Articles stored for the edition.",
        "url": "The edition's entry URL.",
        "reason": "Why the edition is `not_published` or `failed`, as the crawler saw it.",
        "first_crawled_at": "When the edition was first finalised (UTC).",
        "last_crawled_at": "When the edition was last finalised (UTC).",
    },
    "page": {
        "id": "Row id.",
        "edition_id": "The edition (→ edition.id).",
        "seq": "Position in the edition's reading order, 1…n.",
        "number": "Page label as printed (`01`, `A01`); unique within the edition.",
        "name": "版名 as printed, inner spaces removed (要闻, 聚焦).",
        "url": "The page's URL.",
        "image_url": "URL of the page image the hotspots are drawn on.",
        "pdf_url": "URL of the page PDF, when the site offers one.",
        "image_width": "Width of the hotspot coordinate space in pixels.",
        "image_height": "Height of the hotspot coordinate space in pixels.",
        "image_sha256": "sha256 of the page image as received, once fetched and archived (EPAPER_MEDIA image/all).",
        "image_bytes": "Size of the archived page image in bytes.",
        "image_pixel_width": "The archived image's own width in pixels (may differ from the coordinate space).",
        "image_pixel_height": "The archived image's own height in pixels.",
        "pdf_sha256": "sha256 of the page PDF as received, once fetched and archived (EPAPER_MEDIA pdf/all).",
        "pdf_bytes": "Size of the archived page PDF in bytes.",
        "pdf_width_pt": "Width of the PDF's first page in points; NULL when not measured (pypdfium2 not installed).",
        "pdf_height_pt": "Height of the PDF's first page in points; NULL when not measured.",
        "article_count": "Articles the page lists, less those an earlier page of the edition already listed "
        "(a story reachable from two pages is stored once); NULL while the page itself has not been stored (a "
        "placeholder made for an article that arrived first).",
    },
    "article": {
        "id": "Row id.",
        "edition_id": "The edition (→ edition.id).",
        "page_id": "The first page the story is printed on (→ page.id).",
        "seq": "Position on its page, in the page's article list order.",
        "source_key": "The CMS id or URL path; unique within the edition.",
        "url": "The article's URL.",
        "kicker": "引题, the line above the title.",
        "title": "标题.",
        "title_simplified": "The title in simplified script; only for papers printed in traditional script.",
        "subtitle": "副题, the line below the title.",
        "dateline": "讯头/电头 as printed (本报讯（记者 林晓川）, 新华社北京4月25日电).",
        "byline": "Bylines as printed, joined with ` / `.",
        "body": "The story's text: paragraphs joined with newlines, rejoined across column breaks; "
        "crossheads, captions, bylines and continuation markers are not mixed in.",
        "body_simplified": "The body in simplified script; only for papers printed in traditional script.",
        "crossheads": "JSON list of the crossheads (小标题) inside the body.",
        "editors": "JSON list of {name, role, organisation} for editors credited (责任编辑, 校对, 美编).",
        "joins": "How many paragraphs were rejoined after column breaks.",
        "script": "`hans` or `hant`: the script the story is printed in.",
        "char_count": "Characters in `body`.",
        "text_source": "`html`, or `pdf` when the HTML body was empty or image-only and the text was read from the page PDF.",
        "pdf_coverage": "Share (0…1) of the character pairs the page PDF prints inside the story's hotspots that its "
        "HTML text has too; NULL when not measured (no PDF fetched, no hotspots, a scan).",
        "polygon": "JSON {polygons: [[x, y, …], …], coordinate_space: {width, height, image_url}}: the "
        "story's hotspots on its first page.",
        "area_share": "Share of the first page the hotspots cover, 0…1 (NULL when unknown).",
        "content_hash": "sha256 of the stored content; a change sets `changed_at`.",
        "parser_version": "Layout family and version that parsed the article (`founder-pc/V2`).",
        "first_seen_at": "When the story was first stored (UTC).",
        "last_seen_at": "When a crawl last saw the story (UTC).",
        "changed_at": "When the story's content last changed (UTC).",
    },
    "article_part": {
        "id": "Row id.",
        "article_id": "The story (→ article.id).",
        "page_id": "The page this piece is printed on (→ page.id).",
        "seq": "Order of the piece within the story, 1…n.",
        "url": "URL the piece was read from.",
        "source_key": "CMS id or URL path of the piece.",
        "title": "The piece's title as fetched (a continuation page often repeats or shortens it).",
        "body": "The piece's own text as fetched; the story's `article.body` is re-joined from the parts.",
        "continuations": "JSON list of the 下转/上接 markers removed from the piece.",
    },
    "byline": {
        "id": "Row id.",
        "article_id": "The story (→ article.id).",
        "seq": "Printed order, 1…n.",
        "name": "Person's name; NULL for role-only credits such as 本报评论员.",
        "role": "记者, 通讯员, 实习生, 摄影, 特约记者, 评论员, …",
        "organisation": "本报, 新华社, another paper, …",
    },
    "image": {
        "id": "Row id.",
        "article_id": "The story (→ article.id).",
        "seq": "Printed order, 1…n.",
        "url": "Image URL; NULL for a caption printed without a picture.",
        "caption": "The caption, credit removed.",
        "credit": "The credit (记者 林晓川 摄, 新华社发, 资料图片).",
    },
    "crawl_run": {
        "id": "Row id.",
        "args": "JSON of the spider arguments.",
        "started_at": "Start (UTC).",
        "finished_at": "End (UTC); NULL while running or after a crash.",
        "status": "`running`, `finished`, `failed`, ….",
        "counters": "JSON of the run's counters (pages, articles, failures, …).",
    },
    "run_coverage": {
        "id": "Row id.",
        "run_id": "The run (→ crawl_run.id).",
        "newspaper_id": "The paper (→ newspaper.id).",
        "computed_at": "When the coverage was measured, at the end of the run (UTC).",
        "articles": "Articles stored for the run's editions of the paper.",
        "figures": "JSON of the measures: `editions`, `pages`, `articles`, `per_page` (articles per page), the "
        "shares of articles with a `title`, a `body` of at least `min_body` characters, a `byline`, an `image`, "
        "without U+FFFD (`clean`), stored rather than failing to parse (`parsed`); `parse_failures`, "
        "`replacement_articles`, `replacement_chars` and `replacement_examples` (the articles with the most "
        "U+FFFD).",
        "baseline": "JSON of the medians of the same measures over the paper's latest healthy runs (`runs`: how "
        "many); NULL when there was no such run.",
        "findings": "JSON list: `drift` (a measure dropped beyond its threshold: `measure`, `value`, `baseline`) "
        "and `replacement` (articles with U+FFFD); empty when the run is healthy.",
    },
    "failure": {
        "id": "Row id.",
        "newspaper_id": "The paper (→ newspaper.id).",
        "edition_id": "The edition it belongs to, when known (→ edition.id).",
        "page_url": "The page that listed the URL, for articles.",
        "url": "What could not be fetched or parsed; unique per paper.",
        "kind": "`edition`, `page`, `article`, or `media` (a page image or PDF: never held against its edition).",
        "reason": "Why (HTTP status, parse error, …).",
        "attempts": "How many times it was tried.",
        "first_failed_at": "First failure (UTC).",
        "last_failed_at": "Latest failure (UTC).",
        "resolved_at": "When it stopped counting (UTC): the URL was stored or the edition settled; NULL while open.",
        "resolution": "`stored`, `complete` or `not_published`; NULL while open.",
    },
}

EXTRA_OBJECTS = """\
## Beyond the tables (migration 0002)

- **`story`** (view): one row per article with its paper and page spelled out — `id`, `paper`
  (newspaper.key), `paper_name`, `date`, `page_seq`, `page_number`, `page_name`, `seq`, `kicker`, `title`,
  `subtitle`, `byline`, `dateline`, `body`, `body_simplified`, `script`, `char_count`, `area_share`, `url`.
  Most questions start here; Datasette facets on it.
- **`article_fts`** (SQLite only): FTS5 table, trigram tokenizer, over `kicker`, `title`,
  `title_simplified`, `subtitle`, `body`, `body_simplified` of `article` (external content, rowid =
  article.id), kept in sync by triggers `article_fts_ai/ad/au`. Query with
  `article_fts MATCH '"图书馆"'` (three characters or more).
- **`ix_article_fulltext`** (PostgreSQL only): pg_trgm GIN index on those six columns joined with spaces;
  `ILIKE '%图书馆%'` on the same expression uses it.

`epaper search` uses both and handles one- and two-character queries and both scripts; see
docs/sql-examples.md.
"""


def table_doc(table: Table) -> str:
    return table.comment or TABLE_DOCS.get(table.name, "")


def column_doc(table: Table, column: Column) -> str:
    return column.comment or COLUMN_DOCS.get(table.name, {}).get(column.name, "")


def type_name(column: Column) -> str:
    """The column's type as SQLite and PostgreSQL spell it (`TEXT`, or `DATETIME / TIMESTAMP WITH TIME ZONE`)."""
    kind = column.type.impl_instance if isinstance(column.type, TypeDecorator) else column.type
    lite = kind.compile(dialect=sqlite.dialect())
    pg = kind.compile(dialect=postgresql.dialect())
    name = lite if lite == pg else f"{lite} / {pg}"
    if isinstance(column.type, TypeDecorator):
        name += " (UTC)"
    return name


def _constraints(table: Table) -> list[str]:
    notes = []
    for constraint in sorted(table.constraints, key=lambda c: str(c.name)):
        if not isinstance(constraint, ColumnCollectionConstraint):  # every table constraint of SQLAlchemy's is one
            continue
        columns = ", ".join(c.name for c in constraint.columns)
        if isinstance(constraint, UniqueConstraint):
            notes.append(f"unique ({columns}) `{constraint.name}`")
        elif isinstance(constraint, ForeignKeyConstraint):
            target = constraint.elements[0].target_fullname
            notes.append(f"({columns}) → {target}, on delete {constraint.ondelete or 'no action'}")
        elif isinstance(constraint, CheckConstraint):
            notes.append(f"check `{constraint.sqltext}`")
    for index in sorted(table.indexes, key=lambda i: str(i.name)):
        notes.append(f"index ({', '.join(c.name for c in index.columns)}) `{index.name}`")
    return notes


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render() -> str:
    """docs/schema.md as text."""
    lines = [
        "# Schema reference",
        "",
        "Generated by `python -m schema.docs` from schema/models.py — do not edit by hand; a test fails when "
        "this file is stale. Table and column names are the researchers' contract: columns are "
        "added by Alembic migrations, never renamed. Timestamps are UTC. SQLite stores dates as `YYYY-MM-DD` "
        "text, so `substr(date, 1, 7)` is the month.",
        "",
    ]
    for table in Base.metadata.sorted_tables:
        lines += [f"## `{table.name}`", "", table_doc(table), ""]
        lines += ["| column | type | null | description |", "|---|---|---|---|"]
        for column in table.columns:
            null = "" if column.primary_key else ("yes" if column.nullable else "no")
            key = " (primary key)" if column.primary_key else ""
            doc = _cell(column_doc(table, column)) + key
            lines.append(f"| `{column.name}` | {type_name(column)} | {null} | {doc} |")
        notes = _constraints(table)
        if notes:
            lines += ["", "Constraints: " + "; ".join(notes) + "."]
        lines.append("")
    lines.append(EXTRA_OBJECTS)
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - the documented `python -m schema.docs`; its arguments: crawler/cli
    from crawler.cli.docs import main

    sys.exit(main())
