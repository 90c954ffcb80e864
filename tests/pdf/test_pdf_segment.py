"""The PDF path's contract: scans are reported, non-PDFs refused, hotspots place stories, the CLI prints JSON."""

from __future__ import annotations

import json

import pytest

from pipelines.text.pdf.extract import PdfError, is_pdf, read_pdf
from pipelines.text.pdf.segment import segment_pdf
from tests.pdf.score import hotspots_of
from tests.text import score


def test_a_scan_is_reported_as_having_no_text_layer(scanned_pdf) -> None:  # type: ignore[no-untyped-def]
    result = segment_pdf(scanned_pdf)
    assert result.no_text_layer and result.scanned_pages == [1] and result.articles == []
    assert read_pdf(scanned_pdf)[0].images, "the page's picture is seen"


def test_bytes_that_are_no_pdf_are_refused() -> None:
    assert not is_pdf(b"<html>%PDF- later</html>" + b" " * 2000)
    with pytest.raises(PdfError):
        segment_pdf(b"plain text, not a PDF")
    with pytest.raises(PdfError):
        segment_pdf(b"%PDF-1.7\n garbage that no reader can open")


def test_the_lead_story_is_read_across_four_columns(corpus_pages) -> None:  # type: ignore[no-untyped-def]
    page = corpus_pages[0]
    lead = page.expected[0]
    got = segment_pdf(page.pdf).articles
    match = next(a for a in got if a["title"] == lead["title"])
    assert match["kicker"] == lead["kicker"]
    assert match["crossheads"] == lead["crossheads"]
    assert "".join(match["paragraphs"]) == "".join(lead["paragraphs"])  # type: ignore[arg-type]
    assert [c["text"] for c in match["captions"]] == [c["text"] for c in lead["captions"]]  # type: ignore[union-attr]
    assert match["polygon"] is None and match["pdf_page"] == 1


def test_a_story_under_a_title_picture_has_no_title(corpus_pages) -> None:  # type: ignore[no-untyped-def]
    page = next(p for p in corpus_pages if p.template == "mixed")
    expected = page.expected[2]
    got = segment_pdf(page.pdf).articles
    first = expected["paragraphs"][0]
    match = next(a for a in got if any(first[:12] in p for p in a["paragraphs"]))  # type: ignore[union-attr]
    assert match["title"] is None


def test_hotspots_place_interleaved_and_tail_first_stories(corpus_pages) -> None:  # type: ignore[no-untyped-def]
    mixed = [p for p in corpus_pages if p.template == "mixed"]
    with_spots, without = score.Tally(), score.Tally()
    for page in mixed:
        for tally, spots in ((with_spots, hotspots_of(page)), (without, None)):
            got = segment_pdf(page.pdf, spots).articles
            tally.add(
                "article boundaries",
                [score._signature(a) for a in page.expected],
                [score._signature(a) for a in got],
            )
    assert with_spots.prf("article boundaries")[2] > without.prf("article boundaries")[2]
    got = segment_pdf(mixed[0].pdf, hotspots_of(mixed[0])).articles
    assert all(a["polygon"] for a in got[: len(mixed[0].expected)])
    assert got[0]["url"] == "content_0.html"


def test_cli_segments_a_pdf_by_its_content(corpus_pages, tmp_path, capsys, scanned_pdf) -> None:  # type: ignore[no-untyped-def]
    from crawler.cli import main

    path = tmp_path / "page.txt"  # the name says text; the content says PDF
    path.write_bytes(corpus_pages[0].pdf)
    assert main(["segment", str(path), "--json"]) == 0
    articles = json.loads(capsys.readouterr().out)
    keys = {
        "section",
        "kicker",
        "title",
        "subtitle",
        "dateline",
        "bylines",
        "crossheads",
        "captions",
        "paragraphs",
        "gaps",
        "editors",
        "polygon",
        "pdf_page",
    }
    assert articles and keys <= set(articles[0])
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(scanned_pdf)
    assert main(["segment", str(scan), "--json"]) == 3
    assert "no text layer" in capsys.readouterr().err


def test_an_article_without_html_text_is_filled_from_the_pdf(corpus_pages, scanned_pdf) -> None:  # type: ignore[no-untyped-def]
    from pipelines.text.pdf.fill import needs_pdf_text, text_from_pdf
    from schema.records import ArticleText

    assert needs_pdf_text(ArticleText(title="组图", paragraphs=[" "]))
    assert not needs_pdf_text(ArticleText(paragraphs=["正文。"]))
    page = next(p for p in corpus_pages if p.template == "mixed")
    spots = hotspots_of(page)
    k = 1  # story B, printed between the two halves of story A
    text = text_from_pdf(page.pdf, spots.hotspots[k].polygons, spots.width, spots.height)
    assert text is not None and text.text_source == "pdf"
    assert text.title == page.expected[k]["title"]
    assert "".join(text.paragraphs) == "".join(page.expected[k]["paragraphs"])
    assert text_from_pdf(scanned_pdf, spots.hotspots[k].polygons, spots.width, spots.height) is None
    assert text_from_pdf(page.pdf, [], spots.width, spots.height) is None


def test_cli_places_stories_by_a_saved_page_html(corpus_pages, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """`--page-html --url`: the family parser reads the hotspots, each story carries its polygon and URL."""
    from crawler.cli import main
    from crawler.testsite.sites import SITES

    site = SITES["demo"]
    day = site.dates[0]
    edition, r = site.edition(day), site.renderer()
    page = edition.pages[0]
    url = "http://127.0.0.1:8765" + site.spec.root + r.page_path(site.spec, day, page)
    html = tmp_path / "node_01.html"
    html.write_bytes(r.render_page(site.spec, edition, page).encode(page.charset))
    pdf = tmp_path / "page.pdf"
    pdf.write_bytes(corpus_pages[0].pdf)
    assert main(["segment", str(pdf), "--page-html", str(html), "--url", url, "--json"]) == 0
    articles = json.loads(capsys.readouterr().out)
    placed = [a for a in articles if a["polygon"]]
    assert placed and all(a["url"] and a["url"].startswith("http://127.0.0.1:8765") for a in placed)
    assert main(["segment", str(pdf), "--page-html", str(html)]) == 2  # the page's URL is needed
    assert "--url" in capsys.readouterr().err
    text = tmp_path / "page.txt"
    text.write_text("本报讯 一段正文。", encoding="utf-8")
    assert main(["segment", str(text), "--page-html", str(html), "--url", url]) == 2


def test_cli_listing_names_each_hotspot(corpus_pages, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from crawler.cli.research import segment_command  # the readable listing, not the JSON

    pdf = tmp_path / "page.pdf"
    pdf.write_bytes(corpus_pages[0].pdf)
    listing = segment_command(pdf)
    assert listing.startswith("#1 ") and "hotspot:" not in listing
    assert "crosshead: " in listing and "caption: " in listing
