"""A hostile e-paper site on loopback: the fixture server, with chosen paths answered by a hostile handler.

Everything else (pages, articles, robots.txt) is the project's own fixture site (crawler/testsite), so a crawl
reaches the hostile answer through real page lists. A handler gets the server, the path and how many times that
path was asked for (1 on the first request), and returns a testsite Response.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import zlib
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from crawler.testsite.faults import Pattern, first_match
from crawler.testsite.model import SiteSpec
from crawler.testsite.server import FixtureServer, Response
from crawler.testsite.sites import SiteDef

Handler = Callable[["HostileServer", str, int], Response]
DAY = dt.date(2025, 5, 1)


def site(key: str, pages: int = 2, articles: int = 3) -> SiteDef:
    """A small founder-pc paper with one edition (DAY), served under /<key>/."""
    spec = SiteSpec(key=key, name="敌意日报", family="founder-pc", skin="newslist", root=f"/{key}/")
    return SiteDef(spec, (DAY,), pages=pages, articles_per_page=articles, seed=key)


class HostileServer(FixtureServer):
    """FixtureServer whose `hostile` paths (suffix or regex, as in testsite faults) answer through handlers."""

    def __init__(
        self, sites: list[SiteDef], hostile: dict[Pattern, Handler] | None = None, host: str = "127.0.0.1"
    ):
        super().__init__(sites, host=host)
        self.hostile: dict[Pattern, Handler] = dict(hostile or {})
        self.asked: dict[str, list[float]] = {}  # path → monotonic times it was asked for
        self._asked_lock = threading.Lock()

    def respond(self, raw_path: str) -> Response:
        path = unquote(urlsplit(raw_path).path)
        with self._asked_lock:
            times = self.asked.setdefault(path, [])
            times.append(time.monotonic())
            count = len(times)
        hit = first_match(self.hostile, path)
        if hit is not None:
            return hit[1](self, path, count)  # type: ignore[misc]
        return super().respond(raw_path)

    def times_asked(self, suffix: str) -> list[float]:
        with self._asked_lock:
            return [t for path, times in self.asked.items() if path.endswith(suffix) for t in times]


# --------------------------------------------------------------------------- hostile answers


def redirect_to(location: Callable[[HostileServer, str], str]) -> Handler:
    """302 to wherever `location(server, path)` says."""
    return lambda server, path, _n: Response(302, b"", "text/html", {"Location": location(server, path)})


def gzip_bomb(decompressed_mb: int) -> Handler:
    """A small gzip body that inflates to `decompressed_mb` MiB of zeros (Content-Encoding: gzip)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"\0" * (1 << 20)
    body = b"".join(packer.compress(chunk) for _ in range(decompressed_mb)) + packer.flush()
    answer = Response(200, body, "text/html; charset=utf-8", {"Content-Encoding": "gzip"})
    return lambda _server, _path, _n: answer


def too_many_requests(retry_after: str, times: int = 1 << 30) -> Handler:
    """429 with Retry-After for the first `times` requests of the path, then the real page."""

    def answer(server: HostileServer, path: str, n: int) -> Response:
        if n <= times:
            return Response(429, b"429 slow down\n", "text/plain", {"Retry-After": retry_after})
        return FixtureServer.respond(server, path)

    return answer


def huge_text_article(characters: int) -> Handler:
    """The real article with one more paragraph: a single text node of `characters` CJK characters (3 bytes
    each in UTF-8), first in its body."""
    marker = "<!--enpcontent-->"

    def answer(server: HostileServer, path: str, _n: int) -> Response:
        real = FixtureServer.respond(server, path)
        html = real.body.decode("utf-8").replace(marker, marker + "<p>" + "长" * characters + "</p>", 1)
        return Response(real.status, html.encode("utf-8"), real.content_type)

    return answer
