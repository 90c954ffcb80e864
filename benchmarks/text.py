"""Throughput of the text stages on the annotated corpus, against a baseline measured in the same run.

Baseline: read the same texts and NFC-normalise them with unicodedata (the least any text stage does).
Timed in CPU seconds of the process (the work is single-threaded, so this is articles/s per core). Prints
articles/s for process_article (article cases), segment_page (page cases, counted in articles
found) and the ratio of each to the baseline. No assertions: figures only.

    python benchmarks/text.py [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.text.article import process_article  # noqa: E402
from pipelines.text.segment import segment_page  # noqa: E402
from schema.records import ImageRef  # noqa: E402

CORPUS = ROOT / "tests" / "text" / "corpus"


def _load(kind: str) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((CORPUS / kind).glob("*.json"))]


def _rate(fn, rounds: int) -> tuple[float, int]:
    """Best of `rounds` timings of fn() in CPU seconds of this process (one thread: the figure per core, and
    steadier than wall time on a shared machine); returns (seconds, items processed per call)."""
    best, items = float("inf"), 0
    for _ in range(rounds):
        start = time.process_time()
        items = fn()
        best = min(best, time.process_time() - start)
    return best, items


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=20, help="passes over the corpus per timing")
    args = parser.parse_args(argv)
    articles, pages = _load("articles"), _load("pages")
    if not articles and not pages:
        print("no corpus at", CORPUS)
        return 1
    texts = [" ".join(c["input"]["paragraphs"]) for c in articles] + [c["text"] for c in pages]
    n_expected = len(articles) + sum(len(c["expected"]) for c in pages)

    def baseline() -> int:
        for _ in range(args.repeat):
            for t in texts:
                unicodedata.normalize("NFC", t)
        return n_expected * args.repeat

    def run_articles() -> int:
        for _ in range(args.repeat):
            for c in articles:
                i = c["input"]
                process_article(
                    i.get("kicker"),
                    i.get("title"),
                    i.get("subtitle"),
                    i["paragraphs"],
                    [ImageRef(url=im.get("url"), caption=im.get("caption")) for im in i.get("images", [])],
                    c.get("script"),
                    c.get("region"),
                )
        return len(articles) * args.repeat

    def run_pages() -> int:
        found = 0
        for _ in range(args.repeat):
            for c in pages:
                found += len(segment_page(c["text"], c.get("script")))
        return found

    base_s, base_n = _rate(baseline, args.rounds)
    art_s, art_n = _rate(run_articles, args.rounds)
    page_s, page_n = _rate(run_pages, args.rounds)
    base_rate = base_n / max(base_s, 1e-9)
    rows = [
        ("baseline (read + NFC)", base_n, base_s, base_rate),
        ("process_article", art_n, art_s, art_n / art_s),
        ("segment_page", page_n, page_s, page_n / page_s),
        ("all text stages", art_n + page_n, art_s + page_s, (art_n + page_n) / (art_s + page_s)),
    ]
    print(
        f"corpus: {len(articles)} article cases, {len(pages)} page cases; best of {args.rounds}, {args.repeat} passes each"
    )
    print(f"{'measure':<24}{'articles':>10}{'CPU s':>10}{'articles/s':>14}{'vs baseline':>14}")
    for name, n, s, rate in rows:
        print(f"{name:<24}{n:>10}{s:>10.3f}{rate:>14.0f}{rate / base_rate:>14.5f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
