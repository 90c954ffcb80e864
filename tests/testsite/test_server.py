"""The fixture server serves every site's index, pages, articles, images and PDFs with the right status
and type, counts hits, and its pages link to what it serves."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from lxml import html as lxml_html

from crawler.testsite.server import FixtureServer, dates_in_path
from crawler.testsite.sites import SITES, site_for
from tests.testsite.conftest import fetch

SMALL = ["demo", "pc-newslist", "pc-resultlist", "pc-articlelist", "classic"]


def first_article(site_key: str, date: dt.date):
    ed = SITES[site_key].edition(date)
    page = next(p for p in ed.pages if p.articles)
    return ed, page, page.articles[0]


@pytest.mark.parametrize("key", [*SMALL, "bench"])
def test_site_routes(server: FixtureServer, key: str) -> None:
    site = SITES[key]
    r = site.renderer()
    index = fetch(server.index_url(key))
    assert index.status == 200 and index.content_type == "text/html; charset=utf-8"
    assert re.search(rb"(?i)refresh", index.body)
    date = site.dates[0]
    ed, page, art = first_article(key, date)
    entry = fetch(server.entry_url(key, date))
    assert entry.status == 200 and entry.charset == ed.pages[0].charset
    pg = fetch(server.page_url(key, date, page))
    assert pg.status == 200 and pg.content_type.startswith("text/html; charset=")
    assert page.name.replace(" ", "") in pg.body.decode(pg.charset).replace(" ", "").replace("&nbsp;", "")
    ar = fetch(server.article_url(key, date, art))
    assert ar.status == 200 and art.title in ar.body.decode(ar.charset)
    img = fetch(server.url(key, r.page_image_path(site.spec, date, page)))
    # the page image is a PNG of the printed page (crawler/testsite/printed.py), whatever its name's suffix
    assert img.status == 200 and img.content_type == "image/png" and img.body.startswith(b"\x89PNG")
    pdf = fetch(server.url(key, r.page_pdf_path(site.spec, date, page)))
    assert pdf.status == 200 and pdf.content_type == "application/pdf" and pdf.body.startswith(b"%PDF")
    pics = [(a, i) for p in ed.pages for a in p.articles for i in a.images]
    if pics:
        pic = fetch(server.url(key, r.picture_path(site.spec, date, pics[0][1].src)))
        assert pic.status == 200 and pic.content_type == "image/jpeg"


def test_unknown_paths_and_dates_answer_404(server: FixtureServer) -> None:
    site = SITES["demo"]
    ed, page, art = first_article("demo", site.dates[0])
    assert fetch(server.base_url + "/nosuchsite/x.html").status == 404
    assert fetch(server.url("demo", "pc/layout/202504/25/node_99.html")).status == 404
    assert fetch(server.url("demo", "pc/content/202504/25/content_1.html")).status == 404
    # a date without an edition, for pages, articles, images
    no_day = dt.date(2025, 4, 24)
    for path in (
        site.renderer().page_path(site.spec, no_day, page),
        site.renderer().article_path(site.spec, no_day, art),
        site.renderer().page_image_path(site.spec, no_day, page),
    ):
        assert fetch(server.url("demo", path)).status == 404, path
    # the small sites skip 2025-03-05
    classic = SITES["classic"]
    ed3 = classic.edition(dt.date(2025, 3, 4))
    assert (
        fetch(
            server.url("classic", classic.renderer().entry_path(classic.spec, dt.date(2025, 3, 5), ed3))
        ).status
        == 404
    )


def test_robots_root_redirect_and_static_assets(server: FixtureServer) -> None:
    robots = fetch(server.base_url + "/robots.txt")
    assert (
        robots.status == 200 and b"Allow: /" in robots.body and robots.content_type.startswith("text/plain")
    )
    root = fetch(server.url("demo", ""))
    assert root.status == 302 and root.headers["location"] == server.index_url("demo")
    css = fetch(server.url("demo", "pc/static/css/layout.css"))
    assert css.status == 200 and css.content_type.startswith("text/css")
    gif = fetch(server.url("classic", "tplimg/pdf.gif"))
    assert gif.status == 200 and gif.body.startswith(b"GIF89a")


def test_head_requests(server: FixtureServer) -> None:
    head = fetch(server.entry_url("demo", dt.date(2025, 4, 25)), method="HEAD")
    assert head.status == 200 and head.body == b"" and int(head.headers["content-length"]) > 1000


def test_gbk_page_and_its_articles_are_served_in_gbk(server: FixtureServer) -> None:
    site = SITES["demo"]
    date = dt.date(2025, 4, 25)
    page = next(p for p in site.edition(date).pages if p.charset == "gbk")
    got = fetch(server.page_url("demo", date, page))
    assert got.content_type == "text/html; charset=gbk"
    text = got.body.decode("gbk")
    assert page.articles[0].title in text
    with pytest.raises(UnicodeDecodeError):
        got.body.decode("utf-8")
    art = fetch(server.article_url("demo", date, page.articles[0]))
    assert art.charset == "gbk" and page.articles[0].paragraphs[0] in art.body.decode("gbk")


def test_hits_are_counted_and_reset(server: FixtureServer) -> None:
    server.reset_hits()
    url = server.entry_url("demo", dt.date(2025, 4, 26))
    path = urlsplit(url).path
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: fetch(url + "?x=1"), range(40)))
    fetch(server.base_url + "/robots.txt")
    assert server.hits[path] == 40
    assert server.hits["/robots.txt"] == 1
    server.reset_hits()
    assert sum(server.hits.values()) == 0


def test_served_demo_page_links_its_articles(server: FixtureServer) -> None:
    site = SITES["demo"]
    date = dt.date(2025, 4, 25)
    for page in site.edition(date).pages:
        url = server.page_url("demo", date, page)
        doc = lxml_html.fromstring(fetch(url).body)
        links = {urljoin(url, h).split("?")[0] for h in doc.xpath("//a/@href | //area/@href")}
        for art in page.articles:
            assert server.article_url("demo", date, art) in links, (page.number, art.id)


def crawl(server: FixtureServer, key: str) -> Counter[tuple[int, bool]]:
    """From the index and every edition's entry, follow every link and META refresh inside the site.

    Counts (status, same_edition): same_edition is True when the URL's date is the date of the page that
    linked it (or it has no date). Links to other dates ("上一期", a page number the next issue lacks)
    may rightly answer 404, as on real sites; links inside one edition must not."""
    site = server.sites[key]
    prefix = server.url(key, "")
    todo: list[tuple[str, dt.date | None]] = [(server.index_url(key), None)]
    todo += [(server.entry_url(key, d), d) for d in site.dates]
    seen: set[str] = set()
    out: Counter[tuple[int, bool]] = Counter()
    while todo:
        url, ref_date = todo.pop()
        url = urldefrag(url)[0].split("?")[0]
        if url in seen or not url.startswith(prefix):
            continue
        seen.add(url)
        got = fetch(url)
        dates = dates_in_path(urlsplit(url).path)
        date = dates[0] if dates else None
        out[(got.status, date is None or ref_date is None or date == ref_date)] += 1
        if got.status in (301, 302):
            todo.append((got.headers["location"], None))
        if got.status == 200 and got.content_type.startswith("text/html"):
            text = got.body.decode(got.charset or "utf-8")
            todo += [(urljoin(url, m.strip()), date) for m in re.findall(r'(?i)url=([^"\'>]+)', text)]
            todo += [
                (urljoin(url, h), date) for h in lxml_html.fromstring(got.body).xpath("//@href | //@src")
            ]
    return out


@pytest.mark.parametrize("key", SMALL)
def test_every_link_of_an_existing_edition_resolves(server: FixtureServer, key: str) -> None:
    counts = crawl(server, key)
    broken = {k: v for k, v in counts.items() if k[0] not in (200, 302) and k[1]}
    assert not broken, broken
    site = SITES[key]
    html_pages = sum(
        len(site.edition(d).pages) + sum(len(p.articles) for p in site.edition(d).pages) for d in site.dates
    )
    assert counts[(200, True)] >= html_pages


def test_servers_are_independent_and_serve_given_sites() -> None:
    five = site_for("bench", key="five", start=dt.date(2020, 1, 1), days=1826, pages=2, articles_per_page=2)
    with FixtureServer([five]) as srv:
        assert srv.base_url.startswith("http://127.0.0.1:")
        got = fetch(srv.entry_url("five", dt.date(2021, 7, 9)))
        assert got.status == 200
        assert fetch(srv.url("five", "pc/layout/201912/31/node_01.html")).status == 404
        assert fetch(srv.base_url + "/demo/pc/layout/index.html").status == 404
    srv.stop()  # stopping twice is harmless


def test_pages_render_the_same_after_their_edition_left_the_cache() -> None:
    """Route tables outlive the site's edition cache; a page must still render as itself."""
    site = site_for("bench", key="tiny", days=6, pages=2, articles_per_page=2, cache_size=2)
    srv = FixtureServer([site], body_cache=0)
    first = site.edition(site.dates[0])
    path = urlsplit(srv.url("tiny", site.renderer().page_path(site.spec, site.dates[0], first.pages[1]))).path
    before = srv.respond(path).body
    for d in site.dates[1:]:
        srv.respond(urlsplit(srv.url("tiny", site.renderer().entry_path(site.spec, d, site.edition(d)))).path)
    assert site.edition(site.dates[0]) is not first, "the edition was evicted and rebuilt"
    assert srv.respond(path).body == before
