"""A paper re-crawled after its site moved keeps its rows (the real spider, store and fixture site).

The first crawl reads the site at http://127.0.0.1:PORT. The second reads the same site at another address:
http://localhost:PORT (another host), or https://localhost:PORT2 (another scheme and host: a second fixture
server behind TLS, with a self-signed certificate made here; Scrapy does not verify certificates by default).
tests/storage/test_site_move.py covers path-keyed articles (not `content_<id>`) with items of our own.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from crawler.testsite.server import FixtureServer
from crawler.testsite.sites import SITES
from tests.backfill.conftest import crawl
from tests.services import unavailable

from .conftest import expected_counts, registry_for

SITE = SITES["pc-newslist"]
DAY = "2025-03-03"
COUNTS = (
    "select (select count(*) from newspaper), (select count(*) from edition), (select count(*) from page),"
    " (select count(*) from article), (select count(*) from article_part), (select count(*) from image),"
    " (select count(*) from byline), (select count(*) from failure)"
)
ARTICLES = "select id, source_key, first_seen_at, last_seen_at, url from article order by id"


def registry_at(path: Path, base_url: str) -> Path:
    """The site's registry entry with its base_url (and homepage) at `base_url` instead of {fixture}."""
    registry = registry_for(path, SITE)
    registry.write_text(registry.read_text(encoding="utf-8").replace("{fixture}", base_url), encoding="utf-8")
    return registry


@contextmanager
def moved_site(move: str, plain: FixtureServer, tmp_path: Path) -> Iterator[str]:
    """The base URL of the site after the move."""
    if move == "new host":
        yield plain.base_url.replace("127.0.0.1", "localhost")
        return
    openssl = shutil.which("openssl")
    if openssl is None:
        unavailable("the openssl command is not installed (it makes the test's self-signed certificate)")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with FixtureServer([SITE]) as tls:
        # the listening socket answers TLS from now on (the same file descriptor, so the serving loop goes on)
        tls._httpd.socket = context.wrap_socket(tls._httpd.socket, server_side=True)  # type: ignore[union-attr]
        yield f"https://localhost:{tls.port}"


@pytest.mark.parametrize("move", ["new host", "https and new host"])
def test_a_recrawl_after_the_site_moved_adds_no_rows_and_sees_the_stories_again(
    db_url, tmp_path: Path, move: str
) -> None:
    with FixtureServer([SITE]) as server:
        old = server.base_url
        first = crawl(server.base_url, db_url, "pc_newslist", {"date": DAY},
                      registry=registry_at(tmp_path / "a.toml", old), lock_dir=tmp_path / "locks")  # fmt: skip
        assert first.returncode == 0, first.log[-3000:]
        counts, before = first.rows(COUNTS), first.rows(ARTICLES)
        with moved_site(move, server, tmp_path) as new:
            # refresh=1: a complete edition is fetched again (by default a re-run skips it without a request)
            second = crawl(server.base_url, db_url, "pc_newslist", {"date": DAY, "refresh": "1"},
                           registry=registry_at(tmp_path / "b.toml", new), lock_dir=tmp_path / "locks")  # fmt: skip
    assert second.returncode == 0, second.log[-3000:]
    pages, articles = expected_counts(SITE, [SITE.dates[0]])
    assert (counts[0][2], counts[0][4]) == (pages, articles)  # every page and piece (a continued one joined)
    assert second.rows(COUNTS) == counts  # no new page, article, part, image or failure row
    after = second.rows(ARTICLES)
    assert [a[:3] for a in after] == [b[:3] for b in before]  # the same rows, first seen at the old address
    assert all(a[3] > b[3] for a, b in zip(after, before, strict=True))  # seen again by the second crawl
    assert all(b[4].startswith(old) and a[4].startswith(new) for a, b in zip(after, before, strict=True))
    assert all(u.startswith(new) for (u,) in second.rows("select url from page"))
    assert second.scalar("select status from edition") == "complete"
