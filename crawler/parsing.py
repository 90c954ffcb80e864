"""The layout parse of one answer as a picklable job, run in this thread or in a worker process.

The family parsers are pure functions of (bytes, URL, date, headers, options), so the same `ParseJob` can be
parsed by the router on the reactor thread (`run`) or by a `ParsePool` worker process while the reactor goes on
downloading (EPAPER_PARSE_WORKERS; crawler/spiders/epaper.py). Either way the result is a `Parsed`: the record,
or the ParseError reason, or the documents the parser needs first; the router (crawler/routing.py) decides what
follows from it, so the two ways store the same rows.

A worker is `python -m crawler.parsing`, spoken to over its stdin and stdout in length-prefixed pickles, from
the asyncio loop the Twisted reactor runs on: no thread of ours in the crawl process, so a job costs a pickle
and a pipe write there, not the thread hand-overs of a ProcessPoolExecutor (which, measured, cost the reactor
more than the parse it saved). A worker that dies (killed, out of memory, a crash in a C extension) fails the
jobs it held with `WorkerLost`, which the spider turns into failure rows with that reason, and the next job
starts a fresh worker. The module imports neither Scrapy nor Twisted: a worker only needs the families.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import os
import pickle
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from crawler.families import get_family
from crawler.families.contract import NeedsDocuments, ParseError

ParseKind = Literal["page", "article"]


@dataclass(frozen=True)
class ParseJob:
    """What one parse needs: the family, which parser, and the parser's arguments."""

    family: str
    kind: ParseKind
    body: bytes
    url: str
    day: dt.date
    headers: Mapping[str, str]
    options: Mapping[str, Any]


@dataclass(frozen=True)
class Parsed:
    """The outcome of a parse: `record` (a PageRecord or ArticleRecord), or the `error` of a ParseError, or the
    `needs` (URLs and reason) of a NeedsDocuments."""

    record: Any = None
    error: str | None = None
    needs: tuple[tuple[str, ...], str] | None = None


def run(job: ParseJob) -> Parsed:
    """Parse in this process. Any exception but the two the contract names is a bug and propagates."""
    family = get_family(job.family)
    parse = family.parse_article if job.kind == "article" else family.parse_page
    try:
        return Parsed(record=parse(job.body, job.url, job.day, job.headers, job.options))
    except NeedsDocuments as need:
        return Parsed(needs=(need.urls, need.reason))
    except ParseError as exc:
        return Parsed(error=str(exc))


class WorkerLost(Exception):
    """The worker process parsing a job ended before it answered."""


_HEADER = 4  # bytes of a frame's length, big-endian


def _frame(value: Any) -> bytes:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return len(data).to_bytes(_HEADER, "big") + data


@dataclass
class _Worker:
    """One worker process and the jobs it holds (id → the future of its outcome)."""

    process: asyncio.subprocess.Process
    pending: dict[int, asyncio.Future[Parsed]] = field(default_factory=dict)
    ended: str | None = None  # why it is gone, once it is
    ids: itertools.count[int] = field(default_factory=itertools.count)
    reader: asyncio.Task[None] | None = None

    @classmethod
    async def spawn(cls) -> _Worker:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "crawler.parsing", stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
        )
        worker = cls(process)
        worker.reader = asyncio.get_running_loop().create_task(worker.read())
        return worker

    async def parse(self, job: ParseJob) -> Parsed:
        if self.ended is not None:
            raise WorkerLost(self.ended)
        stdin = self.process.stdin
        assert stdin is not None
        job_id = next(self.ids)
        outcome: asyncio.Future[Parsed] = asyncio.get_running_loop().create_future()
        self.pending[job_id] = outcome
        stdin.write(_frame((job_id, job)))
        try:
            await stdin.drain()
        except (ConnectionError, BrokenPipeError):
            pass  # the worker is gone: `read` fails the job with the reason
        return await outcome

    async def read(self) -> None:
        """Hand each answer to the job's future; when the worker ends, fail the jobs it still held."""
        stdout = self.process.stdout
        assert stdout is not None
        reason = "the parse worker process ended"
        try:
            while True:
                size = int.from_bytes(await stdout.readexactly(_HEADER), "big")
                job_id, ok, value = pickle.loads(await stdout.readexactly(size))
                outcome = self.pending.pop(job_id)
                if ok:
                    outcome.set_result(value)
                else:  # an exception the parser should not raise: a bug, raised in the crawl as if parsed here
                    outcome.set_exception(value)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        except Exception as exc:  # noqa: BLE001 - an answer that cannot be read: no job may wait for ever
            reason = f"the parse worker's answer could not be read ({type(exc).__name__}: {exc})"
            self.process.kill()
        status = await self.process.wait()
        self.ended = f"{reason} (exit status {status})"
        for outcome in self.pending.values():
            if not outcome.done():
                outcome.set_exception(WorkerLost(self.ended))
        self.pending.clear()

    async def close(self) -> None:
        stdin = self.process.stdin
        if stdin is not None and not stdin.is_closing():
            stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), timeout=30)
        except asyncio.TimeoutError:
            self.process.kill()
            await self.process.wait()
        if self.reader is not None:
            await self.reader


class ParsePool:
    """Worker processes for `run`, used from the asyncio loop (the Twisted asyncio reactor's).

    Workers are separate interpreters started with `python -m crawler.parsing`, not forks of the crawl process
    (whose writer threads' locks a fork would copy as they are). They are children of the crawl process and
    are waited for at `close`, so their CPU time counts in the crawl's (benchmarks/crawl.py reads it with wait4).
    Jobs go to the workers in turn."""

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise ValueError(f"a parse pool needs at least one worker, not {workers}")
        self.workers = workers
        self._slots: list[asyncio.Task[_Worker] | None] = [None] * workers
        self._turn = itertools.cycle(range(workers))

    def start(self) -> None:
        """Start the workers now (the crawl's start-up and theirs overlap); needs the running asyncio loop."""
        for slot in range(self.workers):
            self._worker(slot)

    def _worker(self, slot: int) -> asyncio.Task[_Worker]:
        task = self._slots[slot]
        if task is None or (task.done() and (task.exception() is not None or task.result().ended is not None)):
            task = self._slots[slot] = asyncio.get_event_loop().create_task(_Worker.spawn())
        return task

    async def parse(self, job: ParseJob) -> Parsed:
        """The job's outcome from a worker; WorkerLost when the worker ended with it."""
        worker = await self._worker(next(self._turn))
        return await worker.parse(job)

    async def close(self) -> None:
        """Let the workers finish and wait for them (nothing is in flight once the spider closes)."""
        tasks, self._slots = self._slots, [None] * self.workers
        for task in tasks:
            if task is not None:
                try:
                    worker = await task
                except OSError:
                    continue  # it never started: nothing to wait for
                await worker.close()


def serve() -> None:
    """The worker: parse jobs read from stdin, answers written to stdout, until stdin ends."""
    channel = os.fdopen(os.dup(1), "wb")  # the answers; stray prints of a parser go to stderr, not into them
    os.dup2(2, 1)
    jobs = sys.stdin.buffer
    while header := jobs.read(_HEADER):
        job_id, job = pickle.loads(jobs.read(int.from_bytes(header, "big")))
        answer: tuple[int, bool, Parsed | Exception]
        try:
            answer = (job_id, True, run(job))
        except Exception as exc:  # noqa: BLE001 - a parser bug is raised again in the crawl, where it is logged
            answer = (job_id, False, exc)
        try:
            frame = _frame(answer)
        except Exception as exc:  # noqa: BLE001 - an exception that does not pickle is sent as its text
            frame = _frame((job_id, False, RuntimeError(f"{type(exc).__name__} in the parse worker: {exc}")))
        channel.write(frame)
        channel.flush()


if __name__ == "__main__":  # `python -m crawler.parsing`: the worker, with its records pickled under their own
    from crawler import parsing  # module's name, not __main__'s

    parsing.serve()
