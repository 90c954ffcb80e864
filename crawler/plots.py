"""Pictures of the archive (matplotlib, PNG or SVG by the output's suffix).

- `coverage_calendar`: one paper's year as a month × day grid coloured by edition status.
- `page_map`: one page with each story's hotspot polygons outlined and labelled (every area of a story), over
  the page as printed: a local copy (`page_image` hook), else the page image or PDF in the raw archive
  (EPAPER_MEDIA; a PDF rendered with pypdfium2), else a blank page of the coordinate space's size.

Chinese labels need a font with CJK glyphs: `cjk_font()` takes EPAPER_CJK_FONT=/path/to/font, else finds one on
the system (Noto Sans CJK, Source Han, WenQuanYi, Droid Sans Fallback, …), else the Noto Sans CJK SC that the
`fonts` extra installs through pip (mplfonts); without any it raises FontNotFound with both install lines instead
of drawing empty boxes. Matplotlib is optional
(`pip install matplotlib`, the `research` extra).
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine, select

from schema.models import Article, ArticlePart, Edition, Newspaper, Page

logger = logging.getLogger(__name__)

MATPLOTLIB_MISSING = (
    "epaper plot needs matplotlib: `pip install matplotlib` (or the project's `research` extra)."
)
FONT_ENV = "EPAPER_CJK_FONT"
IMAGE_DIR_ENV = "EPAPER_PAGE_IMAGES"
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Serif CJK SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "AR PL UKai CN",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
)
CJK_FILE_HINTS = (
    "notosanscjk",
    "notoserifcjk",
    "sourcehan",
    "wqy",
    "droidsansfallback",
    "uming",
    "ukai",
    "simhei",
)
FONT_HELP = (
    "no font that renders Chinese was found: install one (Debian/Ubuntu: `apt-get install fonts-noto-cjk`; "
    "or through pip: `pip install 'epaper-archive[fonts]'`) or point "
    f"{FONT_ENV} at a .ttf/.otf/.ttc file"
)
# the pip route: mplfonts ships Noto Sans CJK SC (SIL OFL) as a plain file; we only read it, never import mplfonts
PIP_FONT_PACKAGE = "mplfonts"
PIP_FONT_FILES = ("NotoSansCJKsc-Regular.otf", "SourceHanSerifSC-Regular.otf")
DPI = 100
STATUS_COLOURS = {
    "complete": "#2e7d32",
    "partial": "#f9a825",
    "missing": "#c62828",
    "failed": "#6a1b9a",
    "not_published": "#b0bec5",
    "pending": "#81d4fa",
    "not crawled": "#ffffff",
}
STATUS_LABELS = {
    "complete": "complete 完整",
    "partial": "partial 部分",
    "missing": "missing 缺失",
    "failed": "failed 失败",
    "not_published": "not published 休刊",
    "pending": "pending 待定",
    "not crawled": "not crawled 未抓取",
}


class FontNotFound(RuntimeError):
    pass


class PlotError(ValueError):
    """The data to draw is not in the database (unknown paper, page, …)."""


def _matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError as exc:
        raise RuntimeError(MATPLOTLIB_MISSING) from exc
    return matplotlib


def cjk_font() -> str:
    """The family name of a font with Chinese glyphs, registering EPAPER_CJK_FONT or a system font file."""
    _matplotlib()
    from matplotlib import font_manager

    explicit = os.environ.get(FONT_ENV)
    if explicit:
        if not Path(explicit).is_file():
            raise FontNotFound(f"{FONT_ENV}={explicit} is not a file")
        font_manager.fontManager.addfont(explicit)
        return font_manager.FontProperties(fname=explicit).get_name()
    names = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in names:
            return family
    # a font installed after matplotlib built its cache: look at the files themselves
    for path in sorted(font_manager.findSystemFonts()):
        if any(hint in Path(path).name.lower().replace("-", "").replace("_", "") for hint in CJK_FILE_HINTS):
            try:
                font_manager.fontManager.addfont(path)
                return font_manager.FontProperties(fname=path).get_name()
            except (OSError, RuntimeError, ValueError):
                continue
    bundled = pip_installed_font()
    if bundled is not None:
        font_manager.fontManager.addfont(str(bundled))
        return font_manager.FontProperties(fname=str(bundled)).get_name()
    raise FontNotFound(FONT_HELP)


def pip_installed_font() -> Path | None:
    """The CJK font file of the `fonts` extra, found without importing its package (which pulls in a CLI)."""
    import importlib.util

    spec = importlib.util.find_spec(PIP_FONT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        for name in PIP_FONT_FILES:
            path = Path(folder) / "fonts" / name
            if path.is_file():
                return path
    return None


def _figure(width_in: float, height_in: float) -> Any:
    _matplotlib()
    from matplotlib.figure import Figure

    font = cjk_font()
    figure = Figure(figsize=(width_in, height_in), dpi=DPI)
    figure.set_layout_engine(None)
    return figure, font


def _save(figure: Any, out: Path) -> Path:
    out = Path(out)
    suffix = out.suffix.lower().lstrip(".")
    if suffix not in ("png", "svg"):
        raise PlotError(f"output must end in .png or .svg, not {out.name}")
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, format=suffix, dpi=DPI)
    return out


# --------------------------------------------------------------------------- coverage calendar


def edition_statuses(engine: Engine, paper: str, year: int) -> tuple[str, dict[dt.date, str]]:
    """The paper's display name and {date: status} for the year (pending for unfinalised editions)."""
    with engine.connect() as conn:
        name = conn.execute(select(Newspaper.name).where(Newspaper.key == paper)).scalar()
        if name is None:
            raise PlotError(f"no paper {paper!r} in the database")
        rows = conn.execute(
            select(Edition.date, Edition.status)
            .join(Newspaper, Newspaper.id == Edition.newspaper_id)
            .where(
                Newspaper.key == paper,
                Edition.date >= dt.date(year, 1, 1),
                Edition.date <= dt.date(year, 12, 31),
            )
        ).all()
    return name, {date: status or "pending" for date, status in rows}


COVERAGE_SIZE = (14.0, 6.0)  # inches at DPI: 1400 × 600 pixels


def coverage_calendar(engine: Engine, paper: str, year: int, out: Path | str) -> Path:
    """Draw the year as 12 rows (months) × 31 columns (days), one cell per date coloured by status."""
    from matplotlib.patches import Patch, Rectangle

    name, statuses = edition_statuses(engine, paper, year)
    figure, font = _figure(*COVERAGE_SIZE)
    ax = figure.add_axes((0.07, 0.2, 0.9, 0.68))
    counts: dict[str, int] = {}
    for month in range(1, 13):
        for day in range(1, calendar.monthrange(year, month)[1] + 1):
            status = statuses.get(dt.date(year, month, day), "not crawled")
            counts[status] = counts.get(status, 0) + 1
            ax.add_patch(
                Rectangle(
                    (day - 1, month - 1),
                    0.92,
                    0.92,
                    facecolor=STATUS_COLOURS[status],
                    edgecolor="#9e9e9e",
                    linewidth=0.5,
                )
            )
    ax.set_xlim(-0.2, 31)
    ax.set_ylim(12, -0.2)
    ax.set_xticks([d - 0.54 for d in range(1, 32)], [str(d) for d in range(1, 32)], fontsize=8)
    ax.set_yticks([m - 0.54 for m in range(1, 13)], [f"{m}月" for m in range(1, 13)], fontfamily=font)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(f"{name}（{paper}）{year}年 版次覆盖 · edition coverage", fontfamily=font, fontsize=14)
    handles = [
        Patch(
            facecolor=STATUS_COLOURS[s], edgecolor="#9e9e9e", label=f"{STATUS_LABELS[s]} ({counts.get(s, 0)})"
        )
        for s in STATUS_COLOURS
    ]
    figure.legend(
        handles=handles,
        loc="lower center",
        ncol=len(handles),
        frameon=False,
        prop={"family": font, "size": 9},
    )
    return _save(figure, Path(out))


# --------------------------------------------------------------------------- page map


@dataclass
class PageStory:
    seq: int | None
    title: str | None
    polygons: list[list[float]]


@dataclass
class PageView:
    paper: str
    paper_name: str
    date: dt.date
    number: str
    name: str | None
    image_url: str | None
    width: int | None
    height: int | None
    stories: list[PageStory] = field(default_factory=list)
    continued_here: list[str] = field(default_factory=list)  # titles of stories whose later part is here
    pdf_url: str | None = None


def choose_page(pages: Sequence[Any], label: str) -> Any | None:
    """The page whose printed label is `label`; else whose numeric label equals it (1 = 01); else seq."""
    exact = next((p for p in pages if p.number == label), None)
    if exact is not None or not label.isdigit():
        return exact
    numeric = next((p for p in pages if p.number.isdigit() and int(p.number) == int(label)), None)
    return numeric or next((p for p in pages if p.seq == int(label)), None)


def load_page(engine: Engine, paper: str, date: dt.date, page: str) -> PageView:
    """A page by printed label (01, A01) or number (1 = 01), with its stories' hotspot polygons."""
    with engine.connect() as conn:
        pages = conn.execute(
            select(
                Page.id,
                Page.number,
                Page.seq,
                Page.name,
                Page.image_url,
                Page.image_width,
                Page.image_height,
                Newspaper.name,
                Page.pdf_url,
            )
            .join(Edition, Edition.id == Page.edition_id)
            .join(Newspaper, Newspaper.id == Edition.newspaper_id)
            .where(Newspaper.key == paper, Edition.date == date)
            .order_by(Page.seq)
        ).all()
        chosen = choose_page(pages, str(page))
        if chosen is None:
            labels = ", ".join(p.number for p in pages) or "none stored"
            raise PlotError(f"{paper} {date}: no page {page} (pages: {labels})")
        page_id, number, _, name, image_url, width, height, paper_name, pdf_url = chosen
        rows = conn.execute(
            select(Article.seq, Article.title, Article.polygon)
            .where(Article.page_id == page_id)
            .order_by(Article.seq, Article.id)
        ).all()
        continued = conn.execute(
            select(Article.title)
            .join(ArticlePart, ArticlePart.article_id == Article.id)
            .where(ArticlePart.page_id == page_id, Article.page_id != page_id)
            .order_by(ArticlePart.id)
        ).scalars()
        continued_here = [t or "" for t in continued]
    stories = []
    for seq, title, polygon in rows:
        polygons = [list(map(float, p)) for p in (polygon or {}).get("polygons") or [] if len(p) >= 4]
        space = (polygon or {}).get("coordinate_space") or {}
        width = width or space.get("width")
        height = height or space.get("height")
        stories.append(PageStory(seq, title, polygons))
    return PageView(paper, paper_name, date, number, name, image_url, width, height, stories, continued_here, pdf_url)


def page_image(view: PageView, root: Path | str | None = None) -> Path | None:
    """Hook: a local archived copy of the page image, or None.

    Looked up as <root>/<host>/<path of image_url> (a mirror's layout), root being EPAPER_PAGE_IMAGES or
    data/pages. Replace or wrap this function when page images are archived elsewhere.
    """
    if not view.image_url:
        return None
    if root is None:
        from schema.db import project_data_dir

        root = os.environ.get(IMAGE_DIR_ENV) or project_data_dir() / "pages"
    from crawler.paths import PathEscape, confined

    parts = urlsplit(view.image_url)
    try:  # the URL comes from the site: `/../../etc/x` must not read outside the mirror
        candidate = confined(root, parts.netloc, parts.path.lstrip("/"))
    except PathEscape:
        return None
    return candidate if candidate.is_file() else None


PDF_RENDER_SCALE = 2.0  # a page PDF drawn at 144 dpi: sharp enough under 1200-pixel-high outlines


def archived_picture(view: PageView, archive_dir: Path | None) -> Any | None:
    """The page as printed, from the raw archive (EPAPER_MEDIA): its page image, else its page PDF's first page
    rendered with pypdfium2 (when installed), as an image array; None when the archive holds neither.
    The picture's own pixel size does not matter: page_map stretches it over the hotspot coordinate space."""
    if archive_dir is None or not archive_dir.is_dir() or not (view.image_url or view.pdf_url):
        return None
    from crawler.archive.reader import ArchiveIndex, RecordReader
    from crawler.archive.replay import decoded

    index = ArchiveIndex.build(archive_dir, [view.paper], view.date, view.date)
    reader = RecordReader(index.files)
    try:
        for url, kind in ((view.image_url, "image"), (view.pdf_url, "pdf")):
            entry = index.lookup(url, view.paper)[0] if url else None
            if entry is None or not 200 <= entry.status < 300:
                continue
            stored = reader.read(entry.file, entry.offset, entry.length)
            encoding = next((v for k, v in stored.headers if k.lower() == "content-encoding"), None)
            body = decoded(stored.body, encoding) if encoding else stored.body
            picture = _picture(body, kind)
            if picture is not None:
                return picture
    finally:
        reader.close()
    return None


def _picture(body: bytes, kind: str) -> Any | None:
    """An image array of a page image (any format matplotlib reads) or of a PDF's first page; None if unreadable."""
    if kind == "image":
        from matplotlib.image import imread

        try:
            return imread(io.BytesIO(body))
        except Exception:  # noqa: BLE001 - an archived image that does not decode: try the PDF, else blank
            logger.warning("archived page image unreadable; trying the page PDF")
            return None
    try:
        import pypdfium2 as pdfium  # the optional `pdf` extra
    except ImportError:
        return None
    try:
        doc = pdfium.PdfDocument(body)
        try:
            return doc[0].render(scale=PDF_RENDER_SCALE, rev_byteorder=True).to_numpy()
        finally:
            doc.close()
    except Exception:  # noqa: BLE001 - an unreadable PDF leaves the blank page
        logger.warning("archived page PDF unreadable")
        return None


def _outline(flat: Sequence[float]) -> list[tuple[float, float]]:
    points = list(zip(flat[0::2], flat[1::2], strict=False))
    if len(points) == 2:  # two corners of a rectangle
        (x0, y0), (x1, y1) = points
        points = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    return points


def _extent(view: PageView) -> tuple[float, float]:
    if view.width and view.height:
        return float(view.width), float(view.height)
    xs = [x for s in view.stories for p in s.polygons for x in p[0::2]]
    ys = [y for s in view.stories for p in s.polygons for y in p[1::2]]
    return (max(xs, default=600.0) * 1.02, max(ys, default=900.0) * 1.02)


PAGE_HEIGHT_IN = 12.0


def page_size_pixels(view: PageView) -> tuple[int, int]:
    """The picture's size in pixels: 1200 high, as wide as the page's aspect ratio asks (+ a title band)."""
    width, height = _extent(view)
    return round(PAGE_HEIGHT_IN * width / height * DPI), round(PAGE_HEIGHT_IN * DPI)


def page_map(
    engine: Engine,
    paper: str,
    date: dt.date,
    page: str,
    out: Path | str,
    image_finder: Callable[[PageView], Path | None] = page_image,
    archive_dir: Path | None = None,
) -> Path:
    """Draw the page's stories as outlined, numbered polygons labelled with their titles, over the page as
    printed: a local copy (`image_finder`), else the archived page image or PDF (`archived_picture`), else a
    blank page of the coordinate space's size. Every polygon of a story in several areas is labelled."""
    from matplotlib.colors import to_rgba
    from matplotlib.patches import Polygon

    view = load_page(engine, paper, date, page)
    width, height = _extent(view)
    px_w, px_h = page_size_pixels(view)
    figure, font = _figure(px_w / DPI, px_h / DPI)
    ax = figure.add_axes((0.02, 0.02, 0.96, 0.93))
    image_path = image_finder(view)
    picture = None
    if image_path is not None:
        from matplotlib.image import imread

        picture = imread(image_path)
    else:
        picture = archived_picture(view, archive_dir)
    if picture is not None:  # stretched from its own pixels onto the hotspots' coordinate space
        ax.imshow(picture, extent=(0, width, height, 0))
    else:
        ax.add_patch(
            Polygon(
                [(0, 0), (width, 0), (width, height), (0, height)],
                facecolor="#fafafa",
                edgecolor="#616161",
                linewidth=1,
            )
        )
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)  # image coordinates: y grows downwards
    ax.set_aspect("equal")
    ax.axis("off")
    colours = ["#1565c0", "#c62828", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#ad1457", "#4e342e"]
    label_size = max(7.0, min(12.0, width / 60))
    for index, story in enumerate(view.stories):
        colour = colours[index % len(colours)]
        title = story.title or "（无题）"
        for part, polygon in enumerate(story.polygons, start=1):
            points = _outline(polygon)
            ax.add_patch(
                Polygon(points, closed=True, facecolor=to_rgba(colour, 0.12), edgecolor=colour, linewidth=2)
            )
            x0 = min(p[0] for p in points)
            y0 = min(p[1] for p in points)
            label = f"{story.seq or index + 1}. {title[:16]}{'…' if len(title) > 16 else ''}"
            if len(story.polygons) > 1:  # a story in several areas: each says which story and which part
                label += f" ({part}/{len(story.polygons)})"
            ax.text(
                x0 + width * 0.01,
                y0 + height * 0.01,
                label,
                fontfamily=font,
                fontsize=label_size,
                color=colour,
                va="top",
                ha="left",
                bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 1.5},
            )
    drawn = sum(1 for s in view.stories if s.polygons)
    # continuation pieces (上接) have no hotspot of their own in the database: name them instead
    continued = f" · 上接: {'、'.join(t[:10] for t in view.continued_here)}" if view.continued_here else ""
    figure.suptitle(
        f"{view.paper_name} {view.date.isoformat()} 第{view.number}版 {view.name or ''} · "
        f"{drawn}/{len(view.stories)} stories outlined{continued}",
        fontfamily=font,
        fontsize=13,
        y=0.985,
    )
    return _save(figure, Path(out))
