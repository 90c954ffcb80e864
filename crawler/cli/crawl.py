"""`epaper demo` and `epaper daily`: crawls run in this process (Scrapy's CrawlerProcess)."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from crawler.cli.args import add_db, add_set, setting_overrides

DEMO_DATES = ("2025-04-25", "2025-04-26")
DEMO_PORT = 8765  # the port of the registry's default EPAPER_FIXTURE_URL

# the settings a crawl of our own loopback fixture server uses: no politeness delays against ourselves
LOCAL_SITE_SETTINGS: dict[str, Any] = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "EPAPER_RETRY_BACKOFF_BASE": 0.05,
    "LOG_LEVEL": "WARNING",
}


def run_crawl(spider_args: dict[str, str], settings_overrides: dict[str, Any] | None = None) -> int:
    """Run the epaper spider in this process (Scrapy's CrawlerProcess) and return its exit status."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from crawler.preflight import check_run
    from crawler.run_ledger import EXIT_STATUS_KEY

    settings = get_project_settings()
    for key, value in (settings_overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    check_run(settings, spider_args)  # UserError: one line from main(), no run recorded
    process = CrawlerProcess(settings)
    crawler = process.create_crawler("epaper")
    process.crawl(crawler, **spider_args)
    process.start()
    if process.bootstrap_failed:
        return 1
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return int(stats.get(EXIT_STATUS_KEY, 0))


def cmd_demo(args: argparse.Namespace) -> int:
    from crawler.config import resolve
    from crawler.errors import UserError
    from crawler.testsite.server import FixtureServer
    from crawler.testsite.sites import SITES
    from schema.db import make_engine
    from schema.status import edition_status, format_table, summary

    url = resolve(db=args.db).database_url
    server = FixtureServer([SITES["demo"]], port=args.port)
    try:
        server.start()
    except OSError as exc:  # taken between the pre-flight check and now
        raise UserError(f"port {args.port} is in use (choose another with --port): {exc.strerror}") from exc
    with server:
        print(f"demo site (河东日报, founder-pc) served at {server.base_url}/demo/")
        print(f"crawling {DEMO_DATES[0]} … {DEMO_DATES[1]} into {url}")
        overrides = dict(LOCAL_SITE_SETTINGS, EPAPER_FIXTURE_URL=server.base_url, EPAPER_DATABASE_URL=url)
        os.environ["EPAPER_FIXTURE_URL"] = server.base_url
        status = run_crawl({"paper": "demo", "start": DEMO_DATES[0], "end": DEMO_DATES[1]}, overrides)
    engine = make_engine(url)
    rows = edition_status(engine, "demo")
    print(format_table(rows))
    totals = summary(engine, "demo")
    print(json.dumps(totals, ensure_ascii=False, default=str))
    return status


def daily_spider_args(paper: str) -> dict[str, str]:
    """Today's editions plus yesterday's gaps, each paper in its own timezone (the spider resolves the words)."""
    return {"paper": paper, "start": "yesterday", "end": "today", "only": "gaps"}


def cmd_daily(args: argparse.Namespace) -> int:
    return run_crawl(daily_spider_args(args.paper), setting_overrides(args))


def register_demo(subparsers: Any) -> None:
    demo = subparsers.add_parser(
        "demo", help="serve the bundled demo e-paper on 127.0.0.1 and crawl it into the database"
    )
    add_db(demo)
    demo.add_argument(
        "--port", type=int, default=DEMO_PORT,
        help=f"port of the demo server (default {DEMO_PORT}, as `python -m crawler.testsite`, so that the stored "
        "article and image URLs work whenever the demo site is served; 0: any free port)",
    )
    demo.set_defaults(func=cmd_demo)


def register_daily(subparsers: Any) -> None:
    daily = subparsers.add_parser(
        "daily",
        help="crawl today's editions and retry yesterday's gaps (for cron/systemd; exit 75 if already running)",
    )
    daily.add_argument("--paper", required=True, help="KEY, KEY,KEY or all")
    add_db(daily)
    add_set(daily)
    daily.set_defaults(func=cmd_daily)
