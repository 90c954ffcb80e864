"""Row building: an article item becomes its article row, parts, images and bylines, with its content hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from schema.records import ArticleItem

# Children (images, bylines) moved into a story from its continued part k get seq k*STRIDE + n, so that they
# upsert in place on every run and are told apart from the story's own children (seq < STRIDE).
PART_SEQ_STRIDE = 1000
ARTICLE_CONTENT_COLUMNS = ("kicker", "title", "subtitle", "dateline", "byline", "body")


def polygon_area(flat: Sequence[float]) -> float:
    """Area of one hotspot given as flat [x, y, x, y, …]; two points are a rectangle's corners."""
    xs, ys = flat[0::2], flat[1::2]
    n = min(len(xs), len(ys))
    if n == 2:
        return abs((xs[1] - xs[0]) * (ys[1] - ys[0]))
    if n < 3:
        return 0.0
    twice = sum(xs[i] * ys[(i + 1) % n] - xs[(i + 1) % n] * ys[i] for i in range(n))
    return abs(twice) / 2.0


def area_share(polygons: Sequence[Sequence[float]], width: int | None, height: int | None) -> float | None:
    """Share of the page the polygons cover (their union approximated by the sum, capped at 1)."""
    if not polygons or not width or not height:
        return None
    total = sum(polygon_area(p) for p in polygons)
    if total <= 0:
        return None
    return min(total / (width * height), 1.0)


def source_key_of(item: ArticleItem) -> str:
    """The article's key within its edition: the parser's key, else the URL path."""
    if item.ref.source_key:
        return item.ref.source_key
    url = item.article.url or item.ref.url
    return urlsplit(url).path or url


def content_hash(values: dict[str, Any], images: list[dict[str, Any]], bylines: list[dict[str, Any]]) -> str:
    """sha256 of the stored content fields: what a re-crawl compares to decide whether a story changed."""
    payload = [
        [values.get(c) for c in ARTICLE_CONTENT_COLUMNS],
        [[i["url"], i["caption"], i["credit"]] for i in images],
        [[b["name"], b["role"], b["organisation"]] for b in bylines],
    ]
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class ArticleRows:
    """An article item turned into its row values and child rows (article ids filled in later)."""

    values: dict[str, Any]
    images: list[dict[str, Any]] = field(default_factory=list)
    bylines: list[dict[str, Any]] = field(default_factory=list)
    continuations: list[dict[str, str]] = field(default_factory=list)  # 下转/上接 markers the text stages removed


def article_rows(item: ArticleItem) -> ArticleRows:
    """Map an article item to column values: text-stage output when present, the raw record otherwise."""
    record, text = item.article, item.text
    images: list[dict[str, Any]] = []
    bylines: list[dict[str, Any]] = []
    if text is None:
        values: dict[str, Any] = {
            "kicker": record.kicker,
            "title": record.title if record.title is not None else item.ref.title,
            "subtitle": record.subtitle,
            "dateline": None,
            "byline": record.author,
            "body": "\n".join(record.paragraphs),
            "title_simplified": None,
            "body_simplified": None,
            "crossheads": None,
            "editors": None,
            "joins": 0,
            "script": item.script,
        }
        for image in record.images:
            images.append({"url": image.url, "caption": image.caption, "credit": image.credit})
    else:
        title = text.title if text.title is not None else (record.title or item.ref.title)
        values = {
            "kicker": text.kicker,
            "title": title,
            "subtitle": text.subtitle,
            "dateline": text.dateline.text if text.dateline is not None else None,
            "byline": text.byline_text,
            "body": text.body,
            "title_simplified": text.title_simplified,
            "body_simplified": text.body_simplified,
            "crossheads": list(text.crossheads),
            "editors": [
                {"name": e.name, "role": e.role, "organisation": e.organisation} for e in text.editors
            ],
            "joins": text.joins,
            "script": text.script,
        }
        by_url: dict[str, list[Any]] = {}
        for caption in text.captions:
            by_url.setdefault(caption.image_url or "", []).append(caption)
        used: set[int] = set()
        for image in record.images:
            matches = by_url.get(image.url or "") if image.url else None
            match = next((c for c in matches or [] if id(c) not in used), None)
            if match is not None:
                used.add(id(match))
                images.append({"url": image.url, "caption": match.text, "credit": match.credit})
            else:
                images.append({"url": image.url, "caption": image.caption, "credit": image.credit})
        for caption in text.captions:  # captions printed without a picture (or for one we did not see)
            if id(caption) not in used:
                images.append({"url": None, "caption": caption.text, "credit": caption.credit})
        for b in text.bylines:
            bylines.append({"name": b.name, "role": b.role, "organisation": b.organisation})
    for seq, row in enumerate(images, 1):
        row["seq"] = seq
    for seq, row in enumerate(bylines, 1):
        row["seq"] = seq
    values["char_count"] = len(values["body"])
    values["text_source"] = text.text_source if text else "html"
    values["pdf_coverage"] = item.pdf_coverage
    values["content_hash"] = content_hash(values, images, bylines)
    values["parser_version"] = record.parser_version or None
    values["url"] = record.url or item.ref.url
    values["seq"] = item.seq
    values["source_key"] = source_key_of(item)
    continuations = (
        [{"direction": c.direction, "page": c.page, "text": c.text} for c in text.continuations] if text else []
    )
    return ArticleRows(values, images, bylines, continuations)
