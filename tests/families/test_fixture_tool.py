"""record_fixture / refresh_expected / the `refresh` command."""

from __future__ import annotations

import json
from pathlib import Path

from crawler.cli.fixtures import main
from crawler.families.fixtures import record_fixture, refresh_expected

FIXTURES = Path(__file__).parent / "fixtures"


def test_record_then_refresh(tmp_path: Path) -> None:
    src = FIXTURES / "founder-pc" / "gbk_page"
    meta = json.loads((src / "meta.json").read_text(encoding="utf-8"))
    body = (src / "body.bin").read_bytes()
    case = record_fixture(
        tmp_path / "case", body, meta["url"], "2023-12-09", "founder-pc", "page", meta["headers"]
    )
    assert (case / "body.bin").read_bytes() == body  # exactly as served, GBK bytes
    stored = json.loads((case / "meta.json").read_text(encoding="utf-8"))
    assert stored == {**meta, "edition_date": "2023-12-09"}
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    assert expected["name"] == "体育" and expected["kind"] == "page"
    assert refresh_expected(case) is False
    (case / "expected.json").write_text("{}\n", encoding="utf-8")
    assert refresh_expected(case) is True
    assert json.loads((case / "expected.json").read_text(encoding="utf-8")) == expected


def test_refresh_command_reports_changes(tmp_path: Path, capsys) -> None:
    src = FIXTURES / "founder-classic" / "paperindex"
    case = tmp_path / "founder-classic" / "paperindex"
    case.mkdir(parents=True)
    for name in ("body.bin", "meta.json"):
        (case / name).write_bytes((src / name).read_bytes())
    assert main(["refresh", str(tmp_path)]) == 0
    assert "1 expected file(s) changed" in capsys.readouterr().out
    assert main(["refresh", str(tmp_path)]) == 0
    assert "0 expected file(s) changed" in capsys.readouterr().out


def test_stored_fixtures_are_up_to_date() -> None:
    # A parser change must come with refreshed (and reviewed) expected files.
    changed = []
    for meta in FIXTURES.rglob("meta.json"):
        expected = (meta.parent / "expected.json").read_text(encoding="utf-8")
        if refresh_expected(meta.parent):
            changed.append(meta.parent)
            (meta.parent / "expected.json").write_text(expected, encoding="utf-8")  # leave the tree as found
    assert changed == []
