"""Session-wide test setup.

Crawls started by tests (in this process or in subprocesses) write the raw WARC archive and take run locks under
`data/` of the checkout by default. Point both at a scratch folder for the whole session, so that running the
tests leaves the working tree as it was. Tests that exercise these folders set their own paths explicitly.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="session")
def _scratch_data_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    scratch = tmp_path_factory.mktemp("epaper-data")
    saved = {k: os.environ.get(k) for k in ("EPAPER_ARCHIVE_DIR", "EPAPER_LOCK_DIR")}
    os.environ["EPAPER_ARCHIVE_DIR"] = str(scratch / "archive")
    os.environ["EPAPER_LOCK_DIR"] = str(scratch / "locks")
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
