"""The PDF text stage (pipelines/stages.py PdfStage) on the fixture site's printed pages, and the cross-check it
feeds: `article.pdf_coverage` and the articles `epaper status --health` names."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from crawler.testsite.printed import page_pdf
from crawler.testsite.sites import SITES
from pipelines.stages import TEXT_STAGES
from pipelines.text.pdf.fill import text_coverage
from schema.records import ArticleItem, ArticleRecord, ArticleRef, EditionItem, PageItem, PageRecord

DAY = dt.date(2025, 4, 25)


def _stages() -> list:
    from scrapy.utils.misc import load_object

    return [load_object(path)() for path, _ in sorted(TEXT_STAGES.items(), key=lambda kv: kv[1])]


def _item(page_index: int, k: int, paragraphs: list[str] | None = None, pdf: bool = True) -> ArticleItem:
    page = SITES["demo"].edition(DAY).pages[page_index]
    article = page.articles[k]
    polygons = [[float(c) for point in poly for c in point] for poly in [article.polygon, *article.extra_polygons]]
    record = ArticleRecord(f"http://x/{article.id}.html", DAY, str(article.id), kicker=article.kicker,
                           title=article.title, subtitle=article.subtitle,
                           paragraphs=list(article.paragraphs if paragraphs is None else paragraphs))
    return ArticleItem("demo", DAY, f"http://x/p{page.number}.html", page.number, k + 1,
                       ArticleRef(record.url, article.title, polygons, str(article.id)), record,
                       page_pdf=page_pdf(page) if pdf else None, page_space=page.image_size)


def _run(item: ArticleItem) -> ArticleItem:
    for stage in _stages():
        item = stage.process_item(item)
    return item


def test_text_coverage_counts_printed_pairs_the_html_has() -> None:
    assert text_coverage("市图书馆开放", "市图书馆开放时间延长") == 1.0
    assert text_coverage("甲乙丙丁", "甲乙") == pytest.approx(1 / 3, abs=0.01)
    assert text_coverage("。", "") is None  # nothing printed that counts


def test_image_only_article_is_filled_and_others_are_measured() -> None:
    photo = SITES["demo"].edition(DAY).pages[7].articles[0]
    filled = _run(_item(7, 0))
    assert filled.text is not None and filled.text.text_source == "pdf" and filled.page_pdf is None
    assert filled.text.title == photo.title
    assert "".join(photo.printed[-1].split())[-10:] in filled.text.body
    assert filled.pdf_coverage is None  # no HTML text to measure

    whole = _run(_item(2, 0))
    assert whole.text.text_source == "html" and whole.pdf_coverage is not None and whole.pdf_coverage > 0.95
    full = SITES["demo"].edition(DAY).pages[2].articles[0].paragraphs
    cut = _run(_item(2, 0, paragraphs=full[:1]))  # the HTML lost all but its first paragraph
    assert cut.pdf_coverage is not None and cut.pdf_coverage < 0.7
    assert _run(_item(2, 0, pdf=False)).pdf_coverage is None  # no PDF fetched: not measured


def test_status_health_lists_articles_missing_printed_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from crawler.cli import main
    from schema.printed import missing_print
    from schema.store import Store

    url = f"sqlite:///{tmp_path / 'e.db'}"
    full = SITES["demo"].edition(DAY).pages[2].articles[0].paragraphs
    cut, whole = _run(_item(2, 0, paragraphs=full[:1])), _run(_item(2, 1))
    page = PageRecord("http://x/p03.html", DAY, "03", "综合")
    with Store.open(url) as store:
        store.add(EditionItem("demo", DAY, "http://x/p01.html"))
        store.add(PageItem("demo", DAY, 3, dataclasses.replace(page, articles=[cut.ref, whole.ref])))
        store.add(cut)
        store.add(whole)
    from schema.db import make_engine

    engine = make_engine(url)
    rows, total = missing_print(engine, "demo")
    engine.dispose()
    assert total == 1 and rows[0]["title"] == cut.article.title and rows[0]["coverage"] < 0.7
    main(["status", "--health", "--paper", "demo", "--db", url])
    out = capsys.readouterr().out
    assert "misses text the page PDF prints" in out and cut.article.title in out
    assert whole.article.title not in out
    main(["status", "--health", "--paper", "demo", "--db", url, "--json"])
    assert "missing_print" not in json.loads(capsys.readouterr().out)  # the runs' JSON keeps its shape
    assert main(["status", "--health", "--missing-print", "--paper", "demo", "--db", url]) == 0
    only = capsys.readouterr().out
    assert cut.article.title in only and whole.article.title not in only
    main(["status", "--health", "--missing-print", "--paper", "demo", "--db", url, "--json"])
    listed = json.loads(capsys.readouterr().out)
    assert listed["count"] == 1 and listed["below"] == 0.9
    (article,) = listed["articles"]
    assert {k: article[k] for k in ("paper", "date", "page", "title", "url")} == {
        "paper": "demo", "date": DAY.isoformat(), "page": "03", "title": cut.article.title, "url": cut.article.url}
    assert article["article_id"] > 0 and article["source_key"] == cut.ref.source_key
    assert 0 < article["coverage"] < 0.7 and article["page_url"] == page.url
