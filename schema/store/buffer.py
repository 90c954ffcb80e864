"""The items waiting for a flush, and the ids one flush resolves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from schema.records import ArticleItem, EditionItem, FailureItem, MediaItem, PageItem
from schema.store.common import Item
from schema.store.rows import source_key_of


@dataclass
class PageInfo:
    id: int
    width: int | None
    height: int | None


@dataclass
class Batch:
    """Ids resolved during one flush; merged into the caches only once the transaction commits."""

    newspapers: dict[str, int] = field(default_factory=dict)
    editions: dict[tuple[str, dt.date], int] = field(default_factory=dict)
    pages: dict[int, dict[str, PageInfo]] = field(default_factory=dict)


@dataclass
class Buffer:
    """Items waiting for a flush, keyed by natural key (last wins): one statement must not touch a row twice."""

    editions: dict[tuple[str, dt.date], EditionItem] = field(default_factory=dict)
    pages: dict[tuple[str, dt.date, str], PageItem] = field(default_factory=dict)
    articles: dict[tuple[str, dt.date, str], ArticleItem] = field(default_factory=dict)
    failures: dict[tuple[str, str], FailureItem] = field(default_factory=dict)
    media: dict[tuple[str, dt.date, str, str], MediaItem] = field(default_factory=dict)  # + page number, kind

    @classmethod
    def of(cls, items: Iterable[Item]) -> Buffer:
        buffer = cls()
        for item in items:
            buffer.add(item)
        return buffer

    def add(self, item: Item) -> None:
        if isinstance(item, ArticleItem):
            self.articles[(item.paper, item.date, source_key_of(item))] = item
            self._succeeded(item.paper, item.article.url, item.ref.url)
        elif isinstance(item, PageItem):
            self.pages[(item.paper, item.date, item.page.number)] = item
            self._succeeded(item.paper, item.page.url)
        elif isinstance(item, EditionItem):
            self.editions[(item.paper, item.date)] = item
            if item.status is None:
                self._succeeded(item.paper, item.url)
        elif isinstance(item, MediaItem):
            self.media[(item.paper, item.date, item.page_number, item.kind)] = item
            self._succeeded(item.paper, item.url)
        elif isinstance(item, FailureItem):
            self.failures[(item.paper, item.url)] = item
        else:
            raise TypeError(f"the store takes crawl items, not {type(item).__name__}")

    def _succeeded(self, paper: str, *urls: str | None) -> None:
        """A URL stored after it failed earlier in this batch: its failure is void."""
        for url in urls:
            if url:
                self.failures.pop((paper, url), None)

    def items(self) -> list[Item]:
        """In dependency order, so that halves of a refused batch stay meaningful."""
        return [
            *self.editions.values(),
            *self.pages.values(),
            *self.articles.values(),
            *self.media.values(),
            *self.failures.values(),
        ]


def describe_item(item: Item) -> str:
    url = getattr(item, "url", None) or getattr(getattr(item, "page", None), "url", None)
    url = url or getattr(getattr(item, "article", None), "url", None)
    return f"{type(item).__name__}({item.paper} {item.date} {url})"
