"""Export stories (one row per article, with its page, bylines and captions) as CSV, JSON Lines or Parquet.

Rows are streamed: articles are read with a server-side cursor (`stream_results`) in chunks of
`chunk_size`, each chunk's bylines and images are fetched with one IN query each, and the chunk is written
before the next is read, so memory stays flat however large the archive. The columns are listed in
`COLUMNS` and documented in docs/sql-examples.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, select
from sqlalchemy.engine import Connection

from schema.models import Article, Byline, Edition, Image, Newspaper, Page

FORMATS = ("csv", "jsonl", "parquet")
CHUNK_SIZE = 1000
BOM = "\ufeff"  # written first by --excel (UTF-8: the bytes EF BB BF)
PYARROW_MISSING = (
    "Parquet export needs pyarrow, which is not installed: `pip install pyarrow` "
    "(or install the project's `research` extra), or export --format csv / jsonl instead."
)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # int, float, text, date, json
    description: str


COLUMNS: tuple[Column, ...] = (
    Column("id", "int", "article.id: stable key of the story in this database"),
    Column("paper", "text", "newspaper.key, e.g. ycrb"),
    Column("paper_name", "text", "newspaper.name as registered, e.g. 运城日报"),
    Column("date", "date", "edition date (YYYY-MM-DD)"),
    Column("page_seq", "int", "position of the story's first page in the edition (1…n)"),
    Column("page_number", "text", "page label as printed: 01, A01"),
    Column("page_name", "text", "版名 of the first page: 要闻, 聚焦"),
    Column("seq", "int", "position of the story on its page (1…n, the page's list order)"),
    Column("kicker", "text", "引题"),
    Column("title", "text", "标题"),
    Column("subtitle", "text", "副题"),
    Column("byline", "text", "bylines as printed"),
    Column("dateline", "text", "讯头/电头 as printed, e.g. 本报讯（记者 林晓川）"),
    Column("body", "text", "the story's text, paragraphs joined with newlines"),
    Column(
        "body_simplified", "text", "OpenCC t2s of the body; only for papers printed in traditional script"
    ),
    Column("script", "text", "hans or hant: the script the story is printed in"),
    Column("char_count", "int", "characters in body"),
    Column("area_share", "float", "share of the first page the story's hotspots cover (0…1)"),
    Column("url", "text", "the article's URL"),
    Column("bylines", "json", "list of {name, role, organisation}, in printed order"),
    Column("captions", "json", "list of {caption, credit, url} for images with a caption, in printed order"),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)


def _story_query(paper: str | None, date_from: dt.date | None, date_to: dt.date | None) -> Any:
    stmt = (
        select(
            Article.id,
            Newspaper.key,
            Newspaper.name,
            Edition.date,
            Page.seq,
            Page.number,
            Page.name,
            Article.seq,
            Article.kicker,
            Article.title,
            Article.subtitle,
            Article.byline,
            Article.dateline,
            Article.body,
            Article.body_simplified,
            Article.script,
            Article.char_count,
            Article.area_share,
            Article.url,
        )
        .select_from(Article)
        .join(Edition, Edition.id == Article.edition_id)
        .join(Newspaper, Newspaper.id == Edition.newspaper_id)
        .outerjoin(Page, Page.id == Article.page_id)
        .order_by(Newspaper.key, Edition.date, Page.seq.asc().nulls_last(), Article.seq, Article.id)
    )
    if paper:
        stmt = stmt.where(Newspaper.key == paper)
    if date_from:
        stmt = stmt.where(Edition.date >= date_from)
    if date_to:
        stmt = stmt.where(Edition.date <= date_to)
    return stmt


def _children(conn: Connection, ids: Sequence[int]) -> tuple[dict[int, list[Any]], dict[int, list[Any]]]:
    bylines: dict[int, list[Any]] = {i: [] for i in ids}
    captions: dict[int, list[Any]] = {i: [] for i in ids}
    query = (
        select(Byline.article_id, Byline.name, Byline.role, Byline.organisation)
        .where(Byline.article_id.in_(ids))
        .order_by(Byline.article_id, Byline.seq)
    )
    for article_id, name, role, organisation in conn.execute(query):
        bylines[article_id].append({"name": name, "role": role, "organisation": organisation})
    query = (
        select(Image.article_id, Image.caption, Image.credit, Image.url)
        .where(Image.article_id.in_(ids), Image.caption.is_not(None))
        .order_by(Image.article_id, Image.seq)
    )
    for article_id, caption, credit, url in conn.execute(query):
        captions[article_id].append({"caption": caption, "credit": credit, "url": url})
    return bylines, captions


def iter_story_chunks(
    engine: Engine,
    paper: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[list[dict[str, Any]]]:
    """Stories as dicts keyed by COLUMN_NAMES, in chunks, read with a server-side cursor."""
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=chunk_size).execute(
            _story_query(paper, date_from, date_to)
        )
        for partition in result.partitions():
            ids = [row[0] for row in partition]
            bylines, captions = _children(conn, ids)
            chunk = []
            for row in partition:
                story = dict(zip(COLUMN_NAMES[:-2], row, strict=True))
                story["bylines"] = bylines[row[0]]
                story["captions"] = captions[row[0]]
                chunk.append(story)
            yield chunk


# --------------------------------------------------------------------------- writers


def _csv_cell(column: Column, value: Any) -> str:
    if value is None:
        return ""
    if column.kind == "json":
        return json.dumps(value, ensure_ascii=False)
    if column.kind == "date":
        return value.isoformat()
    return str(value)


def write_csv(chunks: Iterator[list[dict[str, Any]]], out: IO[str]) -> int:
    """RFC 4180 CSV, UTF-8, header row; NULL is an empty field; JSON columns hold JSON text."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMN_NAMES)
    count = 0
    for chunk in chunks:
        writer.writerows([_csv_cell(c, story[c.name]) for c in COLUMNS] for story in chunk)
        count += len(chunk)
    return count


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def write_jsonl(chunks: Iterator[list[dict[str, Any]]], out: IO[str]) -> int:
    """One JSON object per line, UTF-8 (not \\u-escaped); NULL is null; bylines and captions are lists."""
    count = 0
    for chunk in chunks:
        out.writelines(
            json.dumps({k: _json_value(v) for k, v in story.items()}, ensure_ascii=False) + "\n"
            for story in chunk
        )
        count += len(chunk)
    return count


def parquet_schema() -> Any:
    """The Arrow schema of a Parquet export: bylines and captions as lists of structs."""
    import pyarrow as pa

    scalar = {"int": pa.int64(), "float": pa.float64(), "text": pa.string(), "date": pa.date32()}
    nested = {
        "bylines": pa.list_(
            pa.struct([("name", pa.string()), ("role", pa.string()), ("organisation", pa.string())])
        ),
        "captions": pa.list_(
            pa.struct([("caption", pa.string()), ("credit", pa.string()), ("url", pa.string())])
        ),
    }
    return pa.schema([(c.name, nested[c.name] if c.kind == "json" else scalar[c.kind]) for c in COLUMNS])


def write_parquet(chunks: Iterator[list[dict[str, Any]]], path: Path | str) -> int:
    """A Parquet file written one row group per chunk (pyarrow)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise RuntimeError(PYARROW_MISSING) from exc
    schema = parquet_schema()
    count = 0
    with pq.ParquetWriter(str(path), schema, compression="zstd") as writer:
        for chunk in chunks:
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
            count += len(chunk)
        if count == 0:
            writer.write_table(schema.empty_table())
    return count


def export(
    engine: Engine,
    fmt: str,
    out: Path | str | None = None,
    *,
    paper: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    chunk_size: int = CHUNK_SIZE,
    stdout: IO[str] | None = None,
    excel: bool = False,
) -> int:
    """Write the selected stories to `out` (stdout for csv/jsonl when None); returns the number of rows.

    `excel` (CSV only) starts the file with a UTF-8 byte order mark: Excel reads a CSV without one in the
    system's legacy code page (GBK on a Chinese Windows), which garbles every character."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if excel and fmt != "csv":
        raise ValueError(f"--excel applies to --format csv only, not {fmt}")
    if fmt == "parquet":
        if out is None:
            raise ValueError("parquet is a binary format: give --out PATH")
        try:
            import pyarrow  # noqa: F401
        except ImportError as exc:
            raise RuntimeError(PYARROW_MISSING) from exc
    chunks = iter_story_chunks(engine, paper, date_from, date_to, chunk_size)
    if fmt == "parquet":
        return write_parquet(chunks, out)  # type: ignore[arg-type]
    writer: Callable[[Iterator[list[dict[str, Any]]], IO[str]], int] = (
        write_csv if fmt == "csv" else write_jsonl
    )
    if out is None:
        import sys

        target = stdout or sys.stdout
        if excel:
            target.write(BOM)
        return writer(chunks, target)
    with open(out, "w", encoding="utf-8-sig" if excel else "utf-8", newline="") as handle:
        return writer(chunks, handle)
