"""Hostile sites and hard faults (issue 14, crawling rows): each crawl meets one hostile answer and must end with
the fault in the ledger (edition status, failure row and reason), an honest exit status, and no file written
outside its data folders.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.testsite.server import Response
from crawler.testsite.sites import SiteDef

from .conftest import PROJECT_ROOT, HostileCrawl, crawl_site
from .hostile import (
    DAY,
    HostileServer,
    gzip_bomb,
    huge_text_article,
    redirect_to,
    site,
    too_many_requests,
)

OTHER_HOST = "127.0.0.2"  # routes to loopback on Linux: "another host" without the internet


def article_path(s: SiteDef, page: int, article: int) -> str:
    edition = s.edition(DAY)
    return s.root + s.renderer().article_path(s.spec, DAY, edition.pages[page].articles[article])


def entry_path(s: SiteDef) -> str:
    return s.root + s.renderer().entry_path(s.spec, DAY, s.edition(DAY))


def article_total(s: SiteDef) -> int:
    return sum(len(p.articles) for p in s.edition(DAY).pages)


def assert_clean(crawl: HostileCrawl) -> None:
    """No traceback, no endpoint opened, nothing written outside the data folders."""
    assert "Traceback" not in crawl.log, crawl.log[-3000:]
    assert "Telnet console listening" not in crawl.log
    assert "Remote control HTTP server listening" not in crawl.log
    assert crawl.stray_files == []


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'data' / 'epaper.db'}"


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir(exist_ok=True)


# --------------------------------------------------------------------------- 1. redirects to another host


@pytest.fixture
def other_host():
    """The same paper's site served on 127.0.0.2: what a hostile redirect points at."""
    s = site("offhost")
    with HostileServer([s], host=OTHER_HOST) as server:
        yield server


def _off_host(server: HostileServer, other: HostileServer):
    return redirect_to(lambda _s, path: other.base_url + path)


def test_article_redirect_to_another_host_is_refused_with_a_failure_row(
    tmp_path: Path, db_url: str, other_host: HostileServer
) -> None:
    s = site("offhost")
    moved = article_path(s, 0, 1)
    with HostileServer([s]) as server:
        server.hostile[moved] = _off_host(server, other_host)
        crawl = crawl_site(server.base_url, db_url, tmp_path, s)
    assert crawl.returncode == 1, crawl.log[-3000:]
    assert_clean(crawl)
    assert other_host.asked == {}  # not even robots.txt was asked of the other host
    [(kind, url, reason)] = crawl.failures()
    assert (kind, url) == ("article", server.base_url + moved)
    assert "redirect to another host refused" in reason and OTHER_HOST in reason
    assert crawl.edition()[0] == "partial"
    assert crawl.scalar("select count(*) from article_part") == article_total(s) - 1
    assert crawl.scalar("select count(*) from article where url like :u", u=f"%{OTHER_HOST}%") == 0


def test_meta_refresh_to_another_host_is_refused(
    tmp_path: Path, sqlite_url: str, other_host: HostileServer
) -> None:
    s = site("offhost")
    moved = article_path(s, 1, 0)

    def refresh(server: HostileServer, path: str, _n: int) -> Response:
        html = f'<html><head><meta http-equiv="refresh" content="0;url={other_host.base_url}{path}"></head></html>'
        return Response(200, html.encode(), "text/html; charset=utf-8")

    with HostileServer([s], {moved: refresh}) as server:
        crawl = crawl_site(server.base_url, sqlite_url, tmp_path, s)
    assert crawl.returncode == 1, crawl.log[-3000:]
    assert_clean(crawl)
    assert other_host.asked == {}
    [(kind, url, reason)] = crawl.failures()
    assert (kind, url) == (
        "article",
        server.base_url + moved,
    ) and "redirect to another host refused" in reason


def test_entry_redirect_to_another_host_fails_the_edition(
    tmp_path: Path, sqlite_url: str, other_host: HostileServer
) -> None:
    s = site("offhost")
    with HostileServer([s]) as server:
        server.hostile[entry_path(s)] = _off_host(server, other_host)
        crawl = crawl_site(server.base_url, sqlite_url, tmp_path, s)
    assert crawl.returncode == 1
    assert_clean(crawl)
    assert other_host.asked == {}
    [(kind, url, reason)] = crawl.failures()
    assert kind == "edition" and url == server.base_url + entry_path(s) and "another host refused" in reason
    status, edition_reason = crawl.edition()
    assert status == "failed" and "another host refused" in edition_reason
    assert crawl.scalar("select count(*) from page") == 0


def test_registry_allowed_hosts_lets_the_paper_use_another_host(
    tmp_path: Path, sqlite_url: str, other_host: HostileServer
) -> None:
    s = site("offhost")
    moved = article_path(s, 0, 1)
    with HostileServer([s]) as server:
        server.hostile[moved] = _off_host(server, other_host)
        crawl = crawl_site(server.base_url, sqlite_url, tmp_path, s, allowed_hosts=[OTHER_HOST])
    assert crawl.returncode == 0, crawl.log[-3000:]
    assert_clean(crawl)
    assert other_host.times_asked(moved)  # followed
    assert crawl.failures() == []
    assert crawl.edition()[0] == "complete"


# --------------------------------------------------------------------------- 2. gzip bomb, size caps


def test_gzip_bomb_is_cut_at_the_papers_size_cap_with_bounded_memory(tmp_path: Path, sqlite_url: str) -> None:
    s = site("bomb")
    bombed, big = article_path(s, 1, 0), article_path(s, 1, 1)
    # the same site crawled without the bomb: what a crawl process takes anyway on this machine, in this run
    (tmp_path / "calm").mkdir()
    with HostileServer([s]) as server:
        calm = crawl_site(server.base_url, f"sqlite:///{tmp_path / 'calm.db'}", tmp_path / "calm", s, max_response_mb=1)
    assert calm.returncode == 0, calm.log[-3000:]
    hostile = {bombed: gzip_bomb(512), big: huge_text_article(400_000)}  # 512 MiB inflated (~0.5 MB sent); 1.2 MB
    with HostileServer([s], hostile) as server:
        crawl = crawl_site(server.base_url, sqlite_url, tmp_path, s, max_response_mb=1)
    assert crawl.returncode == 1, crawl.log[-3000:]
    assert_clean(crawl)
    failures = {url.removeprefix(server.base_url): (kind, reason) for kind, url, reason in crawl.failures()}
    assert set(failures) == {bombed, big}
    assert "exceeded DOWNLOAD_MAXSIZE (1048576 B) during decompression" in failures[bombed][1]
    assert "larger than download max size (1048576)" in failures[big][1]
    assert crawl.edition()[0] == "partial"
    assert crawl.scalar("select count(*) from article_part") == article_total(s) - 2
    growth = crawl.peak_rss_mb - calm.peak_rss_mb
    print(f"peak RSS: {calm.peak_rss_mb:.0f} MiB without the bomb, {crawl.peak_rss_mb:.0f} MiB with it")
    # inflating the whole body would add 512 MiB; cut at the cap it adds about the cap and a chunk
    assert growth < 128, (calm.peak_rss_mb, crawl.peak_rss_mb)


def test_size_caps_are_sized_for_epapers() -> None:
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    assert settings.getint("DOWNLOAD_MAXSIZE") == 32 * 1024 * 1024  # Scrapy's default: 1 GiB
    assert settings.getint("DOWNLOAD_WARNSIZE") == 8 * 1024 * 1024


# --------------------------------------------------------------------------- 3. dropped by Scrapy's filters


def test_redirect_loops_get_failure_rows_and_the_edition_a_reason(tmp_path: Path, db_url: str) -> None:
    s = site("loops")
    a, b, selfish = article_path(s, 0, 1), article_path(s, 0, 2), article_path(s, 1, 0)
    with HostileServer([s]) as server:
        server.hostile[a] = redirect_to(lambda srv, _p: srv.base_url + b + "?from=a")
        server.hostile[b] = redirect_to(lambda srv, _p: srv.base_url + a)  # a → b → a
        server.hostile[selfish] = redirect_to(lambda srv, path: srv.base_url + path)  # redirects to itself
        crawl = crawl_site(server.base_url, db_url, tmp_path, s)
    assert crawl.returncode == 1, crawl.log[-3000:]
    assert_clean(crawl)
    failures = {url.removeprefix(server.base_url): (kind, reason) for kind, url, reason in crawl.failures()}
    assert set(failures) == {a, b, selfish}
    assert failures[selfish] == (
        "article",
        f"redirect loop: {server.base_url}{selfish} → {server.base_url}{selfish}",
    )
    # a → b?from=a → a: a came back to itself; b → a: a was already requested
    assert (
        failures[a][1]
        == f"redirect loop: {server.base_url}{a} → {server.base_url}{b}?from=a → {server.base_url}{a}"
    )
    assert failures[b] == (
        "article",
        f"redirected to a URL this run had already requested: {server.base_url}{b} → {server.base_url}{a}",
    )
    status, reason = crawl.edition()
    assert status == "partial" and reason.startswith("3 promised URL(s) never fetched: redirect")
    assert crawl.scalar("select count(*) from article_part") == article_total(s) - 3


def test_urls_over_the_length_limit_get_failure_rows(tmp_path: Path, sqlite_url: str) -> None:
    s = site("longurl", pages=1, articles=2)
    with HostileServer([s]) as server:
        limit = len(server.base_url + entry_path(s)) + 2  # the entry fits; its articles' URLs are longer
        crawl = crawl_site(server.base_url, sqlite_url, tmp_path, s, {"URLLENGTH_LIMIT": str(limit)})
    assert crawl.returncode == 1, crawl.log[-3000:]
    assert_clean(crawl)
    failures = crawl.failures()
    assert len(failures) == 2
    assert all(
        kind == "article" and f"over URLLENGTH_LIMIT={limit}" in reason for kind, _url, reason in failures
    )
    status, reason = crawl.edition()
    assert status == "partial" and "over URLLENGTH_LIMIT" in reason


# --------------------------------------------------------------------------- 4. one text node over 10 MB


def test_article_with_a_text_node_over_10_mb_is_parsed(tmp_path: Path, sqlite_url: str) -> None:
    s = site("huge", pages=1, articles=2)
    with HostileServer(
        [s], {article_path(s, 0, 1): huge_text_article(4_000_000)}
    ) as server:  # 12 MB in UTF-8
        crawl = crawl_site(server.base_url, sqlite_url, tmp_path, s)
    assert crawl.returncode == 0, crawl.log[-3000:]
    assert_clean(crawl)
    assert crawl.failures() == []
    assert crawl.edition()[0] == "complete"
    assert crawl.scalar("select max(char_count) from article") >= 4_000_000
    assert crawl.scalar("select count(*) from article where body = ''") == 0


def test_family_parser_keeps_a_text_node_over_10_mb() -> None:
    from crawler.families import get_family

    s = site("huge", pages=1, articles=1)
    server = HostileServer([s])
    path = article_path(s, 0, 0)
    body = huge_text_article(4_000_000)(server, path, 1).body
    article = get_family("founder-pc").parse_article(body, "http://127.0.0.1" + path, DAY)
    assert len(article.paragraphs[0]) >= 4_000_000


# --------------------------------------------------------------------------- 5. 429 with Retry-After


def test_retry_after_over_the_cap_gives_the_paper_up_for_the_run(tmp_path: Path, sqlite_url: str) -> None:
    s = site("throttled", pages=1, articles=4)
    limited = article_path(s, 0, 0)
    with HostileServer([s], {limited: too_many_requests("3600")}) as server:
        settings = {"EPAPER_RETRY_AFTER_MAX": "2", "CONCURRENT_REQUESTS": "1"}
        crawl = crawl_site(server.base_url, sqlite_url, tmp_path, s, settings, timeout=120)
        asked = len(server.times_asked(limited))
    assert crawl.returncode == 1, crawl.log[-3000:]
    assert_clean(crawl)
    assert asked == 1  # not retried after 1, 2, 4 s: given up at once
    failures = {url.removeprefix(server.base_url): reason for _kind, url, reason in crawl.failures()}
    assert (
        "Retry-After 3600 s, over EPAPER_RETRY_AFTER_MAX=2 s: throttled given up for this run"
        in failures[limited]
    )
    # the articles still waiting when the paper was given up fail with the same reason, instead of being fetched
    assert all("given up for this run" in r for r in failures.values())
    assert crawl.edition()[0] == "partial"
    assert crawl.scalar("select count(*) from article_part") == article_total(s) - len(failures)
    assert "epaper/backoff/given_up" in crawl.log


def test_retry_after_within_the_cap_is_honoured(tmp_path: Path, sqlite_url: str) -> None:
    s = site("throttled", pages=1, articles=2)
    limited = article_path(s, 0, 0)
    with HostileServer([s], {limited: too_many_requests("1", times=1)}) as server:
        crawl = crawl_site(server.base_url, sqlite_url, tmp_path, s, {"EPAPER_RETRY_AFTER_MAX": "5"})
        first, second = server.times_asked(limited)
    assert crawl.returncode == 0, crawl.log[-3000:]
    assert_clean(crawl)
    assert second - first >= 0.95  # Retry-After: 1, not the 0.01 s backoff of the test settings
    assert crawl.failures() == []
    assert crawl.edition()[0] == "complete"


def test_retry_after_header_forms() -> None:
    import datetime as dt

    from crawler.backoff import retry_after_seconds

    now = dt.datetime(2025, 5, 1, 12, 0, tzinfo=dt.timezone.utc)
    assert retry_after_seconds(b"120") == 120
    assert retry_after_seconds("Thu, 01 May 2025 12:01:00 GMT", now) == 60
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


# --------------------------------------------------------------------------- 6. crowded pages, huge polygons


def test_page_edition_and_polygon_caps_are_counted_and_explained(tmp_path: Path, sqlite_url: str) -> None:
    s = site("crowded", pages=6, articles=8)
    caps = {
        "EPAPER_MAX_PAGES_PER_EDITION": "4",
        "EPAPER_MAX_ARTICLES_PER_PAGE": "5",
        "EPAPER_MAX_POLYGON_COORDINATES": "10",
    }  # the lead article's L-shaped area has 12
    with HostileServer([s]) as server:
        crawl = crawl_site(server.base_url, sqlite_url, tmp_path, s, caps)
        asked_pages = {p for p in server.asked if "/layout/" in p}
    assert crawl.returncode == 1, crawl.log[-3000:]
    assert_clean(crawl)
    assert len(asked_pages) == 4
    assert crawl.scalar("select count(*) from page") == 4
    assert crawl.scalar("select count(*) from article_part") == 4 * 5
    failures = crawl.failures()
    page_rows = [r for k, _u, r in failures if k == "page"]
    article_rows = [r for k, _u, r in failures if k == "article"]
    assert len(page_rows) == 1 and "6 pages, over EPAPER_MAX_PAGES_PER_EDITION=4" in page_rows[0]
    assert len(article_rows) == 4 and all(
        "8 articles, over EPAPER_MAX_ARTICLES_PER_PAGE=5" in r for r in article_rows
    )
    status, reason = crawl.edition()
    assert status == "partial" and "EPAPER_MAX_POLYGON_COORDINATES=10" in reason
    kept = [a for p in s.edition(DAY).pages[:4] for a in p.articles[:5]]
    over = sum(1 for a in kept for poly in [a.polygon, *a.extra_polygons] if 2 * len(poly) > 10)
    assert over >= 4  # at least each page's lead
    stored = [
        json.loads(p)["polygons"]
        for (p,) in crawl.rows("select polygon from article where polygon is not null")
    ]
    assert stored and max(len(poly) for polys in stored for poly in polys) <= 10
    stats = crawl.log
    assert re.search(r"'epaper/limits/articles_per_page': 12\b", stats)
    assert re.search(r"'epaper/limits/pages_per_edition': 2\b", stats)
    assert re.search(rf"'epaper/limits/polygon_coordinates': {over}\b", stats)


# --------------------------------------------------------------------------- 7. no listening endpoints


@pytest.mark.parametrize("name", ["TELNETCONSOLE_ENABLED", "REMOTE_CONTROL_ENABLED"])
def test_endpoint_extensions_are_off_by_default(name: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "settings", "--get", name],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    assert proc.stdout.strip() == "False"


def test_a_crawl_opens_no_endpoint_and_writes_no_job_file(tmp_path: Path, sqlite_url: str) -> None:
    s = site("quiet", pages=1, articles=1)
    with HostileServer([s]) as server:
        crawl = crawl_site(server.base_url, sqlite_url, tmp_path, s, {"LOG_LEVEL": "DEBUG"})
    assert crawl.returncode == 0, crawl.log[-3000:]
    assert_clean(crawl)  # the remote control would have written a job file under HOME
    assert "TelnetConsole" not in crawl.log.split("Enabled extensions:")[1].split("]")[0]
    assert crawl.edition()[0] == "complete"
