"""URL helpers of the parsers, memoised: a page's links are joined and split once per skin tried and once per
selector role, the same few hundred strings again and again, and urllib's pure functions cost more than the
lookups (a quarter of a Founder page parse before this)."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import SplitResult, urljoin, urlsplit


@lru_cache(maxsize=16384)
def join_url(base: str, url: str) -> str:
    """`urllib.parse.urljoin(base, url)`, memoised."""
    return urljoin(base, url)


@lru_cache(maxsize=16384)
def split_url(url: str) -> SplitResult:
    """`urllib.parse.urlsplit(url)`, memoised (the result is an immutable named tuple)."""
    return urlsplit(url)
