"""What the benchmarks share: crawl settings for our own loopback server, a measured child process (time and
resident memory sampled over its run), and the fixture server in a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIB = 1024 * 1024

# politeness off against our own loopback server: we measure our overhead, not throttling
LOCAL_CRAWL_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "0",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "ROBOTSTXT_OBEY": "0",
    "LOG_LEVEL": "WARNING",
    "TELNETCONSOLE_ENABLED": "0",
}


def setting_args(settings: dict[str, str]) -> list[str]:
    """`-s NAME=VALUE` arguments for a scrapy command line."""
    return [arg for key, value in settings.items() for arg in ("-s", f"{key}={value}")]


@dataclass
class Run:
    name: str
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # user + system time of the process: steadier than wall time on a shared machine
    returncode: int = 0
    output: str = ""
    samples: list[tuple[float, int, int]] = field(default_factory=list)  # (elapsed s, RSS bytes, progress)

    @property
    def peak_rss(self) -> int:
        return max((r for _, r, _ in self.samples), default=0)

    def rss_at_quarters(self) -> list[int]:
        """Peak RSS up to each quarter of the run: a leak shows as growth from one quarter to the next."""
        if not self.samples:
            return []
        end = self.samples[-1][0]
        return [max((r for t, r, _ in self.samples if t <= q * end), default=0) for q in (0.25, 0.5, 0.75, 1.0)]


def rss_of(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_measured(
    name: str, cmd: list[str], env: dict[str, str], progress: Callable[[], int] | None = None, every: float = 0.25
) -> Run:
    """Run `cmd` from the project root, sampling its RSS (and `progress()`, e.g. editions stored) as it goes."""
    run = Run(name)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(proc.stdout or []), daemon=True)
    reader.start()
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)  # wait4: the child's CPU time comes with its exit
        if pid:
            break
        run.samples.append((time.perf_counter() - start, rss_of(proc.pid), progress() if progress else 0))
        time.sleep(every)
    run.seconds = time.perf_counter() - start
    run.cpu_seconds = usage.ru_utime + usage.ru_stime
    run.returncode = proc.returncode = os.waitstatus_to_exitcode(status)
    reader.join(timeout=5)
    run.output = "".join(output)
    if proc.returncode != 0:
        print(f"[{name}] exited {proc.returncode}; last output:\n" + "".join(output[-40:]), file=sys.stderr)
    return run


def start_fixture_server(*sites: str) -> tuple[subprocess.Popen[str], str]:
    """`python -m crawler.testsite` on a free port, in its own process; returns it and its base URL."""
    args = [arg for site in sites or ("bench",) for arg in ("--site", site)]
    proc = subprocess.Popen([sys.executable, "-m", "crawler.testsite", *args, "--port", "0"],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    base = proc.stdout.readline().strip()
    if not base.startswith("http"):
        proc.kill()
        raise SystemExit(f"fixture server did not start: {base!r}")
    return proc, base.rstrip("/")
