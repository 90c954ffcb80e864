"""The WARC writer and reader without Scrapy: what is stored, how files rotate, how damage is reported."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.archive.reader import TRUNCATED, ArchiveIndex, read_at, scan_file, truncated_message, warc_files
from crawler.archive.writer import Exchange, WarcFileWriter, safe_group, should_archive
from crawler.config import archive_dir

DAY = dt.date(2025, 4, 25)
PAGE = ("<html><body><h1>河东日报</h1>" + "<p>汾河岸边的新苗圃今日开园。</p>" * 200 + "</body></html>").encode()


def exchange(url: str, body: bytes = PAGE, status: int = 200, headers: list[tuple[str, str]] | None = None,
             day: dt.date = DAY, kind: str = "article", paper: str = "demo") -> Exchange:
    return Exchange(
        url=url, status=status, body=body,
        response_headers=headers or [("Content-Type", "text/html; charset=utf-8")],
        request_headers=[("User-Agent", "epaper-test"), ("Accept-Encoding", "gzip, deflate")],
        ip_address="127.0.0.1", paper=paper, day=day, kind=kind,
    )


def records(path: Path) -> list:
    out = []
    with open(path, "rb") as handle:
        for record in ArchiveIterator(handle):
            out.append((record.rec_type, record.rec_headers, record.http_headers,
                        record.content_stream().read() if record.http_headers else record.raw_stream.read()))
    return out


def test_an_exchange_is_a_warcinfo_then_response_and_request_records_with_our_headers(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path, "demo")
    writer.write(exchange("http://127.0.0.1:1/demo/pc/content/202504/25/content_1.html"))
    writer.close()
    (path,) = writer.files
    assert path.parent == tmp_path / "demo" and path.name.startswith("demo-") and path.name.endswith(".warc.gz")
    kinds = [r[0] for r in records(path)]
    assert kinds == ["warcinfo", "response", "request"]
    _, response_headers, http, body = records(path)[1]
    _, request_headers, request_http, _ = records(path)[2]
    assert body == PAGE
    assert http.get_statuscode() == "200"
    assert http.get_header("Content-Length") == str(len(PAGE))
    assert response_headers.get_header("WARC-Epaper-Paper") == "demo"
    assert response_headers.get_header("WARC-Epaper-Date") == "2025-04-25"
    assert response_headers.get_header("WARC-Epaper-Kind") == "article"
    assert response_headers.get_header("WARC-IP-Address") == "127.0.0.1"
    assert request_headers.get_header("WARC-Concurrent-To") == response_headers.get_header("WARC-Record-ID")
    assert request_http.protocol == "GET" and request_http.get_header("Host") == "127.0.0.1:1"
    assert request_http.get_header("User-Agent") == "epaper-test"


def test_a_gzip_body_is_stored_as_received_and_decodes_to_the_page(tmp_path: Path) -> None:
    wire = gzip.compress(PAGE)
    headers = [("Content-Type", "text/html"), ("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")]
    writer = WarcFileWriter(tmp_path, "demo")
    writer.write(exchange("http://h/a.html", body=wire, headers=headers))
    writer.close()
    scanned, problem = scan_file(writer.files[0])
    assert problem is None and len(scanned) == 1
    with open(writer.files[0], "rb") as handle:
        stored = read_at(handle, scanned[0].offset)
    assert stored.body == wire  # the raw payload: what Scrapy's decompression middleware will see again
    names = {k.lower(): v for k, v in stored.headers}
    assert names["content-encoding"] == "gzip"
    assert "transfer-encoding" not in names  # the body is stored de-chunked: no false transfer coding
    assert names["content-length"] == str(len(wire))
    _, _, _, decoded = records(writer.files[0])[1]
    assert decoded == PAGE  # warcio's content_stream() decodes it like a browser


def test_files_rotate_by_size_and_every_record_stays_readable(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path, "demo", max_bytes=3000)
    urls = [f"http://h/demo/content_{i}.html" for i in range(12)]
    for i, url in enumerate(urls):
        writer.write(exchange(url, body=PAGE + str(i).encode()))
    writer.close()
    assert len(writer.files) >= 3
    assert len(set(writer.files)) == len(writer.files)
    seen = []
    for path in writer.files:
        scanned, problem = scan_file(path)
        assert problem is None
        with open(path, "rb") as handle:
            seen += [(s.url, read_at(handle, s.offset).body) for s in scanned]
    assert seen == [(url, PAGE + str(i).encode()) for i, url in enumerate(urls)]


def test_two_writers_of_one_process_in_the_same_second_never_share_a_file(tmp_path: Path) -> None:
    a, b = WarcFileWriter(tmp_path, "demo"), WarcFileWriter(tmp_path, "demo")
    a.write(exchange("http://h/1.html"))
    b.write(exchange("http://h/2.html"))
    a.close()
    b.close()
    assert a.files[0] != b.files[0]
    assert [s.url for s in scan_file(a.files[0])[0]] == ["http://h/1.html"]
    assert [s.url for s in scan_file(b.files[0])[0]] == ["http://h/2.html"]


@pytest.mark.parametrize(
    ("status", "headers", "expected"),
    [(200, {}, True), (206, {}, True), (404, {}, True), (410, {}, True), (302, {"Location": "/x"}, True),
     (302, {}, False), (500, {}, False), (503, {}, False), (403, {}, False), (429, {}, False)],
)
def test_which_responses_are_archived(status: int, headers: dict, expected: bool) -> None:
    assert should_archive(status, headers) is expected


def test_truncated_garbage_and_foreign_files_are_reported_and_the_intact_part_is_kept(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path, "demo")
    for i in range(6):
        writer.write(exchange(f"http://h/{i}.html"))
    writer.close()
    data = writer.files[0].read_bytes()
    complete, problem = scan_file(writer.files[0])
    assert problem is None and len(complete) == 6

    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: complete[4].offset + 40])  # inside the fifth response record
    found, problem = scan_file(cut)
    assert problem is not None and [s.url for s in found] == [f"http://h/{i}.html" for i in range(4)]

    flipped = bytearray(data)
    flipped[complete[2].offset + complete[2].length // 2] ^= 0xFF
    bad = tmp_path / "flipped.warc.gz"
    bad.write_bytes(bytes(flipped))
    found, problem = scan_file(bad)
    assert problem is not None and len(found) == 2

    garbage = tmp_path / "tail.warc.gz"
    garbage.write_bytes(data + b"\x1f\x8b not really gzip")
    found, problem = scan_file(garbage)
    assert problem is not None and len(found) == 6

    foreign = tmp_path / "foreign.warc.gz"
    foreign.write_bytes(b"this is not a WARC file\n" * 20)
    assert scan_file(foreign) == ([], "not a gzip-compressed WARC file")


def test_a_file_cut_anywhere_inside_a_record_is_reported_as_truncated(tmp_path: Path) -> None:
    """A full disk (ENOSPC) or a killed writer cuts the file at any byte: warcio then trips over various things
    (AttributeError: 'NoneType'…, an invalid first line, a short digest, or nothing at all when only the gzip
    trailer is lost); every cut inside a record reads as TRUNCATED, and the records before it are kept."""
    writer = WarcFileWriter(tmp_path, "demo")
    for i in range(3):
        writer.write(exchange(f"http://h/{i}.html"))
    writer.close()
    data = writer.files[0].read_bytes()
    members = []  # (start, end) of every record's gzip member
    with open(writer.files[0], "rb") as handle:
        iterator = ArchiveIterator(handle)
        for record in iterator:
            record.raw_stream.read()
            members.append((iterator.get_record_offset(), iterator.get_record_offset() + iterator.get_record_length()))
    urls = [f"http://h/{i}.html" for i in range(3)]
    responses = [start for start, _ in members[1::2]]  # warcinfo, then response + request per exchange
    cut = tmp_path / "cut.warc.gz"
    for end in range(members[2][1] - 20, members[4][1] + 1):  # every byte of the second exchange
        cut.write_bytes(data[:end])
        found, problem = scan_file(cut)
        whole = sum(1 for start, stop in members[1::2] if stop <= end)  # responses wholly before the cut
        if any(stop == end for _, stop in members):  # between records: a shorter but intact file
            assert problem is None and len(found) == whole, end
            continue
        assert problem == TRUNCATED, (end, problem)
        assert [s.url for s in found] == urls[:whole], end
        assert [s.offset for s in found] == responses[:whole]
    cut.write_bytes(data[: members[5][0] + 100])  # 100 bytes into the third response
    index = ArchiveIndex.build(tmp_path)
    assert index.truncated == {str(cut): 2} and index.problems[str(cut)] == TRUNCATED
    assert truncated_message(cut, 2).startswith(f"truncated WARC file {cut}, 2 records read")


def test_the_index_prefers_content_to_later_404s_and_the_newest_copy_among_equals(tmp_path: Path) -> None:
    first = WarcFileWriter(tmp_path, "demo")
    first.write(exchange("http://h/entry.html", body=b"old", kind="edition"))
    first.write(exchange("http://h/gone.html", body=b"kept"))
    first.close()
    second = WarcFileWriter(tmp_path, "demo")
    second.write(exchange("http://h/entry.html", body=b"new", kind="edition"))
    second.write(exchange("http://h/gone.html", body=b"404 removed", status=404))
    second.write(exchange("http://h/other.html", day=dt.date(2025, 4, 26)))
    second.close()
    index = ArchiveIndex.build(tmp_path)
    assert not index.problems

    def body(url: str) -> bytes:
        entry = index.entries[url]
        with open(index.files[entry.file], "rb") as handle:
            return read_at(handle, entry.offset).body

    assert body("http://h/entry.html") == b"new"
    assert body("http://h/gone.html") == b"kept"
    assert index.editions == {"demo": {DAY}}
    only_26 = ArchiveIndex.build(tmp_path, ["demo"], dt.date(2025, 4, 26), dt.date(2025, 4, 26))
    assert set(only_26.entries) == {"http://h/other.html"}
    assert ArchiveIndex.build(tmp_path, ["other_paper"]).entries == {}


def test_archive_dir_default_and_paper_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EPAPER_ARCHIVE_DIR", raising=False)
    assert archive_dir(None).parts[-2:] == ("data", "archive")
    monkeypatch.setenv("EPAPER_ARCHIVE_DIR", str(tmp_path))
    assert archive_dir(None) == tmp_path
    assert archive_dir(tmp_path / "x") == tmp_path / "x"
    assert safe_group("ycrb") == "ycrb" and safe_group("a/b c") == "a_b_c"
    for group in ("ycrb", "ycwb"):
        writer = WarcFileWriter(tmp_path, group)
        writer.write(exchange("http://h/x.html", paper=group))
        writer.close()
    assert [p.parent.name for p in warc_files(tmp_path, ["ycwb"])] == ["ycwb"]
    assert len(list(warc_files(tmp_path))) == 2


def test_a_url_on_another_host_or_port_is_found_by_paper_and_path(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path, "demo")
    writer.write(exchange("http://127.0.0.1:8001/demo/pc/content/202504/25/content_7.html?x=1"))
    writer.close()
    index = ArchiveIndex.build(tmp_path)
    exact, moved = index.lookup("http://127.0.0.1:8001/demo/pc/content/202504/25/content_7.html?x=1#top", "demo")
    assert exact is not None and not moved
    other, moved = index.lookup("https://127.0.0.1:9002/demo/pc/content/202504/25/content_7.html?x=1", "demo")
    assert other == exact and moved
    assert index.lookup("https://127.0.0.1:9002/demo/pc/content/202504/25/content_7.html?x=1", "ycrb") == (None, False)
    assert index.lookup("http://127.0.0.1:8001/demo/pc/content/202504/25/content_7.html?x=2", "demo") == (None, False)
