"""One rule for tests that need a prerequisite (PostgreSQL, Redis, a browser, a font, an extra package, a data
file of ../shared, a floors file): skip with a clear reason on a machine without it, but fail in CI, where .ci/run
sets EPAPER_REQUIRE_SERVICES=1 and every prerequisite must be there. A skip in CI would hide a broken feature."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import ModuleType

import pytest


def services_required() -> bool:
    return os.environ.get("EPAPER_REQUIRE_SERVICES") == "1"


def unavailable(reason: str) -> None:
    """Skip the test (fresh machine) or fail it (CI) because a prerequisite is missing.

    Also usable at module level (a module-level failure is a collection error: CI still goes red)."""
    __tracebackhide__ = True  # the report names the test's line, not this one
    if services_required():
        pytest.fail(f"{reason} (EPAPER_REQUIRE_SERVICES=1: CI must run this test)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def require_module(name: str, reason: str) -> ModuleType:
    """pytest.importorskip under the same rule: the module, or a skip (locally) / failure (CI) with `reason`."""
    __tracebackhide__ = True
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        unavailable(f"{reason}: {exc}")
        raise  # unreachable: unavailable() always raises


def require_file(path: Path, what: str) -> Path:
    """`path` if it is a file, else unavailable(): e.g. a data file of ../shared or a pinned floors file."""
    __tracebackhide__ = True
    if not path.is_file():
        unavailable(f"{what} is absent: {path}")
    return path
