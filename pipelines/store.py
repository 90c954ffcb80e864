"""The last stage: hand every record item to the SQL store, then close the books on each edition.

The store batches rows and upserts them on natural keys (schema/store.py); this stage only adapts it to
Scrapy: it opens the store with the run's database URL, records the run in `crawl_run`, finalises edition
statuses when the spider closes, logs the summary table and leaves an exit status for the crawl command.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from typing import Any

from scrapy.crawler import Crawler

from schema.db import database_url
from schema.records import ArticleItem, EditionItem, FailureItem, PageItem
from schema.status import edition_status, format_table
from schema.store import Store

logger = logging.getLogger(__name__)
RECORD_ITEMS = (EditionItem, PageItem, ArticleItem, FailureItem)
EXIT_STATUS_KEY = "epaper/exit_status"


class StorePipeline:
    def __init__(self, crawler: Crawler, url: str, batch_size: int) -> None:
        self.crawler = crawler
        self.url = url
        self.batch_size = batch_size
        self.store: Store | None = None
        self.run_id: int | None = None
        self.dates: dict[str, set[dt.date]] = defaultdict(set)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        settings = crawler.settings
        url = database_url(settings.get("EPAPER_DATABASE_URL"))
        return cls(crawler, url, settings.getint("EPAPER_STORE_BATCH", 500))

    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.store = Store.open(self.url, batch_size=self.batch_size)
        for paper in getattr(spider, "papers", []):
            self.store.ensure_newspaper(paper.key, paper.name, paper.region, paper.script, paper.homepage)
        args = {"spider": spider.name, **{k: v for k, v in vars(spider).items() if k.endswith("_arg") or k == "paper_spec"}}
        self.run_id = self.store.start_run({k: str(v) for k, v in args.items() if v is not None})
        logger.info("storing into %s", _safe_url(self.url))

    def process_item(self, item: Any) -> Any:
        if isinstance(item, RECORD_ITEMS) and self.store is not None:
            self.store.add(item)
            self.dates[item.paper].add(item.date)
            stats = self.crawler.stats
            if stats is not None:
                stats.inc_value(f"epaper/items/{type(item).__name__.removesuffix('Item').lower()}")
        return item

    def close_spider(self) -> None:
        if self.store is None:
            return
        stats = self.crawler.stats
        self.store.flush()
        rows: list[dict[str, Any]] = []
        for paper, dates in sorted(self.dates.items()):
            self.store.finalize(paper, sorted(dates))
            rows += [r for r in edition_status(self.store.engine, paper, min(dates), max(dates)) if r["date"] in dates]
        failed_rows = [r for r in rows if r["status"] in ("partial", "failed")]
        failures = sum(int(r.get("failures") or 0) for r in rows)
        exit_status = 1 if (failed_rows or failures) else 0
        counters = {k: v for k, v in (stats.get_stats() if stats else {}).items() if isinstance(v, int | float)}
        counters["editions"] = len(rows)
        counters["failures"] = failures
        counters["rejected"] = self.store.rejected
        run_status = "failed" if exit_status else "finished"
        if self.run_id is not None:
            self.store.finish_run(self.run_id, run_status, counters)
        self.store.close()
        if stats is not None:
            stats.set_value(EXIT_STATUS_KEY, exit_status)
        logger.info("epaper summary (%s):\n%s", run_status, format_table(rows))


def _safe_url(url: str) -> str:
    """The database URL without its password, for logs."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a log line must not fail the crawl
        return "<database>"
