"""Continued stories joined by the store when it closes the books on an edition (SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from pipelines.joining import JoiningStore as Store
from schema.db import upgrade
from schema.records import ArticleItem, ArticleText, Byline, Continuation
from tests.dbfixtures import db_engine, db_url, pg_admin_url  # noqa: F401 - fixtures used by name
from tests.storage.factory import PAPER, edition

DAY = dt.date(2025, 4, 25)


@pytest.fixture
def store(db_engine: Engine) -> Iterator[Store]:  # noqa: F811
    upgrade(db_engine)
    s = Store(db_engine, batch_size=7)
    yield s
    s.close()


def _with_text(item: ArticleItem, title: str, body: str, markers: list[Continuation]) -> ArticleItem:
    text_ = ArticleText(title=title, paragraphs=body.split("\n"), continuations=markers,
                        bylines=[Byline("林晓川", "记者", "本报")], byline_text="本报记者 林晓川")
    return dataclasses.replace(item, text=text_)


def continued_edition(head_title: str = "老楼焕新日子升级", tail_title: str = "老楼焕新日子升级") -> list:
    """Two pages of three articles; the first story of page 1 goes on as the second story of page 2."""
    items = edition(DAY, n_pages=2, per_page=3)
    for i, item in enumerate(items):
        if isinstance(item, ArticleItem):
            items[i] = _with_text(item, item.article.title, "普通的一段。", [])
    head = next(i for i, it in enumerate(items) if isinstance(it, ArticleItem) and it.page_number == "01")
    tail = [i for i, it in enumerate(items) if isinstance(it, ArticleItem) and it.page_number == "02"][1]
    items[head] = _with_text(items[head], head_title, "第一段。\n社区干部发放征求意",
                             [Continuation("to", "2", "（下转第2版）")])
    items[tail] = _with_text(items[tail], tail_title, "见表，居民纷纷填写。\n第三段。",
                             [Continuation("from", "1", "（上接第1版）")])
    return items


def snapshot(engine: Engine) -> dict[str, list]:
    queries = {
        "article": "select id, source_key, title, body, content_hash, changed_at from article order by id",
        "part": "select article_id, seq, page_id, source_key from article_part order by article_id, seq",
        "byline": "select article_id, seq, name, role from byline order by article_id, seq",
        "image": "select article_id, seq, url from image order by article_id, seq",
        "edition": "select status, page_count, article_count from edition",
    }
    with engine.connect() as conn:
        return {k: [tuple(r) for r in conn.execute(text(q))] for k, q in queries.items()}


def test_continued_story_is_one_article_with_two_parts(store: Store) -> None:
    for item in continued_edition():
        store.add(item)
    assert store.finalize(PAPER) == {DAY: "complete"}  # the joined piece still counts for page 2
    snap = snapshot(store.engine)
    assert len(snap["article"]) == 5
    head = [a for a in snap["article"] if a[2] == "老楼焕新日子升级"]
    assert len(head) == 1 and head[0][3] == "第一段。\n社区干部发放征求意见表，居民纷纷填写。\n第三段。"
    parts = [p for p in snap["part"] if p[0] == head[0][0]]
    assert [p[1] for p in parts] == [1, 2] and parts[0][2] != parts[1][2]  # pieces from two pages
    assert snap["edition"] == [("complete", 2, 5)]
    assert store.join_stats["joined"] == 1
    moved_images = [i for i in snap["image"] if i[0] == head[0][0] and i[1] >= 1000]
    assert len(moved_images) == 1  # the tail's photo moved into the story
    assert len([b for b in snap["byline"] if b[0] == head[0][0]]) == 1  # the same reporter is not doubled


def test_rerun_and_arrival_order_give_the_same_rows(store: Store) -> None:
    items = continued_edition()
    for item in items:
        store.add(item)
    store.finalize(PAPER)
    first = snapshot(store.engine)
    for item in reversed(items):  # a re-run, the tail arriving before its head
        store.add(item)
        store.flush()
    store.finalize(PAPER)
    again = snapshot(store.engine)
    assert again["part"] == first["part"] and again["edition"] == first["edition"]
    assert [a[1:] for a in again["article"]] == [a[1:] for a in first["article"]]  # same content, hashes, times
    assert again["byline"] == first["byline"] and again["image"] == first["image"]


def test_two_candidates_without_a_title_match_are_left_apart_and_counted(store: Store) -> None:
    items = continued_edition(head_title="甲新闻", tail_title="丙新闻")
    second_tail = [i for i, it in enumerate(items) if isinstance(it, ArticleItem) and it.page_number == "02"][2]
    items[second_tail] = _with_text(items[second_tail], "丁新闻", "另一续篇。",
                                    [Continuation("from", "1", "（上接第1版）")])
    for item in items:
        store.add(item)
    assert store.finalize(PAPER) == {DAY: "complete"}
    snap = snapshot(store.engine)
    assert len(snap["article"]) == 6  # nothing joined on a guess
    assert store.join_stats["joined"] == 0 and store.join_stats["ambiguous"] == 1


def test_two_candidates_that_both_match_the_title_are_left_apart_and_counted(store: Store) -> None:
    items = continued_edition()  # head and first tail: 老楼焕新日子升级
    second_tail = [i for i, it in enumerate(items) if isinstance(it, ArticleItem) and it.page_number == "02"][2]
    items[second_tail] = _with_text(items[second_tail], "老楼焕新", "另一续篇。",
                                    [Continuation("from", "1", "（上接第1版）")])
    for item in items:
        store.add(item)
    assert store.finalize(PAPER) == {DAY: "complete"}
    snap = snapshot(store.engine)
    assert len(snap["article"]) == 6 and all(p[1] == 1 for p in snap["part"])  # no piece joined to another
    assert store.join_stats["joined"] == 0 and store.join_stats["ambiguous"] == 1


def test_a_joined_hong_kong_story_is_simplified_with_the_hong_kong_table(store: Store) -> None:
    # the tail's 衞生 is a Hong Kong form: mainland t2s would leave it in the joined story's search text
    items = continued_edition(head_title="社區衞生中心延長服務", tail_title="社區衞生中心延長服務")
    for i, item in enumerate(items):
        if isinstance(item, ArticleItem):
            text_ = dataclasses.replace(item.text, script="hant")
            if text_.continuations:
                head = text_.continuations[0].direction == "to"
                text_.paragraphs = ["衞生署表示，中心下月起延長服務時間"] if head else ["至晚上九時。", "市民可致電衞生署查詢。"]
            items[i] = dataclasses.replace(item, text=text_, region="hk")
    for item in items:
        store.add(item)
    store.finalize(PAPER)
    with store.engine.connect() as conn:
        body, simplified = conn.execute(text(
            "select body, body_simplified from article where title = '社區衞生中心延長服務'")).one()
    assert body == "衞生署表示，中心下月起延長服務時間至晚上九時。\n市民可致電衞生署查詢。"
    assert simplified == "卫生署表示，中心下月起延长服务时间至晚上九时。\n市民可致电卫生署查询。"
