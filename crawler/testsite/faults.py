"""Faults the fixture server injects, matched on the URL path, changeable while the server runs.

Real e-paper sites answer 404 for days without an issue, redirect such days to the latest issue, fail
with 500 now and then, declare the wrong charset, cut bodies short and answer slowly. A test sets the
faults it needs on `FixtureServer.faults` (or builds the server with them), crawls, changes them, crawls
again.

A pattern is either a string, matched as a suffix of the URL path ("content_100123.html",
"/node_02.html"), or a compiled regular expression (`re.compile(r"/node_0[23]\\.html$")`), searched in
the path. Paths are the server's request paths, with the site root ("/demo/pc/layout/…").
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

Pattern = str | re.Pattern[str]
DateLike = dt.date | str
V = TypeVar("V")

# wrong_charset modes: what the Content-Type header says about a body in its real encoding
CHARSET_NONE = "none"  # header has no charset at all: "text/html"
CHARSET_UTF8_ON_GBK = "utf-8"  # body (and its <meta>) in GBK, header claims UTF-8


def matches(pattern: Pattern, path: str) -> bool:
    """A string is a path suffix; a compiled regex is searched in the path."""
    if isinstance(pattern, re.Pattern):
        return pattern.search(path) is not None
    return path.endswith(pattern)


def first_match(
    patterns: Mapping[Pattern, V] | Iterable[Pattern], path: str
) -> tuple[Pattern, V | None] | None:
    """The first pattern that matches `path`, with its value when `patterns` is a mapping."""
    if isinstance(patterns, Mapping):
        for pattern, value in patterns.items():
            if matches(pattern, path):
                return pattern, value
        return None
    for pattern in patterns:
        if matches(pattern, path):
            return pattern, None
    return None


def as_date(value: DateLike) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


@dataclass
class Faults:
    """What to break, by URL path. All fields are optional; an empty Faults serves everything normally.

    - missing_dates: every path of these edition dates answers 404.
    - redirect_dates: date -> other date; every path of the date answers 302 to the other date's entry page.
    - flaky: pattern -> n; each matching path answers 500 its first n times, then normally.
    - failing: matching paths always answer 500.
    - wrong_charset: pattern -> mode: "iso-8859-1" (header claims Latin-1), "none" (no charset in the
      header), "utf-8" (body and <meta> in GBK, header claims UTF-8); any other value is put in the header
      as the charset, body unchanged.
    - truncated: pattern -> n; the body is cut to its first n bytes, with an honest Content-Length.
    - slow: pattern -> seconds to wait before answering.
    - gbk_pages: matching page or article paths are rendered and served in GBK (correct header and meta);
      a page's pattern also covers its articles.
    """

    missing_dates: set[DateLike] = field(default_factory=set)
    redirect_dates: dict[DateLike, DateLike] = field(default_factory=dict)
    flaky: dict[Pattern, int] = field(default_factory=dict)
    failing: set[Pattern] = field(default_factory=set)
    wrong_charset: dict[Pattern, str] = field(default_factory=dict)
    truncated: dict[Pattern, int] = field(default_factory=dict)
    slow: dict[Pattern, float] = field(default_factory=dict)
    gbk_pages: set[Pattern] = field(default_factory=set)
    _served_errors: Counter[str] = field(default_factory=Counter, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    # ------------------------------------------------------------------ queries used by the server

    def is_missing(self, date: dt.date) -> bool:
        return any(as_date(d) == date for d in self.missing_dates)

    def redirect_target(self, date: dt.date) -> dt.date | None:
        for source, target in self.redirect_dates.items():
            if as_date(source) == date:
                return as_date(target)
        return None

    def is_failing(self, path: str) -> bool:
        return first_match(self.failing, path) is not None

    def flaky_fails(self, path: str) -> bool:
        """True while this path has not yet answered its n 500s (counts this request)."""
        hit = first_match(self.flaky, path)
        if hit is None:
            return False
        limit = int(hit[1] or 0)
        with self._lock:
            if self._served_errors[path] < limit:
                self._served_errors[path] += 1
                return True
        return False

    def delay(self, path: str) -> float:
        hit = first_match(self.slow, path)
        return float(hit[1] or 0) if hit else 0.0

    def charset_mode(self, path: str) -> str | None:
        hit = first_match(self.wrong_charset, path)
        return hit[1] if hit else None

    def truncate_at(self, path: str) -> int | None:
        hit = first_match(self.truncated, path)
        return int(hit[1]) if hit and hit[1] is not None else None

    def is_gbk(self, *paths: str) -> bool:
        return any(first_match(self.gbk_pages, p) is not None for p in paths)

    # ------------------------------------------------------------------ changing faults between crawls

    def reset_counters(self) -> None:
        """Forget how many 500s flaky paths have answered (they fail again n times)."""
        with self._lock:
            self._served_errors.clear()

    def clear(self) -> None:
        """Remove every fault (the server then serves everything normally)."""
        with self._lock:
            self.missing_dates.clear()
            self.redirect_dates.clear()
            self.flaky.clear()
            self.failing.clear()
            self.wrong_charset.clear()
            self.truncated.clear()
            self.slow.clear()
            self.gbk_pages.clear()
            self._served_errors.clear()
