"""Run locks: one run per paper and database at a time, and safe job directories. Installed by the spider.

- **Paper locks.** Every crawl takes an exclusive `fcntl.flock` on `data/locks/<paper>.<db>.lock` (setting
  or environment EPAPER_LOCK_DIR; <db> a digest of the database URL) when the spider is created, before
  any request. A paper whose lock is held by another run
  is left out of this run with one WARNING line; when no paper is left the run crawls nothing and exits with
  LOCKED_EXIT (75, EX_TEMPFAIL: "try again later"). The kernel drops a flock when its process dies, even
  by `kill -9`, so a stale lock file never blocks the next run.
- **Job directories.** With JOBDIR, a run also holds `JOBDIR/epaper.lock` (two runs never share one job
  directory) and writes "running" into it until it closes cleanly. A run that finds "running" there knows
  the previous one was killed: Scrapy's request queue and seen-set in that directory may be torn or stale
  (queues are indexed only on a clean close; the seen-set would drop requests whose items were lost with
  the store's unflushed batch), so they are discarded and the database ledger decides what to fetch:
  every edition not `complete` is fetched again. A job that finished (not paused) leaves no seen-set
  behind, so a JOBDIR can be reused by the next backfill.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import hashlib
import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

logger = logging.getLogger(__name__)

LOCKED_EXIT = 75  # EX_TEMPFAIL (sysexits.h): another run holds the lock; try again later
JOB_LOCK_NAME = "epaper.lock"
JOB_STATE_FILES = ("requests.seen", "requests.queue")  # Scrapy's own JOBDIR state (scheduler and dupefilter)


def lock_path(lock_dir: Path, paper: str, db_url: str) -> Path:
    """The lock of one paper in one database: `<paper>.<10 hex of the URL's sha1>.lock`.

    What must not overlap is two runs writing the same paper's rows; runs of a paper into different
    databases (tests, a staging copy) do not contend. A key that is not a plain name is refused (PathEscape)."""
    from crawler.paths import confined

    digest = hashlib.sha1(db_url.encode("utf-8")).hexdigest()[:10]
    return confined(lock_dir, f"{paper}.{digest}.lock")


class Busy(Exception):
    """The lock is held by another process; the message says by whom."""


@dataclass
class FileLock:
    """An exclusive, non-blocking flock on a file that records its holder (pid, start, what it runs)."""

    path: Path
    handle: IO[str] | None = field(default=None, repr=False)

    def acquire(self, note: str) -> FileLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EACCES, errno.EAGAIN):
                handle.close()
                raise
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise Busy(holder) from None
        self.handle = handle
        self.previous = self.read()
        self.write(note)
        return self

    def read(self) -> str:
        assert self.handle is not None
        self.handle.seek(0)
        return self.handle.read().strip()

    def write(self, text: str) -> None:
        assert self.handle is not None
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(text + "\n")
        self.handle.flush()

    def release(self, note: str | None = None) -> None:
        if self.handle is None:
            return
        if note is not None:
            self.write(note)
        fcntl.flock(self.handle.fileno(), fcntl.LOCK_UN)
        self.handle.close()
        self.handle = None


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _holder_note(spider: Any) -> str:
    args = " ".join(
        f"{k.removesuffix('_arg')}={v}" for k, v in vars(spider).items() if k.endswith("_arg") and v is not None
    )
    return f"pid {os.getpid()} since {_now()} ({args})".replace("  ", " ")


class RunGuard:
    """The locks a crawl holds for its lifetime (see the module docstring). Installed by the spider."""

    def __init__(self) -> None:
        self.paper_locks: dict[str, FileLock] = {}
        self.busy: dict[str, str] = {}  # paper key (or "JOBDIR") → holder
        self.job_lock: FileLock | None = None
        self.jobdir: Path | None = None
        self.discarded_jobdir_state = False

    @property
    def locked_out(self) -> bool:
        """Nothing to crawl because every paper (or the job directory) is held by another run."""
        return bool(self.busy) and not self.paper_locks

    @classmethod
    def install(cls, crawler: Any, spider: Any) -> RunGuard:
        """Take the locks, drop busy papers from `spider.papers`, repair a killed JOBDIR, hook the release."""
        from scrapy import signals

        from crawler.config import resolve

        guard = cls()
        settings = crawler.settings
        config = resolve(settings)
        lock_dir = config.lock_dir
        note = _holder_note(spider)
        jobdir = settings.get("JOBDIR")
        if jobdir:
            guard.jobdir = Path(jobdir)
            try:
                guard.job_lock = FileLock(guard.jobdir / JOB_LOCK_NAME).acquire("running " + note)
            except Busy as busy:
                guard.busy["JOBDIR"] = str(busy)
        if not guard.busy:
            db_url = config.database_url
            for paper in spider.papers:
                try:
                    guard.paper_locks[paper.key] = FileLock(lock_path(lock_dir, paper.key, db_url)).acquire(note)
                except Busy as busy:
                    guard.busy[paper.key] = str(busy)
            spider.papers = [p for p in spider.papers if p.key in guard.paper_locks]
        else:
            spider.papers = []
        if guard.job_lock is not None and not guard.paper_locks:
            guard.job_lock.release(guard.job_lock.previous or "closed")  # not ours to repair or mark
            guard.job_lock = None
        for key, holder in guard.busy.items():
            what = f"job directory {jobdir}" if key == "JOBDIR" else f"paper {key}"
            logger.warning("epaper: %s is locked by %s; skipped (no requests made for it)", what, holder)
        if guard.job_lock is not None and guard.job_lock.previous.startswith("running"):
            guard._discard_job_state()
        crawler.signals.connect(guard.spider_closed, signal=signals.spider_closed)
        return guard

    def _discard_job_state(self) -> None:
        assert self.jobdir is not None
        for name in JOB_STATE_FILES:
            target = self.jobdir / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
        self.discarded_jobdir_state = True
        logger.warning(
            "epaper: the last run in %s did not stop cleanly (killed?); its request queue was discarded and "
            "the database decides what to fetch: every edition not complete",
            self.jobdir,
        )

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.job_lock is not None:
            if reason == "finished":  # the job is done: nothing to resume, let the next backfill start afresh
                self._discard_quietly()
            self.job_lock.release(f"closed ({reason}) {_now()}")
        for lock in self.paper_locks.values():
            lock.release(f"released {_now()}")

    def _discard_quietly(self) -> None:
        assert self.jobdir is not None
        for name in JOB_STATE_FILES:
            target = self.jobdir / name
            if target.is_dir():
                shutil.rmtree(target, ignore_errors=True)
            elif target.exists():
                target.unlink()


