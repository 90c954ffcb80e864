"""Page images and PDFs on a CDN or media host: allowed from the hosts the paper's registry entry names and from
its own registrable domain, while pages, articles and redirects to any other host stay refused."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from scrapy import Request

from crawler.hosts import AllowedHostsMiddleware, OffHostRequest
from crawler.limits import paper_limits, registrable_domain
from crawler.registry import Layout, Paper


def _middleware(**options: object) -> AllowedHostsMiddleware:
    paper = Paper("p", "报", (Layout("founder-pc", "http://epaper.example.com.cn/rb/"),),
                  homepage="http://www.paper-home.cn/", options=options)
    crawler = SimpleNamespace(spider=SimpleNamespace(registry={"p": paper}), stats=None)
    return AllowedHostsMiddleware(crawler)  # type: ignore[arg-type]  # the middleware reads these two only


def _request(url: str, kind: str, media: str | None = None, redirected_from: str | None = None) -> Request:
    meta: dict[str, object] = {"paper": "p", "kind": kind}
    if media:
        meta["media"] = media
    if redirected_from:
        meta["redirect_urls"] = [redirected_from]
    return Request(url, meta=meta)


def test_registrable_domain_keeps_the_second_level_of_chinese_suffixes() -> None:
    assert registrable_domain("img.epaper.example.com.cn") == "example.com.cn"
    assert registrable_domain("cdn.example.cn") == "example.cn"
    assert registrable_domain("Pdf.Example.COM") == "example.com"
    assert registrable_domain("127.0.0.1") == "127.0.0.1"
    assert registrable_domain("localhost") == "localhost"


@pytest.mark.parametrize(
    "url",
    [
        "http://pdf.example.com.cn/2025/04/25/01.pdf",  # the base URL's registrable domain
        "https://cdn.mediahost.net/p/01.jpg",  # named in media_hosts
        "http://www.paper-home.cn/pic/01.jpg",  # the homepage's host
    ],
)
def test_media_from_named_hosts_and_the_own_domain_are_allowed(url: str) -> None:
    mw = _middleware(media_hosts=["cdn.mediahost.net"])
    assert mw.process_request(_request(url, "media", media="pdf")) is None
    # the same media request after a redirect on the paper's own media hosts is allowed too
    assert mw.process_request(_request(url, "media", media="pdf", redirected_from="http://epaper.example.com.cn/x")) is None


def test_pages_and_articles_do_not_gain_the_media_hosts() -> None:
    mw = _middleware(media_hosts=["cdn.mediahost.net"])
    with pytest.raises(OffHostRequest, match="request to another host refused"):
        mw.process_request(_request("https://cdn.mediahost.net/node_1.htm", "page"))
    with pytest.raises(OffHostRequest):
        mw.process_request(_request("http://news.example.com.cn/content_1.htm", "article"))


def test_a_media_redirect_to_an_arbitrary_host_is_refused() -> None:
    mw = _middleware(media_hosts=["cdn.mediahost.net"])
    original = "http://pdf.example.com.cn/2025/04/25/01.pdf"
    with pytest.raises(OffHostRequest, match="redirect to another host refused") as refused:
        mw.process_request(_request("http://ads.elsewhere.com/01.pdf", "media", media="pdf", redirected_from=original))
    assert original in str(refused.value) and "media_hosts" in str(refused.value)
    with pytest.raises(OffHostRequest):  # a look-alike suffix is not the paper's domain
        mw.process_request(_request("http://example.com.cn.evil.org/01.pdf", "media", media="pdf"))


def test_media_hosts_is_a_checked_registry_field() -> None:
    limits = paper_limits(Paper("p", "报", (Layout("founder-pc", "http://epaper.example.cn/"),),
                                options={"media_hosts": ["IMG.cdn.net"]}))
    assert limits.allows("img.cdn.net", media=True) and not limits.allows("img.cdn.net")
    assert limits.allows("pic.example.cn", media=True) and not limits.allows("pic.example.cn")
