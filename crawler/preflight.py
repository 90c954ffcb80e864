"""What a crawl checks before its first request and its `crawl_run` row: arguments, database, the demo site.

A mistake found here is one line on stderr and a non-zero exit (crawler/errors.py), with nothing recorded; found
later it would be a Scrapy traceback, a `finished` run of nothing that exits 0, or minutes of retries against a
fixture server that is not running.
"""

from __future__ import annotations

import socket
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from crawler.config import resolve
from crawler.errors import UserError, first_line
from crawler.registry import Paper

DEMO_SERVER_HINT = "start it with `python -m crawler.testsite --site demo` (port 8765), or run `epaper demo`"


def check_run(settings: Any, spider_args: Mapping[str, str]) -> list[Paper]:
    """The papers of a run, once its arguments, database and fixture site are known to be usable (UserError)."""
    from crawler.spiders.epaper import planned_papers

    try:
        papers = planned_papers(settings, dict(spider_args))
    except ValueError as exc:  # RegistryError included: unknown paper, no paper
        raise UserError(str(exc)) from exc
    check_database(settings)
    check_fixture_site(papers, resolve(settings).fixture_url)
    return papers


def check_database(settings: Any) -> str:
    """The run's database URL, when it parses and (for a server database) accepts a connection."""
    from sqlalchemy.exc import DBAPIError

    from schema.db import check_database_url, make_engine, sqlite_file

    url = check_database_url(resolve(settings).database_url)
    if sqlite_file(url) is not None:
        return url  # the store creates the file and its folder
    engine = make_engine(url)
    try:
        with engine.connect():
            pass
    except DBAPIError as exc:
        raise UserError(f"cannot connect to the database: {first_line(exc)}") from exc
    finally:
        engine.dispose()
    return url


def check_fixture_site(papers: list[Paper], fixture_url: str, timeout: float = 2.0) -> None:
    """Papers served by the bundled fixture server (the demo) need it running: say how to start it, rather than
    let every request be retried against a closed port and every date end as a `failed` edition."""
    served = [p.key for p in papers if any(layout.base_url.startswith(fixture_url) for layout in p.layouts)]
    if not served:
        return
    parts = urlsplit(fixture_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return
    except OSError as exc:
        reason = first_line(exc)
    raise UserError(
        f"the demo site for {', '.join(served)} is not running at {fixture_url} ({reason}): {DEMO_SERVER_HINT}"
    )
