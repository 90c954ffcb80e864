"""The benchmark site pre-rendered to files and served by a static server in its own process.

The fixture server renders every page in Python on two shared cores; measured against it, a bare Scrapy fetch
is bounded by the server, not by Scrapy, and the crawl/fetch ratio hides part of our own cost. Here the pages
are rendered once, before any timing, by the fixture server's own `respond` (the same bytes and content types
the crawl would get), written under a folder, and served by nginx when it is installed (`apt-get install
nginx-light`) or else by Python's threading HTTP server, each in a process of its own.

    python -m benchmarks.static serve FOLDER      # the Python server (prints its base URL, then serves)
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from benchmarks.measure import ROOT

NGINX = Path("/usr/sbin/nginx")
NGINX_CONF = """daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_requests 1000000;
    open_file_cache max=1000 inactive=60s;  # each cached file holds a descriptor: a year's 20,440 files exceed the limit
    types {{ text/html html htm; }}
    default_type application/octet-stream;
    charset utf-8;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
    }}
}}
"""


def prerender(site_key: str, paths: Iterable[str], folder: Path) -> int:
    """Write the fixture server's answer to each path under `folder`; returns the bytes written.

    Only UTF-8 HTML is expected (the bench site's pages): anything else is refused, since a static server
    could not label it as the fixture server does."""
    from crawler.testsite.server import FixtureServer
    from crawler.testsite.sites import SITES

    fixture = FixtureServer([SITES[site_key]])
    total = 0
    for path in paths:
        response = fixture.respond(path)
        if response.status != 200 or response.content_type != "text/html; charset=utf-8":
            raise SystemExit(f"cannot pre-render {path}: {response.status} {response.content_type}")
        target = folder / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(response.body)
        total += len(response.body)
    return total


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_listening(port: int, proc: subprocess.Popen[Any], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"static server exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("static server did not start listening")


def start_static_server(folder: Path, kind: str = "auto") -> tuple[subprocess.Popen[Any], str, str]:
    """Serve `folder` on a free loopback port in a process of its own: (process, base URL, server name).

    `kind`: "nginx", "python", or "auto" (nginx when installed)."""
    if kind == "auto":
        kind = "nginx" if NGINX.is_file() else "python"
    if kind == "nginx":
        port = _free_port()
        tmp = folder.parent / "nginx"
        folder.parent.chmod(0o755)  # nginx started as root serves as `nobody`: the scratch folder must be readable
        tmp.mkdir(exist_ok=True)
        conf = tmp / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=tmp, port=port, root=folder), encoding="utf-8")
        proc: subprocess.Popen[Any] = subprocess.Popen(
            [str(NGINX), "-c", str(conf), "-p", str(tmp), "-e", str(tmp / "error.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        _wait_listening(port, proc)
        return proc, f"http://127.0.0.1:{port}", "nginx"
    proc = subprocess.Popen([sys.executable, "-m", "benchmarks.static", "serve", str(folder)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    base = proc.stdout.readline().strip()
    if not base.startswith("http"):
        proc.kill()
        raise SystemExit(f"static server did not start: {base!r}")
    return proc, base, "python http.server"


class _QuietHandler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as nginx
    extensions_map = {".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8"}

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server signature)
        """Quiet: a crawl makes thousands of requests."""


def serve(folder: Path) -> None:
    """Python's threading HTTP server on `folder`, printing its base URL first."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(folder)))
    httpd.daemon_threads = True
    print(f"http://127.0.0.1:{httpd.server_address[1]}", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "serve":
        serve(Path(sys.argv[2]))
    else:
        raise SystemExit(__doc__)
