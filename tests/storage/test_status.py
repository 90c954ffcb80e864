from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from schema.records import EditionItem
from schema.status import edition_status, format_table, summary
from schema.store import Store
from tests.storage import factory as f

DAY = dt.date(2024, 5, 1)


def test_status_rows_and_summary(migrated: Engine) -> None:
    store = Store(migrated)
    for item in f.edition(DAY, n_pages=2, per_page=2) + [EditionItem(f.PAPER, DAY + dt.timedelta(days=1))]:
        store.add(item)
    store.add(EditionItem(f.PAPER, DAY + dt.timedelta(days=2), status="not_published"))
    store.finalize(f.PAPER, [DAY, DAY + dt.timedelta(days=1)])
    rows = edition_status(migrated, f.PAPER)
    assert [(r["date"], r["status"], r["pages"], r["articles"], r["failures"]) for r in rows] == [
        (DAY, "complete", 2, 4, 0),
        (DAY + dt.timedelta(days=1), "missing", 0, 0, 0),
        (DAY + dt.timedelta(days=2), "not_published", 0, 0, 0),
    ]
    assert (
        edition_status(
            migrated, f.PAPER, date_from=DAY + dt.timedelta(days=1), date_to=DAY + dt.timedelta(days=1)
        )[0]["status"]
        == "missing"
    )
    assert edition_status(migrated, "nope") == []
    totals = summary(migrated, f.PAPER)
    assert totals == {
        "editions": {"complete": 1, "missing": 1, "not_published": 1},
        "edition_total": 3,
        "pages": 2,
        "articles": 4,
        "failures": 0,
    }


def test_format_table_aligns_columns_with_wide_characters() -> None:
    table = format_table(
        [{"paper": "hyrb", "name": "要闻", "articles": 12}, {"paper": "q", "name": "文化副刊", "articles": 3}]
    )
    lines = table.splitlines()
    assert lines[0].split() == ["paper", "name", "articles"]
    assert lines[2] == "hyrb   要闻            12"
    assert lines[3] == "q      文化副刊         3"
    assert format_table([]) == "(no editions)"
