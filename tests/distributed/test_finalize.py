"""Workers that close together finalise the same editions at the same time: the store serialises that, and
the result is the one a single finalisation gives (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

from sqlalchemy import text

from pipelines.joining import JoiningStore as Store
from schema.db import make_engine, upgrade
from tests.dbfixtures import db_url, pg_admin_url  # noqa: F401 - fixtures used by name
from tests.editions.test_store_joining import DAY, continued_edition, snapshot
from tests.storage.factory import PAPER


def test_concurrent_finalisation_of_one_edition_joins_it_once(db_url: str) -> None:  # noqa: F811
    upgrade(db_url)
    writer = Store(make_engine(db_url), batch_size=50)
    for item in continued_edition():
        writer.add(item)
    writer.flush()
    stores = [Store(make_engine(db_url)) for _ in range(4)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(stores))

    def finalise(store: Store) -> None:
        try:
            barrier.wait()
            for _ in range(3):
                store.finalize(PAPER, [DAY])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=finalise, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    after = snapshot(writer.engine)
    assert after["edition"] == [("complete", 2, 5)]  # six pieces, one story continued: five articles
    with writer.engine.connect() as conn:
        parts = conn.execute(text("select article_id, count(*) from article_part group by article_id "
                                  "having count(*) > 1")).all()
    assert len(parts) == 1 and parts[0][1] == 2
    writer.finalize(PAPER, [DAY])  # once more, alone: nothing changes
    assert snapshot(writer.engine) == after
    for store in (writer, *stores):
        store.engine.dispose()
