"""The researchers' commands as a user runs them (subprocess): search limits, export --excel, segment --json
editors, parse --text. Each checks the exit status, the output and that no traceback reaches the user."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine

from schema.export import COLUMN_NAMES
from schema.search import MAX_TERMS

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = ROOT / "tests" / "families" / "fixtures" / "founder-pc" / "newslist_article"
ARTICLE_URL = "http://epaper.linjiang.example/ljwb/pc/content/202403/18/content_88101.html"
PAGE_URL = "http://epaper.linjiang.example/ljwb/pc/layout/202403/18/node_A01.html"


def epaper(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


# --------------------------------------------------------------------------- search


def test_a_search_of_3000_terms_is_refused_with_the_limit(sqlite_archive: tuple[Engine, str]) -> None:
    _, url = sqlite_archive
    terms = " ".join(f"{i}字" for i in range(3000))
    run = epaper("search", terms, "--db", url)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr and run.stdout == ""
    assert run.stderr == (
        f"epaper search: too many search terms: 3000 (at most {MAX_TERMS} per query; every term must occur, "
        "so a few distinctive ones find the same articles)\n"
    )
    assert "schema" not in run.stderr  # not the database's "Expression tree is too large" with a schema hint


def test_a_search_at_the_term_limit_runs(sqlite_archive: tuple[Engine, str]) -> None:
    _, url = sqlite_archive
    terms = " ".join(["图书馆"] + [chr(0x4E00 + i) for i in range(MAX_TERMS - 1)])  # 一 丁 丂 …
    run = epaper("search", terms, "--db", url, "--format", "json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == []  # no article has all fifty; the database answered


# --------------------------------------------------------------------------- export


def test_export_csv_excel_starts_with_a_byte_order_mark(
    sqlite_archive: tuple[Engine, str], tmp_path: Path
) -> None:
    _, url = sqlite_archive
    plain, excel = tmp_path / "plain.csv", tmp_path / "excel.csv"
    assert epaper("export", "--format", "csv", "--out", str(plain), "--db", url).returncode == 0
    run = epaper("export", "--format", "csv", "--excel", "--out", str(excel), "--db", url)
    assert run.returncode == 0 and "Traceback" not in run.stderr
    assert "wrote 7 stories" in run.stderr
    data = excel.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and not plain.read_bytes().startswith(b"\xef\xbb\xbf")
    assert data[3:] == plain.read_bytes()  # the same CSV after the mark
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == list(COLUMN_NAMES) and "圖書館新館落成" in {r["title"] for r in rows}


def test_export_excel_to_stdout_and_only_for_csv(sqlite_archive: tuple[Engine, str]) -> None:
    _, url = sqlite_archive
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "crawler.cli",
            "export",
            "--format",
            "csv",
            "--excel",
            "--paper",
            "tyjb",
            "--db",
            url,
        ],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )
    assert run.returncode == 0
    assert run.stdout.startswith(b"\xef\xbb\xbfid,paper,") and "圖書館新館落成".encode() in run.stdout
    refused = epaper("export", "--format", "jsonl", "--excel", "--db", url)
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr == "epaper export: --excel applies to --format csv only, not jsonl\n"


# --------------------------------------------------------------------------- segment

PAGE = """要闻

河阳新港今春开港

本报讯（记者 林晓川）河阳新港二期码头将于本月底正式开港。

二期工程新建六个泊位。

责任编辑：周雨　校对：李文

城区新增公交线路

本报讯（记者 周明远）城区新增公交线路三条，方便市民出行。
"""


def test_segment_json_prints_characters_and_the_editors(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    run = epaper("segment", str(page), "--json")
    assert run.returncode == 0 and "Traceback" not in run.stderr
    assert "河阳新港今春开港" in run.stdout and "\\u" not in run.stdout  # characters, not \\u escapes
    stories = json.loads(run.stdout)
    first = next(s for s in stories if s["title"] == "河阳新港今春开港")
    assert first["editors"] == [{"name": "周雨", "role": "责任编辑"}, {"name": "李文", "role": "校对"}]
    assert [b["name"] for b in first["bylines"]] == ["林晓川"]  # editors are not bylines
    assert all(p.find("责任编辑") < 0 for p in first["paragraphs"])
    keys = {
        "section",
        "kicker",
        "title",
        "subtitle",
        "dateline",
        "bylines",
        "crossheads",
        "captions",
        "paragraphs",
        "gaps",
        "editors",
    }
    assert all(set(s) == keys for s in stories)  # the existing fields stay; editors is added
    other = next(s for s in stories if s["title"] == "城区新增公交线路")
    assert other["editors"] == []
    listing = epaper("segment", str(page))
    assert listing.returncode == 0 and "editor: 责任编辑 周雨" in listing.stdout


# --------------------------------------------------------------------------- parse --text


def test_parse_text_prints_the_article_as_stored(tmp_path: Path) -> None:
    body = (ARTICLE / "body.bin").read_text(encoding="utf-8")
    saved = tmp_path / "article.html"
    saved.write_text(
        body.replace("<p>　　（下转A02版）</p>", "<p>　　（下转A02版）</p><p>　　责任编辑：周雨</p>"),
        encoding="utf-8",
    )
    plain = epaper("parse", str(saved), "--url", ARTICLE_URL)
    run = epaper("parse", str(saved), "--url", ARTICLE_URL, "--text")
    assert plain.returncode == 0 and run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    out = json.loads(run.stdout)
    stored = out.pop("stored")
    assert out == json.loads(plain.stdout)  # the record's fields are unchanged; `stored` is added
    article = stored["article"]
    assert article["dateline"] == "本报讯" and article["byline"] == "记者 周岚"
    assert article["kicker"] == "港航建设再提速" and article["subtitle"] == "新增泊位六个，年吞吐能力翻一番"
    assert article["editors"] == [{"name": "周雨", "role": "责任编辑", "organisation": None}]
    assert article["body"].startswith("记者17日从市港航发展中心获悉") and "责任编辑" not in article["body"]
    assert stored["bylines"] == [{"name": "周岚", "role": "记者", "organisation": "本报", "seq": 1}]
    (image,) = stored["images"]
    assert image["caption"] == "3月17日，工人在新港二期码头调试岸桥设备。" and image["credit"].endswith("摄")
    assert stored["continuations"] == [{"direction": "to", "page": "A02", "text": "（下转A02版）"}]
    assert article["parser_version"] == "founder-pc/V1" and len(article["content_hash"]) == 64


def test_parse_text_of_a_page_url_is_a_clear_error() -> None:
    run = epaper("parse", str(ARTICLE / "body.bin"), "--url", PAGE_URL, "--text")
    assert run.returncode == 2 and run.stdout == "" and "Traceback" not in run.stderr
    assert run.stderr.startswith("epaper parse: --text needs an article URL;")


def test_parse_text_of_an_empty_article_says_it_would_be_dropped(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_text(
        "<html><body><founder-content><!--enpcontent--><!--/enpcontent--></founder-content></body></html>",
        encoding="utf-8",
    )
    run = epaper("parse", str(empty), "--url", ARTICLE_URL, "--text")
    assert "Traceback" not in run.stderr and run.returncode == 2
    assert run.stderr.startswith("epaper parse: ")


def test_search_help_states_the_term_limit() -> None:
    from crawler.cli import research as research_cli

    assert research_cli.MAX_TERMS == MAX_TERMS  # the help text's copy of the limit
    run = epaper("search", "--help")
    assert run.returncode == 0 and f"At most {MAX_TERMS} terms per query" in run.stdout
