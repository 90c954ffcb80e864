"""`epaper export`: CSV / JSON Lines / Parquet read back equal to the database, streamed in chunks."""

from __future__ import annotations

import csv
import json
import tracemalloc
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from crawler.cli import main
from schema.export import COLUMN_NAMES, COLUMNS, PYARROW_MISSING, export, iter_story_chunks
from schema.models import Article, Byline, Edition, Image, Newspaper, Page
from tests.research import corpus
from tests.services import require_module


def expected_rows(engine: Engine, paper: str | None = None) -> list[dict]:
    """The stories as the ORM sees them (independent of the export's own query)."""
    rows = []
    with Session(engine) as session:
        articles = session.scalars(select(Article)).all()
        for a in articles:
            edition = session.get(Edition, a.edition_id)
            newspaper = session.get(Newspaper, edition.newspaper_id)
            if paper and newspaper.key != paper:
                continue
            page = session.get(Page, a.page_id)
            bylines = session.scalars(
                select(Byline).where(Byline.article_id == a.id).order_by(Byline.seq)
            ).all()
            images = session.scalars(select(Image).where(Image.article_id == a.id).order_by(Image.seq)).all()
            rows.append(
                {
                    "id": a.id,
                    "paper": newspaper.key,
                    "paper_name": newspaper.name,
                    "date": edition.date,
                    "page_seq": page.seq,
                    "page_number": page.number,
                    "page_name": page.name,
                    "seq": a.seq,
                    "kicker": a.kicker,
                    "title": a.title,
                    "subtitle": a.subtitle,
                    "byline": a.byline,
                    "dateline": a.dateline,
                    "body": a.body,
                    "body_simplified": a.body_simplified,
                    "script": a.script,
                    "char_count": a.char_count,
                    "area_share": a.area_share,
                    "url": a.url,
                    "bylines": [
                        {"name": b.name, "role": b.role, "organisation": b.organisation} for b in bylines
                    ],
                    "captions": [
                        {"caption": i.caption, "credit": i.credit, "url": i.url} for i in images if i.caption
                    ],
                }
            )
    rows.sort(key=lambda r: (r["paper"], r["date"], r["page_seq"], r["seq"], r["id"]))
    return rows


def as_text(row: dict) -> dict:
    """What CSV makes of a row: text, NULL as empty, JSON columns as JSON text."""
    out = {}
    for column in COLUMNS:
        value = row[column.name]
        if value is None:
            out[column.name] = ""
        elif column.kind == "json":
            out[column.name] = value  # compared after json.loads
        elif column.kind == "date":
            out[column.name] = value.isoformat()
        else:
            out[column.name] = str(value)
    return out


def test_csv_round_trip(archive: Engine, tmp_path: Path) -> None:
    out = tmp_path / "stories.csv"
    assert export(archive, "csv", out, chunk_size=2) == corpus.ARTICLES
    with out.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == COLUMN_NAMES
        read = list(reader)
    for row in read:
        row["bylines"] = json.loads(row["bylines"])
        row["captions"] = json.loads(row["captions"])
    assert read == [as_text(r) for r in expected_rows(archive)]
    hant = next(r for r in read if r["paper"] == "tyjb")
    assert hant["body_simplified"].startswith("本报讯") and hant["bylines"][0]["name"] == "王書文"


def test_jsonl_round_trip_with_filters(archive: Engine, tmp_path: Path) -> None:
    out = tmp_path / "stories.jsonl"
    count = export(archive, "jsonl", out, paper="hyrb", date_from=corpus.D1, date_to=corpus.D2, chunk_size=3)
    read = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    expected = [r for r in expected_rows(archive, "hyrb") if corpus.D1 <= r["date"] <= corpus.D2]
    for r in expected:
        r["date"] = r["date"].isoformat()
    assert count == len(read) == 5
    assert read == expected
    assert read[1]["body"] == corpus.JOINED_BODY
    assert read[1]["bylines"] == [
        {"name": "周明远", "role": "记者", "organisation": "本报"},
        {"name": "陈宏", "role": "通讯员", "organisation": "本报"},
    ]
    assert read[0]["captions"][0]["caption"] == "市图书馆延长开放时间现场。"
    assert read[0]["area_share"] == pytest.approx(520 * 260 / (600 * 900))


def test_parquet_round_trip(archive: Engine, tmp_path: Path) -> None:
    pq = require_module("pyarrow.parquet", "pyarrow not installed: parquet export untestable here")
    out = tmp_path / "stories.parquet"
    assert export(archive, "parquet", out, chunk_size=4) == corpus.ARTICLES
    table = pq.read_table(out)
    assert table.num_rows == corpus.ARTICLES
    assert table.schema.names == list(COLUMN_NAMES)
    assert table.to_pylist() == expected_rows(archive)
    assert pq.ParquetFile(out).num_row_groups == 2  # one per chunk: written as it streams


def test_parquet_without_pyarrow_says_how_to_install(
    archive: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    real_import = builtins.__import__

    def no_pyarrow(name: str, *args, **kwargs):
        if name.startswith("pyarrow"):
            raise ImportError("no pyarrow here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    with pytest.raises(RuntimeError, match="pip install pyarrow"):
        export(archive, "parquet", tmp_path / "x.parquet")
    assert "pip install pyarrow" in PYARROW_MISSING


def test_chunks_are_bounded(archive: Engine) -> None:
    chunks = list(iter_story_chunks(archive, chunk_size=3))
    assert [len(c) for c in chunks] == [3, 3, 1]  # 7 articles


def test_memory_stays_flat(tmp_path: Path) -> None:
    """Exporting four times the stories must not take (nearly) four times the memory."""
    import datetime as dt

    from schema.db import make_engine, upgrade
    from schema.store import Store
    from tests.storage import factory as f

    def peak(editions: int) -> int:
        engine = make_engine(f"sqlite:///{tmp_path / f'mem{editions}.db'}")
        upgrade(engine)
        with Store(engine, batch_size=500) as store:
            for day in range(editions):
                for item in f.edition(
                    dt.date(2024, 1, 1) + dt.timedelta(days=day),
                    n_pages=4,
                    per_page=10,
                    start=day * 100,
                    body="河阳市召开春耕动员会。" * 40,
                ):
                    store.add(item)
        tracemalloc.start()
        with (tmp_path / "out.jsonl").open("w", encoding="utf-8") as handle:
            export(engine, "jsonl", None, chunk_size=50, stdout=handle)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        engine.dispose()
        return top

    small, large = peak(5), peak(20)  # 200 and 800 stories
    assert large < small * 2, (small, large)


def test_cli(archive: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = archive.url.render_as_string(hide_password=False)
    assert main(["export", "--format", "jsonl", "--paper", "tyjb", "--db", url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["title"] == "圖書館新館落成"
    out = tmp_path / "x.csv"
    assert main(["export", "--format", "csv", "--from", "2024-04-01", "--out", str(out), "--db", url]) == 0
    assert "wrote 1 stories" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8").count("\n") == 2
    assert main(["export", "--format", "parquet", "--db", url]) == 2
    assert "--out" in capsys.readouterr().err
