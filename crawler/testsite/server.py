"""The fixture e-paper server: serves generated sites on 127.0.0.1 and injects faults.

Standard library only (ThreadingHTTPServer in a daemon thread, HTTP/1.1 keep-alive), so tests and the
benchmark need nothing but Python. Each request is answered by `FixtureServer.respond(path)`, a plain
method that tests can also call without a socket.

Routes under each site's root (paths come from the family renderer):
- the renderer's index path: the current-issue index (META refresh to the latest edition); the bare
  root answers 302 to it;
- every page, article, page image (.jpg; a PNG of the printed page), page PDF (.pdf, built with reportlab when it
  is installed: crawler/testsite/printed.py) and article photo of every edition;
- template assets without a date in their path (.css, .js, .gif, .png, .jpg, .ico): placeholders;
- /robots.txt (allow all); everything else 404, including dates without an edition.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

from crawler.testsite.faults import CHARSET_NONE, CHARSET_UTF8_ON_GBK, Faults
from crawler.testsite.model import SiteArticle, SiteEdition, SiteImage, SitePage
from crawler.testsite.printed import page_pdf, page_png, png
from crawler.testsite.sites import SITES, SiteDef

ROBOTS = b"User-agent: *\nAllow: /\n"

# Placeholder bytes with the right magic numbers: enough for a crawler that stores or sniffs them.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xfe\x00\x13epaper fixture img\xff\xd9"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"


PNG = png(1, 1)
# Template assets (css/js/icons) that real pages link to: served as placeholders when the path has no date.
STATIC = {
    ".css": (b"/* epaper fixture stylesheet */\n", "text/css; charset=utf-8"),
    ".js": (b"/* epaper fixture script */\n", "application/javascript; charset=utf-8"),
    ".gif": (GIF, "image/gif"),
    ".png": (PNG, "image/png"),
    ".jpg": (JPEG, "image/jpeg"),
    ".jpeg": (JPEG, "image/jpeg"),
    ".ico": (PNG, "image/png"),
}
CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".pdf": "application/pdf",
}

_DATE_PATTERNS = (
    re.compile(r"(?<!\d)(\d{4})(\d{2})/(\d{2})(?!\d)"),  # 202504/25
    re.compile(r"(?<!\d)(\d{4})-(\d{2})/(\d{2})(?!\d)"),  # 2025-04/25
    re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)"),  # 2025-04-25
    re.compile(r"(?<!\d)(\d{4})/(\d{2})/(\d{2})(?!\d)"),  # 2025/04/25
    re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)"),  # 20250425
)


def dates_in_path(path: str) -> list[dt.date]:
    """Edition dates written in a URL path, in the forms the renderers use."""
    found: list[dt.date] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(path):
            try:
                found.append(dt.date(int(m[1]), int(m[2]), int(m[3])))
            except ValueError:
                continue
    return found


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    """What a path of an edition serves."""

    kind: str  # "page", "article", "image", "pdf", "pic"
    edition: SiteEdition  # the very objects the route was built from: render with these, not a rebuilt copy
    page: SitePage
    article: SiteArticle | None = None
    image: SiteImage | None = None


def _not_found(why: str = "not found") -> Response:
    return Response(404, f"404 {why}\n".encode())


def _error(why: str) -> Response:
    return Response(500, f"500 {why}\n".encode())


class HitCounter(Counter[str]):
    """A Counter of request paths whose increments are thread-safe."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()

    def hit(self, path: str) -> None:
        with self._lock:
            self[path] += 1

    def reset(self) -> None:
        with self._lock:
            self.clear()

    def snapshot(self) -> Counter[str]:
        with self._lock:
            return Counter(self)


class FixtureServer:
    """A local e-paper server for tests and benchmarks.

    `sites`: the SiteDefs to serve (default: every named site); `faults`: what to break (default none;
    replace or mutate `.faults` at any time). Use as a context manager or with start()/stop()."""

    def __init__(
        self,
        sites: Iterable[SiteDef] | None = None,
        faults: Faults | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        route_cache: int = 64,
        body_cache: int = 512,
    ) -> None:
        self.sites: dict[str, SiteDef] = {s.key: s for s in (sites if sites is not None else SITES.values())}
        self._by_root = sorted(self.sites.values(), key=lambda s: len(s.root), reverse=True)
        self.faults = faults if faults is not None else Faults()
        self.host = host
        self.port = port
        self.hits = HitCounter()
        self._routes: OrderedDict[tuple[str, dt.date], dict[str, Route]] = OrderedDict()
        self._bodies: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
        self._route_cache = route_cache
        self._body_cache = body_cache
        self._cache_lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> FixtureServer:
        if self._httpd is not None:
            return self
        httpd = _HTTPServer((self.host, self.port), _Handler)
        httpd.fixture = self
        self._httpd = httpd
        self.port = httpd.server_address[1]
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def serve_forever(self) -> None:
        """Run in the current thread until interrupted (the `python -m crawler.testsite` entry)."""
        httpd = _HTTPServer((self.host, self.port), _Handler)
        httpd.fixture = self
        self._httpd = httpd
        self.port = httpd.server_address[1]
        try:
            httpd.serve_forever(poll_interval=0.2)
        finally:
            httpd.server_close()
            self._httpd = None

    def __enter__(self) -> FixtureServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # ------------------------------------------------------------------ URLs

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, site_key: str, path: str = "") -> str:
        """Absolute URL of `path` (relative to the site's root) on site `site_key`."""
        return self.base_url + self.sites[site_key].root + path.lstrip("/")

    def index_url(self, site_key: str) -> str:
        site = self.sites[site_key]
        return self.url(site_key, site.renderer().index_path(site.spec))

    def entry_url(self, site_key: str, date: dt.date) -> str:
        """URL of the first page of the edition of `date` (which must exist)."""
        site = self.sites[site_key]
        edition = site.edition(date)
        if edition is None:
            raise KeyError(f"{site_key} has no edition on {date}")
        return self.url(site_key, site.renderer().entry_path(site.spec, date, edition))

    def page_url(self, site_key: str, date: dt.date, page: SitePage) -> str:
        site = self.sites[site_key]
        return self.url(site_key, site.renderer().page_path(site.spec, date, page))

    def article_url(self, site_key: str, date: dt.date, article: SiteArticle) -> str:
        site = self.sites[site_key]
        return self.url(site_key, site.renderer().article_path(site.spec, date, article))

    def reset_hits(self) -> None:
        self.hits.reset()

    # ------------------------------------------------------------------ routing

    def routes(self, site: SiteDef, date: dt.date) -> dict[str, Route]:
        """Every path (relative to the site root) of one edition, with what it serves. LRU-cached."""
        key = (site.key, date)
        with self._cache_lock:
            table = self._routes.get(key)
            if table is not None:
                self._routes.move_to_end(key)
                return table
        edition = site.edition(date)
        table = {} if edition is None else self._build_routes(site, edition)
        with self._cache_lock:
            self._routes[key] = table
            while len(self._routes) > self._route_cache:
                self._routes.popitem(last=False)
        return table

    @staticmethod
    def _build_routes(site: SiteDef, edition: SiteEdition) -> dict[str, Route]:
        r = site.renderer()
        spec, date = site.spec, edition.date
        table: dict[str, Route] = {}
        for path in r.document_paths(spec, date, edition) if hasattr(r, "document_paths") else ():
            table[path] = Route("document", edition, edition.pages[0])  # a plist, a data.js
        pdf_pages = getattr(r, "PAGES_ARE_PDFS", False)  # pdf-only: the page is its PDF, with no article pages
        for page in edition.pages:
            table[r.page_path(spec, date, page)] = Route("pdf" if pdf_pages else "page", edition, page)
            if pdf_pages:
                continue
            if hasattr(r, "page_image_path"):
                table[r.page_image_path(spec, date, page)] = Route("image", edition, page)
            if hasattr(r, "page_pdf_path"):
                table[r.page_pdf_path(spec, date, page)] = Route("pdf", edition, page)
            for article in page.articles:
                table[r.article_path(spec, date, article)] = Route("article", edition, page, article)
                if hasattr(r, "picture_path"):
                    for image in article.images:
                        table[r.picture_path(spec, date, image.src)] = Route(
                            "pic", edition, page, article, image
                        )
        return table

    def _site_for(self, path: str) -> tuple[SiteDef, str] | None:
        for site in self._by_root:
            if path.startswith(site.root):
                return site, path[len(site.root) :]
            if path == site.root.rstrip("/"):
                return site, ""
        return None

    # ------------------------------------------------------------------ answering

    def respond(self, raw_path: str) -> Response:
        """The response to a GET of `raw_path` (path and optional query), faults applied."""
        path = unquote(urlsplit(raw_path).path)
        self.hits.hit(path)
        faults = self.faults
        delay = faults.delay(path)
        if delay > 0:
            time.sleep(delay)
        if faults.is_failing(path):
            return _error("failing (fault)")
        if faults.flaky_fails(path):
            return _error("flaky (fault)")
        if path == "/robots.txt":
            return Response(200, ROBOTS, "text/plain; charset=utf-8")
        found = self._site_for(path)
        if found is None:
            return _not_found()
        site, rel = found
        renderer = site.renderer()
        index = renderer.index_path(site.spec)
        if rel == "":  # the site root redirects to the current-issue index, as real sites do
            return Response(
                302, b"", "text/html; charset=utf-8", {"Location": self.base_url + site.root + index}
            )
        if rel == index:
            return self._finish(path, self._index(site))
        dates = dates_in_path(rel)
        if not dates:
            static = STATIC.get(_suffix(rel))
            return self._finish(path, Response(200, *static)) if static else _not_found()
        date = dates[0]
        if faults.is_missing(date):
            return _not_found("no edition (fault)")
        target = faults.redirect_target(date)
        if target is not None:
            edition = site.edition(target)
            if edition is None:
                return _not_found("redirect target has no edition")
            location = self.base_url + site.root + renderer.entry_path(site.spec, target, edition)
            return Response(302, b"", "text/html; charset=utf-8", {"Location": location})
        if not site.has(date):
            return _not_found("no edition on this date")
        route = self.routes(site, date).get(rel)
        if route is None:
            return _not_found()
        return self._finish(path, self._serve_route(site, date, rel, route, path))

    def _index(self, site: SiteDef) -> Response:
        """The current issue is the latest date not made missing by a fault (today's may not be out yet)."""
        latest = next((d for d in reversed(site.dates) if not self.faults.is_missing(d)), None)
        edition = site.edition(latest) if latest is not None else None
        if edition is None:
            return _not_found("no edition at all")
        html = site.renderer().render_index(site.spec, edition)
        return Response(200, html.encode("utf-8"), "text/html; charset=utf-8")

    def _serve_route(self, site: SiteDef, date: dt.date, rel: str, route: Route, path: str) -> Response:
        if route.kind == "image":  # the printed page (crawler/testsite/printed.py), whatever the suffix says
            return Response(200, page_png(route.page), "image/png")
        if route.kind == "pic":
            kind = CONTENT_TYPES.get(_suffix(rel), "image/jpeg")
            return Response(200, {"image/png": PNG, "image/gif": GIF}.get(kind, JPEG), kind)
        if route.kind == "pdf":
            pdf = page_pdf(route.page)
            if pdf is None:
                return _not_found("no page PDF: reportlab (the dev extra) is not installed")
            return Response(200, pdf, "application/pdf")
        renderer = site.renderer()
        if route.kind == "document":
            text, charset = renderer.render_document(site.spec, route.edition, rel)
            kind = "application/javascript" if _suffix(rel) == ".js" else "text/html"
            return Response(200, text.encode(charset, errors="xmlcharrefreplace"), f"{kind}; charset={charset}")
        page = route.page
        page_path = site.root + renderer.page_path(site.spec, date, page)
        charset = "gbk" if self.faults.is_gbk(path, page_path) else page.charset
        mode = self.faults.charset_mode(path)
        if mode == CHARSET_UTF8_ON_GBK:
            charset = "gbk"
        body = self._render(site, date, rel, route, charset)
        if mode is None:
            declared = f"text/html; charset={charset}"
        elif mode == CHARSET_NONE:
            declared = "text/html"
        else:
            declared = f"text/html; charset={mode}"
        return Response(200, body, declared)

    def _render(self, site: SiteDef, date: dt.date, rel: str, route: Route, charset: str) -> bytes:
        key = (site.key, date, rel, charset)
        with self._cache_lock:
            cached = self._bodies.get(key)
            if cached is not None:
                self._bodies.move_to_end(key)
                return cached
        edition = route.edition
        page = route.page
        if charset != page.charset:
            page = dataclasses.replace(page, charset=charset)
            edition = dataclasses.replace(
                edition, pages=[page if p is route.page else p for p in edition.pages]
            )
        renderer = site.renderer()
        if route.kind == "page":
            html = renderer.render_page(site.spec, edition, page)
        else:
            html = renderer.render_article(site.spec, edition, page, route.article)
        body = html.encode(charset, errors="xmlcharrefreplace")
        with self._cache_lock:
            self._bodies[key] = body
            while len(self._bodies) > self._body_cache:
                self._bodies.popitem(last=False)
        return body

    def _finish(self, path: str, response: Response) -> Response:
        """Faults that act on a finished 200 body: truncation."""
        cut = self.faults.truncate_at(path)
        if cut is not None and response.status == 200:
            response.body = response.body[:cut]
        return response


def _suffix(path: str) -> str:
    dot = path.rfind(".")
    return path[dot:].lower() if dot >= 0 else ""


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256
    fixture: FixtureServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "EpaperFixture/1.0"
    server: _HTTPServer

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self._answer(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(head=True)

    def _answer(self, head: bool) -> None:
        try:
            response = self.server.fixture.respond(self.path)
        except Exception as exc:  # a bug in a renderer must not hang the client
            response = _error(f"{type(exc).__name__}: {exc}")
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server signature)
        """Quiet: a crawl makes thousands of requests."""
