"""`python -m crawler.testsite --site demo --port 8765`: run the fixture e-paper server in the foreground.

The benchmark and manual crawls start it in its own process; it prints its base URL and the sites'
index URLs, then serves until killed (SIGINT or SIGTERM)."""

from __future__ import annotations

import argparse
import signal
from types import FrameType


def main(argv: list[str] | None = None) -> int:
    from crawler.testsite.server import FixtureServer
    from crawler.testsite.sites import SITES

    parser = argparse.ArgumentParser(prog="python -m crawler.testsite", description=__doc__)
    parser.add_argument(
        "--site", action="append", choices=[*SITES, "all"], help="site to serve (repeatable; default all)"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    args = parser.parse_args(argv)
    keys = list(SITES) if not args.site or "all" in args.site else args.site
    server = FixtureServer([SITES[k] for k in keys], host=args.host, port=args.port)

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    server.start()
    print(server.base_url, flush=True)
    for key in keys:
        site = SITES[key]
        print(
            f"  {key}: {server.index_url(key)}  ({len(site.dates)} dates, {site.dates[0]}..{site.latest})",
            flush=True,
        )
    try:
        signal.pause() if hasattr(signal, "pause") else server._thread.join()  # type: ignore[union-attr]
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0
