"""The researchers' commands of `epaper`: parse, segment, search, export, serve, plot.

Each command imports its machinery lazily, so that a missing optional dependency (Datasette, matplotlib,
pyarrow) only affects the command that needs it, with a message saying how to install it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.cli.args import add_db, add_documents, date_arg, positive_int, read_documents

if TYPE_CHECKING:
    from pipelines.text.pdf.hotspots import HotspotSpace

MAX_TERMS = 50  # schema.search.MAX_TERMS (not imported here: the parser must not load OpenCC and SQLAlchemy)

SEARCH_DESCRIPTION = """\
Find articles containing every whitespace-separated term of QUERY in kicker, title, subtitle or body,
in simplified or traditional script (圖書館 finds 图书馆 and the reverse, via OpenCC t2s/s2t).
Results: newest edition first, then page and position on the page, with a «highlighted» snippet.
At most {max_terms} terms per query (more is refused with exit status 2).

Terms of 3+ characters use the trigram index (SQLite FTS5 / PostgreSQL pg_trgm). A trigram
index cannot answer 1- or 2-character terms: they are checked by scanning the articles the other
conditions leave (a longer term, --paper, --from/--to, --page-name, --byline), newest editions first,
stopping once --limit articles matched. Common words return in milliseconds; a term that occurs
nowhere scans the whole filtered range (about 0.2-0.4 s per 100,000 articles on SQLite): narrow it
with filters or a longer term.
"""


def _first_line(exc: Exception) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]


def _engine(url: str | None) -> Any:
    from crawler.config import resolve
    from schema.db import make_engine

    return make_engine(resolve(db=url).database_url)


# --------------------------------------------------------------------------- parse, segment


def cmd_parse(args: argparse.Namespace) -> int:
    from crawler.families import family_for, parse_file
    from crawler.families.contract import NeedsDocuments, ParseError

    try:
        # --family, else the URL; when the URL is ambiguous or unknown the content decides (and says so)
        family, kind, note = family_for(Path(args.file).read_bytes(), args.url, args.family)
        if note:
            print(f"epaper parse: {note}", file=sys.stderr)
        options = {"documents": read_documents(args.documents)} if args.documents else None
        try:
            if args.text:
                record = parse_text_file(args.file, args.url, family.key, args.date, kind, options)
            else:
                record = parse_file(args.file, args.url, family.key, args.date, kind, options)
        except NeedsDocuments as needs:
            given = set(options["documents"]) if options else set()
            missing = [u for u in needs.urls if u not in given]
            print(
                f"epaper parse: {needs.reason}; save and pass "
                + " ".join(f"--document {u}=FILE" for u in missing or needs.urls),
                file=sys.stderr,
            )
            return 2
        except ParseError as exc:
            if note and not family.matches_url(args.url):
                raise ParseError(
                    f"{exc.reason} (the content is {family.key}'s, but the parser tells the edition's links by "
                    f"the payload's own URL: give --url the URL it has on the site)"
                ) from exc
            raise
    except (ParseError, KeyError, ValueError, OSError) as exc:
        print(f"epaper parse: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(record, ensure_ascii=False, indent=2))
    return 0


def parse_text_file(
    path: str,
    url: str,
    family: str | None,
    date: dt.date | None,
    kind: str | None = None,
    options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """`epaper parse --text`: the article's record plus what the text stages and the store make of it."""
    from crawler.families import get_family, infer_family_of, parse_article_file
    from pipelines.preview import stored_article

    record = parse_article_file(path, url, family, date, "article" if kind == "article" else None, options)
    printed = None
    parser = get_family(family) if family else infer_family_of(Path(path).read_bytes(), url)
    if parser is not None and getattr(parser, "PRINTED", False):  # a pdf-only story: the crawl stores its print
        printed = parser.printed_text(Path(path).read_bytes(), url, options)  # type: ignore[attr-defined]
    return {**record.to_json(), "stored": stored_article(record, printed=printed)}


def segment_command(
    path: str | Path,
    as_json: bool = False,
    script: str | None = None,
    page_html: str | Path | None = None,
    url: str | None = None,
) -> str:
    """`epaper segment FILE [--json]`: JSON, or a readable outline of each article.

    A page PDF (recognised by its `%PDF-` content) is read from its text layer; with `--page-html` and
    `--url` the page's hotspots place the stories and each article carries its polygon."""
    from pipelines.text.pdf.extract import is_pdf
    from pipelines.text.segment import segment_page

    p = Path(path)
    if not p.is_file():
        raise ValueError(f"no such file: {p}")
    data = p.read_bytes()
    if is_pdf(data):
        articles = _segment_pdf(data, script, page_html, url)
    else:
        if page_html is not None:
            raise ValueError("--page-html places the stories of a page PDF; this file is plain text")
        articles = segment_page(data.decode("utf-8"), script)
    if as_json:
        return json.dumps(articles, ensure_ascii=False, indent=2)
    lines: list[str] = []
    for k, a in enumerate(articles, 1):
        lines.append(f"#{k} {a['title'] or '(untitled)'}")
        for key in ("section", "kicker", "subtitle"):
            if a[key]:
                lines.append(f"   {key}: {a[key]}")
        if a["dateline"]:
            lines.append(f"   dateline: {a['dateline']['text']}")  # type: ignore[index]
        for b in a["bylines"]:  # type: ignore[attr-defined]
            work = f" ({b['work']})" if b.get("work") else ""
            lines.append(f"   byline: {b['role'] or ''} {b['name'] or ''}".rstrip() + work)
        for e in a["editors"]:  # type: ignore[attr-defined]
            lines.append(f"   editor: {e['role'] or ''} {e['name'] or ''}".rstrip())
        for c in a["crossheads"]:  # type: ignore[attr-defined]
            lines.append(f"   crosshead: {c}")
        for c in a["captions"]:  # type: ignore[attr-defined]
            lines.append(f"   caption: {c['text']}" + (f" [{c['credit']}]" if c["credit"] else ""))
        paras = a["paragraphs"]
        lines.append(f"   paragraphs: {len(paras)}")  # type: ignore[arg-type]
        if a.get("polygon"):  # a page PDF placed by its page HTML's hotspots
            lines.append(f"   hotspot: {a.get('url') or ''} ({len(a['polygon'])} areas)")  # type: ignore[arg-type]
        for g in a["gaps"]:  # type: ignore[attr-defined]
            lines.append(f"   gap after paragraph {g['after_paragraph']}: {g['reason']}")
    return "\n".join(lines) + ("\n" if lines else "")


def _segment_pdf(
    data: bytes, script: str | None, page_html: str | Path | None, url: str | None
) -> list[dict[str, object]]:
    """The PDF's articles; a page without a text layer (a scan) is reported on stderr and counted."""
    from pipelines.text.pdf.segment import segment_pdf

    hotspots = None if page_html is None else _hotspots(Path(page_html), url)
    result = segment_pdf(data, hotspots, script)
    if result.scanned_pages:
        pages = ", ".join(str(k) for k in result.scanned_pages)
        print(
            f"epaper segment: no text layer (a scanned page) on {len(result.scanned_pages)} of "
            f"{result.pages} pages: {pages}",
            file=sys.stderr,
        )
    if result.no_text_layer:
        raise NoTextLayer("no text layer: the PDF holds only pictures of its pages (a scan), no articles")
    return result.articles


class NoTextLayer(ValueError):
    """Every page of the PDF is a scan: reported with its own exit status (3)."""


def _hotspots(path: Path, url: str | None) -> HotspotSpace:
    """The page HTML's hotspots, parsed by its layout family (the content decides when the URL does not)."""
    from crawler.families import family_for
    from crawler.families.contract import ParseError
    from pipelines.text.pdf.hotspots import Hotspot, HotspotSpace

    if not url:
        raise ValueError("--page-html needs --url (the page's own URL: the family parser reads links by it)")
    body = path.read_bytes()
    family, _, note = family_for(body, url)
    if note:
        print(f"epaper segment: {note}", file=sys.stderr)
    try:
        record = family.parse_page(body, url, None, None, None)
    except ParseError as exc:
        raise ValueError(f"{path}: {exc}") from exc
    space = record.coordinate_space
    return HotspotSpace(
        [Hotspot(a.polygons, a.url, a.title, a.source_key) for a in record.articles if a.polygons],
        space.width,
        space.height,
    )


def cmd_segment(args: argparse.Namespace) -> int:
    try:
        print(segment_command(args.file, args.json, page_html=args.page_html, url=args.url))
    except NoTextLayer as exc:
        print(f"epaper segment: {exc}", file=sys.stderr)
        return 3
    except (ValueError, OSError) as exc:
        print(f"epaper segment: {exc}", file=sys.stderr)
        return 2
    return 0


# --------------------------------------------------------------------------- search


def format_hits(hits: list[Any]) -> str:
    from schema.status import format_table

    if not hits:
        return "(no matches)"
    rows = [
        {
            "paper": h.paper,
            "date": h.date,
            "page": h.page,
            "title": h.title or "",
            "byline": h.byline or "",
            "snippet": h.snippet,
        }
        for h in hits
    ]
    return format_table(rows)


def cmd_search(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import DBAPIError

    from schema.search import search

    engine = _engine(args.db)
    try:
        hits = search(
            engine,
            args.query,
            paper=args.paper,
            date_from=args.date_from,
            date_to=args.date_to,
            page_name=args.page_name,
            byline=args.byline,
            limit=args.limit,
        )
    except ValueError as exc:
        print(f"epaper search: {exc}", file=sys.stderr)
        return 2
    except DBAPIError as exc:
        print(
            f"epaper search: {_first_line(exc)} (is the database at the current schema? `epaper db upgrade`)",
            file=sys.stderr,
        )
        return 2
    finally:
        engine.dispose()
    if args.format == "json":
        print(json.dumps([h.to_json() for h in hits], ensure_ascii=False, indent=2))
    else:
        print(format_hits(hits))
    return 0


# --------------------------------------------------------------------------- export


def cmd_export(args: argparse.Namespace) -> int:
    from schema.export import export

    engine = _engine(args.db)
    try:
        count = export(
            engine,
            args.format,
            args.out,
            paper=args.paper,
            date_from=args.date_from,
            date_to=args.date_to,
            excel=args.excel,
        )
    except (ValueError, RuntimeError) as exc:
        print(f"epaper export: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    if args.out is not None:
        print(f"wrote {count} stories to {args.out}", file=sys.stderr)
    return 0


# --------------------------------------------------------------------------- serve


def cmd_serve(args: argparse.Namespace) -> int:
    from crawler.config import resolve
    from crawler.serve import serve

    try:
        return serve(resolve(db=args.db).database_url, host=args.host, port=args.port)
    except (ValueError, RuntimeError) as exc:
        print(f"epaper serve: {exc}", file=sys.stderr)
        return 2


# --------------------------------------------------------------------------- plot


def cmd_plot(args: argparse.Namespace) -> int:
    from crawler.paths import PathEscape, confined
    from crawler.plots import FontNotFound, PlotError, coverage_calendar, page_map

    engine = _engine(args.db)
    try:  # a default file name holds the paper key: it stays in the working directory
        if args.plot == "coverage":
            out = args.out or confined(Path.cwd(), f"coverage-{args.paper}-{args.year}.png")
            written = coverage_calendar(engine, args.paper, args.year, out)
        else:
            name = f"page-{args.paper}-{args.date.isoformat()}-{args.page}.png"
            out = args.out or confined(Path.cwd(), name)
            from crawler.config import resolve

            archive = resolve(None, archive=args.archive).archive_dir  # the page as printed, when archived
            written = page_map(engine, args.paper, args.date, args.page, out, archive_dir=archive)
    except (PlotError, FontNotFound, RuntimeError, PathEscape) as exc:
        print(f"epaper plot: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(f"wrote {written}")
    return 0


def register_files(subparsers: Any) -> None:
    """Add parse and segment (files on disk, no database) to the `epaper` parser."""
    parse = subparsers.add_parser("parse", help="parse a saved page or article file and print the record as JSON")
    parse.add_argument("file")
    parse.add_argument("--url", required=True, help="the URL the file was served from (decides page/article)")
    parse.add_argument("--family", help="layout family key (default: inferred from the URL)")
    parse.add_argument("--date", type=date_arg, help="edition date (default: from the URL)")
    add_documents(parse)
    parse.add_argument(
        "--text",
        action="store_true",
        help="article only: also run the text stages and print the rows as stored (key 'stored')",
    )
    parse.set_defaults(func=cmd_parse)

    segment = subparsers.add_parser("segment", help="split a page's plain text or page PDF into articles")
    segment.add_argument(
        "file", help="a UTF-8 text file, blocks separated by blank lines, or a page PDF (told by its content)"
    )
    segment.add_argument("--json", action="store_true", help="print JSON instead of a readable listing")
    segment.add_argument(
        "--page-html", help="a page PDF's saved page HTML: its hotspots place the stories (needs --url)"
    )
    segment.add_argument("--url", help="the page HTML's own URL")
    segment.set_defaults(func=cmd_segment)


def register(subparsers: Any) -> None:
    """Add search, export, serve and plot to the `epaper` parser."""
    search = subparsers.add_parser(
        "search",
        help="full-text search in either script (1–2 character terms scan; see --help)",
        description=SEARCH_DESCRIPTION.format(max_terms=MAX_TERMS),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    search.add_argument("query", metavar="QUERY", help="one or more terms, all to be found (AND)")
    search.add_argument("--paper", help="newspaper key, e.g. ycrb")
    search.add_argument(
        "--from", dest="date_from", type=date_arg, metavar="D", help="first edition date (YYYY-MM-DD)"
    )
    search.add_argument(
        "--to", dest="date_to", type=date_arg, metavar="D", help="last edition date (YYYY-MM-DD)"
    )
    search.add_argument("--page-name", help="版名 of the story's first page, e.g. 要闻 (either script)")
    search.add_argument(
        "--byline", metavar="姓名", help="a credited name (byline table) or text of the printed byline"
    )
    search.add_argument(
        "--limit", type=positive_int, default=20, metavar="N", help="at most N results (default 20)"
    )
    search.add_argument("--format", choices=("table", "json"), default="table")
    add_db(search)
    search.set_defaults(func=cmd_search)

    export = subparsers.add_parser(
        "export",
        help="stream one row per story (page, bylines, captions) as CSV, JSON Lines or Parquet",
        description="Columns are documented in docs/sql-examples.md (section 'Export columns'). "
        "CSV: UTF-8, header row, NULL as empty, bylines/captions as JSON text (--excel: with a byte order "
        "mark, so that Excel opens it as UTF-8). JSON Lines: one object per line. Parquet (needs pyarrow): "
        "bylines/captions as lists of structs.",
    )
    export.add_argument("--format", choices=("csv", "jsonl", "parquet"), required=True)
    export.add_argument(
        "--excel",
        action="store_true",
        help="CSV for Excel: UTF-8 with a byte order mark (Excel otherwise guesses GBK and garbles Chinese)",
    )
    export.add_argument("--paper", help="newspaper key")
    export.add_argument("--from", dest="date_from", type=date_arg, metavar="D")
    export.add_argument("--to", dest="date_to", type=date_arg, metavar="D")
    export.add_argument(
        "--out", type=Path, metavar="PATH", help="output file (default: stdout; required for parquet)"
    )
    add_db(export)
    export.set_defaults(func=cmd_export)

    serve = subparsers.add_parser(
        "serve",
        help="browse and query the SQLite archive in Datasette (read-only)",
        description="Opens the archive immutable (after checkpointing its write-ahead log) with table and "
        "column descriptions, facets, canned queries, and a search box on `story` and `article` that finds what "
        "`epaper search` finds. Read-only: write requests (POST …) get 405.",
    )
    add_db(serve, "; must be a SQLite file")
    serve.add_argument("--port", type=int, default=8001, help="port (default 8001)")
    serve.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    serve.set_defaults(func=cmd_serve)

    plot = subparsers.add_parser("plot", help="draw edition coverage or a page's story layout (PNG or SVG)")
    kinds = plot.add_subparsers(dest="plot", required=True)
    coverage = kinds.add_parser("coverage", help="calendar of a paper's edition status over a year")
    coverage.add_argument("--paper", required=True)
    coverage.add_argument("--year", type=int, required=True, metavar="YYYY")
    coverage.add_argument(
        "--out", type=Path, metavar="PATH", help=".png or .svg (default coverage-KEY-YYYY.png)"
    )
    add_db(coverage)
    coverage.set_defaults(func=cmd_plot)
    page = kinds.add_parser("page", help="a page with each story's hotspot polygon outlined and labelled")
    page.add_argument("--paper", required=True)
    page.add_argument("--date", type=date_arg, required=True, metavar="D")
    page.add_argument(
        "--page", required=True, metavar="N", help="page label as printed (01, A01) or number (1)"
    )
    page.add_argument("--out", type=Path, metavar="PATH", help=".png or .svg (default page-KEY-DATE-N.png)")
    page.add_argument("--archive", metavar="DIR",
                      help="the raw archive to take the page image or PDF from (default EPAPER_ARCHIVE_DIR, data/archive)")
    add_db(page)
    page.set_defaults(func=cmd_plot)
