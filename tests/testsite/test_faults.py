"""Every fault kind behaves as specified, and faults can change between two crawls of a running server."""

from __future__ import annotations

import datetime as dt
import re
import time
from urllib.parse import urlsplit

from crawler.testsite.faults import Faults, matches
from crawler.testsite.server import FixtureServer
from crawler.testsite.sites import SITES
from tests.testsite.conftest import fetch

D25, D26 = dt.date(2025, 4, 25), dt.date(2025, 4, 26)


def demo_urls(server: FixtureServer, date: dt.date) -> dict[str, str]:
    site = SITES["demo"]
    r = site.renderer()
    ed = site.edition(date)
    page = ed.pages[1]
    art = page.articles[0]
    return {
        "entry": server.entry_url("demo", date),
        "page": server.page_url("demo", date, page),
        "article": server.article_url("demo", date, art),
        "image": server.url("demo", r.page_image_path(site.spec, date, page)),
        "pdf": server.url("demo", r.page_pdf_path(site.spec, date, page)),
    }


def path_of(url: str) -> str:
    return urlsplit(url).path


def test_pattern_matching() -> None:
    assert matches("content_1.html", "/demo/pc/content/202504/25/content_1.html")
    assert not matches("content_1.html", "/demo/pc/content/202504/25/content_11.htmlx")
    assert matches(re.compile(r"/node_0[23]\.html$"), "/demo/pc/layout/202504/25/node_02.html")
    assert not matches(re.compile(r"/node_0[23]\.html$"), "/demo/pc/layout/202504/25/node_04.html")


def test_missing_dates(server: FixtureServer) -> None:
    server.faults = Faults(missing_dates={D25})
    for url in demo_urls(server, D25).values():
        assert fetch(url).status == 404, url
    assert fetch(demo_urls(server, D26)["page"]).status == 200
    server.faults.missing_dates = {"2025-04-26"}  # ISO strings work too
    assert fetch(demo_urls(server, D26)["page"]).status == 404
    index = fetch(server.index_url("demo")).body.decode()
    assert "202504/25/node_01.html" in index, "the current issue is the latest one not missing"


def test_redirect_dates(server: FixtureServer) -> None:
    server.faults = Faults(redirect_dates={dt.date(2025, 4, 27): D26, D25: "2025-04-26"})
    site = SITES["demo"]
    ed26 = site.edition(D26)
    missing = server.url("demo", site.renderer().entry_path(site.spec, dt.date(2025, 4, 27), ed26))
    got = fetch(missing)
    assert got.status == 302 and got.headers["location"] == server.entry_url("demo", D26)
    assert fetch(demo_urls(server, D25)["article"]).status == 302
    assert fetch(got.headers["location"]).status == 200


def test_flaky_then_success_and_counters_reset(server: FixtureServer) -> None:
    urls = demo_urls(server, D25)
    server.faults = Faults(flaky={path_of(urls["article"]): 2, re.compile(r"\.pdf$"): 1})
    assert [fetch(urls["article"]).status for _ in range(4)] == [500, 500, 200, 200]
    assert [fetch(urls["pdf"]).status for _ in range(2)] == [500, 200]
    assert fetch(urls["page"]).status == 200
    server.faults.reset_counters()
    assert fetch(urls["article"]).status == 500


def test_failing_always_500(server: FixtureServer) -> None:
    urls = demo_urls(server, D25)
    server.faults = Faults(failing={"/node_02.html"})
    assert {fetch(urls["page"]).status for _ in range(3)} == {500}
    assert fetch(urls["entry"]).status == 200


def test_wrong_charset_modes(server: FixtureServer) -> None:
    site = SITES["demo"]
    ed = site.edition(D25)
    utf_page, gbk_page = ed.pages[0], next(p for p in ed.pages if p.charset == "gbk")
    u_utf = server.page_url("demo", D25, utf_page)
    u_gbk = server.page_url("demo", D25, gbk_page)
    u_art = server.article_url("demo", D25, utf_page.articles[0])
    server.faults = Faults(
        wrong_charset={path_of(u_utf): "iso-8859-1", path_of(u_gbk): "none", path_of(u_art): "utf-8"}
    )
    latin = fetch(u_utf)
    assert latin.content_type == "text/html; charset=iso-8859-1"
    assert utf_page.articles[0].title in latin.body.decode("utf-8"), "body keeps its real encoding"
    bare = fetch(u_gbk)
    assert bare.content_type == "text/html"
    assert gbk_page.articles[0].title in bare.body.decode("gbk")
    lie = fetch(u_art)
    assert lie.content_type == "text/html; charset=utf-8"
    text = lie.body.decode("gbk")
    assert utf_page.articles[0].title in text and re.search(r"charset=\"?gbk", text, re.I), "meta says gbk"
    server.faults.clear()
    assert fetch(u_utf).content_type == "text/html; charset=utf-8"


def test_truncated_bodies(server: FixtureServer) -> None:
    urls = demo_urls(server, D25)
    full = fetch(urls["article"]).body
    server.faults = Faults(truncated={path_of(urls["article"]): 700, ".jpg": 5})
    cut = fetch(urls["article"])
    assert cut.status == 200 and cut.body == full[:700] and cut.headers["content-length"] == "700"
    assert fetch(urls["image"]).body == b"\x89PNG\r"  # the page image is a PNG of the printed page


def test_slow_paths(server: FixtureServer) -> None:
    urls = demo_urls(server, D25)
    server.faults = Faults(slow={path_of(urls["page"]): 0.3})
    t = time.perf_counter()
    assert fetch(urls["page"]).status == 200
    assert time.perf_counter() - t >= 0.3
    t = time.perf_counter()
    fetch(urls["article"])
    assert time.perf_counter() - t < 0.3


def test_gbk_pages_fault_serves_page_and_articles_in_gbk(server: FixtureServer) -> None:
    urls = demo_urls(server, D25)
    page = SITES["demo"].edition(D25).pages[1]
    server.faults = Faults(gbk_pages={path_of(urls["page"])})
    got = fetch(urls["page"])
    assert got.charset == "gbk" and page.articles[0].title in got.body.decode("gbk")
    assert re.search(rb"charset=\"?gbk", got.body, re.I)
    art = fetch(urls["article"])
    assert art.charset == "gbk" and page.articles[0].title in art.body.decode("gbk")
    assert fetch(urls["entry"]).charset == "utf-8"
    assert SITES["demo"].edition(D25).pages[1].charset == "utf-8", "the cached edition is untouched"


def test_faults_change_between_two_crawls(server: FixtureServer) -> None:
    site = SITES["demo"]
    ed = site.edition(D26)
    urls = [server.page_url("demo", D26, p) for p in ed.pages]
    urls += [server.article_url("demo", D26, a) for p in ed.pages for a in p.articles]
    server.faults.failing.add(re.compile(r"content_\d+\.html$"))
    first = [fetch(u).status for u in urls]
    assert first.count(500) == sum(len(p.articles) for p in ed.pages) and first.count(200) == len(ed.pages)
    server.faults.clear()
    server.reset_hits()
    assert {fetch(u).status for u in urls} == {200}
    assert sum(server.hits.values()) == len(urls)


def test_respond_without_a_socket(server: FixtureServer) -> None:
    """respond() is usable directly: the same answers without HTTP."""
    server.faults = Faults(failing={"/robots.txt"})
    assert server.respond("/robots.txt").status == 500
    server.faults = Faults()
    resp = server.respond(path_of(server.entry_url("demo", D25)))
    assert resp.status == 200 and resp.content_type == "text/html; charset=utf-8"
