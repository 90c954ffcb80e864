"""Page PDFs the tests typeset themselves from the annotated article corpus (tests/text/corpus/articles).

Each story is an article case: its head, paragraphs and pictures are printed with reportlab in the
built-in CID fonts (STSong-Light, MSung-Light: no font file needed), in a newspaper's manner — a body
face at 9 pt with indented paragraphs justified to the column, crossheads faked bold (fill and stroke),
heads in larger sizes, captions in 7.5 pt under a picture. The case's `expected` is the truth the page is
scored against (tests/pdf/test_pdf_corpus.py). Two page templates:

- lead: a lead story across four columns (kicker, title, subtitle over all four, crossheads, a picture
  with its caption) above four briefs side by side;
- mixed: story A printed in columns 1 and 3 with story B between them (two stories interleaved, A breaks
  across columns mid-sentence), story C whose title is a picture (expected title, kicker, subtitle null),
  story D whose tail is printed in the column left of its head (tail before head).
"""

from __future__ import annotations

import copy
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.text.clean import clean_text

CORPUS = Path(__file__).resolve().parents[1] / "text" / "corpus" / "articles"
COL_W, GUTTER, MARGIN = 108.0, 12.0, 24.0
BODY, LEAD_TITLE, TITLE, SUB, CROSS, CAPTION = 9.0, 20.0, 14.0, 11.0, 9.5, 7.5
LEADING = 1.45


@dataclass
class Item:
    kind: str  # para | crosshead | image
    text: str = ""
    caption: str = ""


@dataclass
class StorySpec:
    case_id: str
    hant: bool
    kicker: str | None
    title: str | None
    subtitle: str | None
    items: list[Item]
    expected: dict


@dataclass
class Op:
    kind: str  # text | image
    x: float
    y: float  # top of the line or picture, from the page top
    size: float = BODY
    text: str = ""
    bold: bool = False
    w: float = 0.0
    h: float = 0.0
    hant: bool = False
    story: int = -1  # which expected article of the page the op prints


def _tag(ops: list[Op], story: int) -> list[Op]:
    for op in ops:
        op.story = story
    return ops


@dataclass
class PageSpec:
    """One generated page: its PDF bytes and the expected articles in reading order."""

    pdf: bytes
    expected: list[dict]
    template: str
    cases: list[str] = field(default_factory=list)
    # each expected article's printed area: one flat [x0, y0, x1, y0, x1, y1, x0, y1] polygon per column
    regions: list[list[list[float]]] = field(default_factory=list)
    size: tuple[float, float] = (0.0, 0.0)


def regions_of(ops: list[Op], n: int) -> list[list[list[float]]]:
    """Per story, the bounding rectangle of its ops in each column it uses (hotspot-like polygons)."""
    out: list[list[list[float]]] = []
    for k in range(n):
        cols: dict[int, list[float]] = {}
        for op in ops:
            if op.story != k:
                continue
            w = op.w if op.kind == "image" else _width(op.text, op.size, op.hant)
            h = op.h if op.kind == "image" else op.size * 1.2
            col = int((op.x - MARGIN + 1) // (COL_W + GUTTER))
            b = cols.setdefault(col, [op.x, op.y, op.x + w, op.y + h])
            b[:] = [min(b[0], op.x), min(b[1], op.y), max(b[2], op.x + w), max(b[3], op.y + h)]
        out.append(
            [
                [b[0] - 2, b[1] - 2, b[2] + 2, b[1] - 2, b[2] + 2, b[3] + 2, b[0] - 2, b[3] + 2]
                for b in cols.values()
            ]
        )
    return out


def _fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    for name in ("STSong-Light", "MSung-Light"):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(name))


def _font(hant: bool) -> str:
    return "MSung-Light" if hant else "STSong-Light"


def _width(text: str, size: float, hant: bool) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    _fonts()
    return stringWidth(text, _font(hant), size)


def wrap(text: str, size: float, width: float, hant: bool, indent: float = 0.0) -> list[tuple[str, float]]:
    """Greedy line breaks by printed width; (line, x offset) pairs, the first offset by the indent."""
    from crawler.testsite.printed import wrap_lines

    _fonts()
    return wrap_lines(text, size, width, indent, _font(hant))


def load_story(case_id: str) -> StorySpec:
    case = json.loads((CORPUS / f"{case_id}.json").read_text(encoding="utf-8"))
    inp, exp = case["input"], copy.deepcopy(case["expected"])
    exp.setdefault("section", None)
    crossheads = {h for c in exp.get("crossheads", []) for h in (c, *c.split(" "))}
    items: list[Item] = []
    paragraphs = exp.get("paragraphs", [])
    lines: list[str] = []
    for raw in inp.get("paragraphs", []):
        for line in clean_text(raw or "").split("\n"):
            line = line.strip()
            if lines and line and any(lines[-1][-6:] + line[:6] in p for p in paragraphs):
                lines[-1] += line  # one paragraph the source broke in two (a column break): printed as one
            elif line:
                lines.append(line)
    for line in lines:
        items.append(Item("crosshead" if line in crossheads else "para", line))
        if _credit_line(line, exp):
            items[-1].caption = "flush"  # a byline line is printed flush left, not indented
    pictures = [
        Item("image", caption=clean_text(im.get("caption") or "").strip()) for im in inp.get("images", [])
    ]
    items[1:1] = pictures

    def head(key: str) -> str | None:
        return clean_text(inp[key]).strip() or None if inp.get(key) else None

    return StorySpec(
        case_id, case.get("script") == "hant", head("kicker"), head("title"), head("subtitle"), items, exp
    )


def _credit_line(line: str, expected: dict) -> bool:
    names = [b.get("name") for b in expected.get("bylines", []) if b.get("name")]
    return len(line) <= 40 and not line.endswith("。") and any(n in line for n in names)


def flow(
    items: list[Item], frames: list[tuple[float, float, float, float]], hant: bool
) -> tuple[list[Op], list[Item]]:
    """Set the items down the frames (x, top, width, bottom) in turn; what did not fit is returned."""
    ops: list[Op] = []
    queue = list(items)
    lead = BODY * LEADING
    for x, top, width, bottom in frames:
        y = top
        while queue:
            item = queue[0]
            if item.kind == "image":
                h = width * 0.55
                cap = wrap(item.caption, CAPTION, width, hant) if item.caption else []
                need = h + 3 + len(cap) * CAPTION * LEADING
                if y + need > bottom:
                    break
                ops.append(Op("image", x, y, w=width, h=h))
                y += h + 3
                for text, _ in cap:
                    ops.append(Op("text", x, y, CAPTION, text, hant=hant))
                    y += CAPTION * LEADING
                y += lead * 0.5
                queue.pop(0)
                continue
            if item.kind == "crosshead":
                lines = wrap(item.text, CROSS, width, hant)
                pair = (
                    len(queue) > 1 and queue[1].kind == "crosshead"
                )  # the halves of one crosshead stay together
                if y + (len(lines) + 2 + pair) * lead > bottom:
                    break
                y += lead * 0.4
                for text, _ in lines:
                    ops.append(Op("text", x, y, CROSS, text, bold=True, hant=hant))
                    y += lead
                y += lead * 0.2
                queue.pop(0)
                continue
            lines = wrap(item.text, BODY, width, hant, indent=2 * BODY if not item.caption else 0.0)
            fitted = 0
            while fitted < len(lines) and y + lead <= bottom:
                text, off = lines[fitted]
                ops.append(Op("text", x + off, y, BODY, text, hant=hant))
                y += lead
                fitted += 1
            if fitted < len(lines):
                if fitted:  # the paragraph goes on in the next frame, without indent
                    queue[0] = Item("para", "".join(t for t, _ in lines[fitted:]), caption="cont")
                break
            queue.pop(0)
    return ops, queue


def head_ops(spec: StorySpec, x: float, y: float, width: float, title_size: float) -> tuple[list[Op], float]:
    ops: list[Op] = []
    for text, size in ((spec.kicker, SUB), (spec.title, title_size), (spec.subtitle, SUB)):
        if not text:
            continue
        for line, _ in wrap(text, size, width, spec.hant):
            ops.append(Op("text", x, y, size, line, hant=spec.hant))
            y += size * 1.3
        y += 2
    return ops, y + BODY * 0.6


def fit(spec: StorySpec, frames_at: callable, start: float = 40.0) -> tuple[list[Op], float]:  # type: ignore[valid-type]
    """The smallest region height (10 pt steps) whose frames hold the whole story."""
    h = start
    while h < 3000:
        ops, rest = flow(spec.items, frames_at(h), spec.hant)
        if not rest:
            return ops, h
        h += 10
    raise ValueError(f"{spec.case_id} does not fit")


def col_x(k: int) -> float:
    return MARGIN + k * (COL_W + GUTTER)


def lead_page(lead: StorySpec | None, briefs: list[StorySpec]) -> tuple[list[Op], float, float]:
    """A lead story across four columns above four briefs side by side (or the briefs alone)."""
    width = 4 * COL_W + 3 * GUTTER
    ops: list[Op] = []
    row = MARGIN
    if lead is not None:
        ops, y = head_ops(lead, MARGIN, MARGIN, width, LEAD_TITLE)
        body_top = y
        body, h = fit(lead, lambda h: [(col_x(k), body_top, COL_W, body_top + h) for k in range(4)], 60)
        ops = _tag(ops + body, 0)
        row = body_top + h + 3 * BODY
    first = 0 if lead is None else 1
    bottom = row
    for k, b in enumerate(briefs):
        hops, by = head_ops(b, col_x(k), row, COL_W, TITLE)
        bops, bh = fit(b, lambda h, by=by, k=k: [(col_x(k), by, COL_W, by + h)], 20)
        ops += _tag(hops + bops, k + first)
        bottom = max(bottom, by + bh)
    return ops, 2 * MARGIN + width, bottom + MARGIN


def mixed_page(a: StorySpec, b: StorySpec, c: StorySpec, d: StorySpec) -> tuple[list[Op], float, float]:
    """A in columns 1 and 3 around B; C under a title picture; D's tail left of its head."""
    top = MARGIN
    aops, ay = head_ops(a, col_x(0), top, COL_W, TITLE)
    bops, by = head_ops(b, col_x(1), top, COL_W, TITLE)
    dops, dy = head_ops(d, col_x(5), top, COL_W, TITLE)
    c_pic = 46.0
    h = 60.0
    # A and D take about half their text in their first column, so each must go on in another
    a_cut = ay + _half(a, ay)
    d_cut = dy + _half(d, dy)
    while True:
        a_body, a_rest = flow(
            a.items, [(col_x(0), ay, COL_W, a_cut), (col_x(2), top, COL_W, top + h)], a.hant
        )
        b_body, b_rest = flow(b.items, [(col_x(1), by, COL_W, top + h)], b.hant)
        c_body, c_rest = flow(c.items, [(col_x(3), top + c_pic + BODY, COL_W, top + h)], c.hant)
        d_body, d_rest = flow(
            d.items, [(col_x(5), dy, COL_W, d_cut), (col_x(4), top, COL_W, top + h)], d.hant
        )
        if not (a_rest or b_rest or c_rest or d_rest):
            break
        h += 10
    ops = (
        _tag(aops + a_body, 0)
        + _tag(bops + b_body, 1)
        + _tag([Op("image", col_x(3), top, w=COL_W, h=c_pic), *c_body], 2)
        + _tag(dops + d_body, 3)
    )
    return ops, 2 * MARGIN + 6 * COL_W + 5 * GUTTER, top + h + MARGIN


def _half(spec: StorySpec, top: float) -> float:
    """Half the height the story needs in one column, in whole lines."""
    _, h = fit(spec, lambda h: [(0.0, top, COL_W, top + h)], 20)
    lead = BODY * LEADING
    return max(2, round(h / 2 / lead)) * lead + 0.5


def render(pages: list[tuple[list[Op], float, float]]) -> bytes:
    """The display lists as one PDF, a page each."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from crawler.testsite.printed import png

    _fonts()
    picture = ImageReader(io.BytesIO(png(16, 10)))
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=(pages[0][1], pages[0][2]), invariant=1)
    for ops, width, height in pages:
        pdf.setPageSize((width, height))
        for op in ops:
            if op.kind == "image":
                pdf.drawImage(picture, op.x, height - op.y - op.h, op.w, op.h)
                continue
            pdf.saveState()  # the render mode is graphics state: restore it after a bold line
            text = pdf.beginText(op.x, height - op.y - op.size * 0.88)
            text.setFont(_font(op.hant), op.size)
            if op.bold:
                text.setTextRenderMode(2)
            text.textOut(op.text)
            pdf.drawText(text)
            pdf.restoreState()
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def untitled(spec: StorySpec) -> StorySpec:
    """The story with its head set as a picture: no head in the text layer, none expected."""
    out = copy.deepcopy(spec)
    out.kicker = out.title = out.subtitle = None
    out.expected.update(kicker=None, title=None, subtitle=None)
    return out


def with_picture(lead: StorySpec, donor: StorySpec) -> StorySpec:
    """The lead with the donor's picture and caption set in its second column."""
    out = copy.deepcopy(lead)
    pics = [i for i in donor.items if i.kind == "image"]
    # after the second paragraph, never between two crossheads or a crosshead and its text
    paras = [k for k, it in enumerate(out.items) if it.kind == "para"]
    at = paras[1] + 1 if len(paras) > 1 and out.items[paras[1]].kind == "para" else len(out.items)
    while at < len(out.items) and out.items[at - 1].kind == "crosshead":
        at += 1
    out.items[at:at] = pics
    out.expected["captions"] = list(out.expected.get("captions", [])) + list(
        donor.expected.get("captions", [])
    )
    return out


LEADS = ["a007", "a022", "a031", "a043", "a047", "a049", "a062", "a019"]
DONORS = ["a001", "a010", "a015", "a023", "a029", "a032", "a065", "a041"]


def corpus_pages() -> list[PageSpec]:
    """Every article case once (leads, briefs, interleaved, title-picture and tail-first stories); a
    page holds one script, as a paper does (the script is detected from the page's own text)."""
    ids = sorted(p.stem for p in CORPUS.glob("a*.json"))
    stories = {i: load_story(i) for i in ids}
    pools = {hant: [i for i in ids if i not in LEADS and stories[i].hant == hant] for hant in (False, True)}
    specs: list[tuple[list[Op], float, float]] = []
    out: list[PageSpec] = []
    for n, lead_id in enumerate(LEADS):
        lead = with_picture(stories[lead_id], stories[DONORS[n]])
        pool = pools[lead.hant]
        briefs = [stories[pool.pop(0)] for _ in range(4) if pool]
        specs.append(lead_page(lead, briefs))
        out.append(
            PageSpec(
                b"",
                [lead.expected] + [b.expected for b in briefs],
                "lead",
                [lead_id] + [b.case_id for b in briefs],
            )
        )
    for pool in pools.values():
        while len(pool) >= 4:
            a, b, c, d = (stories[pool.pop(0)] for _ in range(4))
            c = untitled(c)
            specs.append(mixed_page(a, b, c, d))
            out.append(
                PageSpec(
                    b"",
                    [a.expected, b.expected, c.expected, d.expected],
                    "mixed",
                    [a.case_id, b.case_id, c.case_id, d.case_id],
                )
            )
        if pool:  # the rest side by side as briefs
            briefs = [stories[i] for i in pool]
            specs.append(lead_page(None, briefs))
            out.append(PageSpec(b"", [b.expected for b in briefs], "briefs", list(pool)))
    for page, spec in zip(out, specs, strict=True):
        page.pdf = render([spec])
        page.regions = regions_of(spec[0], len(page.expected))
        page.size = (spec[1], spec[2])
    return out


def scanned_page() -> bytes:
    """An image-only page: a picture of a page and no text layer."""
    return render([([Op("image", MARGIN, MARGIN, w=400, h=560)], 448, 608)])
