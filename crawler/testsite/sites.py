"""Named sites of the fixture server: the demo paper, one small site per skin/family, the benchmark site.

A SiteDef bundles a SiteSpec (how the site looks and where it lives), the dates that have an edition,
and how an edition is built (hand-curated for the demo, generated otherwise). Editions are built on
demand and kept in a small LRU cache, so a five-year site costs nothing until a date is asked for.
Editions handed out are shared: treat them as read-only (content.clone_edition makes a private copy).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from crawler.testsite.content import (
    STORIES,
    article_from_story,
    article_id,
    column_split,
    continued_pair,
    make_edition,
    place_articles,
)
from crawler.testsite.model import SiteArticle, SiteEdition, SiteImage, SitePage, SiteSpec

RENDERERS = {
    "founder-pc": "crawler.testsite.render_founder_pc",
    "founder-classic": "crawler.testsite.render_founder_classic",
    "layout-catalogue": "crawler.testsite.render_layout_catalogue",
    "index-htm": "crawler.testsite.render_index_htm",
    "shtml": "crawler.testsite.render_shtml",
    "people-nbs": "crawler.testsite.render_people_nbs",
    "page-articel": "crawler.testsite.render_page_articel",
    "plist": "crawler.testsite.render_plist",
    "js-data": "crawler.testsite.render_js_data",
    "pdf-only": "crawler.testsite.render_pdf_only",
}


def renderer_for(spec: SiteSpec) -> ModuleType:
    """The HTML renderer module of the spec's family (imported on first use)."""
    try:
        return importlib.import_module(RENDERERS[spec.family])
    except KeyError:
        raise ValueError(f"no renderer for family {spec.family!r}") from None


@dataclass(eq=False)
class SiteDef:
    """A site on the fixture server: its spec, its dates, and its editions (built lazily, LRU-cached)."""

    spec: SiteSpec
    dates: tuple[dt.date, ...]
    pages: int = 8
    articles_per_page: int = 6
    seed: object = 0
    curated: Mapping[dt.date, Callable[[], SiteEdition]] = field(default_factory=dict)
    cache_size: int = 64
    _date_set: frozenset[dt.date] = field(init=False, repr=False)
    _cache: OrderedDict[dt.date, SiteEdition] = field(init=False, repr=False)
    _lock: threading.Lock = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.dates = tuple(sorted(set(self.dates)))
        self._date_set = frozenset(self.dates)
        self._cache = OrderedDict()
        self._lock = threading.Lock()

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def root(self) -> str:
        return self.spec.root

    @property
    def latest(self) -> dt.date:
        return self.dates[-1]

    def has(self, date: dt.date) -> bool:
        return date in self._date_set

    def build(self, date: dt.date) -> SiteEdition:
        """Build the edition of `date` afresh (no cache)."""
        if date in self.curated:
            return self.curated[date]()
        return make_edition(self.spec, date, self.pages, self.articles_per_page, self.seed)

    def edition(self, date: dt.date) -> SiteEdition | None:
        """The edition of `date`, or None when the site has none that day."""
        if date not in self._date_set:
            return None
        with self._lock:
            cached = self._cache.get(date)
            if cached is not None:
                self._cache.move_to_end(date)
                return cached
        built = self.build(date)
        with self._lock:
            self._cache[date] = built
            self._cache.move_to_end(date)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return built

    def renderer(self) -> ModuleType:
        return renderer_for(self.spec)


# --------------------------------------------------------------------------- the demo paper (hand-curated)

DEMO_SPEC = SiteSpec(key="demo", name="河东日报", family="founder-pc", skin="newslist", root="/demo/")
DEMO_DATES = (dt.date(2025, 4, 25), dt.date(2025, 4, 26))


def _page(date: dt.date, index: int, number: str, name: str, slugs: list[str], **kw: Any) -> SitePage:
    page = SitePage(number=number, name=name, node=f"node_{number}", charset=kw.get("charset", "utf-8"))
    for a, slug in enumerate(slugs):
        page.articles.append(article_from_story(STORIES[slug], article_id(date, index, a)))
    return page


def _split(article: SiteArticle, which: int, fraction: float = 0.5) -> None:
    """Apply a column break to the article's paragraph `which`."""
    article.paragraphs = column_split(article.paragraphs, which, fraction)


def _credit(page: SitePage, editor: str) -> None:
    page.articles[-1].paragraphs.append(f"责任编辑：{editor}")


# The photo page's stories (our own writing), kept out of the story pool so the generated sites stay as they are.
_PHOTO_STORIES = (
    ("春日花海引客来", "▲游客在青禾县桃花岭景区赏花拍照。记者 张晓峰 摄", [
        "本报讯(记者 张晓峰)连日来，青禾县桃花岭景区万亩桃花竞相绽放，吸引了大批市民游客前来踏青赏花。",
        "今年，景区新修了三公里环山步道和两处观景平台，还在花海深处开设了农家集市，当地村民把自家种的蔬菜、"
        "手工做的面食摆上摊位，一个周末就能卖出两千多元。",
        "据景区管理处介绍，花期将持续到5月上旬，预计接待游客超过20万人次。",
    ]),
    ("老手艺走进新课堂", "▲面塑传承人刘秀梅在北塬区第二小学为学生示范捏制面花。通讯员 冯子轩 摄", [
        "本报讯(通讯员 冯子轩)4月24日，北塬区第二小学的手工课上来了一位特殊的老师：市级非物质文化遗产面塑"
        "项目传承人刘秀梅。",
        "揉面、染色、捏形、点睛，不到半小时，一只活灵活现的小兔子就在刘秀梅手中诞生了。孩子们围在桌前，"
        "一边看一边学，有的捏出了小鱼，有的捏出了花朵。",
        "学校负责人说，今年学校把面塑、剪纸等传统技艺请进课堂，每周安排一节课，让孩子们在动手中感受传统文化的魅力。",
        "责任编辑：柴丽娜",
    ]),
)


def _photo_page(date: dt.date, index: int) -> SitePage:
    """Page 08 图片: two stories whose article pages show only the photo and its caption; their text is printed
    in the page image and PDF (what `-a media=pdf` reads it from)."""
    page = SitePage(number="08", name="图片", node="node_08")
    for k, (title, caption, paragraphs) in enumerate(_PHOTO_STORIES):
        content_id = article_id(date, index, k)
        page.articles.append(SiteArticle(id=content_id, title=title, paragraphs=[], printed=list(paragraphs),
                                         images=[SiteImage(src=f"{content_id}_1.jpg", caption=caption)]))
    return place_articles(page, set(), 0.5)


def _demo_0425() -> SiteEdition:
    date = DEMO_DATES[0]
    p1 = _page(
        date,
        0,
        "01",
        "要闻",
        ["committee", "spring-planting", "flood-control", "industry", "service-commentary"],
    )
    lead, cont = continued_pair(
        STORIES["renovation"], article_id(date, 0, 9), article_id(date, 1, 9), keep=4, shortened=False
    )
    cont.kicker = None
    cont.subtitle = None
    p1.articles.insert(0, lead)
    p2 = _page(date, 1, "02", "聚焦", ["pepper", "craftsman"])
    p2.articles.insert(0, cont)
    _split(p2.articles[1], 2, 0.55)  # 南滩村地处黄河滩涂… split at a column break
    p3 = _page(
        date,
        2,
        "03",
        "综 合",
        ["bus-driver", "school-traffic", "family-doctor", "skills-contest", "air-quality", "flood-drill"],
    )
    _split(p3.articles[0], 2, 0.4)
    _credit(p3, "周敏")
    p4 = _page(
        date,
        3,
        "04",
        "资讯",
        ["library", "jobs-fair", "fire-drill", "tax", "free-clinic", "anti-fraud", "wind"],
    )
    p5 = _page(date, 4, "05", "经济", ["aluminium", "apple-live", "microloan", "farm-machinery"])
    _credit(p5, "韩晓峰")
    p6 = _page(date, 5, "06", "县区", ["saltlake", "night-market", "blood"], charset="gbk")
    _split(p6.articles[0], 2, 0.5)
    p7 = _page(date, 6, "07", "文化", ["papercut", "museum", "calligraphy", "table-tennis"])
    _credit(p7, "柴丽娜")
    p8 = _photo_page(date, 7)  # a photo page: its stories' text is printed only in the image and PDF
    place_articles(p1, {2}, 0.3)
    place_articles(p2, set(), 0.6)
    place_articles(p3, {4}, 0.5)
    for page, vary in ((p4, 0.2), (p5, 0.8), (p6, 0.4), (p7, 0.7)):
        place_articles(page, set(), vary)
    return SiteEdition(date=date, pages=[p1, p2, p3, p4, p5, p6, p7, p8])


def _demo_0426() -> SiteEdition:
    date = DEMO_DATES[1]
    p1 = _page(
        date, 0, "01", "要闻", ["may-day", "satellite", "rural-road", "photo-wheat", "rail", "bus-line"]
    )
    p2 = _page(date, 1, "02", "聚焦", ["startup", "elderly-canteen", "volunteers"])
    _split(p2.articles[0], 3, 0.6)
    p3 = _page(
        date,
        2,
        "03",
        "综 合",
        [
            "water-saving",
            "heating-reform",
            "court-mediation",
            "youth-football",
            "water",
            "reading-commentary",
        ],
    )
    _split(p3.articles[1], 1, 0.5)
    _credit(p3, "姚春生")
    p4 = _page(date, 3, "04", "副刊", ["locust-essay"])
    _credit(p4, "宁可欣")
    place_articles(p1, {1}, 0.5)
    place_articles(p2, set(), 0.4)
    place_articles(p3, {3}, 0.6)
    place_articles(p4, set(), 0.5)
    return SiteEdition(date=date, pages=[p1, p2, p3, p4])


DEMO_EDITIONS: dict[dt.date, Callable[[], SiteEdition]] = {
    DEMO_DATES[0]: _demo_0425,
    DEMO_DATES[1]: _demo_0426,
}


def _entry_template(spec: SiteSpec, date: dt.date, edition: SiteEdition) -> str:
    """The entry path with its date parts replaced by registry fields ("{date:%Y%m}" style); a renderer
    that numbers its pages (pdf-only) gives its own template."""
    renderer = renderer_for(spec)
    if hasattr(renderer, "entry_template"):
        return str(renderer.entry_template(spec))
    path = renderer.entry_path(spec, date, edition)
    for text, code in (
        (f"{date:%Y-%m-%d}", "{date:%Y-%m-%d}"),
        (f"{date:%Y%m%d}", "{date:%Y%m%d}"),
        (f"{date:%Y-%m}", "{date:%Y-%m}"),
        (f"{date:%Y%m}", "{date:%Y%m}"),
        (f"/{date:%d}/", "/{date:%d}/"),
        (f"{date:%Y}/", "{date:%Y}/"),  # a year folder before the dated one (plist: `2025/20250304/`)
    ):
        path = path.replace(text, code)
    return path


def demo_paper(base_url: str = "http://127.0.0.1:8765") -> dict[str, Any]:
    """DEMO_PAPER resolved for a fixture server at `base_url`, with the entry computed from the renderer,
    the current-issue index URL and the dates served."""
    site = SITES["demo"]
    root = base_url.rstrip("/") + site.root
    layout = dict(DEMO_PAPER["layouts"][0], base_url=root)
    layout["entry"] = _entry_template(site.spec, site.latest, site.edition(site.latest))  # type: ignore[arg-type]
    return dict(
        DEMO_PAPER,
        homepage=root,
        layouts=[layout],
        index=root + site.renderer().index_path(site.spec),
        dates=[d.isoformat() for d in site.dates],
    )


# --------------------------------------------------------------------------- named sites


def _date_range(start: dt.date, days: int) -> tuple[dt.date, ...]:
    return tuple(start + dt.timedelta(days=i) for i in range(days))


_SMALL_DATES = (dt.date(2025, 3, 3), dt.date(2025, 3, 4), dt.date(2025, 3, 6))  # 03-05 has no edition


def _small(key: str, name: str, family: str, skin: str) -> SiteDef:
    spec = SiteSpec(key=key, name=name, family=family, skin=skin, root=f"/{key}/")
    return SiteDef(spec=spec, dates=_SMALL_DATES, pages=3, articles_per_page=4)


def _named_sites() -> dict[str, SiteDef]:
    return {
        "demo": SiteDef(spec=DEMO_SPEC, dates=DEMO_DATES, curated=DEMO_EDITIONS),
        "pc-newslist": _small("pc-newslist", "河东日报", "founder-pc", "newslist"),
        "pc-resultlist": _small("pc-resultlist", "河东晚报", "founder-pc", "resultlist"),
        "pc-articlelist": _small("pc-articlelist", "青禾日报", "founder-pc", "articlelist"),
        "classic": _small("classic", "北塬日报", "founder-classic", "table"),
        "catalogue": _small("catalogue", "嵩岳日报", "layout-catalogue", "catalogue"),
        "indexhtm": _small("indexhtm", "秦川科技报", "index-htm", "bmml"),
        "shtml-conrlist": _small("shtml-conrlist", "汾川日报", "shtml", "conRList"),
        "shtml-selectbox": _small("shtml-selectbox", "锦江都市报", "shtml", "selectBox"),
        "people": _small("people", "北塬人民报", "people-nbs", "text_c"),
        "articel": _small("articel", "海曲都市报", "page-articel", "overlink"),
        "plist": _small("plist", "闽江日报", "plist", "plist"),
        "jsdata": _small("jsdata", "汴梁日报", "js-data", "datajs"),
        "pdfonly": _small("pdfonly", "沁水日报", "pdf-only", "template"),
        "pdfonly-list": _small("pdfonly-list", "沁水晚报", "pdf-only", "pagelist"),
        "bench": SiteDef(
            spec=SiteSpec(key="bench", name="河东日报", family="founder-pc", skin="newslist", root="/bench/"),
            dates=_date_range(dt.date(2024, 1, 1), 365),
            pages=8,
            articles_per_page=6,
            cache_size=32,
        ),
    }


SITES: dict[str, SiteDef] = _named_sites()

_SPEC_FIELDS = {f.name for f in dataclasses.fields(SiteSpec)}


def site_for(
    key: str,
    /,
    *,
    dates: Iterable[dt.date] | None = None,
    start: dt.date | None = None,
    days: int | None = None,
    pages: int | None = None,
    articles_per_page: int | None = None,
    seed: object | None = None,
    cache_size: int | None = None,
    **spec_overrides: Any,
) -> SiteDef:
    """A fresh SiteDef based on the named site `key`, with other dates, sizes or spec fields.

    `dates` lists the edition dates; or `start` (default: the site's first date) with `days` gives a
    daily range, e.g. site_for("bench", start=date(2020, 1, 1), days=5 * 366) for a five-year site.
    `spec_overrides` replace SiteSpec fields (key, name, family, skin, root); a new key without a root
    gets root "/<key>/". The demo keeps its curated editions on its own dates and generates the rest."""
    base = SITES[key]
    unknown = set(spec_overrides) - _SPEC_FIELDS
    if unknown:
        raise TypeError(f"unknown SiteSpec fields: {sorted(unknown)}")
    if "key" in spec_overrides and "root" not in spec_overrides:
        spec_overrides["root"] = f"/{spec_overrides['key']}/"
    spec = dataclasses.replace(base.spec, **spec_overrides)
    if dates is None and (start is not None or days is not None):
        dates = _date_range(start or base.dates[0], days if days is not None else len(base.dates))
    curated = base.curated if spec.family == base.spec.family and spec.skin == base.spec.skin else {}
    return SiteDef(
        spec=spec,
        dates=tuple(dates) if dates is not None else base.dates,
        pages=pages if pages is not None else base.pages,
        articles_per_page=articles_per_page if articles_per_page is not None else base.articles_per_page,
        seed=seed if seed is not None else base.seed,
        curated=curated if pages is None and articles_per_page is None else {},
        cache_size=cache_size if cache_size is not None else base.cache_size,
    )


# Registry data of the demo paper, in the shape of a data/papers.toml entry ("{fixture}" is the fixture
# server's base URL); demo_paper() resolves it, and a test checks it against the renderer and the registry.
DEMO_PAPER: dict[str, Any] = {
    "key": "demo",
    "name": DEMO_SPEC.name,
    "region": "河东市（虚构）",
    "script": "hans",
    "homepage": "{fixture}" + DEMO_SPEC.root,
    "timezone": "Asia/Shanghai",
    "layouts": [
        {
            "family": DEMO_SPEC.family,
            "base_url": "{fixture}" + DEMO_SPEC.root,
            "entry": "pc/layout/{date:%Y%m}/{date:%d}/node_01.html",
            "skin": DEMO_SPEC.skin,
        }
    ],
}
