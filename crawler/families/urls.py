"""URL helpers of the parsers, memoised: a page's links are joined and split once per skin tried and once per
selector role, the same few hundred strings again and again, and urllib's pure functions cost more than the
lookups (a quarter of a Founder page parse before this).

Most joins are of a page's own URL with a relative link it has never seen before (`content_12.htm`, a page
list's `node_3.htm`), which the memo cannot answer: `join_url` answers those without urllib when the answer
is plainly the base URL's folder followed by the link (tests/families/test_urls.py compares it with
`urljoin` over generated URLs)."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import SplitResult, urljoin, urlsplit

# An http(s) base URL, lower-case scheme, a host (no user, no IPv6 brackets) and a path that starts with `/`
# and holds no space, control, `;` or backslash: group 1 is its folder (up to the last `/` of the path).
_PLAIN_BASE_RE = re.compile(r"(https?://[A-Za-z0-9.:-]+(?:/[^?#;\\\x00-\x20\x7f]*)?/)[^/?#;\\\x00-\x20\x7f]*(?:[?#]|$)")
# A relative link made of path segments only (no scheme, no `/`, `?` or `#` first, no dot segment, no empty
# segment), with an optional non-empty query and fragment: urljoin keeps all of it as it is.
_PLAIN_LINK_RE = re.compile(
    r"(?![./])[^:;?#\\\x00-\x20\x7f]+(?:\?[^#\x00-\x20\x7f]+)?(?:#[^\x00-\x20\x7f]+)?"
)


def _plain_join(base: str, url: str) -> str | None:
    """`urljoin(base, url)` when no normalising is needed, else None."""
    link = _PLAIN_LINK_RE.fullmatch(url)
    if link is None:
        return None
    path = url.split("?", 1)[0].split("#", 1)[0]
    if "//" in path or "/." in path:
        return None
    found = _PLAIN_BASE_RE.match(base)
    if found is None:
        return None
    folder = found.group(1)
    tail = folder[folder.index("//") + 2:]
    if "//" in tail or "/./" in tail or "/../" in tail:  # urljoin would normalise the base's own path
        return None
    return folder + url


@lru_cache(maxsize=16384)
def join_url(base: str, url: str) -> str:
    """`urllib.parse.urljoin(base, url)`, memoised."""
    joined = _plain_join(base, url)
    return urljoin(base, url) if joined is None else joined


@lru_cache(maxsize=16384)
def split_url(url: str) -> SplitResult:
    """`urllib.parse.urlsplit(url)`, memoised (the result is an immutable named tuple)."""
    return urlsplit(url)
