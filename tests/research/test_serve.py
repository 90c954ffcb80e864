"""`epaper serve`: Datasette over the SQLite archive, checked in-process and in a real headless browser."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import Engine

from schema.models import Base
from tests.services import require_module, unavailable

require_module("datasette", "Datasette not installed (the research extra)")

from crawler.serve import QUERIES, build_metadata, checkpoint, make_datasette, sqlite_path  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def get_json(datasette, path: str):
    async def fetch():
        await datasette.invoke_startup()
        response = await datasette.client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        return response.json()

    return asyncio.run(fetch())


def test_metadata_describes_every_column() -> None:
    metadata = build_metadata("epaper")
    tables = metadata["databases"]["epaper"]["tables"]
    for table in Base.metadata.sorted_tables:
        described = tables[table.name]["columns"]
        assert set(described) == {c.name for c in table.columns}
        assert all(described.values()), table.name
        assert tables[table.name]["description"]
    # the search box is ours (crawler/datasette_plugin.py), not Datasette's FTS filter
    assert "fts_table" not in tables["story"] and "fts_table" not in tables["article"]
    assert metadata["databases"]["epaper"]["plugins"]["epaper"]["search_tables"] == ["story", "article"]
    assert "epaper search" in tables["story"]["description"]
    assert tables["story"]["facets"] == ["paper", "page_name"] and tables["byline"]["facets"][0] == "role"
    assert set(QUERIES) == {
        "front_page",
        "reporter_stories",
        "coverage_by_month",
        "front_page_share_by_keyword",
    }


def test_only_sqlite_files_are_served(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="SQLite file"):
        sqlite_path("postgresql://u@127.0.0.1/x")
    with pytest.raises(ValueError, match="no database"):
        sqlite_path(f"sqlite:///{tmp_path / 'absent.db'}")


def test_canned_queries_search_and_facets(sqlite_archive: tuple[Engine, str]) -> None:
    engine, url = sqlite_archive
    path = sqlite_path(url)
    engine.dispose()
    assert checkpoint(path)
    ds = make_datasette(path, immutable=True)
    front = get_json(ds, "/epaper/front_page.json?paper=hyrb&date=2024-03-01&_shape=array")
    assert [(r["seq"], r["title"]) for r in front] == [(1, "市图书馆延长开放时间"), (2, "春耕备耕有序推进")]
    assert front[0]["area_share"] == 0.25
    found = get_json(ds, "/epaper/story.json?_shape=array&_search=" + quote("图书馆"))
    # the traditional paper's story is found through its body_simplified
    assert [r["title"] for r in found] == ["图书馆里过周末", "圖書館新館落成", "市图书馆延长开放时间"]
    reporter = get_json(ds, "/epaper/reporter_stories.json?_shape=array&name=" + quote("林晓川"))
    assert [r["date"] for r in reporter] == ["2024-04-10", "2024-03-01", "2024-03-01"]
    months = get_json(ds, "/epaper/coverage_by_month.json?_shape=array")
    assert months[0] == {
        "paper": "hyrb",
        "month": "2024-03",
        "editions": 3,
        "complete": 2,
        "partial": 0,
        "missing": 0,
        "not_published": 1,
        "failed": 0,
        "pending": 0,
        "articles": 5,
    }
    share = get_json(ds, "/epaper/front_page_share_by_keyword.json?_shape=array&keyword=" + quote("知识产权"))
    assert {(r["paper"], r["month"]): r["stories_with_keyword"] for r in share} == {
        ("hyrb", "2024-03"): 0,
        ("hyrb", "2024-04"): 1,
        ("tyjb", "2024-03"): 0,
    }
    facets = get_json(ds, "/epaper/story.json?_size=0")["facet_results"]
    assert {v["value"]: v["count"] for v in facets["paper"]["results"]} == {"hyrb": 6, "tyjb": 1}
    roles = get_json(ds, "/epaper/byline.json?_size=0")["facet_results"]["role"]["results"]
    assert {v["value"] for v in roles} >= {"记者", "通讯员", "实习生", "記者"}


PARITY_QUERIES = ["圖書館", "图书馆", "读者", "读书", "图书", "書", "椒", "馆 周末", "知识产权 今天", "開放"]


def test_the_search_box_finds_what_epaper_search_finds(sqlite_archive: tuple[Engine, str]) -> None:
    """One- and two-character terms and the other script: Datasette's FTS phrase found none of them."""
    from schema.search import search

    engine, url = sqlite_archive
    expected = {q: sorted(h.id for h in search(engine, q, limit=None)) for q in PARITY_QUERIES}
    engine.dispose()
    path = sqlite_path(url)
    assert checkpoint(path)
    ds = make_datasette(path, immutable=True)
    assert expected["圖書館"] == expected["图书"] == expected["書"] and len(expected["書"]) == 3
    assert expected["读者"] and expected["馆 周末"] and expected["開放"] and not expected["椒"]
    for query in PARITY_QUERIES:
        for table in ("story", "article"):
            rows = get_json(ds, f"/epaper/{table}.json?_shape=array&_size=max&_search={quote(query)}")
            assert sorted(r["id"] for r in rows) == expected[query], (table, query)

    async def page() -> str:
        response = await ds.client.get("/epaper/story?_search=" + quote("图书"))
        assert response.status_code == 200
        return response.text

    html = asyncio.run(page())
    assert 'name="_search" value="图书"' in html  # the box keeps what was typed
    assert "圖書館新館落成" in html


def test_too_many_search_terms_in_the_box_is_a_400_with_the_limit(sqlite_archive: tuple[Engine, str]) -> None:
    engine, url = sqlite_archive
    engine.dispose()
    ds = make_datasette(sqlite_path(url), immutable=False)
    terms = " ".join(f"{i}字" for i in range(3000))

    async def fetch():
        return await ds.client.get("/epaper/story.json?_search=" + quote(terms))

    response = asyncio.run(fetch())
    assert response.status_code == 400
    assert "too many search terms: 3000 (at most 50" in response.json()["error"]
    assert "Traceback" not in response.text


def test_writes_to_the_read_only_archive_are_405_not_500(sqlite_archive: tuple[Engine, str]) -> None:
    engine, url = sqlite_archive
    engine.dispose()
    ds = make_datasette(sqlite_path(url), immutable=False)

    async def requests():
        await ds.invoke_startup()
        post = await ds.client.post("/epaper/front_page", data={"paper": "hyrb", "date": "2024-03-01"})
        put = await ds.client.request("PUT", "/epaper/story")
        get = await ds.client.get("/epaper/front_page.json?_shape=array&paper=hyrb&date=2024-03-01")
        return post, put, get

    post, put, get = asyncio.run(requests())
    for response in (post, put):
        assert response.status_code == 405
        assert response.headers["allow"] == "GET, HEAD, OPTIONS"
        assert response.text == "405 Method Not Allowed: this archive is served read-only; use GET.\n"
    assert get.status_code == 200 and len(get.json()) == 2


# --------------------------------------------------------------------------- the browser


def _browser_or_skip() -> tuple[str, str]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    reason = None
    try:
        import selenium  # noqa: F401
    except ImportError:
        reason = "selenium not installed (pip install selenium)"
    if chromium is None or driver is None:
        reason = "Debian's chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)"
    if reason:
        unavailable(reason)
    return chromium, driver  # type: ignore[return-value]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"epaper serve exited: {process.stdout.read() if process.stdout else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("epaper serve did not start listening")


def test_in_a_headless_browser(sqlite_archive: tuple[Engine, str], tmp_path: Path) -> None:
    chromium, chromedriver = _browser_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    engine, url = sqlite_archive
    engine.dispose()
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "serve", "--db", url, "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,1600",
        "--lang=zh-CN",
    ):
        options.add_argument(argument)
    browser = None
    try:
        _wait_for(port, server)
        browser = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
        base = f"http://127.0.0.1:{port}/epaper"
        browser.get(f"{base}/front_page?paper=hyrb&date=2024-03-01")
        WebDriverWait(browser, 20).until(
            ec.presence_of_element_located((By.CSS_SELECTOR, "table.rows-and-columns"))
        )
        page = browser.find_element(By.TAG_NAME, "body").text
        assert "An edition's front page" in page
        assert "市图书馆延长开放时间" in page and "春耕备耕有序推进" in page
        front_shot = tmp_path / "front_page.png"
        assert browser.save_screenshot(str(front_shot))

        browser.get(f"{base}/story")
        box = WebDriverWait(browser, 20).until(ec.presence_of_element_located((By.NAME, "_search")))
        box.send_keys("图书馆" + Keys.ENTER)
        WebDriverWait(browser, 20).until(lambda b: "_search=" in b.current_url)
        WebDriverWait(browser, 20).until(
            ec.presence_of_element_located((By.CSS_SELECTOR, "table.rows-and-columns"))
        )
        rows = browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr")
        text = browser.find_element(By.TAG_NAME, "body").text
        assert len(rows) == 3
        assert "圖書館新館落成" in text and "图书馆里过周末" in text
        assert "城区新增公交线路" not in text
        assert "paper" in text and "page_name" in text  # the facets
        search_shot = tmp_path / "search.png"
        assert browser.save_screenshot(str(search_shot))
        for shot in (front_shot, search_shot):
            assert shot.stat().st_size > 10_000
            assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        if browser is not None:
            browser.quit()
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def test_checkpoint_reports_an_active_reader(sqlite_archive: tuple[Engine, str]) -> None:
    """While another connection holds a snapshot the log cannot be folded in: serve falls back to mutable."""
    import sqlite3

    engine, url = sqlite_archive
    engine.dispose()
    path = sqlite_path(url)
    writer = sqlite3.connect(path)
    writer.execute("INSERT INTO crawl_run(started_at, status) VALUES ('2024-03-01 00:00:00', 'running')")
    writer.commit()
    reader = sqlite3.connect(path)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM article").fetchall()
    writer.execute("INSERT INTO crawl_run(started_at, status) VALUES ('2024-03-02 00:00:00', 'running')")
    writer.commit()
    try:
        assert checkpoint(path, timeout=0.2) is False
    finally:
        reader.rollback()
        reader.close()
        writer.close()
    assert checkpoint(path) is True


def test_cli_refuses_postgresql(capsys: pytest.CaptureFixture[str]) -> None:
    from crawler.cli import main

    assert main(["serve", "--db", "postgresql://nobody@127.0.0.1:1/x"]) == 2
    assert "opens a SQLite file" in capsys.readouterr().err
