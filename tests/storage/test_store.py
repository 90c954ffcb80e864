from __future__ import annotations

import dataclasses
import datetime as dt
import time

import pytest
from sqlalchemy import Engine, func, select

from schema.models import Article, ArticlePart, Byline, Edition, Failure, Image, Newspaper, Page
from schema.records import CoordinateSpace, EditionItem, FailureItem, ImageRef
from schema.store import Store
from schema.store.finalize import decide_status
from schema.store.rows import area_share, polygon_area
from tests.storage import factory as f

DAY = dt.date(2024, 3, 15)
COUNTED = (Newspaper, Edition, Page, Article, ArticlePart, Byline, Image, Failure)


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            m.__tablename__: conn.execute(select(func.count()).select_from(m)).scalar_one() for m in COUNTED
        }


def ids(engine: Engine, model: type) -> list[int]:
    with engine.connect() as conn:
        return list(conn.execute(select(model.id).order_by(model.id)).scalars())


def article_row(engine: Engine, cid: int):
    with engine.connect() as conn:
        return conn.execute(select(Article).where(Article.source_key == f"content_{cid}")).one()._mapping


def store_all(engine: Engine, items, batch_size: int = 50) -> Store:
    store = Store(engine, batch_size=batch_size)
    for item in items:
        store.add(item)
    store.flush()
    return store


# --------------------------------------------------------------------------- pure helpers


def test_polygon_area_shoelace_and_rectangle() -> None:
    assert polygon_area(f.SQUARE) == pytest.approx(90_000)
    assert polygon_area([0, 0, 4, 0, 0, 3]) == pytest.approx(6)  # a triangle
    assert polygon_area([10, 10, 40, 30]) == pytest.approx(600)  # rect given by two corners
    assert polygon_area([1, 2]) == 0
    assert area_share([f.SQUARE], 600, 900) == pytest.approx(1 / 6)
    assert area_share([f.SQUARE, f.SQUARE], 600, 900) == pytest.approx(1 / 3)  # union ≈ sum
    assert area_share([f.SQUARE], None, 900) is None
    assert area_share([], 600, 900) is None
    assert area_share([[0, 0, 6000, 0, 6000, 9000, 0, 9000]], 600, 900) == 1.0  # capped


def test_decide_status_rules() -> None:
    base = dict(
        reported=None,
        promised_pages=2,
        stored_pages=2,
        placeholder_pages=0,
        short_pages=0,
        stored_articles=6,
        failures=0,
    )
    assert decide_status(**base) == "complete"
    assert decide_status(**{**base, "stored_pages": 1}) == "partial"
    assert decide_status(**{**base, "short_pages": 1}) == "partial"
    assert decide_status(**{**base, "failures": 1}) == "partial"
    assert decide_status(**{**base, "placeholder_pages": 1}) == "partial"
    empty = {**base, "stored_pages": 0, "stored_articles": 0}
    assert decide_status(**empty) == "missing"
    assert decide_status(**{**empty, "failures": 2}) == "failed"
    assert decide_status(**{**empty, "reported": "failed"}) == "failed"
    assert decide_status(**{**empty, "reported": "not_published"}) == "not_published"


# --------------------------------------------------------------------------- upserts


def test_same_items_twice_same_rows_and_ids(migrated: Engine) -> None:
    items = f.edition(DAY, n_pages=2, per_page=3)
    store_all(migrated, items)
    first = counts(migrated)
    first_ids = {m.__tablename__: ids(migrated, m) for m in COUNTED}
    assert first == {
        "newspaper": 1,
        "edition": 1,
        "page": 2,
        "article": 6,
        "article_part": 6,
        "byline": 0,
        "image": 6,
        "failure": 0,
    }
    store_all(migrated, items, batch_size=4)  # a new store: no cached ids, other batch boundaries
    assert counts(migrated) == first
    assert {m.__tablename__: ids(migrated, m) for m in COUNTED} == first_ids


def test_duplicates_within_one_batch_are_one_row(migrated: Engine) -> None:
    items = f.edition(DAY, n_pages=1, per_page=2)
    store_all(migrated, items + items, batch_size=100)
    assert counts(migrated)["article"] == 2
    assert counts(migrated)["page"] == 1


def test_raw_record_mapping(migrated: Engine) -> None:
    store_all(migrated, f.edition(DAY, n_pages=1, per_page=1))
    row = article_row(migrated, 1000)
    assert row["title"] == "河阳新闻1000"
    assert row["kicker"] == "春耕时节——"
    assert row["body"].split("\n")[1] == "学员们走进田间地头。"
    assert row["char_count"] == len(row["body"])
    assert row["byline"] == "林晓川"
    assert row["parser_version"] == "founder-pc/V2"
    assert row["crossheads"] is None and row["editors"] is None
    assert row["polygon"] == {"polygons": [f.SQUARE], "coordinate_space": {"width": 600, "height": 900}}
    assert row["area_share"] == pytest.approx(1 / 6)
    assert len(row["content_hash"]) == 64
    assert row["first_seen_at"].tzinfo is not None
    with migrated.connect() as conn:
        page = conn.execute(select(Page)).one()._mapping
        part = conn.execute(select(ArticlePart)).one()._mapping
        edition = conn.execute(select(Edition)).one()._mapping
    assert (page["number"], page["name"], page["seq"], page["article_count"]) == ("01", "要闻", 1, 1)
    assert (page["image_width"], page["image_height"]) == (600, 900)
    assert page["pdf_url"].endswith("01.pdf")
    assert (part["article_id"], part["page_id"], part["seq"]) == (row["id"], page["id"], 1)
    assert row["page_id"] == page["id"]
    assert edition["page_count"] == 1


def test_text_stage_mapping(migrated: Engine) -> None:
    text = f.article_text(7, [("林晓川", "记者"), ("王小禾", "通讯员")], body="第一段。\n第二段。")
    item = f.article_item(DAY, 1, 1, 7, text=text)
    store_all(migrated, [item])
    row = article_row(migrated, 7)
    assert row["body"] == "第一段。\n第二段。"
    assert row["dateline"] == "本报讯（记者 林晓川）"
    assert row["byline"] == "记者 林晓川 / 通讯员 王小禾"
    assert row["kicker"] == "春耕时节"
    assert row["crossheads"] == ["田间课堂"]
    assert row["editors"] == [{"name": "周雨", "role": "责任编辑", "organisation": None}]
    assert row["joins"] == 1
    with migrated.connect() as conn:
        bylines = conn.execute(
            select(Byline.seq, Byline.name, Byline.role, Byline.organisation).order_by(Byline.seq)
        ).all()
        images = conn.execute(
            select(Image.seq, Image.url, Image.caption, Image.credit).order_by(Image.seq)
        ).all()
    assert [tuple(b) for b in bylines] == [(1, "林晓川", "记者", "本报"), (2, "王小禾", "通讯员", "本报")]
    assert [tuple(i) for i in images] == [
        (1, f"{f.BASE}/pic/7.jpg", "学员在田间学习。", "记者 林晓川 摄"),
        (2, None, "河阳县城新貌（资料图片）", "资料图片"),
    ]


def test_changed_article_updates_in_place(migrated: Engine) -> None:
    store_all(migrated, [f.article_item(DAY, 1, 1, 5)])
    before = article_row(migrated, 5)
    time.sleep(0.01)
    store_all(migrated, [f.article_item(DAY, 1, 1, 5)])  # same content
    same = article_row(migrated, 5)
    assert same["id"] == before["id"]
    assert same["changed_at"] == before["changed_at"]
    assert same["last_seen_at"] > before["last_seen_at"]
    time.sleep(0.01)
    store_all(migrated, [f.article_item(DAY, 1, 1, 5, body="更正：河阳市农技培训班推迟开班。")])
    after = article_row(migrated, 5)
    assert after["id"] == before["id"]
    assert after["first_seen_at"] == before["first_seen_at"]
    assert after["changed_at"] > before["changed_at"]
    assert after["content_hash"] != before["content_hash"]
    assert after["body"] == "更正：河阳市农技培训班推迟开班。"
    assert counts(migrated)["article"] == 1


def test_child_rows_replaced_only_when_content_changes(migrated: Engine) -> None:
    first = f.article_text(9, [("林晓川", "记者"), ("王小禾", "通讯员")])
    store_all(migrated, [f.article_item(DAY, 1, 1, 9, text=first)])
    byline_ids = ids(migrated, Byline)
    image_ids = ids(migrated, Image)
    store_all(migrated, [f.article_item(DAY, 1, 1, 9, text=first)])
    assert ids(migrated, Byline) == byline_ids and ids(migrated, Image) == image_ids  # left alone
    second = f.article_text(9, [("赵一鸣", "实习生")])
    second.captions = second.captions[:1]
    second.captions[0].text = "学员在田间学习嫁接技术。"
    store_all(migrated, [f.article_item(DAY, 1, 1, 9, text=second)])
    with migrated.connect() as conn:
        names = conn.execute(select(Byline.name, Byline.role)).all()
        captions = conn.execute(select(Image.caption).order_by(Image.seq)).scalars().all()
    assert [tuple(n) for n in names] == [("赵一鸣", "实习生")]
    assert captions == ["学员在田间学习嫁接技术。"]


# --------------------------------------------------------------------------- failures


def test_failure_then_success_resolves_the_failure_and_a_new_failure_reopens_it(migrated: Engine) -> None:
    url = f.article_url(DAY, 11)
    failure = FailureItem(f.PAPER, DAY, url, "article", "HTTP 500", attempts=3, page_url=f.page_url(DAY, 1))
    store_all(migrated, [failure])
    with migrated.connect() as conn:
        row = conn.execute(select(Failure)).one()._mapping
    assert (row["attempts"], row["kind"], row["reason"]) == (3, "article", "HTTP 500")
    assert row["edition_id"] is not None and row["page_url"] == f.page_url(DAY, 1)
    store_all(migrated, [dataclasses.replace(failure, attempts=2, reason="timeout")])
    with migrated.connect() as conn:
        again = conn.execute(select(Failure)).one()._mapping
    assert again["id"] == row["id"] and again["attempts"] == 2 and again["reason"] == "timeout"
    assert again["first_failed_at"] == row["first_failed_at"]
    assert again["last_failed_at"] >= row["last_failed_at"]
    assert again["resolved_at"] is None and again["resolution"] is None
    store_all(migrated, [f.article_item(DAY, 1, 1, 11)])
    with migrated.connect() as conn:
        resolved = conn.execute(select(Failure)).one()._mapping
    assert resolved["id"] == row["id"] and resolved["resolution"] == "stored"  # history, no longer counted
    assert resolved["resolved_at"] is not None
    store_all(migrated, [failure])  # fails again: open again
    with migrated.connect() as conn:
        reopened = conn.execute(select(Failure)).one()._mapping
    assert reopened["id"] == row["id"] and reopened["resolved_at"] is None and reopened["resolution"] is None


def test_failures_of_an_edition_that_settles_as_not_published_are_resolved(migrated: Engine) -> None:
    from schema.status import edition_status

    entry = f.page_url(DAY, 1)
    store_all(migrated, [EditionItem(f.PAPER, DAY, url=entry, status="failed", reason="HTTP 503"),
                         FailureItem(f.PAPER, DAY, entry, "edition", "HTTP 503")])
    with Store(migrated) as store:
        store.finalize(f.PAPER, [DAY])
    assert [(r["status"], r["failures"]) for r in edition_status(migrated, f.PAPER)] == [("failed", 1)]
    store_all(migrated, [EditionItem(f.PAPER, DAY, url=entry, status="not_published", reason="HTTP 404")])
    with Store(migrated) as store:
        store.finalize(f.PAPER, [DAY])
    assert [(r["status"], r["failures"]) for r in edition_status(migrated, f.PAPER)] == [("not_published", 0)]
    with migrated.connect() as conn:
        assert conn.execute(select(Failure.resolution)).scalars().all() == ["not_published"]


def test_failure_and_success_in_one_batch(migrated: Engine) -> None:
    url = f.article_url(DAY, 12)
    store_all(
        migrated, [FailureItem(f.PAPER, DAY, url, "article", "HTTP 500"), f.article_item(DAY, 1, 1, 12)]
    )
    assert counts(migrated)["failure"] == 0


# --------------------------------------------------------------------------- order and finalize


def test_pages_and_articles_before_their_edition(migrated: Engine) -> None:
    items = f.edition(DAY, n_pages=2, per_page=3)
    edition_item, rest = items[0], items[1:]
    store = store_all(migrated, [*rest, edition_item], batch_size=3)  # flushes mid-stream
    with migrated.connect() as conn:
        edition = conn.execute(select(Edition)).one()._mapping
        unpaged = conn.execute(
            select(func.count()).select_from(Article).where(Article.page_id.is_(None))
        ).scalar()
    assert edition["url"] == edition_item.url and edition["page_count"] == 2
    assert unpaged == 0
    assert store.finalize(f.PAPER) == {DAY: "complete"}


def test_article_before_its_page_gets_a_placeholder_then_the_page(migrated: Engine) -> None:
    page = f.page_item(DAY, 1, [21], n_pages=1)
    article = f.article_item(DAY, 1, 1, 21)
    store = Store(migrated, batch_size=50)
    store.add(article)
    store.flush()
    row = article_row(migrated, 21)
    assert row["page_id"] is not None and row["area_share"] is None  # the page's size is not known yet
    assert store.finalize(f.PAPER) == {DAY: "partial"}  # a page it depends on is not stored
    store.add(page)
    assert store.finalize(f.PAPER) == {DAY: "complete"}
    after = article_row(migrated, 21)
    assert after["page_id"] == row["page_id"]
    assert after["area_share"] == pytest.approx(1 / 6)
    assert after["polygon"]["coordinate_space"] == {"width": 600, "height": 900}
    assert counts(migrated)["page"] == 1


def test_finalize_statuses(migrated: Engine) -> None:
    days = [DAY + dt.timedelta(days=i) for i in range(6)]
    complete, missing_page, missing_article, failed, not_published, missing = days
    items = f.edition(complete, start=100)
    items += [
        i
        for i in f.edition(missing_page, start=200)
        if getattr(i, "page_number", "01") == "01"
        and getattr(getattr(i, "page", None), "number", "01") == "01"
    ]
    items += f.edition(missing_article, start=300)[:-1]
    items += [
        EditionItem(f.PAPER, failed, url=f.page_url(failed, 1)),
        FailureItem(f.PAPER, failed, f.page_url(failed, 1), "edition", "HTTP 503"),
    ]
    items += [EditionItem(f.PAPER, not_published, status="not_published", reason="HTTP 404")]
    items += [EditionItem(f.PAPER, missing)]
    store = store_all(migrated, items)
    result = store.finalize(f.PAPER)
    assert result == {
        complete: "complete",
        missing_page: "partial",
        missing_article: "partial",
        failed: "failed",
        not_published: "not_published",
        missing: "missing",
    }
    with migrated.connect() as conn:
        rows = {r.date: r for r in conn.execute(select(Edition))}
    assert (rows[complete].page_count, rows[complete].article_count) == (2, 6)
    assert (rows[missing_page].page_count, rows[missing_page].article_count) == (2, 3)
    assert rows[missing_article].article_count == 5
    assert rows[not_published].reason == "HTTP 404"
    assert all(r.first_crawled_at and r.last_crawled_at for r in rows.values())
    # a limited finalize touches only the dates it is given
    assert store.finalize(f.PAPER, [complete]) == {complete: "complete"}


def test_failure_on_a_stored_edition_makes_it_partial(migrated: Engine) -> None:
    items = f.edition(DAY, n_pages=1, per_page=2)
    items.append(FailureItem(f.PAPER, DAY, f.article_url(DAY, 9999), "article", "HTTP 500"))
    store = store_all(migrated, items)
    assert store.finalize(f.PAPER) == {DAY: "partial"}
    store.add(f.article_item(DAY, 1, 3, 9999))
    assert store.finalize(f.PAPER) == {DAY: "complete"}


def test_unknown_paper_gets_a_minimal_newspaper_and_ensure_updates_it(migrated: Engine) -> None:
    store = store_all(migrated, f.edition(DAY, n_pages=1, per_page=1, paper="qtwb"))
    with migrated.connect() as conn:
        assert conn.execute(select(Newspaper.key, Newspaper.name)).one() == ("qtwb", "qtwb")
    newspaper_id = store.ensure_newspaper("qtwb", "青潭晚报", region="青潭", homepage="http://127.0.0.1:9/")
    assert store.ensure_newspaper("qtwb", "青潭晚报") == newspaper_id
    with migrated.connect() as conn:
        assert conn.execute(select(Newspaper.name)).scalar_one() == "青潭晚报"
    assert counts(migrated)["newspaper"] == 1


def test_area_share_unknown_without_coordinate_space(migrated: Engine) -> None:
    page = f.page_item(DAY, 1, [31], n_pages=1, space=CoordinateSpace())
    store_all(migrated, [page, f.article_item(DAY, 1, 1, 31, images=[ImageRef(None, "无图说明")])])
    row = article_row(migrated, 31)
    assert row["area_share"] is None
    assert row["polygon"]["polygons"] == [f.SQUARE]


def test_crawl_run_round_trip(migrated: Engine) -> None:
    store = Store(migrated)
    run_id = store.start_run({"paper": "hyrb", "date": "2024-03-15"})
    store.finish_run(run_id, "finished", {"items": 3})
    from schema.models import CrawlRun

    with migrated.connect() as conn:
        run = conn.execute(select(CrawlRun)).one()
    assert run.args == {"paper": "hyrb", "date": "2024-03-15"} and run.counters == {"items": 3}
    assert run.status == "finished" and run.finished_at >= run.started_at


def test_store_open_migrates(db_url: str) -> None:
    store = Store.open(db_url, batch_size=10)
    try:
        for item in f.edition(DAY, n_pages=1, per_page=2):
            store.add(item)
        assert store.finalize(f.PAPER) == {DAY: "complete"}
    finally:
        store.close()


def test_add_rejects_other_objects(store: Store) -> None:
    with pytest.raises(TypeError):
        store.add({"title": "not an item"})  # type: ignore[arg-type]


def test_a_refused_item_does_not_lose_its_batch(migrated: Engine, caplog: pytest.LogCaptureFixture) -> None:
    items = f.edition(DAY, n_pages=1, per_page=4)
    bad = FailureItem(f.PAPER, DAY, f.article_url(DAY, 77), "bogus", "not a kind")  # type: ignore[arg-type]
    store = Store(migrated, batch_size=100)
    for item in [*items[:3], bad, *items[3:]]:
        store.add(item)
    store.flush()
    assert store.rejected == 1
    assert counts(migrated)["article"] == 4 and counts(migrated)["failure"] == 0
    assert "item not stored" in caplog.text and "77" in caplog.text
    assert store.finalize(f.PAPER) == {DAY: "complete"}


def test_unannounced_paper_is_named_from_its_pages(migrated: Engine) -> None:
    page = f.page_item(DAY, 1, [], n_pages=1, paper="lcwb")
    page.page.paper_name = "柳川晚报"
    store_all(migrated, [page])
    with migrated.connect() as conn:
        assert conn.execute(select(Newspaper.key, Newspaper.name)).one() == ("lcwb", "柳川晚报")


def test_an_entry_failure_is_resolved_when_the_edition_answered_at_another_url(migrated: Engine) -> None:
    """The entry failed at the index URL; a later run was redirected to node_01 and stored the edition there."""
    from schema.status import edition_status

    index = f.page_url(DAY, 1).replace("node_01.html", "index.html")
    store_all(migrated, [EditionItem(f.PAPER, DAY, url=index, status="failed", reason="HTTP 503"),
                         FailureItem(f.PAPER, DAY, index, "edition", "HTTP 503")])
    store_all(migrated, f.edition(DAY, n_pages=2, per_page=3))
    with Store(migrated) as store:
        assert store.finalize(f.PAPER, [DAY]) == {DAY: "complete"}
    assert [(r["status"], r["failures"]) for r in edition_status(migrated, f.PAPER)] == [("complete", 0)]
    with migrated.connect() as conn:
        assert conn.execute(select(Failure.url, Failure.resolution)).all() == [(index, "stored")]
