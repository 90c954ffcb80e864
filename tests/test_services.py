"""The one rule for missing prerequisites (tests/services.py): a skip with a reason locally, a failure in CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.services import require_file, require_module, unavailable


@pytest.fixture(params=["local", "ci"])
def where(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "ci":
        monkeypatch.setenv("EPAPER_REQUIRE_SERVICES", "1")
    else:
        monkeypatch.delenv("EPAPER_REQUIRE_SERVICES", raising=False)
    return request.param


def outcome(where: str) -> type[BaseException]:
    return pytest.fail.Exception if where == "ci" else pytest.skip.Exception


def test_unavailable_skips_locally_and_fails_in_ci_with_the_reason(where: str) -> None:
    with pytest.raises(outcome(where), match="no CJK font found"):
        unavailable("no CJK font found")


def test_a_missing_module_or_file_is_unavailable(where: str, tmp_path: Path) -> None:
    with pytest.raises(outcome(where), match="the plots need it: No module named 'epaper_no_such_module'"):
        require_module("epaper_no_such_module", "the plots need it")
    floors = tmp_path / "floors.json"
    with pytest.raises(outcome(where), match="pinned floors is absent: .*floors.json"):
        require_file(floors, "pinned floors")
    floors.write_text("{}", encoding="utf-8")
    assert require_file(floors, "pinned floors") == floors
    assert require_module("json", "stdlib").__name__ == "json"
