"""Structural facts of the real development page ../shared/seed/page.txt (read, never copied)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.text.segment import segment_page
from tests.services import require_file

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "page.txt"


@pytest.fixture(scope="module")
def articles() -> list[dict]:
    return segment_page(require_file(SEED, "the development seed of ../shared").read_text(encoding="utf-8"))


def test_first_story_head(articles: list[dict]) -> None:
    first = articles[0]
    assert first["section"] == "聚焦"
    assert first["kicker"] and not first["kicker"].endswith("——")
    assert first["title"] and first["title"].startswith("守好")
    assert [(b["role"], b["organisation"]) for b in first["bylines"]] == [
        ("记者", "本报"),
        ("实习生", "本报"),
    ]


def test_two_line_crossheads_and_captions(articles: list[dict]) -> None:
    first = articles[0]
    assert len(first["crossheads"]) == 3
    assert all(" " in c and len(c.split(" ")) == 2 for c in first["crossheads"])
    marked = [c for c in first["captions"] if c["text"].startswith("▲")]
    assert len(marked) == 2 and {c["credit"] for c in marked} == {"资料图片"}
    assert not any(p.startswith("▲") for a in articles for p in a["paragraphs"])


def test_column_break_join(articles: list[dict]) -> None:
    body = articles[0]["paragraphs"]
    joined = [p for p in body if "“维之王”等商标权属关系" in p]
    assert len(joined) == 1
    assert not any(p.startswith("等商标") for p in body)


def test_orphan_tail_not_glued_to_the_wrong_story(articles: list[dict]) -> None:
    first_body = " ".join(articles[0]["paragraphs"])
    assert "沟通时她动情地说着" not in first_body
    holder = [a for a in articles if any(p.startswith("沟通时她动情地说着") for p in a["paragraphs"])]
    assert len(holder) == 1 and holder[0]["title"] in (None, "技能照亮前路")


def test_briefs_and_late_head(articles: list[dict]) -> None:
    briefs = [a for a in articles if a["section"] == "资讯"]
    assert len(briefs) == 3
    assert all(a["dateline"] and a["dateline"]["organisation"] == "本报" for a in briefs)
    last = [a for a in articles if a["title"] and a["title"].startswith("技能")]
    assert len(last) == 1 and last[0]["subtitle"] and not last[0]["subtitle"].startswith("——")
    assert last[0]["bylines"][0].get("work") == "文/图"
    assert any(c["text"].startswith("▲") for c in last[0]["captions"])
