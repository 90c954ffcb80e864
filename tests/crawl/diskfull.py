"""A Scrapy extension for tests: the SQLite disk "fills up" after N article writes.

Enabled in a crawl subprocess with `-s EXTENSIONS={"tests.crawl.diskfull.DiskFullAfter": 0}` and
`-s TEST_DISK_FULL_AFTER=N`: from the N+1th INSERT into `article` on, every INSERT raises the error SQLite gives
on a full disk, through SQLAlchemy as a real one would be (a wrapped sqlite3.OperationalError).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import Engine, event

WRITES = ("INSERT",)  # new rows need space; the in-place UPDATE that closes the run row still fits


class DiskFullAfter:
    def __init__(self, after: int) -> None:
        self.after = after
        self.articles = 0
        self.full = False
        event.listen(Engine, "before_cursor_execute", self._before_execute)

    @classmethod
    def from_crawler(cls, crawler: Any) -> DiskFullAfter:
        return cls(crawler.settings.getint("TEST_DISK_FULL_AFTER", 10))

    def _before_execute(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        words = statement.lstrip().upper()
        if words.startswith("INSERT INTO ARTICLE "):
            self.articles += 1
            self.full = self.full or self.articles > self.after
        if self.full and words.startswith(WRITES):
            raise sqlite3.OperationalError("database or disk is full")
