"""Scrapy settings of the e-paper crawler. Our own settings are namespaced EPAPER_*; all our components are
enabled here, in one place. Any of them can be overridden with `-s NAME=VALUE`. The locations below are read
from the environment at the edges, not here: crawler/config.py `resolve` takes a setting over its environment
variable over the default beside the project."""

from __future__ import annotations

from scrapy.settings import default_settings

from crawler import quietlog
from pipelines.stages import TEXT_STAGES

BOT_NAME = "epaper"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"

# --- politeness: an archive crawls the same few hosts every night, for years
USER_AGENT = "epaper-archive/0.1 (+https://github.com/epaper-archive; research archive of regional e-papers)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
EPAPER_RETRY_BACKOFF_BASE = 1.0  # seconds before the first retry; doubles per attempt
EPAPER_RETRY_BACKOFF_MAX = 60.0
DOWNLOAD_TIMEOUT = 60
# Retry-After of a 429/503 is honoured up to this many seconds; a longer wait gives the paper up for the run
EPAPER_RETRY_AFTER_MAX = 300.0
DOWNLOADER_MIDDLEWARES = {
    "crawler.hosts.AllowedHostsMiddleware": 90,  # before robots.txt: another host is never asked for anything
    "crawler.backoff.RetryBackoffMiddleware": 560,
    "crawler.archive.ArchiveMiddleware": 950,  # the raw WARC archive of every response, as received
}

# --- limits against hostile or broken sites (docs/operations.md, "Limits and hostile sites")
# An e-paper page or article is well under 1 MiB and a page PDF a few MiB: Scrapy's 1 GiB default lets a gzip
# bomb inflate to gigabytes of memory. Both caps also apply to the decompressed body; a registry entry may raise
# them for its paper with max_response_mb.
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
EPAPER_MAX_PAGES_PER_EDITION = 200
EPAPER_MAX_ARTICLES_PER_PAGE = 500
EPAPER_MAX_POLYGON_COORDINATES = 20000  # numbers in one hotspot polygon (x and y count one each)
# No listening endpoints of our own: the telnet console and the remote-control HTTP server (which also writes
# a job file with its token into the user's profile) run arbitrary code; enable them explicitly with -s.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# --- per-response overheads that matter at e-paper scale (millions of small pages: benchmarks/crawl.py)
CONCURRENT_ITEMS = 1
WARN_ON_GENERATOR_RETURN_VALUE = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
quietlog.install()  # Scrapy's start-up boilerplate only at LOG_LEVEL=DEBUG (crawler/quietlog.py)
LOGSTATS_INTERVAL = 0  # Scrapy's "Crawled N pages (at M pages/min)": our progress line replaces it

# --- progress of long runs (crawler/progress.py): an INFO line every N seconds (0: none), the counters written
# into the run's crawl_run row; a live one-line display when stderr is a terminal (auto, 1, 0)
EXTENSIONS = {"crawler.progress.ProgressExtension": 500}
EPAPER_PROGRESS_INTERVAL = 60.0
EPAPER_PROGRESS_LIVE = "auto"

# --- our stages: text (pipelines/stages.py) then storage
ITEM_PIPELINES = {**TEXT_STAGES, "pipelines.store.StorePipeline": 900}
# the run's books (crawl_run row, exit status, summary: crawler/run_ledger.py) on the store stage's signals; in the
# base dict, so that `-s EXTENSIONS=…` adds extensions to a crawl without losing its exit status
EXTENSIONS_BASE = {**default_settings.EXTENSIONS_BASE, "crawler.run_ledger.RunLedger": 510}
EPAPER_DATABASE_URL = None  # None → $EPAPER_DATABASE_URL, else data/epaper.db (SQLite)
EPAPER_PAPERS = None  # an extra registry file whose entries add to/override ours (None → $EPAPER_PAPERS)
EPAPER_FIXTURE_URL = None  # where {fixture} base URLs point (None → $EPAPER_FIXTURE_URL, else the demo server)
EPAPER_STORE_BATCH = 500
# worker processes that parse pages and articles while the reactor downloads (crawler/parsing.py); 0: parse on
# the reactor thread. Off by default: on the shared two-core bench machine one worker moved ~1 s of CPU off the
# reactor but cost ~2 s in the worker, with no wall-time gain measurable through the noise (benchmarks/README.md)
EPAPER_PARSE_WORKERS = 0

# --- layout-drift monitor (schema/coverage.py): field coverage per run and paper against its healthy history
EPAPER_DRIFT_MIN_BODY = 80  # characters a body needs to count as one
EPAPER_DRIFT_HISTORY = 10  # healthy runs the baseline is the median of
EPAPER_DRIFT_MIN_RUNS = 1  # fewer healthy runs: no judgement yet
EPAPER_DRIFT_MIN_ARTICLES = 20  # a run with fewer articles is not judged on shares (nor used as a baseline)
EPAPER_DRIFT_MIN_PAGES = 4  # ... nor on articles per page with fewer pages
EPAPER_DRIFT_MAX_DROP = 0.25  # a share this far (absolute) below the baseline is drift
EPAPER_DRIFT_PER_PAGE_DROP = 0.5  # articles per page this much (relative) below the baseline is drift

# --- raw archive (crawler/archive/): WARC files under data/archive/<paper>/, rotated by size
EPAPER_ARCHIVE_ENABLED = True
EPAPER_ARCHIVE_DIR = None  # None → $EPAPER_ARCHIVE_DIR, else data/archive
EPAPER_ARCHIVE_MAX_BYTES = 1 << 30
EPAPER_ARCHIVE_MEDIA = False  # also archive images and PDFs the spider did not ask for as page media

# --- page media (crawler/media.py): page images and PDFs fetched into the archive (docs/operations.md, "Page media")
EPAPER_MEDIA = None  # none | image | pdf | all (`-a media=` wins); pdf/all also read image-only articles from the PDF
EPAPER_MEDIA_MAX_BYTES = 32 << 20  # a larger page image or PDF is not fetched (a `media` failure row)
EPAPER_MEDIA_BUDGET_BYTES = 4 << 30  # per run; once spent, further media are failure rows for a later run

# --- scheduling (crawler/runlock.py): one run per paper and database at a time
EPAPER_LOCK_DIR = None  # None → $EPAPER_LOCK_DIR, else data/locks

# --- scale-out (crawler/distributed/): a shared Redis frontier when EPAPER_DISTRIBUTED=redis://… is set
ADDONS = {"crawler.distributed.DistributedAddon": 0}
