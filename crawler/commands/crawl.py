"""`scrapy crawl` with an exit status that tells success from failure (for cron and systemd).

Scrapy's own command exits 0 whenever the spider ran; an archive operator needs non-zero when pages or
articles failed. The run ledger leaves its verdict in the stats (crawler.run_ledger.EXIT_STATUS_KEY). The registry,
arguments, database and demo site are checked first (crawler/preflight.py): a mistake is one line and exit
status 2, with no crawl_run row.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from crawler.errors import USER_ERROR_EXIT, user_message
from crawler.run_ledger import EXIT_STATUS_KEY


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider: scrapy crawl epaper -a paper=KEY")
        assert self.crawler_process
        crawler = self.crawler_process.create_crawler(args[0])  # public since Scrapy 1.x; _create_crawler is 2.18+
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
            return
        stats = crawler.stats.get_stats() if crawler.stats else {}
        if stats.get(EXIT_STATUS_KEY):
            self.exitcode = int(stats[EXIT_STATUS_KEY])

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        """Scrapy's options, then our pre-flight: it runs before Scrapy sets up logging and its process, so that a
        mistake is the only line on stderr."""
        super().process_options(args, opts)
        if args == ["epaper"]:
            self._preflight(opts.spargs)

    def _preflight(self, spider_args: dict[str, str]) -> None:
        from crawler.preflight import check_run

        try:
            check_run(self.settings, spider_args)
        except Exception as exc:
            message = user_message(exc)
            if message is None:
                raise
            print(f"scrapy crawl epaper: {message}", file=sys.stderr)
            sys.exit(USER_ERROR_EXIT)
