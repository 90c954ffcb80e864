"""Throughput of the store on the crawl's hot path (printed, not asserted: the machine is shared)."""

from __future__ import annotations

import datetime as dt
import time

from sqlalchemy import Engine, func, select

from schema.models import Article
from schema.store import Store
from tests.storage import factory as f


def test_two_thousand_articles(migrated: Engine, capsys) -> None:
    items = []
    for day in range(10):  # 10 editions × 8 pages × 25 articles
        items += f.edition(
            dt.date(2024, 1, 1) + dt.timedelta(days=day),
            n_pages=8,
            per_page=25,
            start=day * 1000,
            text=f.article_text(1, [("林晓川", "记者")], body="河阳市召开春耕动员会。" * 60),
        )
    store = Store(migrated, batch_size=500)
    start = time.perf_counter()
    for item in items:
        store.add(item)
    store.flush()
    elapsed = time.perf_counter() - start
    with migrated.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Article)).scalar_one() == 2000
    with capsys.disabled():
        print(
            f"\n[{migrated.dialect.name}] stored 2000 articles in {elapsed:.2f}s: {2000 / elapsed:,.0f} articles/s"
        )
