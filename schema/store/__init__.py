"""The SQL store: crawl items in, rows out, idempotently and in batches (schema/store/writer.py says how).

By concern: buffer.py (items waiting for a flush), rows.py (an item's rows), upsert.py (a batch written table by
table), finalize.py (closing the books on editions), writer.py (the Store that ties them together).
"""

from schema.store.finalize import FinalizeHook
from schema.store.writer import Store

__all__ = ["FinalizeHook", "Store"]
