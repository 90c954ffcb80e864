"""`scrapy crawl` with an exit status that tells success from failure (for cron and systemd).

Scrapy's own command exits 0 whenever the spider ran; an archive operator needs non-zero when pages or
articles failed. The store stage leaves its verdict in the stats (pipelines.store.EXIT_STATUS_KEY).
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from crawler.registry import RegistryError, load_registry
from pipelines.store import EXIT_STATUS_KEY

REGISTRY_EXIT = 2  # the registry (bundled or EPAPER_PAPERS) is invalid: nothing was crawled


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider: scrapy crawl epaper -a paper=KEY")
        assert self.crawler_process
        try:  # before Scrapy starts: an invalid registry is one line and a non-zero exit, not a traceback
            load_registry(self.settings.get("EPAPER_PAPERS"), self.settings.get("EPAPER_FIXTURE_URL"))
        except RegistryError as exc:
            print(f"scrapy crawl: {exc}", file=sys.stderr)
            self.exitcode = REGISTRY_EXIT
            return
        crawler = self.crawler_process.create_crawler(args[0])  # public since Scrapy 1.x; _create_crawler is 2.18+
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
            return
        stats = crawler.stats.get_stats() if crawler.stats else {}
        if stats.get(EXIT_STATUS_KEY):
            self.exitcode = int(stats[EXIT_STATUS_KEY])
