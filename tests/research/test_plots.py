"""`epaper plot coverage` and `epaper plot page`: files written, non-empty, of the expected pixel size."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.services import require_module, unavailable

require_module("matplotlib", "matplotlib not installed (the research extra)")

import numpy as np  # noqa: E402 - matplotlib's own dependency
from matplotlib import image as mpimg  # noqa: E402

from crawler import plots  # noqa: E402
from crawler.cli import main  # noqa: E402
from tests.research import corpus  # noqa: E402


def rgb_pixels(path: Path) -> np.ndarray:
    """A PNG's pixels as height × width × RGB bytes (matplotlib reads PNG as floats in 0..1)."""
    pixels = mpimg.imread(path)
    if pixels.dtype != np.uint8:
        pixels = np.rint(pixels * 255).astype(np.uint8)
    return pixels[..., :3]


@pytest.fixture(autouse=True)
def need_cjk_font() -> None:
    try:
        plots.cjk_font()
    except plots.FontNotFound as exc:
        unavailable(f"{exc} (the plots need it; CI installs fonts-noto-cjk)")


def test_coverage_png_and_svg(sqlite_archive: tuple[Engine, str], tmp_path: Path) -> None:
    engine, url = sqlite_archive
    png = tmp_path / "coverage.png"
    assert (
        main(["plot", "coverage", "--paper", "hyrb", "--year", "2024", "--out", str(png), "--db", url]) == 0
    )
    pixels = rgb_pixels(png)
    assert pixels.shape[:2] == (600, 1400)  # height × width
    colours = {tuple(int(v) for v in c) for c in np.unique(pixels.reshape(-1, 3), axis=0)}
    assert (0x2E, 0x7D, 0x32) in colours  # complete editions drawn in their colour
    assert (0xB0, 0xBE, 0xC5) in colours  # and the not_published day
    svg = tmp_path / "coverage.svg"
    plots.coverage_calendar(engine, "hyrb", 2024, svg)
    content = svg.read_text(encoding="utf-8")
    assert content.lstrip().startswith("<?xml") and "<svg" in content and len(content) > 10_000


def test_statuses_per_day(sqlite_archive: tuple[Engine, str]) -> None:
    engine, _ = sqlite_archive
    name, statuses = plots.edition_statuses(engine, "hyrb", 2024)
    assert name == "河阳日报"
    assert statuses == {
        corpus.D1: "complete",
        corpus.D2: "complete",
        corpus.NOT_PUBLISHED: "not_published",
        corpus.D3: "complete",
    }


def test_page_on_a_blank_page(sqlite_archive: tuple[Engine, str], tmp_path: Path) -> None:
    engine, url = sqlite_archive
    out = tmp_path / "page.png"
    assert (
        main(
            [
                "plot",
                "page",
                "--paper",
                "hyrb",
                "--date",
                "2024-03-01",
                "--page",
                "1",
                "--out",
                str(out),
                "--db",
                url,
            ]
        )
        == 0
    )
    view = plots.load_page(engine, "hyrb", corpus.D1, "01")
    assert [(s.seq, s.title) for s in view.stories] == [(1, "市图书馆延长开放时间"), (2, "春耕备耕有序推进")]
    assert (view.width, view.height) == (600, 900) and view.continued_here == []
    assert plots.load_page(engine, "hyrb", corpus.D1, "2").continued_here == ["春耕备耕有序推进"]
    rgb = rgb_pixels(out)
    assert (rgb.shape[1], rgb.shape[0]) == plots.page_size_pixels(view) == (800, 1200)
    # the first story's outline (blue) runs along y = 40 of the 600×900 space
    assert any(
        tuple(int(v) for v in rgb[y, x]) == (0x15, 0x65, 0xC0) for x in range(300, 500) for y in range(100, 130)
    )


def test_page_over_an_archived_image(sqlite_archive: tuple[Engine, str], tmp_path: Path) -> None:
    engine, _ = sqlite_archive
    view = plots.load_page(engine, "hyrb", corpus.D1, "1")
    root = tmp_path / "pages"
    found = plots.page_image(view, root)
    assert found is None
    target = root / "127.0.0.1:9" / "hyrb/pic/20240301/p1.jpg"
    target.parent.mkdir(parents=True)
    mpimg.imsave(target, np.full((900, 600, 3), (250, 200, 40), dtype=np.uint8), format="jpeg")
    assert plots.page_image(view, root) == target
    out = plots.page_map(
        engine,
        "hyrb",
        corpus.D1,
        "01",
        tmp_path / "over.png",
        image_finder=lambda v: plots.page_image(v, root),
    )
    r, g, b = (int(v) for v in rgb_pixels(out)[1100, 400])  # below the stories: the page image itself
    assert abs(r - 250) < 12 and abs(g - 200) < 12 and abs(b - 40) < 12


def test_unknown_page_and_paper_are_clear_errors(
    sqlite_archive: tuple[Engine, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, url = sqlite_archive
    assert (
        main(
            [
                "plot",
                "page",
                "--paper",
                "hyrb",
                "--date",
                "2024-03-01",
                "--page",
                "A09",
                "--out",
                str(tmp_path / "x.png"),
                "--db",
                url,
            ]
        )
        == 2
    )
    assert "no page A09 (pages: 01, 02)" in capsys.readouterr().err
    assert main(["plot", "coverage", "--paper", "nope", "--year", "2024", "--db", url]) == 2
    assert "unknown paper 'nope'" in capsys.readouterr().err  # checked by epaper's entry point (crawler/cli.py)


def test_missing_font_is_explained(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(plots.FONT_ENV, str(tmp_path / "nofont.ttf"))
    with pytest.raises(plots.FontNotFound, match="is not a file"):
        plots.cjk_font()
    assert "apt-get install fonts-noto-cjk" in plots.FONT_HELP


def test_svg_page(sqlite_archive: tuple[Engine, str], tmp_path: Path) -> None:
    engine, _ = sqlite_archive
    out = plots.page_map(engine, "tyjb", corpus.D2, "01", tmp_path / "page.svg")
    text = out.read_text(encoding="utf-8")
    assert 'width="576pt" height="864pt"' in text  # 800 × 1200 px at 100 dpi = 576 × 864 pt


def test_archived_picture_renders_the_page_pdf_when_no_image_is_archived(tmp_path: Path) -> None:
    """With only the page PDF in the raw archive, the picture under the outlines is that PDF, rendered."""
    require_module("pypdfium2", "the page PDF is rendered with pypdfium2 (the pdf extra)")
    require_module("reportlab", "the page PDF is made with reportlab (the dev extra)")
    import datetime as dt

    from crawler.archive.writer import Exchange, WarcFileWriter
    from crawler.testsite.printed import page_pdf
    from crawler.testsite.sites import SITES

    day = dt.date(2025, 4, 25)
    page = SITES["demo"].edition(day).pages[7]
    pdf = page_pdf(page)
    assert pdf is not None
    url = "http://127.0.0.1:9/demo/p08.pdf"
    writer = WarcFileWriter(tmp_path / "archive", "demo")
    writer.write(Exchange(url, 200, pdf, [("Content-Type", "application/pdf")], paper="demo", day=day, kind="media"))
    writer.close()
    view = plots.PageView("demo", "河东日报", day, "08", "图片", None, 350, 550, pdf_url=url)
    picture = plots.archived_picture(view, tmp_path / "archive")
    assert picture is not None and picture.shape[:2] == (2200, 1400)  # 700 × 1100 pt at twice 72 dpi
    assert plots.archived_picture(view, tmp_path / "elsewhere") is None
    missing = plots.PageView("demo", "河东日报", day, "08", "图片", None, 350, 550, pdf_url=url + "?other")
    assert plots.archived_picture(missing, tmp_path / "archive") is None
