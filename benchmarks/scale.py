"""Scale-out figures: distributed workers into PostgreSQL, and the store's write rate on SQLite and PostgreSQL.

    python benchmarks/scale.py                       # both parts, defaults below
    python benchmarks/scale.py --part workers --days 30 --workers 1,2,4
    python benchmarks/scale.py --part writes --articles 100000

(a) workers: the fixture server (its own process) serves the `bench` site; the backfill is seeded into a fresh
    Redis frontier and drained by 1, 2 and 4 `scrapy crawl epaper -s EPAPER_DISTRIBUTED=…` processes into a
    fresh PostgreSQL schema each time. Reported: articles/s over the crawl (from the workers' start to the last
    exit, minus the idle wait that ends a worker), and the ratio to one worker.
(b) writes: the store (schema/store.py: batched executemany upserts, 500 items per transaction) takes N
    synthetic articles (8 pages × 25 articles per edition, with bylines and images) into SQLite and into
    PostgreSQL. Then, on PostgreSQL only, article-shaped rows are written to a scratch table two ways:
    executemany INSERT … ON CONFLICT (multi-row VALUES, as the store sends them) versus COPY into a temporary
    table + INSERT … SELECT … ON CONFLICT, first as inserts, then again as updates.
Figures only: the machine is shared, nothing here asserts a time. Needs Redis (127.0.0.1:6379 or
$EPAPER_DISTRIBUTED) and PostgreSQL ($EPAPER_TEST_PG_URL or postgres@127.0.0.1:5432/test).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.measure import LOCAL_CRAWL_SETTINGS, start_fixture_server  # noqa: E402 - after the path is set

REDIS_URL = os.environ.get("EPAPER_DISTRIBUTED", "redis://127.0.0.1:6379/0")
PG_ADMIN = [os.environ.get("EPAPER_TEST_PG_URL", ""), "postgresql+psycopg2://postgres@127.0.0.1:5432/test",
            "postgresql+psycopg2://root@127.0.0.1:5432/test"]
WORKER_SETTINGS = {**LOCAL_CRAWL_SETTINGS, "EPAPER_ARCHIVE_ENABLED": "0"}
IDLE = 1.0


# --------------------------------------------------------------------------- PostgreSQL schemas


def pg_admin_url() -> str:
    from sqlalchemy import create_engine, text

    for url in filter(None, PG_ADMIN):
        engine = create_engine(url, connect_args={"connect_timeout": 2})
        try:
            with engine.connect() as conn:
                conn.execute(text("select 1"))
            return url
        except Exception:  # noqa: BLE001
            continue
        finally:
            engine.dispose()
    raise SystemExit("PostgreSQL not reachable (set EPAPER_TEST_PG_URL)")


class PgSchema:
    """A scratch schema, dropped on exit."""

    def __init__(self, admin: str) -> None:
        from sqlalchemy.engine import make_url

        self.admin, self.name = admin, "epaper_bench_" + uuid.uuid4().hex[:10]
        self.url = make_url(admin).update_query_dict({"options": f"-csearch_path={self.name}"}).render_as_string(
            hide_password=False)

    def _run(self, sql: str) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.admin)
        with engine.begin() as conn:
            conn.execute(text(sql))
        engine.dispose()

    def __enter__(self) -> PgSchema:
        self._run(f'create schema "{self.name}"')
        return self

    def __exit__(self, *exc: object) -> None:
        self._run(f'drop schema if exists "{self.name}" cascade')


# --------------------------------------------------------------------------- (a) workers


def run_workers(n: int, days: int, base: str, registry: Path, admin: str) -> dict[str, Any]:
    from sqlalchemy import create_engine, text

    from crawler.distributed import clear_frontier, project_settings, seed_frontier
    from crawler.testsite.sites import SITES

    site = SITES["bench"]
    first, last = site.dates[0], site.dates[days - 1]
    prefix = "epaper-bench-" + uuid.uuid4().hex[:8]
    env = dict(os.environ, EPAPER_PAPERS=str(registry), EPAPER_FIXTURE_URL=base,
               SCRAPY_SETTINGS_MODULE="crawler.settings")
    with PgSchema(admin) as schema:
        settings = project_settings({"EPAPER_DATABASE_URL": schema.url, "EPAPER_DISTRIBUTED_PREFIX": prefix,
                                     "EPAPER_PAPERS": str(registry)})
        seed_frontier(REDIS_URL, {"paper": "bench", "start": str(first), "end": str(last)}, settings)
        sets = {**WORKER_SETTINGS, "EPAPER_DATABASE_URL": schema.url, "EPAPER_DISTRIBUTED": REDIS_URL,
                "EPAPER_DISTRIBUTED_PREFIX": prefix, "EPAPER_DISTRIBUTED_IDLE": str(IDLE),
                "EPAPER_DISTRIBUTED_HEARTBEAT": "0.3"}
        cmd = [sys.executable, "-m", "scrapy", "crawl", "epaper", "-a", "paper=bench"]
        cmd += [a for k, v in sets.items() for a in ("-s", f"{k}={v}")]
        start = time.perf_counter()
        logs = [Path(tempfile.gettempdir()) / f"{prefix}-worker{i}.log" for i in range(n)]
        procs = [subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                  stderr=log.open("wb")) for log in logs]
        codes = [p.wait() for p in procs]
        seconds = time.perf_counter() - start - IDLE
        engine = create_engine(schema.url)
        with engine.connect() as conn:
            pieces = conn.execute(text("select count(*) from article_part")).scalar_one()
            complete = conn.execute(text("select count(*) from edition where status = 'complete'")).scalar_one()
        engine.dispose()
        clear_frontier(REDIS_URL, prefix)
    if any(c != 0 for c in codes):
        print(f"  worker exit codes {codes}; logs: {' '.join(str(p) for p in logs)}", file=sys.stderr)
    else:
        for log in logs:
            log.unlink()
    return {"workers": n, "seconds": seconds, "articles": pieces, "complete": complete, "editions": days,
            "rate": pieces / seconds}


def bench_workers(days: int, counts: list[int]) -> None:
    admin = pg_admin_url()
    server, base = start_fixture_server("bench")
    try:
        with tempfile.TemporaryDirectory(prefix="epaper-scale-") as tmp:
            registry = Path(tmp) / "papers.toml"
            registry.write_text(
                '[papers.bench]\nname = "河东日报（基准）"\nscript = "hans"\n[[papers.bench.layouts]]\n'
                f'family = "founder-pc"\nbase_url = "{base}/bench/"\n'
                'entry = "pc/layout/{date:%Y%m}/{date:%d}/node_01.html"\n',
                encoding="utf-8",
            )
            print(f"(a) distributed crawl of {days} editions of the bench site into PostgreSQL, Redis frontier")
            print(f"{'workers':>8}{'seconds':>9}{'articles':>10}{'complete':>10}{'articles/s':>12}{'× one':>7}")
            one = None
            for n in counts:
                r = run_workers(n, days, base, registry, admin)
                one = one or r["rate"]
                print(f"{n:>8}{r['seconds']:>9.1f}{r['articles']:>10}{r['complete']:>6}/{r['editions']:<3}"
                      f"{r['rate']:>12.1f}{r['rate'] / one:>7.2f}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=10)


# --------------------------------------------------------------------------- (b) writes


def synthetic_items(n_articles: int) -> list[Any]:
    from tests.storage import factory as f

    per_edition = 8 * 25
    items: list[Any] = []
    body = "河阳市召开春耕动员会，部署全年农业生产工作。" * 30
    for day in range(-(-n_articles // per_edition)):
        items += f.edition(dt.date(2000, 1, 1) + dt.timedelta(days=day), n_pages=8, per_page=25,
                           start=day * 1000, text=f.article_text(1, [("林晓川", "记者")], body=body))
    return items


def store_rate(url: str, items: list[Any], n_articles: int) -> float:
    from schema.db import make_engine, upgrade
    from schema.store import Store

    engine = make_engine(url)
    upgrade(engine)
    store = Store(engine, batch_size=500)
    start = time.perf_counter()
    for item in items:
        store.add(item)
    store.flush()
    seconds = time.perf_counter() - start
    engine.dispose()
    return n_articles / seconds


SCRATCH_COLUMNS = ("edition_id", "source_key", "url", "title", "body", "char_count", "content_hash", "polygon")
SCRATCH_DDL = """create table scratch_article (id serial primary key, edition_id integer not null,
    source_key text not null, url text, title text, body text, char_count integer, content_hash text,
    polygon jsonb, last_seen_at timestamptz, unique (edition_id, source_key))"""


def scratch_rows(n: int, version: int) -> list[dict[str, Any]]:
    body = f"第{version}稿。" + "河阳市召开春耕动员会，部署全年农业生产工作。" * 30
    return [{"edition_id": i // 200, "source_key": f"content_{i}", "url": f"http://127.0.0.1:9/c/{i}.html",
             "title": f"河阳新闻{i}", "body": body, "char_count": len(body), "content_hash": f"{i:x}-{version}",
             "polygon": json.dumps({"polygons": [[0, 0, 300, 300]]})} for i in range(n)]


def executemany_upsert(engine: Any, rows: list[dict[str, Any]], batch: int) -> float:
    from sqlalchemy import MetaData, Table, func
    from sqlalchemy.dialects.postgresql import insert

    table = Table("scratch_article", MetaData(), autoload_with=engine)
    start = time.perf_counter()
    for i in range(0, len(rows), batch):
        stmt = insert(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=["edition_id", "source_key"],
            set_={**{c: stmt.excluded[c] for c in SCRATCH_COLUMNS[2:]}, "last_seen_at": func.now()},
        ).returning(table.c.id)
        with engine.begin() as conn:
            conn.execute(stmt, rows[i : i + batch])
    return len(rows) / (time.perf_counter() - start)


def copy_upsert(engine: Any, rows: list[dict[str, Any]], batch: int) -> float:
    columns = ", ".join(SCRATCH_COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in SCRATCH_COLUMNS[2:])
    start = time.perf_counter()
    for i in range(0, len(rows), batch):
        buffer = io.StringIO()
        for row in rows[i : i + batch]:
            buffer.write("\t".join(_copy_value(row[c]) for c in SCRATCH_COLUMNS) + "\n")
        buffer.seek(0)
        raw = engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute("create temporary table if not exists scratch_in (like scratch_article including defaults)"
                        " on commit delete rows")
            cur.copy_expert(f"copy scratch_in ({columns}) from stdin", buffer)
            cur.execute(f"insert into scratch_article ({columns}, last_seen_at) select {columns}, now() "
                        f"from scratch_in on conflict (edition_id, source_key) do update set {updates}, "
                        "last_seen_at = now()")
            raw.commit()
        finally:
            raw.close()
    return len(rows) / (time.perf_counter() - start)


def _copy_value(value: Any) -> str:
    if value is None:
        return "\\N"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def bench_writes(n_articles: int) -> None:
    from sqlalchemy import create_engine, text

    admin = pg_admin_url()
    print(f"(b) the store writing {n_articles:,} synthetic articles (batches of 500 items, one transaction each)")
    items = synthetic_items(n_articles)
    with tempfile.TemporaryDirectory(prefix="epaper-scale-") as tmp:
        sqlite_rate = store_rate(f"sqlite:///{Path(tmp) / 'w.db'}", items, n_articles)
    print(f"  SQLite      {sqlite_rate:>9,.0f} articles/s", flush=True)
    with PgSchema(admin) as schema:
        pg_rate = store_rate(schema.url, items, n_articles)
    print(f"  PostgreSQL  {pg_rate:>9,.0f} articles/s   (PostgreSQL / SQLite: {pg_rate / sqlite_rate:.2f})", flush=True)
    del items

    print(f"  article-shaped rows into PostgreSQL, {n_articles:,} rows: executemany upsert vs COPY + INSERT…SELECT")
    print(f"  {'batch':>7}{'method':>14}{'insert rows/s':>15}{'update rows/s':>15}")
    for batch in (500, 5000):
        for name, method in (("executemany", executemany_upsert), ("copy", copy_upsert)):
            with PgSchema(admin) as schema:
                engine = create_engine(schema.url)
                with engine.begin() as conn:
                    conn.execute(text(SCRATCH_DDL))
                inserted = method(engine, scratch_rows(n_articles, 1), batch)
                updated = method(engine, scratch_rows(n_articles, 2), batch)
                engine.dispose()
            print(f"  {batch:>7}{name:>14}{inserted:>15,.0f}{updated:>15,.0f}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("all", "workers", "writes"), default="all")
    parser.add_argument("--days", type=int, default=30, help="editions the workers crawl (default 30)")
    parser.add_argument("--workers", default="1,2,4", help="worker counts (default 1,2,4)")
    parser.add_argument("--articles", type=int, default=100_000, help="articles for the write rates")
    args = parser.parse_args(argv)
    if args.part in ("all", "workers"):
        bench_workers(args.days, [int(x) for x in args.workers.split(",")])
    if args.part in ("all", "writes"):
        bench_writes(args.articles)
    return 0


if __name__ == "__main__":
    sys.exit(main())
