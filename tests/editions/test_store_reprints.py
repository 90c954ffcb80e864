"""A story printed in full on two pages under two CMS ids is stored once, with both placements (SQLite and
PostgreSQL)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from pipelines.joining import REPRINT_SEQ
from pipelines.joining import JoiningStore as Store
from pipelines.text.reprints import MIN_CHARS, REPRINT_THRESHOLD, Piece, find_reprints, normalise, similarity
from schema.db import upgrade
from schema.records import ArticleItem, ArticleText, Continuation, ImageRef
from schema.store.rows import PART_SEQ_STRIDE
from tests.dbfixtures import db_engine, db_url, pg_admin_url  # noqa: F401 - fixtures used by name
from tests.storage.factory import BASE, PAPER, edition

DAY = dt.date(2025, 3, 5)
STORY = (
    "去年以来，河阳市把闲置的边角地改造成口袋公园，居民步行几分钟就能到达。园里种上了乡土树种，铺了透水步道。\n"
    "一位在附近住了二十年的居民说，过去堆放杂物的空地，如今成了孩子们玩耍的地方，傍晚还有老人在这里下棋。\n"
    "市园林部门介绍，今年还将新建一批口袋公园，优先安排在老旧小区周边，并征求居民意见。"
)


@pytest.fixture
def store(db_engine: Engine) -> Iterator[Store]:  # noqa: F811
    upgrade(db_engine)
    s = Store(db_engine, batch_size=7)
    yield s
    s.close()


def _with_body(item: ArticleItem, body: str, images: list[ImageRef] | None = None,
               markers: list[Continuation] | None = None) -> ArticleItem:
    article = item.article if images is None else dataclasses.replace(item.article, images=images)
    return dataclasses.replace(item, article=article, text=ArticleText(
        title=item.article.title, paragraphs=body.split("\n"), continuations=markers or []))


def reprinted_edition(reprint_body: str, front_body: str = STORY, n_pages: int = 2,
                      front_markers: list[Continuation] | None = None,
                      reprint_markers: list[Continuation] | None = None) -> list:
    """Pages of three stories; the first story of page 1 is printed again as the third story of page 2."""
    items = edition(DAY, n_pages=n_pages, per_page=3)
    arts = [i for i, it in enumerate(items) if isinstance(it, ArticleItem)]
    for n, i in enumerate(arts):
        items[i] = _with_body(items[i], f"第{n}条消息，与别的稿件无关。")
    front = next(i for i in arts if items[i].page_number == "01")
    inner = [i for i in arts if items[i].page_number == "02"][2]
    items[front] = _with_body(items[front], front_body, markers=front_markers)
    photo = ImageRef(f"{BASE}/pic/park-wide.jpg", "改造后的街角公园。")
    items[inner] = _with_body(items[inner], reprint_body, images=[photo], markers=reprint_markers)
    return items


def snapshot(engine: Engine) -> dict[str, list]:
    queries = {
        "article": "select id, source_key, body from article order by id",
        "part": "select article_id, seq, page_id, source_key, body is null from article_part order by article_id, seq",
        "image": "select article_id, seq, url from image order by article_id, seq",
        "edition": "select status, page_count, article_count from edition",
    }
    with engine.connect() as conn:
        return {k: [tuple(r) for r in conn.execute(text(q))] for k, q in queries.items()}


def test_reprint_is_one_article_with_two_placements(store: Store) -> None:
    # the reprint differs by a jump marker and line breaks only
    for item in reprinted_edition("（上接第1版）" + STORY.replace("\n", "")):
        store.add(item)
    assert store.finalize(PAPER) == {DAY: "complete"}  # the reprint still counts for page 2
    snap = snapshot(store.engine)
    assert len(snap["article"]) == 5
    story = [a for a in snap["article"] if a[2].startswith("去年以来")]
    assert len(story) == 1
    parts = [p for p in snap["part"] if p[0] == story[0][0]]
    assert [p[1] for p in parts] == [1, REPRINT_SEQ + 1] and parts[0][2] != parts[1][2]  # two pages
    assert parts[0][3] != parts[1][3] and parts[1][4] == 1  # two CMS ids; the placement repeats no text
    assert story[0][2] == STORY  # the body once, not twice
    moved = [i[2] for i in snap["image"] if i[0] == story[0][0] and i[1] >= (REPRINT_SEQ + 1) * PART_SEQ_STRIDE]
    assert moved == [f"{BASE}/pic/park-wide.jpg"]  # the picture only the reprint shows
    assert store.join_stats["reprints"] == 1


def test_front_start_with_the_whole_story_on_its_jump_page(store: Store) -> None:
    # 人民日报: page 1 prints the start with 下转, page 2 prints the whole story again with 上接
    start = STORY.split("\n")[0] + "\n" + STORY.split("\n")[1]
    items = reprinted_edition(STORY, front_body=start,
                              front_markers=[Continuation("to", "2", "（下转第2版）")],
                              reprint_markers=[Continuation("from", "1", "（上接第1版）")])
    for item in items:
        store.add(item)
    assert store.finalize(PAPER) == {DAY: "complete"}
    snap = snapshot(store.engine)
    assert len(snap["article"]) == 5
    story = [a for a in snap["article"] if a[2].startswith("去年以来")]
    assert len(story) == 1 and story[0][2] == STORY  # the whole text once, not start + whole
    parts = [p for p in snap["part"] if p[0] == story[0][0]]
    assert len(parts) == 2 and parts[0][2] != parts[1][2]
    assert store.join_stats["reprints"] == 1 and store.join_stats["joined"] == 0


def test_reprinted_and_continued_story_is_stable_over_reruns(store: Store) -> None:
    # page 1 carries the story in full and again on page 2; a separate jump piece on page 3 continues it
    tail_body = "市园林部门还表示，将把口袋公园的养护交给社区，定期听取居民对设施的意见和建议。"
    items = reprinted_edition(STORY, n_pages=3, front_markers=[Continuation("to", "3", "（下转第3版）")])
    tail = [i for i, it in enumerate(items) if isinstance(it, ArticleItem) and it.page_number == "03"][0]
    items[tail] = _with_body(items[tail], tail_body, markers=[Continuation("from", "1", "（上接第1版）")])
    items[tail] = dataclasses.replace(items[tail], text=dataclasses.replace(items[tail].text, title=items[
        next(i for i, it in enumerate(items) if isinstance(it, ArticleItem) and it.page_number == "01")].text.title))
    for item in items:
        store.add(item)
    store.finalize(PAPER)
    first = snapshot(store.engine)
    story = [a for a in first["article"] if a[2].startswith("去年以来")]
    assert len(story) == 1 and story[0][2].endswith("意见和建议。")
    assert [p[1] for p in first["part"] if p[0] == story[0][0]] == [1, 2, REPRINT_SEQ + 1]
    for item in reversed(items):
        store.add(item)
        store.flush()
    store.finalize(PAPER)
    again = snapshot(store.engine)
    assert again["part"] == first["part"] and again["image"] == first["image"]
    assert [a[1:] for a in again["article"]] == [a[1:] for a in first["article"]]


def test_rerun_gives_the_same_rows(store: Store) -> None:
    items = reprinted_edition(STORY)
    for item in items:
        store.add(item)
    store.finalize(PAPER)
    first = snapshot(store.engine)
    for item in items:
        store.add(item)
    store.finalize(PAPER)
    again = snapshot(store.engine)
    assert again["part"] == first["part"] and again["edition"] == first["edition"]
    assert [a[1:] for a in again["article"]] == [a[1:] for a in first["article"]]
    assert again["image"] == first["image"]


def test_a_follow_up_story_is_not_a_reprint(store: Store) -> None:
    follow_up = STORY.split("\n")[0] + "\n记者走访发现，部分口袋公园缺少遮阳设施，夏季午后少有人去，居民希望增加座椅和树荫。"
    for item in reprinted_edition(follow_up):
        store.add(item)
    store.finalize(PAPER)
    assert len(snapshot(store.engine)["article"]) == 6
    assert store.join_stats["reprints"] == 0


def test_similarity_rule() -> None:
    a = normalise(STORY)
    assert normalise("（下转第2版）" + STORY + " ") == a
    assert similarity(a, normalise(STORY.replace("二十年", "二十多年"))) >= REPRINT_THRESHOLD
    assert similarity(a, normalise(STORY.split("\n")[0])) < REPRINT_THRESHOLD
    short = "图片报道：春耕时节，田间一片繁忙景象。"
    assert len(normalise(short)) < MIN_CHARS
    assert find_reprints([Piece(1, 10, short), Piece(2, 20, short)]) == []  # furniture never matches
    assert find_reprints([Piece(1, 10, STORY), Piece(2, 10, STORY)]) == []  # same page: not a reprint
    assert find_reprints([Piece(1, 10, STORY), Piece(2, 20, STORY), Piece(3, 30, STORY)]) == [(1, 2), (1, 3)]
    start = STORY.split("\n")[0] + STORY.split("\n")[1]
    assert find_reprints([Piece(1, 10, start), Piece(2, 20, STORY)]) == [(2, 1)]  # the whole one is kept
    tail = STORY.split("\n")[2] + "市园林部门还表示，将把口袋公园的养护交给社区，定期听取居民对设施的意见和建议。"
    assert find_reprints([Piece(1, 10, start), Piece(2, 20, tail)]) == []  # a continuation shares no text
