"""Head-after-tail repair: the last step of page segmentation, on assembled stories.

A story whose head is printed after its tail leaves an orphan (text without a head) and a dangling story
(its text stops mid-sentence). Text is moved between them only on clear evidence: a cut sentence that
reads on, and words that are rare on the page shared by both texts.
"""

from __future__ import annotations

import re

from pipelines.text.article import Assembled
from pipelines.text.lexicon import HAN
from pipelines.text.rejoin import glue, should_join, strong_join
from pipelines.text.sentence import is_terminal
from pipelines.text.story_shapes import Story
from schema.records import ArticleText

_BIGRAM = re.compile(rf"(?=([{HAN}]{{2}}))")
_COMMON = frozenset(
    "我们 他们 一个 这个 没有 已经 目前 今年 去年 同时 进行 开展 工作 相关 负责 负责人 表示 介绍 记者 本报 通过 可以 "
    "不断 进一步 一些 这些 发展 建设 服务 活动 群众 我市 全市 市民 社区 企业 部门 有关 以来 时候 现在 当天 近日".split()
)


def _bigrams(text: str) -> set[str]:
    return {m.group(1) for m in _BIGRAM.finditer(text)} - _COMMON


def _cohesion(a: str, b: str, page: dict[str, int]) -> int:
    """Shared bigrams of two texts that are rare on the page (names, places, topic words)."""
    return sum(1 for g in _bigrams(a) & _bigrams(b) if page.get(g, 0) <= 2)


def _page_freq(stories: list[Story]) -> dict[str, int]:
    freq: dict[str, int] = {}
    for s in stories:
        if s.result is not None:
            for g in _bigrams(" ".join(s.result.text.paragraphs)):
                freq[g] = freq.get(g, 0) + 1
    return freq


def is_dangling(s: Story) -> bool:
    t = s.result.text  # type: ignore[union-attr]
    return (
        bool(t.paragraphs)
        and not is_terminal(t.paragraphs[-1])
        and not any(c.direction == "to" for c in t.continuations)
    )


def _belongs(text: ArticleText, k: int, d_text: str, n_d: int, freq: dict[str, int]) -> bool:
    """Paragraph k shares ≥ 2 page-rare bigrams with d_text and, size for size, 4× more than with the text before it."""
    before = " ".join([text.title or "", *text.paragraphs[:k]])
    c_d = _cohesion(text.paragraphs[k], d_text, freq)
    c_s = _cohesion(text.paragraphs[k], before, freq)
    return c_d >= 2 and (c_d / n_d) > 4 * (c_s + 1) / max(len(_bigrams(before)), 1)


def split_foreign_runs(stories: list[Story]) -> None:
    """A headless run inside a titled story that belongs to a later dangling story (head after tail,
    seed page) is cut out as an orphan; the text after it, which neither story explains, becomes an
    untitled story. Belonging: the paragraph shares ≥ 2 page-rare bigrams with the later story and,
    relative to each text's size, over 4× as many as with the story so far."""
    page_freq: list[dict[str, int]] = []  # the page's bigram counts, made on the first comparison (most pages have none)
    out: list[Story] = []
    for si, story in enumerate(stories):
        out.append(story)
        text = story.result.text if story.result else None
        if text is None or story.orphan or len(text.paragraphs) < 4:
            continue
        later = [d for d in stories[si + 1 :] if d.result is not None and not d.orphan and is_dangling(d)]
        if later and not page_freq:
            page_freq.append(_page_freq(stories))
        freq = page_freq[0] if page_freq else {}
        cut = None
        for d in later:
            dt = d.result.text  # type: ignore[union-attr]
            d_text = " ".join([dt.title or "", dt.kicker or "", dt.subtitle or "", *dt.paragraphs])
            n_d = max(len(_bigrams(d_text)), 1)

            def belongs(
                k: int, text: ArticleText = text, d_text: str = d_text, n_d: int = n_d, freq: dict[str, int] = freq
            ) -> bool:
                return _belongs(text, k, d_text, n_d, freq)

            for k in range(2, len(text.paragraphs)):
                if is_terminal(text.paragraphs[k - 1]) and belongs(k):
                    end = k + 1
                    while end < len(text.paragraphs) and belongs(end):
                        end += 1
                    cut = (k, end)
                    break
            if cut:
                break
        if not cut:
            continue
        k, end = cut
        paras = text.paragraphs
        text.paragraphs = paras[:k]
        for chunk, orphan in ((paras[k:end], True), (paras[end:], False)):
            if chunk:
                piece = Story(orphan=orphan)
                piece.result = Assembled(ArticleText(paragraphs=list(chunk), script=text.script))
                out.append(piece)
    stories[:] = out


def repair_order(stories: list[Story]) -> None:
    """Attach an orphan tail to the one dangling story that it reads on from (in place)."""
    if any(s.result is None for s in stories):
        return
    if not any(s.orphan and s.result.text.paragraphs for s in stories):  # type: ignore[union-attr]
        return  # no orphan tail to place (most pages): nothing to count
    freq = _page_freq(stories)
    used: set[int] = set()
    for oi, orphan in enumerate(stories):
        if not orphan.orphan or not orphan.result.text.paragraphs:  # type: ignore[union-attr]
            continue
        candidates = _tail_targets(stories, oi, used, freq)
        if len(candidates) != 1:
            continue
        attach_tail(stories[candidates[0]], orphan)
        used.add(candidates[0])
    stories[:] = [s for s in stories if s.result is not None]


def _tail_targets(stories: list[Story], oi: int, used: set[int], freq: dict[str, int]) -> list[int]:
    """The dangling stories after orphan oi whose last paragraph reads on into it, on shared rare words."""
    orphan = stories[oi].result.text  # type: ignore[union-attr]
    first = orphan.paragraphs[0]
    orphan_text = " ".join(orphan.paragraphs)
    candidates = []
    for di, story in enumerate(stories):
        if di == oi or di in used or story.orphan or not is_dangling(story):
            continue
        if di < oi:
            continue  # head after tail: the story's start comes later on the page
        last = story.result.text.paragraphs[-1]  # type: ignore[union-attr]
        cohesion = _cohesion(" ".join(story.result.text.paragraphs), orphan_text, freq)  # type: ignore[union-attr]
        if (strong_join(last, first) and cohesion >= 1) or (
            # the page opens with the tail: a cut sentence that reads on (should_join) is evidence
            # enough when the two texts also share two page-rare words (names, topic words)
            oi == 0 and should_join(last, first) and cohesion >= 2
        ):
            candidates.append(di)
    return candidates


def attach_tail(target: Story, orphan: Story) -> None:
    """The orphan's text reads on from the target's last paragraph: glue it on, keep its credits."""
    t, o = target.result.text, orphan.result.text  # type: ignore[union-attr]
    t.paragraphs[-1] = glue(t.paragraphs[-1], o.paragraphs[0])
    t.paragraphs.extend(o.paragraphs[1:])
    t.joins += 1 + o.joins
    t.captions.extend(o.captions)
    t.crossheads.extend(o.crossheads)
    t.continuations.extend(o.continuations)
    target.result.works.extend(orphan.result.works)  # type: ignore[union-attr]
    t.bylines.extend(o.bylines)
    orphan.result = None
