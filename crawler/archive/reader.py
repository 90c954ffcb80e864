"""Reading the raw archive back: a response record at an offset, a scan of a WARC file that survives damage,
and the index of an archive folder (URL → file and offset) that the replay answers requests from.

Per URL, a 2xx copy beats a redirect, which beats a 404/410; among equals the latest WARC-Date wins (a site
that later deletes an old edition must not erase the copy we have). A URL not found is looked up by paper +
path, for a site that moved host or scheme, or the demo server on another port.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging
import mmap
import time
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from crawler.archive.keys import (
    DATE_HEADER,
    KIND_HEADER,
    NOT_PUBLISHED_STATUSES,
    PAPER_HEADER,
    safe_group,
    url_key,
)
from crawler.paths import confined

logger = logging.getLogger(__name__)

OPEN_FILES = 32  # WARC files a RecordReader keeps open


@dataclass
class ArchivedResponse:
    """A response record read back: the body as stored (still content-encoded), headers as stored."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    protocol: str
    date: str
    paper: str | None
    day: dt.date | None
    kind: str | None


def _status_of(record: Any) -> int:
    code = record.http_headers.get_statuscode() if record.http_headers is not None else None
    if code is None:
        return 0
    try:
        return int(code)
    except (TypeError, ValueError):
        return 0


def _day_of(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def read_response_record(record: Any) -> ArchivedResponse:
    """An ArchivedResponse from a warcio response record (its raw payload: what Scrapy received)."""
    headers = record.rec_headers
    http = record.http_headers
    return ArchivedResponse(
        url=headers.get_header("WARC-Target-URI"),
        status=_status_of(record),
        headers=list(http.headers) if http is not None else [],
        body=record.raw_stream.read(),
        protocol=(http.protocol if http is not None and http.protocol else "HTTP/1.1"),
        date=headers.get_header("WARC-Date") or "",
        paper=headers.get_header(PAPER_HEADER),
        day=_day_of(headers.get_header(DATE_HEADER)),
        kind=headers.get_header(KIND_HEADER),
    )


def read_at(handle: BinaryIO, offset: int) -> ArchivedResponse:
    """The response record that starts at `offset` (digests checked: a damaged record raises)."""
    handle.seek(offset)
    iterator = ArchiveIterator(handle, check_digests=True)
    try:
        record = next(iterator)
        if record.rec_type != "response":
            raise ArchiveLoadFailed(f"record at {offset} is a {record.rec_type} record, not a response")
        response = read_response_record(record)
        _check_digest(record)
        return response
    finally:
        iterator.close()


def _check_digest(record: Any) -> None:
    """Raise when the record's block digest failed, or was never reached because the body was cut short."""
    checker = getattr(record, "digest_checker", None)
    if checker is not None and checker.passed is False:
        raise ArchiveLoadFailed("; ".join(checker.problems) or "digest mismatch")
    has_digest = record.rec_headers.get_header("WARC-Block-Digest") is not None
    if has_digest and (checker is None or checker.passed is None):
        raise ArchiveLoadFailed(f"record of {record.rec_headers.get_header('WARC-Target-URI')} is incomplete")


def _plain_record(data: bytes, check_digest: bool = True) -> tuple[dict[str, str], bytes] | None:
    """The WARC headers (lower-case names) and block of one decompressed record, or None unless it is a plain
    ASCII-headed record whose block is whole and matches its sha1 block digest (anything else: warcio reads it).
    `check_digest=False` when the scan that indexed the record checked it (the gzip member's CRC-32 still
    guards the read)."""
    head, _, rest = data.partition(b"\r\n\r\n")
    if not head.isascii():
        return None
    lines = head.decode("ascii").split("\r\n")
    if not lines[0].startswith("WARC/"):
        return None
    warc: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        warc[name.strip().lower()] = value.strip()
    length = int(warc["content-length"])
    block = rest[:length]
    digest = warc.get("warc-block-digest", "")
    if len(block) != length or not warc.get("warc-record-id") or not warc.get("warc-type"):
        return None
    if not digest.startswith("sha1:"):
        return None
    if check_digest and base64.b32encode(hashlib.sha1(block).digest()).decode() != digest[5:]:
        return None
    return warc, block


def _http_status(block: bytes) -> int:
    line = block[: block.find(b"\r\n")].decode("latin-1")
    try:
        return int(line.split(" ", 2)[1])
    except (IndexError, ValueError):
        return 0


def parse_member(member: bytes, check_digest: bool = True) -> ArchivedResponse | None:
    """A response record from one whole gzip member, parsed directly (a scan's warcio costs 10× more); None
    when it is anything but a plain one-member response record with a block digest that matches (not
    recomputed with `check_digest=False`: zlib checks the member's CRC-32 and length either way)."""
    try:
        inflater = zlib.decompressobj(wbits=31)
        data = inflater.decompress(member)
        if not inflater.eof:
            return None
        plain = _plain_record(data, check_digest)
        if plain is None or plain[0].get("warc-type") != "response":
            return None
        warc, block = plain
        http_head, _, body = block.partition(b"\r\n\r\n")
        if not http_head.isascii():
            return None  # warcio's reading of non-ASCII header bytes is the reference: let it read them
        http_lines = http_head.decode("ascii").split("\r\n")
        protocol, _, status_text = http_lines[0].partition(" ")
        headers = []
        for line in http_lines[1:]:
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
        return ArchivedResponse(
            url=warc.get("warc-target-uri", ""), status=int(status_text.split(" ", 1)[0] or 0), headers=headers,
            body=body, protocol=protocol or "HTTP/1.1", date=warc.get("warc-date", ""),
            paper=warc.get(PAPER_HEADER.lower()), day=_day_of(warc.get(DATE_HEADER.lower())),
            kind=warc.get(KIND_HEADER.lower()),
        )
    except (zlib.error, ValueError, KeyError, UnicodeDecodeError):
        return None


@dataclass
class ScannedRecord:
    """Where one response record is, with what the index needs to know about it."""

    offset: int
    length: int
    url: str
    status: int
    date: str
    paper: str | None
    day: dt.date | None
    kind: str | None


# scan_file's problem for a file that ends inside a record (a full disk, a killed writer): its intact records
# are used, and the command reports "truncated WARC file PATH, N records read".
TRUNCATED = "truncated: the file ends inside a record"
_CHUNK = 1 << 20


def cut_member(path: Path, start: int) -> int | None:
    """Where the gzip member that the end of the file cuts short begins, or None.

    The members from `start` must decompress cleanly up to the end of the file, where the last one stops before
    its end: the file was cut short, not altered (a flipped byte fails zlib's check instead, giving None).
    Streams in chunks and discards the output, so a large file costs time, not memory."""
    member, member_start, fed = zlib.decompressobj(wbits=31), start, False
    read = start
    with open(path, "rb") as handle:
        handle.seek(start)
        while chunk := handle.read(_CHUNK):
            read += len(chunk)
            while chunk:
                try:
                    member.decompress(chunk)
                except zlib.error:
                    return None
                fed = True
                if not member.eof:
                    break
                chunk = member.unused_data
                member, member_start, fed = zlib.decompressobj(wbits=31), read - len(chunk), False
    return member_start if fed and not member.eof else None


_QUICK_CHUNK = 1 << 16


def quick_scan(path: Path) -> list[ScannedRecord] | None:
    """Every response record of a WARC file whose every gzip member holds one plain, whole, digest-checked
    record (what our writer writes), read with zlib alone; None at the first thing that is not so (damage,
    foreign files): scan_file's warcio scan then reads the file and says what is wrong with it."""
    try:
        with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            return _quick_scan(memoryview(mapped))
    except (OSError, ValueError):  # ValueError: an empty file cannot be mapped
        return None


def _quick_scan(data: memoryview) -> list[ScannedRecord] | None:
    found: list[ScannedRecord] = []
    position, size = 0, len(data)
    try:
        while position < size:
            inflater = zlib.decompressobj(wbits=31)
            pieces, read = [], position
            while not inflater.eof:  # in chunks: unused_data copies what is left of the input
                if read >= size:
                    return None
                chunk = data[read:read + _QUICK_CHUNK]
                pieces.append(inflater.decompress(chunk))
                read += len(chunk)
            length = read - position - len(inflater.unused_data)
            plain = _plain_record(b"".join(pieces))
            if plain is None:
                return None
            warc, block = plain
            if warc["warc-type"] == "response":
                found.append(ScannedRecord(
                    offset=position, length=length, url=url_key(warc.get("warc-target-uri", "")),
                    status=_http_status(block), date=warc.get("warc-date", ""), paper=warc.get(PAPER_HEADER.lower()),
                    day=_day_of(warc.get(DATE_HEADER.lower())), kind=warc.get(KIND_HEADER.lower()),
                ))
            position += length
    except (zlib.error, ValueError, KeyError):
        return None
    return found


def scan_file(path: Path) -> tuple[list[ScannedRecord], str | None]:
    """Every intact response record of one WARC file, and the problem that stopped the scan, if any.

    Digests are checked and the records must cover the whole file, so a truncated, altered or foreign file is
    reported instead of being indexed with short bodies; the records before the damage stay usable. A file
    cut short inside a record reports TRUNCATED, whatever warcio's reader tripped over at the cut."""
    quick = quick_scan(path)
    if quick is not None:
        return quick, None
    found: list[ScannedRecord] = []
    problem, end, last = _scan(path, found)
    if problem == NOT_GZIP:
        return found, problem
    # after a problem, look from the end of the last intact record; without one, at the last record itself:
    # warcio accepts a record whose content is whole but whose gzip member lost its last bytes
    try:
        cut = cut_member(path, end if problem is not None else last)
    except OSError:
        cut = None
    if cut is not None:
        # only records whose member is whole: a cut can leave a header block that still parses
        return [r for r in found if r.offset < cut], TRUNCATED
    return found, problem


NOT_GZIP = "not a gzip-compressed WARC file"


def _scan(path: Path, found: list[ScannedRecord]) -> tuple[str | None, int, int]:
    """Append the file's intact response records to `found`.

    Returns the problem (None when there is none), the end of the last intact record, and its start."""
    end = last = 0
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            if handle.read(2) != b"\x1f\x8b":
                return NOT_GZIP, end, last
            handle.seek(0)
            iterator = ArchiveIterator(handle, check_digests=True)
            for record in iterator:
                if record.format != "warc" or not record.rec_type or not record.rec_headers.get_header("WARC-Record-ID"):
                    return f"no complete WARC record at offset {iterator.get_record_offset()}", end, last
                headers = record.rec_headers
                record.raw_stream.read()  # the digest is checked while the body is read
                _check_digest(record)
                last = iterator.get_record_offset()
                end = last + iterator.get_record_length()
                if record.rec_type != "response":
                    continue
                found.append(
                    ScannedRecord(
                        offset=iterator.get_record_offset(),
                        length=iterator.get_record_length(),
                        url=url_key(headers.get_header("WARC-Target-URI") or ""),
                        status=_status_of(record),
                        date=headers.get_header("WARC-Date") or "",
                        paper=headers.get_header(PAPER_HEADER),
                        day=_day_of(headers.get_header(DATE_HEADER)),
                        kind=headers.get_header(KIND_HEADER),
                    )
                )
    except Exception as exc:  # noqa: BLE001 - zlib, parser and I/O errors of a damaged file must not stop a reparse
        return f"{type(exc).__name__}: {exc}"[:300], end, last
    if end < size:
        return (f"{size - end} bytes after offset {end} are not complete WARC records (truncated or damaged)",
                end, last)
    return None, end, last


def warc_files(directory: Path, papers: Iterable[str] | None = None) -> Iterator[Path]:
    """The archive's WARC files (of some papers), oldest name first."""
    if not directory.is_dir():
        return
    if papers is None:
        yield from sorted(directory.rglob("*.warc.gz"))
        return
    for paper in sorted({safe_group(p) for p in papers}):
        sub = confined(directory, paper)
        if sub.is_dir():
            yield from sorted(sub.glob("*.warc.gz"))


def path_of(url: str) -> str:
    """Path and query of a URL: the key of the host-independent lookup."""
    parts = urlsplit(url_key(url))
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def truncated_message(path: Path | str, records: int) -> str:
    """The one line for a WARC file cut inside a record (a full disk, a killed writer)."""
    return (f"truncated WARC file {path}, {records} records read (those are used; what followed the cut is "
            "lost: re-crawl those dates)")


def _rank(status: int, date: str) -> tuple[int, str]:
    """Which copy of a URL the replay uses: content first, then redirects, then "not published"; then newest."""
    if 200 <= status < 300:
        klass = 3
    elif 300 <= status < 400:
        klass = 2
    elif status in NOT_PUBLISHED_STATUSES:
        klass = 1
    else:
        klass = 0
    return klass, date


@dataclass(slots=True)
class IndexEntry:
    file: int  # position in ArchiveIndex.files
    offset: int
    status: int
    date: str
    length: int = 0  # of the record's gzip member; 0: unknown (read with warcio)


@dataclass
class ArchiveIndex:
    """URL → the response record to replay, for some papers and dates of an archive directory."""

    directory: Path
    files: list[Path] = field(default_factory=list)
    entries: dict[str, IndexEntry] = field(default_factory=dict)
    by_path: dict[tuple[str, str], IndexEntry] = field(default_factory=dict)  # (paper, path?query) → entry
    editions: dict[str, set[dt.date]] = field(default_factory=dict)  # paper → dates with an archived entry
    problems: dict[str, str] = field(default_factory=dict)  # file → what is wrong with it
    truncated: dict[str, int] = field(default_factory=dict)  # file cut inside a record → responses read
    records: int = 0
    seconds: float = 0.0

    @classmethod
    def build(
        cls,
        directory: Path,
        papers: Iterable[str] | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
    ) -> ArchiveIndex:
        """Scan the WARC files (of the papers' folders) and index their response records."""
        started = time.perf_counter()
        wanted = set(papers) if papers else None
        index = cls(directory)
        for path in warc_files(directory, wanted):
            records, problem = scan_file(path)
            if problem == TRUNCATED:
                index.truncated[str(path)] = len(records)
                index.problems[str(path)] = problem
                logger.warning("%s", truncated_message(path, len(records)))
            elif problem is not None:
                index.problems[str(path)] = problem
                logger.warning("archive file %s: %s (%d intact records before it are used)", path, problem,
                               len(records))
            file_no = len(index.files)
            index.files.append(path)
            for r in records:
                if wanted is not None and r.paper not in wanted:
                    continue
                if (date_from or date_to) and (
                    r.day is None or (date_from and r.day < date_from) or (date_to and r.day > date_to)
                ):
                    continue
                index.records += 1
                entry = IndexEntry(file_no, r.offset, r.status, r.date, r.length)
                old = index.entries.get(r.url)
                if old is None or _rank(r.status, r.date) >= _rank(old.status, old.date):
                    index.entries[r.url] = entry
                if r.paper:
                    key = (r.paper, path_of(r.url))
                    old = index.by_path.get(key)
                    if old is None or _rank(r.status, r.date) >= _rank(old.status, old.date):
                        index.by_path[key] = entry
                if r.kind == "edition" and r.paper and r.day is not None:
                    index.editions.setdefault(r.paper, set()).add(r.day)
        index.seconds = time.perf_counter() - started
        return index

    def lookup(self, url: str, paper: str | None = None) -> tuple[IndexEntry | None, bool]:
        """The record for a URL; else, within the paper, the record of the same path on another host/port
        (a site that moved host or scheme, the demo server on another port). Second value: it was a fallback."""
        entry = self.entries.get(url_key(url))
        if entry is not None or not paper:
            return entry, False
        entry = self.by_path.get((paper, path_of(url)))
        return entry, entry is not None

    def has_edition(self, paper: str, day: dt.date) -> bool:
        return day in self.editions.get(paper, ())

    def date_range(self) -> tuple[dt.date, dt.date] | None:
        days = [d for dates in self.editions.values() for d in dates]
        return (min(days), max(days)) if days else None


class RecordReader:
    """Open WARC files, a few at a time (LRU), for random access by offset."""

    def __init__(self, files: list[Path], limit: int = OPEN_FILES) -> None:
        self.files = files
        self.limit = limit
        self.handles: OrderedDict[int, BinaryIO] = OrderedDict()

    def read(self, file_no: int, offset: int, length: int = 0) -> ArchivedResponse:
        """The response record at `offset`; with its member's `length`, parsed here (the scan that indexed it
        checked its block digest; zlib checks the member's CRC-32 again, and a member that fails it is read
        with warcio, which says what is wrong), else read with warcio."""
        handle = self.handles.get(file_no)
        if handle is None:
            handle = open(self.files[file_no], "rb")  # noqa: SIM115 - cached, closed in close()
            self.handles[file_no] = handle
            while len(self.handles) > self.limit:
                self.handles.popitem(last=False)[1].close()
        else:
            self.handles.move_to_end(file_no)
        if length > 0:
            handle.seek(offset)
            found = parse_member(handle.read(length), check_digest=False)
            if found is not None:
                return found
        return read_at(handle, offset)

    def close(self) -> None:
        for handle in self.handles.values():
            handle.close()
        self.handles.clear()
