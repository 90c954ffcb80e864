"""Which pieces of an edition form one continued story (pure rules of pipelines.text.continuation)."""

from __future__ import annotations

import pytest

from pipelines.text.continuation import Part, join_bodies, link_parts, same_page, titles_match
from schema.records import Continuation


def to(page: str) -> Continuation:
    return Continuation("to", page, f"（下转第{page}版）")


def frm(page: str) -> Continuation:
    return Continuation("from", page, f"（上接第{page}版）")


@pytest.mark.parametrize(
    "printed, ref, labels, expected",
    [
        ("02", "2", ["01", "02"], True),
        ("A03", "A3", ["A01", "A03"], True),
        ("A02", "2", ["A01", "A02", "B01"], True),  # one page numbered 2 in the edition
        ("A02", "2", ["A02", "B02"], False),  # two pages numbered 2: a bare "2" names neither
        ("03", "2", ["02", "03"], False),
        ("B02", "A2", ["A02", "B02"], False),
    ],
)
def test_page_references(printed: str, ref: str, labels: list[str], expected: bool) -> None:
    assert same_page(printed, ref, labels) is expected


def test_titles_match_equal_and_shortened_heads() -> None:
    assert titles_match("老楼“焕新” 日子“升级”", "老楼“焕新”　日子“升级”")
    assert titles_match("我市加快推进城镇老旧小区改造", "城镇老旧小区改造")
    assert not titles_match("春耕备耕有序推进", "夏粮收购开秤")
    assert not titles_match(None, "春耕")


def test_one_head_one_answer_is_linked() -> None:
    parts = [Part(1, "01", "甲", (to("2"),)), Part(2, "01", "乙"), Part(3, "02", "甲（续）", (frm("1"),)),
             Part(4, "02", "丙")]
    links = link_parts(parts)
    assert links.chains == [[1, 3]]
    assert not links.ambiguous and not links.unresolved


def test_two_answers_are_told_apart_by_title() -> None:
    parts = [Part(1, "01", "河东新区建设提速", (to("2"),)), Part(2, "01", "春播进度过六成", (to("2"),)),
             Part(3, "02", "春播进度过六成", (frm("1"),)), Part(4, "02", "河东新区建设提速", (frm("1"),))]
    assert sorted(link_parts(parts).chains) == [[1, 4], [2, 3]]


def test_two_answers_without_title_match_stay_apart_and_are_counted() -> None:
    parts = [Part(1, "01", "甲新闻", (to("2"),)), Part(2, "01", "乙新闻", (to("2"),)),
             Part(3, "02", None, (frm("1"),)), Part(4, "02", None, (frm("1"),))]
    links = link_parts(parts)
    assert links.chains == []
    assert len(links.ambiguous) == 2
    assert len(links.unresolved) == 2  # the two tails found no head


def test_one_tail_claimed_by_two_heads_goes_to_neither() -> None:
    parts = [Part(1, "01", "同题", (to("2"),)), Part(2, "03", "同题", (to("2"),)),
             Part(3, "02", "同题", (frm("1"), frm("3")))]
    links = link_parts(parts)
    assert links.chains == []
    assert any("claimed by parts [1, 2]" in reason for reason in links.ambiguous)


def test_missing_upper_marker_falls_back_to_a_unique_title_match() -> None:
    parts = [Part(1, "01", "河东站调整运行图", (to("3"),)), Part(2, "03", "河东站调整运行图"), Part(3, "03", "别的")]
    assert link_parts(parts).chains == [[1, 2]]


def test_chains_over_three_pages_and_unresolved_heads() -> None:
    parts = [Part(1, "01", "长篇", (to("2"),)), Part(2, "02", "长篇", (frm("1"), to("5"))),
             Part(3, "05", "长篇", (frm("2"),)), Part(4, "01", "孤", (to("8"),))]
    links = link_parts(parts)
    assert links.chains == [[1, 2, 3]]
    assert links.unresolved == ["part 4 (page 01) → page 8: no continuation found"]


def test_join_bodies_rejoins_a_mid_sentence_cut_and_keeps_real_breaks() -> None:
    assert join_bodies(["第一段。\n社区干部发放征求意", "见表，居民纷纷填写。\n第三段。"]) == (
        "第一段。\n社区干部发放征求意见表，居民纷纷填写。\n第三段。"
    )
    assert join_bodies(["上一段写完了。", "新的一段。"]) == "上一段写完了。\n新的一段。"
    assert join_bodies(["", "只有续篇。"]) == "只有续篇。"


def test_two_answers_that_both_match_the_title_stay_apart_and_are_counted() -> None:
    # both pieces on page 2 say 上接第1版 and both carry the head's title: joining either one would be a guess
    parts = [Part(1, "01", "河东新区建设提速", (to("2"),)),
             Part(2, "02", "河东新区建设提速", (frm("1"),)), Part(3, "02", "新区建设提速", (frm("1"),))]
    links = link_parts(parts)
    assert links.chains == []
    assert links.ambiguous == ["part 1 (page 01) → page 2: 2 candidates, no single title match"]
    assert len(links.unresolved) == 2  # and neither tail is given a head


def test_two_unmarked_title_matches_are_not_a_guess() -> None:
    # no piece on page 3 says 上接; two unmarked pieces match the title: the fallback takes only a unique match
    parts = [Part(1, "01", "河东站调整运行图", (to("3"),)), Part(2, "03", "河东站调整运行图"),
             Part(3, "03", "调整运行图"), Part(4, "03", "别的")]
    links = link_parts(parts)
    assert links.chains == []
    assert links.unresolved == ["part 1 (page 01) → page 3: no continuation found"]
