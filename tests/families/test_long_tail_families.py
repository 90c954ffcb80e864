"""page-articel, plist and js-data: the rules the golden fixtures do not show on their own (companion documents,
unlinked hotspot boxes, shells without a data file, URL inference, entry templates with the date twice)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.families import get_family, infer_family
from crawler.families.contract import NeedsDocuments, ParseError
from crawler.families.entry_template import infer_entry
from crawler.families.fixtures import load_documents
from tests.families.familycases import FIXTURES, JS_SHELL, founder_payloads, load_case, parse_fixture

ROOT = Path(__file__).resolve().parents[2]
ARTICEL, PLIST, JSDATA = get_family("page-articel"), get_family("plist"), get_family("js-data")


@pytest.mark.parametrize(
    ("url", "family", "kind"),
    [
        ("http://e.example/fzrb/content/20240612/Page01TB.htm", "page-articel", "page"),
        ("http://e.example/pc/bddsb/20240612/PageA01BC.htm", "page-articel", "page"),
        ("http://e.example/shrb/content/20240612/PageArticleIndexLB.htm", "page-articel", "page"),
        ("http://e.example/wx/20240612/Articel01002ZG.htm", "page-articel", "article"),
        ("https://mag.example/fzrb/2024/20240822/20240822_001/20240822_001.htm", "plist", "page"),
        ("https://mag.example/fzrb/2024/20240822/20240822_001/20240822_001_4.htm", "plist", "article"),
        ("https://mag.example/fzrb/2024/20240822/20240822_plist.htm", "plist", "entry"),
        ("https://e.example/paper/kfrb/2024-05-20/page_2.html", "js-data", "page"),
        ("https://e.example/paper/kfrb/2024-05-20/article_77.html", "js-data", "article"),
        ("http://e.example/upload/ncrb/20240101/20240101-A1.html", "js-data", "page"),
        ("http://e.example/upload/ncrb/20240101/20240101-A1-3.html", "js-data", "article"),
    ],
)
def test_epaper_parse_infers_the_family_from_the_url(url: str, family: str, kind: str) -> None:
    found = infer_family(url)
    assert found is not None and found.key == family
    assert found.page_kind(url) == kind


def test_page_articel_counts_and_logs_boxes_without_a_target(caplog: pytest.LogCaptureFixture) -> None:
    body, meta = load_case("page-articel", "overlink_page")
    with caplog.at_level(logging.WARNING, logger="crawler.families.articel.family"):
        page = parse_fixture("page-articel", "overlink_page")
    assert [a.url.rsplit("/", 1)[1] for a in page.articles] == [
        "Articel03001BC.htm",
        "Articel03002BC.htm",  # its target is in the non-standard `daohang` attribute
        "Articel03003BC.htm",
    ]
    assert len(page.articles[0].polygons) == 2  # two boxes of one story
    assert "2 overlink box(es) without an article target" in caplog.text and "城市服务热线" in caplog.text
    assert ARTICEL.unlinked_boxes(body, meta["url"]) == ["城市服务热线", "本版编辑：周云"]


def test_page_articel_index_is_the_first_page_with_the_whole_list() -> None:
    index = parse_fixture("page-articel", "index_page")
    assert (index.number, index.name) == ("01", "头版")
    assert [p.url.rsplit("/", 1)[1] for p in index.pages] == ["Page01LB.htm", "Page02LB.htm", "Page03LB.htm"]
    assert [a.title for a in index.articles] == [
        "泉水人家迎来秋季游客潮",
        "老街区装上智能路灯",
    ]  # link target in @title


def test_plist_page_needs_its_plist_and_reads_it_when_given() -> None:
    body, meta = load_case("plist", "page_gbk")
    with pytest.raises(NeedsDocuments) as needs:
        PLIST.parse_page(body, meta["url"], None, meta["headers"])
    assert needs.value.urls == ("https://mag.minjiang.example/mjrb/2024/20240822/20240822_plist.htm",)
    page = parse_fixture("plist", "page_gbk", {"documents": load_documents(FIXTURES / "plist" / "page_gbk")})
    assert (page.number, page.name) == ("002", "综合新闻")  # three digits, as printed
    assert [p.number for p in page.pages] == ["001", "002", "003"]


def test_plist_given_a_plist_without_this_page_is_a_parse_error() -> None:
    body, meta = load_case("plist", "page_gbk")
    plist_url = PLIST.plist_url(meta["url"])
    empty = b"<html><body><table><tr><td>no pages</td></tr></table></body></html>"
    with pytest.raises(ParseError, match="lists no page"):
        PLIST.parse_page(body, meta["url"], None, meta["headers"], {"documents": {plist_url: empty}})


@pytest.mark.parametrize("case", ["datajs_page", "datajs_article", "pagejson_page", "pagejson_article"])
def test_js_data_needs_its_data_file_first(case: str) -> None:
    body, meta = load_case("js-data", case)
    parse = JSDATA.parse_article if meta["kind"] == "article" else JSDATA.parse_page
    with pytest.raises(NeedsDocuments) as needs:
        parse(body, meta["url"], None, meta["headers"])
    assert list(needs.value.urls) == list(load_documents(FIXTURES / "js-data" / case))


def test_js_data_shell_without_a_data_file_says_why() -> None:
    url = "https://e.example/paper/kfrb/2024-05-20/page_1.html"
    with pytest.raises(ParseError, match="names no data file"):
        JSDATA.parse_page(JS_SHELL, url, None)
    with pytest.raises(ParseError, match="names no data file"):
        JSDATA.parse_article(JS_SHELL, url.replace("page_1", "article_3"), None)


def test_js_data_broken_data_file_is_a_parse_error() -> None:
    body, meta = load_case("js-data", "pagejson_page")
    (data_url,) = load_documents(FIXTURES / "js-data" / "pagejson_page")
    with pytest.raises(ParseError, match="does not parse"):
        JSDATA.parse_page(body, meta["url"], None, None, {"documents": {data_url: b"{not json"}})


def test_entry_templates_cover_every_date_of_the_url() -> None:
    t = infer_entry(JSDATA, "http://e.example/upload/ncrb/20240101/20240101-A1.html")
    assert t is not None and (t.base_url, t.entry) == (
        "http://e.example/upload/ncrb/",
        "{date:%Y%m%d}/{date:%Y%m%d}-A1.html",
    )
    t = infer_entry(PLIST, "https://mag.example/fzrb/2024/20240822/20240822_001/20240822_001.htm")
    assert t is not None and t.base_url == "https://mag.example/fzrb/"
    assert t.entry.format(date=dt.date(2023, 2, 3)) == "2023/20230203/20230203_001/20230203_001.htm"


@pytest.mark.parametrize("family", ["page-articel", "plist", "js-data"])
def test_founder_pages_are_not_ours(family: str) -> None:
    fam = get_family(family)
    for name, body, url in founder_payloads():
        with pytest.raises(ParseError):
            if "article" in name:
                fam.parse_article(body, url, None)
            else:
                fam.parse_page(body, url, None)


def _epaper(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("case", ["plist/page_gbk", "js-data/datajs_article"])
def test_cli_parse_names_the_documents_to_pass_and_reads_them(case: str) -> None:
    case_dir = FIXTURES / case
    meta = json.loads((case_dir / "meta.json").read_text(encoding="utf-8"))
    files = json.loads((case_dir / "documents.json").read_text(encoding="utf-8"))
    run = _epaper("parse", str(case_dir / "body.bin"), "--url", meta["url"])
    assert run.returncode == 2 and "Traceback" not in run.stderr
    (line,) = run.stderr.strip().splitlines()
    assert all(f"--document {url}=FILE" in line for url in files)
    flags = [f"--document={url}={case_dir / name}" for url, name in files.items()]
    run = _epaper("parse", str(case_dir / "body.bin"), "--url", meta["url"], *flags)
    assert run.returncode == 0, run.stderr
    expected = json.loads((case_dir / "expected.json").read_text(encoding="utf-8"))
    assert json.loads(run.stdout) == expected
    run = _epaper("probe", str(case_dir / "body.bin"), "--url", meta["url"], *flags, "--json")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["family"] == meta["family"] and "needs" not in out["matches"][0]["parsed"]


def test_probe_calls_a_js_data_shell_without_a_data_file_a_shell_not_js_data() -> None:
    from crawler.probe import probe_payload

    report = probe_payload(JS_SHELL, "https://e.example/paper/kfrb/2024-05-20/page_1.html")
    assert report.family is None and report.not_a_page is not None
    assert report.not_a_page.reason == "js-shell"
    js = next(m for m in report.matches if m.family == "js-data")
    assert not js.is_match and "names no data file" in js.parsed
