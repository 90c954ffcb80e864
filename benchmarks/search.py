"""Search latency on synthetic articles: `python benchmarks/search.py [--articles 100000] [--pg URL]`.

Generates articles from an invented lexicon (random CJK characters grouped into Zipf-distributed "words";
no corpus text), stores them on SQLite (and PostgreSQL when reachable), then reports:
- index build time: migrating 0001 → 0002 over the filled tables (FTS5 rebuild / pg_trgm GIN build);
- query latency (median, p95, LIMIT 20, through schema.search) for 1-, 2- and 4-character queries, each
  class with common and rare terms;
- the baseline: the same 4-character queries as a plain LIKE scan without the index, and the ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, create_engine, func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from schema.db import make_engine, upgrade  # noqa: E402
from schema.models import Article, Edition, Newspaper, Page  # noqa: E402
from schema.search import build_query, search  # noqa: E402

PG_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
PAGES, PER_PAGE = 8, 5
RUNS = 15


class Lexicon:
    """Invented words: characters from the CJK block, word frequencies following Zipf's law."""

    def __init__(self, seed: int = 7, chars: int = 3000, words: int = 6000) -> None:
        rng = random.Random(seed)
        self.rng = rng
        self.chars = [chr(c) for c in rng.sample(range(0x4E00, 0x9FA5), chars)]
        char_weights = [1 / (r + 1) ** 0.9 for r in range(chars)]
        self.words = []
        for _ in range(words):
            size = rng.choices((1, 2, 3, 4), weights=(2, 6, 2, 1))[0]
            self.words.append("".join(rng.choices(self.chars, weights=char_weights, k=size)))
        weights = [1 / (r + 1) ** 1.05 for r in range(words)]
        self.cum_weights = list(itertools.accumulate(weights))

    def text(self, chars: int) -> str:
        out: list[str] = []
        length = 0
        while length < chars:
            sentence = "".join(
                self.rng.choices(self.words, cum_weights=self.cum_weights, k=self.rng.randint(6, 14))
            )
            out.append(sentence + self.rng.choice("，。。"))
            length += len(sentence) + 1
        return "".join(out)[:chars]

    def terms(self, size: int, ranks: range, count: int) -> list[str]:
        found = [w for w in (self.words[r] for r in ranks) if len(w) == size]
        return list(dict.fromkeys(found))[:count]


def fill(engine: Engine, lexicon: Lexicon, articles: int, chars: int) -> float:
    """Insert `articles` stories (2 papers, 8 pages × 5 stories per edition) with Core; returns seconds."""
    start = time.perf_counter()
    per_edition = PAGES * PER_PAGE
    now = dt.datetime.now(dt.timezone.utc)
    names = ["要闻", "聚焦", "资讯", "综合", "文化", "体育", "副刊", "广告"]
    with engine.begin() as conn:
        conn.execute(
            Newspaper.__table__.insert(),
            [
                {"id": 1, "key": "bench1", "name": "河阳日报", "script": "hans"},
                {"id": 2, "key": "bench2", "name": "青岚晚报", "script": "hans"},
            ],
        )
    editions, pages, rows = [], [], []
    for made in range(articles):
        edition_id, within = divmod(made, per_edition)
        page_no, seq = divmod(within, PER_PAGE)
        page_id = edition_id * PAGES + page_no + 1
        if within == 0:
            editions.append(
                {
                    "id": edition_id + 1,
                    "newspaper_id": 1 + edition_id % 2,
                    "status": "complete",
                    "date": dt.date(2015, 1, 1) + dt.timedelta(days=edition_id // 2),
                    "page_count": PAGES,
                    "article_count": per_edition,
                }
            )
        if seq == 0:
            pages.append(
                {
                    "id": page_id,
                    "edition_id": edition_id + 1,
                    "seq": page_no + 1,
                    "number": f"{page_no + 1:02d}",
                    "name": names[page_no],
                    "image_width": 600,
                    "image_height": 900,
                    "article_count": PER_PAGE,
                }
            )
        body = lexicon.text(chars)
        rows.append(
            {
                "id": made + 1,
                "edition_id": edition_id + 1,
                "page_id": page_id,
                "seq": seq + 1,
                "source_key": f"c{made}",
                "title": lexicon.text(12),
                "kicker": None,
                "body": body,
                "char_count": len(body),
                "script": "hans",
                "joins": 0,
                "content_hash": "-",
                "first_seen_at": now,
                "last_seen_at": now,
                "changed_at": now,
                "byline": "本报记者 林晓川",
            }
        )
    with engine.begin() as conn:
        conn.execute(Edition.__table__.insert(), editions)
        conn.execute(Page.__table__.insert(), pages)
        for chunk in range(0, len(rows), 5000):
            conn.execute(Article.__table__.insert(), rows[chunk : chunk + 5000])
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in ("newspaper", "edition", "page", "article"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
    return time.perf_counter() - start


def timed(fn: Callable[[], object], runs: int = RUNS) -> tuple[float, float]:
    """(median, p95) in milliseconds."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]


def like_scan(engine: Engine, term: str) -> None:
    """Baseline: the same question without any index (LIKE over title and body), LIMIT 20."""
    with engine.connect() as conn:
        conn.execute(
            select(Article.id)
            .where((Article.body.contains(term)) | (Article.title.contains(term)))
            .join(Edition, Edition.id == Article.edition_id)
            .order_by(Edition.date.desc())
            .limit(20)
        ).all()


def bench(engine: Engine, lexicon: Lexicon, articles: int, chars: int) -> None:
    name = engine.dialect.name
    upgrade(engine, "0001")
    seconds = fill(engine, lexicon, articles, chars)
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(Article)).scalar_one()
    print(f"[{name}] stored {stored:,} articles of {chars} chars in {seconds:.1f}s (Core inserts)")
    start = time.perf_counter()
    upgrade(engine, "0002")
    print(f"[{name}] index build (migration 0002): {time.perf_counter() - start:.1f}s")
    if name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    absent = [c for c in map(chr, range(0x4E00, 0x9FA5)) if c not in set(lexicon.chars)]
    classes = {
        "1-char common": lexicon.terms(1, range(0, 300), 5),
        "1-char rare": lexicon.terms(1, range(3000, 6000), 5),
        "2-char common": lexicon.terms(2, range(0, 200), 5),
        "2-char rare": lexicon.terms(2, range(4000, 6000), 5),
        "4-char common": lexicon.terms(4, range(0, 1500), 5),
        "4-char rare": lexicon.terms(4, range(4000, 6000), 5),
        "1-char absent": absent[:5],
        "2-char absent": ["".join(absent[i : i + 2]) for i in range(10, 20, 2)],
        "4-char absent": ["".join(absent[i : i + 4]) for i in range(30, 50, 4)],
    }
    print(
        f"[{name}] query latency, ms (LIMIT 20, {RUNS} runs per term; hits = matches without LIMIT, first term)"
    )
    for label, terms in classes.items():
        medians, p95s = [], []
        for term in terms:
            median, p95 = timed(lambda t=term: search(engine, t, limit=20))
            medians.append(median)
            p95s.append(p95)
        with engine.connect() as conn:
            hits = len(conn.execute(build_query(name, terms[0], limit=None)).all())
        print(
            f"  {label:14s} median {statistics.median(medians):8.1f}  p95 {max(p95s):8.1f}   "
            f"hits {hits:>7,}  terms {' '.join(terms)}"
        )
    filtered = lexicon.terms(2, range(4000, 6000), 1)[0]
    median, p95 = timed(
        lambda: search(
            engine,
            filtered,
            paper="bench1",
            date_from=dt.date(2016, 1, 1),
            date_to=dt.date(2016, 3, 31),
            limit=20,
        )
    )
    print(f"  2-char rare, one paper, one quarter: median {median:.1f}  p95 {p95:.1f}")
    for label in ("4-char common", "4-char rare", "4-char absent"):
        term = classes[label][0]
        indexed, _ = timed(lambda t=term: search(engine, t, limit=20), runs=5)
        only_index, _ = timed(lambda t=term: search(engine, t, limit=20, strategy="index"), runs=5)
        scan, _ = timed(lambda t=term: like_scan(engine, t), runs=3)
        print(
            f"  baseline LIKE scan (no index), {label}: {scan:.1f} ms; search {indexed:.1f} ms "
            f"(index alone {only_index:.1f} ms): {scan / max(indexed, 0.01):.1f}× the baseline's speed"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--chars", type=int, default=600, help="body length of each article")
    parser.add_argument("--pg", default=PG_URL, help="PostgreSQL admin URL ('' to skip)")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    args = parser.parse_args(argv)
    lexicon = Lexicon()
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
            bench(engine, lexicon, args.articles, args.chars)
            engine.dispose()
    if args.pg:
        admin = create_engine(args.pg, connect_args={"connect_timeout": 2})
        try:
            with admin.begin() as conn:
                conn.execute(text("DROP SCHEMA IF EXISTS epaper_bench CASCADE"))
                conn.execute(text("CREATE SCHEMA epaper_bench"))
        except Exception as exc:  # noqa: BLE001 - no server: report and skip
            print(f"[postgresql] skipped: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
            return 0
        engine = make_engine(f"{args.pg}?options=-csearch_path%3Depaper_bench")
        try:
            bench(engine, Lexicon(), args.articles, args.chars)
        finally:
            engine.dispose()
            with admin.begin() as conn:
                conn.execute(text("DROP SCHEMA IF EXISTS epaper_bench CASCADE"))
            admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
