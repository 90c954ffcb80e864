"""Throughput of the PDF path on generated page PDFs: pages/s and articles/s, and where the time goes.

The pages are the test pages (tests/pdf/pages.py: the article corpus typeset with reportlab). Stages are
timed apart: text-layer extraction (pypdfium2), and layout + reading order + segmentation. For the choice
of library it also times pdfminer.six's character extraction of the same pages when it is installed.
No assertions: figures only.

    python benchmarks/pdf.py [--rounds N]
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.text.pdf.extract import read_pdf  # noqa: E402
from pipelines.text.pdf.segment import segment_pdf  # noqa: E402
from tests.pdf.pages import corpus_pages  # noqa: E402


def _best(fn, rounds: int) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _pdfminer_chars(pdfs: list[bytes]) -> int | None:
    """Characters with boxes and sizes through pdfminer.six (the alternative), or None if not installed."""
    try:
        from pdfminer.high_level import extract_pages
        from pdfminer.layout import LTChar, LTTextContainer
    except ImportError:
        return None
    n = 0
    for data in pdfs:
        for page in extract_pages(io.BytesIO(data)):
            for el in page:
                if isinstance(el, LTTextContainer):
                    for line in el:
                        n += sum(1 for c in line if isinstance(c, LTChar))  # type: ignore[union-attr]
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    pages = corpus_pages()
    pdfs = [p.pdf for p in pages]
    chars = sum(len(read_pdf(d)[0].chars) for d in pdfs)
    articles = sum(len(segment_pdf(d).articles) for d in pdfs)
    t_extract = _best(lambda: [read_pdf(d) for d in pdfs], args.rounds)
    t_all = _best(lambda: [segment_pdf(d) for d in pdfs], args.rounds)
    n = len(pdfs)
    print(f"{n} generated pages, {chars} characters, {articles} articles found")
    print(f"extract (pypdfium2)      {n / t_extract:8.1f} pages/s  {chars / t_extract:10.0f} chars/s")
    print(f"extract + segment        {n / t_all:8.1f} pages/s  {articles / t_all:10.1f} articles/s")
    t_miner = _best(lambda: _pdfminer_chars(pdfs), args.rounds) if _pdfminer_chars(pdfs[:1]) is not None else None
    if t_miner is not None:
        print(f"extract (pdfminer.six)   {n / t_miner:8.1f} pages/s  (characters only, for comparison)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
