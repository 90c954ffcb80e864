"""One rule for tests that need an outside service (PostgreSQL, Redis, a browser): skip with a clear reason on a
machine without it, but fail in CI, where .ci/run sets EPAPER_REQUIRE_SERVICES=1 and the services must be there."""

from __future__ import annotations

import os

import pytest


def services_required() -> bool:
    return os.environ.get("EPAPER_REQUIRE_SERVICES") == "1"


def unavailable(reason: str) -> None:
    """Skip the test (fresh machine) or fail it (CI) because a service is missing."""
    if services_required():
        pytest.fail(f"{reason} (EPAPER_REQUIRE_SERVICES=1: CI must run this test)", pytrace=False)
    pytest.skip(reason)
