"""A small two-paper archive for the research tests, stored through schema.store.Store (the real write path).

河阳日报 (`hyrb`) prints simplified script; 台岩晚报 (`tyjb`) prints traditional and so carries
`title_simplified` / `body_simplified`. All text is our own fictional writing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from schema.records import ArticleText, Byline, Caption, Continuation, Dateline, EditionItem, ImageRef
from schema.store import Store
from tests.storage import factory as f

D1, D2, D3 = dt.date(2024, 3, 1), dt.date(2024, 3, 2), dt.date(2024, 4, 10)
NOT_PUBLISHED = dt.date(2024, 3, 3)
TOP = [40.0, 40.0, 560.0, 300.0]  # rectangle corners in the 600×900 space
MIDDLE = [40.0, 320.0, 560.0, 320.0, 560.0, 600.0, 40.0, 600.0]
BOTTOM = [40.0, 620.0, 300.0, 860.0]


@dataclass(frozen=True)
class Story:
    paper: str
    date: dt.date
    page: int
    seq: int
    cid: int
    title: str
    body: str
    reporters: tuple[tuple[str, str], ...]
    polygon: list[float]
    hant: bool = False
    title_simplified: str | None = None
    body_simplified: str | None = None
    continuation: Continuation | None = None  # 下转 / 上接 marker removed from the text


STORIES = [
    Story(
        "hyrb",
        D1,
        1,
        1,
        101,
        "市图书馆延长开放时间",
        "河阳市图书馆今日起延长开放时间。\n读者夜间也可借阅图书。",
        (("林晓川", "记者"),),
        TOP,
    ),
    # continued on page 2 (下转第2版): the store joins the two pieces into one story with two parts
    Story(
        "hyrb",
        D1,
        1,
        2,
        102,
        "春耕备耕有序推进",
        "全市农技人员深入田间，指导农户科学",
        (("周明远", "记者"), ("陈宏", "通讯员")),
        MIDDLE,
        continuation=Continuation("to", "2", "（下转第2版）"),
    ),
    Story(
        "hyrb",
        D1,
        2,
        2,
        104,
        "春耕备耕有序推进",
        "施肥。\n各乡镇农资供应充足。",
        (("周明远", "记者"),),
        BOTTOM,
        continuation=Continuation("from", "1", "（上接第1版）"),
    ),
    Story(
        "hyrb",
        D1,
        2,
        1,
        103,
        "知识产权服务站揭牌",
        "河阳高新区知识产权服务站昨日揭牌，为企业提供商标咨询。",
        (("林晓川", "记者"),),
        TOP,
    ),
    Story(
        "hyrb",
        D2,
        1,
        1,
        201,
        "图书馆里过周末",
        "周末的图书馆座无虚席，孩子们在绘本区安静阅读。",
        (("贾小禾", "实习生"),),
        TOP,
    ),
    Story(
        "hyrb",
        D2,
        2,
        1,
        202,
        "城区新增公交线路",
        "城区新增公交线路三条，方便市民出行。",
        (("周明远", "记者"),),
        BOTTOM,
    ),
    Story(
        "hyrb",
        D3,
        1,
        1,
        301,
        "知识产权宣传周启动",
        "全市知识产权宣传周今天启动，林晓川等记者现场采访。",
        (("林晓川", "记者"),),
        MIDDLE,
    ),
    Story(
        "tyjb",
        D2,
        1,
        1,
        401,
        "圖書館新館落成",
        "本報訊 台岩市圖書館新館昨日落成啟用。",
        (("王書文", "記者"),),
        TOP,
        hant=True,
        title_simplified="图书馆新馆落成",
        body_simplified="本报讯 台岩市图书馆新馆昨日落成启用。",
    ),
]


def text_for(story: Story) -> ArticleText:
    return ArticleText(
        kicker="本报讯" if not story.hant else None,
        title=story.title,
        paragraphs=story.body.split("\n"),
        dateline=Dateline("本报讯（记者 林晓川）", organisation="本报") if story.cid == 101 else None,
        byline_text=" ".join(f"{role} {name}" for name, role in story.reporters),
        bylines=[Byline(name, role, "本报") for name, role in story.reporters],
        captions=[
            Caption(
                f"{story.title}现场。", credit="记者 林晓川 摄", image_url=f"{f.BASE}/pic/{story.cid}.jpg"
            )
        ],
        continuations=[story.continuation] if story.continuation else [],
        script="hant" if story.hant else "hans",
        title_simplified=story.title_simplified,
        body_simplified=story.body_simplified,
    )


def items() -> list[object]:
    out: list[object] = []
    for paper in ("hyrb", "tyjb"):
        stories = [s for s in STORIES if s.paper == paper]
        for date in sorted({s.date for s in stories}):
            day = [s for s in stories if s.date == date]
            pages = sorted({s.page for s in day})
            n_pages = max(pages)
            out.append(EditionItem(paper=paper, date=date, url=f.page_url(date, 1), page_count=n_pages))
            for number in range(1, n_pages + 1):
                on_page = [s for s in day if s.page == number]
                page = f.page_item(date, number, [s.cid for s in on_page], n_pages=n_pages, paper=paper)
                if paper == "tyjb":
                    page.page.name = page.page.name.replace("要闻", "要聞")
                out.append(page)
                for story in on_page:
                    item = f.article_item(
                        date,
                        number,
                        story.seq,
                        story.cid,
                        paper=paper,
                        polygons=[story.polygon],
                        images=[ImageRef(f"{f.BASE}/pic/{story.cid}.jpg", None)],
                        text=text_for(story),
                    )
                    item.script = "hant" if story.hant else "hans"
                    out.append(item)
    out.append(EditionItem(paper="hyrb", date=NOT_PUBLISHED, status="not_published", reason="休刊"))
    return out


def build(store: Store) -> None:
    store.ensure_newspaper("hyrb", "河阳日报", region="河阳", script="hans")
    store.ensure_newspaper("tyjb", "台岩晚报", region="台岩", script="hant")
    for item in items():
        store.add(item)  # type: ignore[arg-type]
    store.flush()
    store.finalize("hyrb")
    store.finalize("tyjb")


ARTICLES = len(STORIES) - 1  # the continued story's two pieces are one article
JOINED_BODY = "全市农技人员深入田间，指导农户科学施肥。\n各乡镇农资供应充足。"


def by_cid(cid: int) -> Story:
    return next(s for s in STORIES if s.cid == cid)
