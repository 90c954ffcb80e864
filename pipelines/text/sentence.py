"""Sentence ends: is a paragraph complete, or was it cut (by a column break) mid-sentence?"""

from __future__ import annotations

from pipelines.text.lexicon import CLOSERS, SENTENCE_END


def core_end(text: str) -> str:
    """The last meaningful character: closing quotes/brackets are peeled only after a terminal char.

    `…说。”` → `。`; `…“维之王”` → `”` (a quoted name, not a sentence end); `(资料图片)` → `)`."""
    s = text.rstrip(" \u3000\t")
    i = len(s) - 1
    while i > 0 and s[i] in CLOSERS and (s[i - 1] in SENTENCE_END or s[i - 1] in CLOSERS):
        i -= 1
    return s[i] if i >= 0 else ""


def is_terminal(text: str) -> bool:
    """Ends a sentence (。！？!?…；;：:), possibly inside closing quotes."""
    return core_end(text) in SENTENCE_END
