"""End to end: a crawl of the fixture server writes WARC files; `epaper reparse` rebuilds the database from them
with the server down, changes nothing in the crawled database, and picks up a parser change."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.testsite.faults import Faults
from crawler.testsite.server import FixtureServer
from crawler.testsite.sites import SITES
from tests.crawl.conftest import expected_counts, registry_for, run_crawl
from tests.dbfixtures import FreshDatabases

from .conftest import article_rows, content, copy_db, counts, query, run_reparse

ROTATE_AT = 40_000  # bytes: the demo archive (~130 KB compressed) spreads over several files


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, module_db_urls: FreshDatabases) -> dict:
    """One crawl of the demo paper with the archive on and a small rotation size (once per backend)."""
    tmp = tmp_path_factory.mktemp("demo")
    server = FixtureServer([SITES["demo"]]).start()
    db_url = module_db_urls("crawl")
    archive = tmp / "archive"
    result = run_crawl(server.base_url, db_url, "demo", start="2025-04-25", end="2025-04-26",
                       settings={"EPAPER_ARCHIVE_ENABLED": "1", "EPAPER_ARCHIVE_DIR": str(archive),
                                 "EPAPER_ARCHIVE_MAX_BYTES": str(ROTATE_AT)})
    assert result.returncode == 0, result.log[-3000:]
    yield {"server": server, "db": db_url, "archive": archive, "log": result.log, "tmp": tmp,
           "fresh_db": module_db_urls}
    server.stop()


def response_records(archive: Path) -> list[tuple[str, int, bytes, str | None]]:
    out = []
    for path in sorted(archive.rglob("*.warc.gz")):
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type == "response":
                    out.append((record.rec_headers.get_header("WARC-Target-URI"),
                                int(record.http_headers.get_statuscode()), record.content_stream().read(),
                                record.rec_headers.get_header("WARC-Epaper-Kind")))
    return out


def test_the_crawl_archives_every_response_with_the_bytes_the_server_sent(demo: dict) -> None:
    records = response_records(demo["archive"])
    reference = FixtureServer([SITES["demo"]])  # answers without a socket: the very bytes it serves
    paper_records = [r for r in records if r[3] is not None]
    for url, status, body, _ in records:
        assert status == 200
        assert body == reference.respond(urlsplit(url).path).body, url
    pages, articles = expected_counts(SITES["demo"], list(SITES["demo"].dates))
    stored_articles = query(demo["db"], "select url from article")
    urls = {r[0] for r in paper_records}
    assert {u for (u,) in stored_articles} <= urls
    kinds = [r[3] for r in paper_records]
    assert kinds.count("edition") == 2 and kinds.count("page") == pages - 2 and kinds.count("article") >= articles
    stats = dict(re.findall(r"'epaper/archive/(records|responses)': (\d+)", demo["log"]))
    assert int(stats["responses"]) == len(records) and int(stats["records"]) == 2 * len(records)


def test_the_archive_rotates_by_size_into_several_readable_files(demo: dict) -> None:
    files = sorted((demo["archive"] / "demo").glob("*.warc.gz"))
    assert len(files) >= 3
    names = [re.fullmatch(r"demo-\d{8}T\d{6}Z-(\d+)-(\d{5})\.warc\.gz", f.name) for f in files]
    assert all(names) and len({m.group(1) for m in names}) == 1  # one worker pid, serials 1…n
    assert [int(m.group(2)) for m in names] == list(range(1, len(files) + 1))
    assert all(f.stat().st_size < ROTATE_AT + 40_000 for f in files)


def test_reparse_into_the_crawled_database_sends_no_request_and_changes_nothing(demo: dict) -> None:
    server = demo["server"].start()  # running, to show that not one request reaches it
    server.reset_hits()
    before_rows, before_counts = article_rows(demo["db"]), counts(demo["db"])
    runs_before = query(demo["db"], "select count(*) from crawl_run")[0][0]
    run = run_reparse(demo["archive"], demo["db"], server.base_url)
    assert run.returncode == 0, run.stderr[-3000:]
    assert sum(server.hits.snapshot().values()) == 0
    summary = run.summary
    assert summary["missing"] == 0 and summary["network_blocked"] == 0 and summary["damaged_files"] == 0
    assert summary["articles"] > 0 and summary["editions"] == 2
    assert counts(demo["db"]) == before_counts
    assert article_rows(demo["db"]) == before_rows  # same ids, hashes, versions; changed_at untouched
    arguments = query(demo["db"], "select * from crawl_run order by id desc limit 1")[0]
    assert query(demo["db"], "select count(*) from crawl_run")[0][0] == runs_before + 1
    assert any("reparse" in str(value) for value in arguments)


def test_reparse_with_the_server_down_rebuilds_the_database_from_the_archive(demo: dict) -> None:
    demo["server"].stop()
    fresh = demo["fresh_db"]("fresh")
    run = run_reparse(demo["archive"], fresh, demo["server"].base_url)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.summary["network_blocked"] == 0 and run.summary["missing"] == 0
    crawled = counts(demo["db"])
    assert counts(fresh) == crawled
    assert content(fresh) == content(demo["db"])  # same pages, statuses, source keys and content hashes
    assert {v for (v,) in query(fresh, "select distinct parser_version from article")} == {"founder-pc/V1"}


def test_reparse_records_a_changed_parser_and_a_second_reparse_restores_the_rows(demo: dict) -> None:
    db = copy_db(demo["db"], demo["fresh_db"]("patched"))
    before = article_rows(db)
    run = run_reparse(demo["archive"], db, demo["server"].base_url, patched=True)
    assert run.returncode == 0, run.stderr[-3000:]
    after = article_rows(db)
    assert [r[:4] for r in after] == [r[:4] for r in before]  # updated in place: same ids and keys
    assert {r[5] for r in after} == {"founder-pc/V9"}
    assert all(a[4] != b[4] and a[6] != b[6] for a, b in zip(after, before, strict=True))  # hash and changed_at
    assert all(a[7] == b[7] for a, b in zip(after, before, strict=True))  # first_seen_at kept
    assert all(title.endswith("修订") for (title,) in query(db, "select title from article"))
    assert counts(db) == counts(demo["db"])

    again = run_reparse(demo["archive"], db, demo["server"].base_url)
    assert again.returncode == 0, again.stderr[-3000:]
    assert content(db) == content(demo["db"])


def test_a_truncated_and_a_corrupt_warc_file_are_reported_not_a_crash(demo: dict) -> None:
    archive = demo["tmp"] / "damaged"
    shutil.copytree(demo["archive"], archive)
    files = sorted((archive / "demo").glob("*.warc.gz"))
    last = files[-1]
    last.write_bytes(last.read_bytes()[: last.stat().st_size // 2])
    (archive / "demo" / "demo-20250101T000000Z-1-00001.warc.gz").write_bytes(b"\x1f\x8b\x08\x00garbage" * 50)
    db = demo["fresh_db"]("damaged")
    run = run_reparse(archive, db, demo["server"].base_url)
    assert "Traceback" not in run.stderr and "NoneType" not in run.stderr
    assert run.returncode == 1  # cron sees it
    assert run.stderr.count("damaged archive file") == 1  # the garbage file
    (torn,) = [line for line in run.stderr.splitlines() if line.startswith("epaper reparse: warning: truncated")]
    assert re.fullmatch(rf"epaper reparse: warning: truncated WARC file \S+{last.name}, \d+ records read .*", torn)
    summary = run.summary
    assert summary["damaged_files"] == 2 and summary["truncated_files"] == 1 and summary["network_blocked"] == 0
    assert 0 < summary["articles"] < query(demo["db"], "select count(*) from article")[0][0] + 1
    assert summary["missing"] > 0  # what was in the lost half is counted, not fetched


def test_an_archive_folder_without_warc_files_is_nothing_to_reparse(tmp_path: Path, db_url: str) -> None:
    empty = tmp_path / "archive"
    (empty / "demo").mkdir(parents=True)
    run = run_reparse(empty, db_url, "http://127.0.0.1:9")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert f"epaper reparse: nothing to reparse: no WARC files (*.warc.gz) in {empty}" in run.stderr
    assert run.summary["status"] == "empty" and run.summary["archive_files"] == 0


def test_an_archive_without_the_selected_paper_is_nothing_to_reparse(demo: dict) -> None:
    run = run_reparse(demo["archive"], demo["fresh_db"]("nothing"), demo["server"].base_url, "--paper", "ycrb")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "epaper reparse: nothing to reparse: no WARC files (*.warc.gz) in" in run.stderr
    run = run_reparse(demo["archive"], demo["fresh_db"]("nothing2"), demo["server"].base_url,
                      "--from", "2020-01-01", "--to", "2020-01-31")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "nothing to reparse: no archived edition of any paper from 2020-01-01 to 2020-01-31" in run.stderr
    assert run.summary["status"] == "empty" and run.summary["archive_files"] > 0


def test_failures_redirects_and_days_without_edition_replay_as_crawled(
    tmp_path: Path, db_url: str, fresh_db_urls: FreshDatabases
) -> None:
    site = SITES["pc-newslist"]  # editions on 03-03, 03-04, 03-06; none on 03-05
    page = site.root + site.renderer().page_path(site.spec, dt.date(2025, 3, 3), site.edition(dt.date(2025, 3, 3)).pages[1])
    faults = Faults(redirect_dates={"2025-03-04": "2025-03-06"}, failing={page})
    registry = registry_for(tmp_path / "r.toml", site)
    archive = tmp_path / "archive"
    crawled = db_url
    with FixtureServer([site], faults) as server:
        result = run_crawl(server.base_url, crawled, "pc_newslist", start="2025-03-03", end="2025-03-06",
                           registry=registry, settings={"EPAPER_ARCHIVE_ENABLED": "1", "EPAPER_ARCHIVE_DIR": str(archive)})
    assert result.returncode == 1  # the failing page
    statuses = {str(d): s for d, s in query(crawled, "select date, status from edition")}
    assert statuses == {"2025-03-03": "partial", "2025-03-04": "not_published", "2025-03-05": "not_published",
                        "2025-03-06": "complete"}
    failures = query(crawled, "select url, kind, reason, attempts from failure")
    assert len(failures) == 1 and failures[0][2] == "HTTP 500"

    fresh = fresh_db_urls("fresh")  # server stopped from here on
    run = run_reparse(archive, fresh, server.base_url, registry=registry)
    assert run.returncode == 1, run.stderr[-3000:]  # the edition is still partial
    assert run.summary["missing"] == 1 and run.summary["network_blocked"] == 0
    assert content(fresh) == content(crawled)
    assert query(fresh, "select count(*) from failure") == [(0,)]  # a reparse learns nothing about the gap

    again = run_reparse(archive, crawled, server.base_url, registry=registry)
    assert again.returncode == 1
    assert query(crawled, "select url, kind, reason, attempts from failure") == failures  # left as crawled
    assert content(crawled) == content(fresh)

    unregistered = run_reparse(archive, fresh_db_urls("none"), server.base_url)  # no EPAPER_PAPERS
    assert unregistered.returncode == 1 and "not in the registry" in unregistered.stderr
    assert "Traceback" not in unregistered.stderr

    only = fresh_db_urls("only")  # a range reaching past the archive: those days are skipped
    some_days = run_reparse(archive, only, server.base_url, "--paper", "pc_newslist", "--from", "2025-03-05",
                            "--to", "2025-03-08", registry=registry)
    assert some_days.returncode == 0, some_days.stderr[-3000:]
    assert some_days.summary["editions_not_archived"] == 2
    assert {str(d): s for d, s in query(only, "select date, status from edition")} == {
        "2025-03-05": "not_published", "2025-03-06": "complete"}
