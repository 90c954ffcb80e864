"""Shared fixtures: one fixture server per test module, and a raw HTTP client that never follows redirects."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from crawler.testsite.server import FixtureServer


@dataclass
class Fetched:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def charset(self) -> str | None:
        ct = self.content_type
        return ct.split("charset=", 1)[1].strip() if "charset=" in ct else None


def fetch(url: str, method: str = "GET", timeout: float = 10) -> Fetched:
    """One request, redirects not followed, body read to the end."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""))
        resp = conn.getresponse()
        body = resp.read()
        return Fetched(resp.status, {k.lower(): v for k, v in resp.getheaders()}, body)
    finally:
        conn.close()


@pytest.fixture(scope="module")
def server() -> Iterator[FixtureServer]:
    with FixtureServer() as srv:
        yield srv


@pytest.fixture(autouse=True)
def _clean_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tests that use the shared server start and end without faults."""
    yield
    if "server" in request.fixturenames:
        srv = request.getfixturevalue("server")
        srv.faults.clear()
