"""Scrapy's start-up and shut-down boilerplate, kept out of the log at the default level.

At LOG_LEVEL=INFO a run used to open with some sixty lines of versions, overridden settings and the lists of
enabled extensions, middlewares and pipelines. Those INFO records are dropped unless the log runs at DEBUG
(`-s LOG_LEVEL=DEBUG`); warnings of the same loggers always pass ("Disabled …: setting is off" stays). The
stats dump at the end stays: tools and tests read figures from it.

Scrapy configures logging with dictConfig after our settings module is imported, which resets the levels of
the `scrapy.*` loggers but keeps their filters: so the rules are filters on the named loggers, and "at
DEBUG" is read from the root handlers' level when a record is logged.
"""

from __future__ import annotations

import logging

# logger → message prefixes to drop at INFO (empty: every INFO record of that logger)
BOILERPLATE: dict[str, tuple[str, ...]] = {
    "scrapy.utils.log": (),  # "Scrapy 2.x started", "Versions: …"
    "scrapy.addons": (),  # "Enabled addons: …"
    "scrapy.middleware": (),  # "Enabled extensions/downloader middlewares/spider middlewares/item pipelines: …"
    "scrapy.crawler": ("Overridden settings",),  # not "Received SIGTERM, shutting down gracefully"
    "scrapy.extensions.telnet": (),  # "Telnet Password", "Telnet console listening"
    "scrapy.extensions.remote_control": ("Remote control HTTP server listening",),
    "alembic.runtime.migration": ("Context impl", "Will assume"),  # not "Running upgrade …"
}


class DropBoilerplate(logging.Filter):
    def __init__(self, prefixes: tuple[str, ...]) -> None:
        super().__init__()
        self.prefixes = prefixes

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING or logging_at_debug():
            return True
        if not self.prefixes:
            return False
        return not str(record.msg).startswith(self.prefixes)


def logging_at_debug() -> bool:
    """True when a root handler lets DEBUG records through (Scrapy sets its handler to LOG_LEVEL)."""
    return any(h.level <= logging.DEBUG for h in logging.root.handlers)


def install() -> None:
    """Put the filters on the boilerplate loggers (idempotent)."""
    for name, prefixes in BOILERPLATE.items():
        target = logging.getLogger(name)
        if not any(isinstance(f, DropBoilerplate) for f in target.filters):
            target.addFilter(DropBoilerplate(prefixes))
