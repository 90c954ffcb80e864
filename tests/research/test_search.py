"""`epaper search` on SQLite (FTS5 trigram) and PostgreSQL (pg_trgm), through the real store."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, text, update

from crawler.cli import main
from pipelines.joining import JoiningStore as Store
from schema.models import Article
from schema.search import PG_EXPRESSION, build_query, make_snippet, search, spellings, uses_index
from tests.research import corpus

LIBRARY = [
    "图书馆里过周末",
    "圖書館新館落成",
    "市图书馆延长开放时间",
]  # newest first (same-day ties by page order)


STRATEGIES = ("auto", "index", "scan")


def titles(engine: Engine, query: str, **kw) -> list[str]:
    """Titles found, after checking that every strategy (index, date-window scan, auto) agrees."""
    answers = {s: [h.title for h in search(engine, query, strategy=s, **kw)] for s in STRATEGIES}
    assert answers["index"] == answers["scan"] == answers["auto"], answers
    return answers["auto"]


def test_spellings_cover_both_scripts() -> None:
    assert set(spellings("圖書館")) == {"圖書館", "图书馆"}
    assert set(spellings("图书馆")) == {"图书馆", "圖書館"}
    assert uses_index("图书馆") and not uses_index("图书")


@pytest.mark.parametrize("query", ["图书馆", "圖書館", "书馆", "書館", "馆"])
def test_either_script_any_length_finds_both_papers(archive: Engine, query: str) -> None:
    assert titles(archive, query) == LIBRARY


def test_one_and_two_character_queries_are_exact(archive: Engine) -> None:
    assert titles(archive, "肥") == ["春耕备耕有序推进"]
    assert titles(archive, "公交") == ["城区新增公交线路"]
    assert titles(archive, "宣传") == ["知识产权宣传周启动"]
    assert titles(archive, "鲸") == []
    # a short term and a long one together: both must be present
    assert titles(archive, "知识产权 今天") == ["知识产权宣传周启动"]


def test_results_are_newest_first_and_carry_where_they_were_printed(archive: Engine) -> None:
    hits = search(archive, "知识产权")
    assert [(h.date, h.page_number, h.page_name, h.paper) for h in hits] == [
        (corpus.D3, "01", "要闻", "hyrb"),
        (corpus.D1, "02", "聚焦", "hyrb"),
    ]
    assert hits[0].byline == "记者 林晓川"
    assert hits[0].snippet.startswith("全市«知识产权»宣传周")


def test_filters(archive: Engine) -> None:
    assert titles(archive, "图书馆", paper="tyjb") == ["圖書館新館落成"]
    assert titles(archive, "圖書館", date_from=corpus.D2) == LIBRARY[:2]
    assert titles(archive, "图书馆", date_to=corpus.D1) == LIBRARY[2:]
    assert titles(archive, "知识产权", page_name="聚焦") == ["知识产权服务站揭牌"]
    assert titles(archive, "图书馆", page_name="要聞") == LIBRARY  # 要闻 in either script
    assert titles(archive, "知识产权", byline="林晓川") == ["知识产权宣传周启动", "知识产权服务站揭牌"]
    assert titles(archive, "图书馆", byline="王書文") == ["圖書館新館落成"]
    assert titles(archive, "图书馆", byline="周明远") == []
    assert titles(archive, "馆", paper="hyrb", date_from=corpus.D1, date_to=corpus.D1) == [LIBRARY[2]]


def test_limit_keeps_the_newest(archive: Engine) -> None:
    assert titles(archive, "图书馆", limit=2) == LIBRARY[:2]
    assert titles(archive, "馆", limit=1) == LIBRARY[:1]
    assert len(search(archive, "市", limit=None)) == 5  # 101, 102, 202, 301, 401


def test_the_index_follows_updates_and_deletes(archive: Engine) -> None:
    """Re-crawled text replaces the old in the index; deleted articles leave it."""
    story = corpus.by_cid(101)
    changed = corpus.text_for(story)
    changed.paragraphs = ["河阳市博物馆今日起延长开放时间。"]
    from tests.storage import factory as f

    assert titles(archive, "夜间") == ["市图书馆延长开放时间"]
    with Store(archive) as store:
        store.add(f.article_item(story.date, 1, 1, 101, paper="hyrb", polygons=[story.polygon], text=changed))
    assert titles(archive, "夜间") == [] and titles(archive, "读者夜间") == []
    assert titles(archive, "博物馆") == ["市图书馆延长开放时间"]
    with archive.begin() as conn:
        conn.execute(update(Article).where(Article.title == "图书馆里过周末").values(title="周末去哪儿"))
        conn.execute(delete(Article).where(Article.title == "圖書館新館落成"))
    assert titles(archive, "图书馆") == ["周末去哪儿", "市图书馆延长开放时间"]  # body, title
    assert titles(archive, "图书馆里") == [] and titles(archive, "新館") == []
    if archive.dialect.name == "sqlite":
        with archive.begin() as conn:
            conn.execute(text("INSERT INTO article_fts(article_fts, rank) VALUES ('integrity-check', 1)"))


def test_like_wildcards_are_literal(archive: Engine) -> None:
    assert titles(archive, "%") == [] and titles(archive, "_") == []
    assert titles(archive, '"图书馆"') == []  # quotes are text, not FTS syntax


def test_snippet_highlights_every_spelling() -> None:
    snippet = make_snippet([None, "甲" * 50 + "新图书馆与旧圖書館" + "乙" * 50], ["图书馆"], width=30)
    assert "«图书馆»" in snippet and "«圖書館»" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")


def test_postgres_plan_uses_the_trigram_index(archive: Engine) -> None:
    if archive.dialect.name != "postgresql":
        pytest.skip("PostgreSQL-only: the GIN index")
    migration = Path(__file__).resolve().parents[2] / "schema/migrations/versions/0002_fulltext.py"
    namespace: dict[str, object] = {}
    source = migration.read_text(encoding="utf-8")
    exec(compile(re.search(r"^COLUMNS = .*$", source, re.M).group(0), "0002", "exec"), namespace)  # noqa: S102
    expected = " || ' ' || ".join(f"coalesce({c}, '')" for c in namespace["COLUMNS"])  # type: ignore[union-attr]
    assert expected == PG_EXPRESSION
    sql = str(build_query("postgresql", "图书馆").compile(archive, compile_kwargs={"literal_binds": True}))
    with archive.begin() as conn:
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(r[0] for r in conn.execute(text("EXPLAIN " + sql.replace("%%", "%"))))
    assert "ix_article_fulltext" in plan


def test_cli_json_and_table(archive: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    url = archive.url.render_as_string(hide_password=False)
    assert main(["search", "圖書館", "--db", url, "--format", "json", "--limit", "2"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["title"] for r in rows] == LIBRARY[:2]
    assert (
        rows[0]["date"] == "2024-03-02"
        and rows[0]["page_name"] == "要闻"
        and "«图书馆»" in rows[0]["snippet"]
    )
    assert (
        main(
            [
                "search",
                "公交",
                "--db",
                url,
                "--paper",
                "hyrb",
                "--from",
                "2024-03-01",
                "--to",
                "2024-03-31",
                "--page-name",
                "聚焦",
                "--byline",
                "周明远",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["paper", "date", "page", "title", "byline", "snippet"]
    assert "城区新增公交线路" in out and "2024-03-02" in out
    assert main(["search", "鲸", "--db", url]) == 0
    assert capsys.readouterr().out.strip() == "(no matches)"


def test_empty_query_is_an_error(archive: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    url = archive.url.render_as_string(hide_password=False)
    assert main(["search", "  ", "--db", url]) == 2
    assert "empty query" in capsys.readouterr().err


def test_dates_are_dates(archive: Engine) -> None:
    assert all(isinstance(h.date, dt.date) for h in search(archive, "市"))


def test_auto_uses_the_index_beyond_the_first_window(db_url: str) -> None:
    """Over more dates than the first scan window, a rare long term is answered through the index."""
    from schema.db import make_engine, upgrade
    from schema.search import FIRST_WINDOW
    from tests.storage import factory as f

    engine = make_engine(db_url)
    upgrade(engine)
    days = [corpus.D1 + dt.timedelta(days=n) for n in range(FIRST_WINDOW + 4)]
    with Store(engine) as store:
        for n, day in enumerate(days):
            body = "河阳湿地迎来候鸟。" if n == 0 else "城区道路完成改造。"
            for item in f.edition(day, n_pages=1, per_page=2, start=n * 10, body=body):
                store.add(item)
    try:
        for strategy in STRATEGIES:
            hits = search(engine, "湿地迎来", limit=5, strategy=strategy)
            assert [h.date for h in hits] == [days[0], days[0]], strategy
            assert [h.date for h in search(engine, "道路", limit=3, strategy=strategy)] == [days[-1]] * 2 + [
                days[-2]
            ]
        with pytest.raises(ValueError, match="unknown strategy"):
            search(engine, "道路", strategy="guess")
    finally:
        engine.dispose()
