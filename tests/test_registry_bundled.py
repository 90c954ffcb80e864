"""The bundled registry as shipped: every entry loads, names a family and skin the golden fixtures cover, renders
an entry URL its family's grammar accepts, and the supported-papers doc is current. Loading stays fast."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest

from crawler import registry
from crawler.cli.registry import docs_main
from crawler.families import FAMILIES
from crawler.registry import BUNDLED_REGISTRY, Layout, Paper, read_papers
from crawler.registry_import import GENERATED_MARK, split_registry

FIXTURES = Path(__file__).resolve().parent / "families" / "fixtures"
PAPERS = read_papers()


def _layout_id(item: tuple[str, int, Layout]) -> str:
    return f"{item[0]}-{item[1] + 1}"


LAYOUTS = [
    (key, i, layout) for key, paper in sorted(PAPERS.items()) for i, layout in enumerate(paper.layouts)
]


def test_at_least_150_real_papers_are_bundled() -> None:
    imported = [p for p in PAPERS.values() if p.source is not None]
    assert len(imported) >= 150
    assert all(p.source is not None and not p.source.verified for p in imported)  # no fetch confirmed them
    assert all(p.source is not None and p.source.rows and p.source.collections for p in imported)


def test_hand_written_entries_stay_above_the_mark_and_are_not_duplicated() -> None:
    head, generated = split_registry(BUNDLED_REGISTRY.read_text(encoding="utf-8"))
    assert generated.startswith(GENERATED_MARK)
    hand_keys = set(registry.tomllib.loads(head)["papers"])
    assert {"rmrb", "ycrb", "demo"} <= hand_keys
    assert {k for k, p in PAPERS.items() if p.source is None} == hand_keys
    hand = {p.name for p in PAPERS.values() if p.source is None}
    assert {"运城日报", "人民日报", "江西日报"} <= hand
    assert not hand & {p.name for p in PAPERS.values() if p.source is not None}
    names = [p.name for p in PAPERS.values()]
    assert len(names) == len(set(names))


def _dates(layout: Layout) -> list[dt.date]:
    dates = [d for d in (layout.valid_from, layout.valid_until) if d is not None]
    sample = dt.date(2022, 3, 14)
    return dates + [sample] if layout.covers(sample) else dates or [sample]


@pytest.mark.parametrize("item", LAYOUTS, ids=_layout_id)
def test_every_entry_template_renders_a_page_of_its_family(item: tuple[str, int, Layout]) -> None:
    key, _, layout = item
    family = FAMILIES[layout.family]
    for date in _dates(layout):
        url = family.entry_url(layout.base_url, date, layout.entry)
        assert family.page_kind(url) in ("page", "entry"), f"{key}: {url} is no {layout.family} page"
        if family.page_kind(url) == "page":
            assert family.date_from_url(url) == date, f"{key}: {url} does not carry {date}"


def test_every_paper_has_a_layout_on_every_date_its_ranges_cover() -> None:
    for key, paper in PAPERS.items():
        starts = sorted(lay.valid_from for lay in paper.layouts if lay.valid_from)
        for start in starts:
            assert paper.layout_for(start) is not None, key
            assert paper.layout_for(start - dt.timedelta(days=1)) is not None, key


def _fixture_skins() -> dict[str, set[str | None]]:
    """Family → skins of its golden page fixtures (None for a family without skins)."""
    found: dict[str, set[str | None]] = {}
    for meta_path in FIXTURES.glob("*/*/meta.json"):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta["kind"] != "page":
            continue
        family = FAMILIES[meta["family"]]
        skin = family.skin_of((meta_path.parent / "body.bin").read_bytes(), meta["url"])
        found.setdefault(meta["family"], set()).add(skin)
    return found


def test_every_family_and_skin_in_the_registry_has_a_golden_fixture() -> None:
    fixtures = _fixture_skins()
    for key, paper in PAPERS.items():
        for layout in paper.layouts:
            assert layout.family in fixtures, f"{key}: no golden page fixture of {layout.family}"
            if layout.skin:
                assert layout.skin in fixtures[layout.family], (
                    f"{key}: no {layout.family} fixture of skin {layout.skin}"
                )


def test_supported_papers_doc_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    assert docs_main(["--check"]) == 0, capsys.readouterr().err


def test_the_doc_check_fails_on_a_stale_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stale = tmp_path / "supported-papers.md"
    stale.write_text("# Supported papers\n", encoding="utf-8")
    assert docs_main(["--check", "--out", str(stale)]) == 1
    assert "stale" in capsys.readouterr().err


def test_bundled_registry_loads_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command reads it: a parse of the bundled file stays well under a second (the best of three, as the
    machine may be busy), and a second load of the same content in one process does not parse it again."""
    timings = []
    for _ in range(3):
        registry._READ_CACHE.clear()
        start = time.perf_counter()
        first = read_papers()
        timings.append(time.perf_counter() - start)
    assert min(timings) < 1.0, f"loading the bundled registry took {min(timings):.3f} s"
    parses = []
    real_parse = registry._parse
    monkeypatch.setattr(registry, "_parse", lambda path, raw: parses.append(path) or real_parse(path, raw))
    assert read_papers() == first
    assert parses == []


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    entry = '[papers.abc]\nname = "{}"\n[[papers.abc.layouts]]\nfamily = "founder-pc"\nbase_url = "http://x.example/"\n'
    path.write_text(entry.format("甲报"), encoding="utf-8")
    assert read_papers(path)["abc"].name == "甲报"
    path.write_text(entry.format("乙报"), encoding="utf-8")  # same size, same second: the content decides
    assert read_papers(path)["abc"].name == "乙报"


def test_a_paper_source_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        '[papers.abc]\nname = "甲报"\n[papers.abc.source]\nrows = ["x.tsv:2"]\nverified = "no"\n'
        '[[papers.abc.layouts]]\nfamily = "founder-pc"\nbase_url = "http://x.example/"\n',
        encoding="utf-8",
    )
    with pytest.raises(registry.RegistryError, match="source: field 'verified' must be true or false"):
        read_papers(path)
    path.write_text(
        '[papers.abc]\nname = "甲报"\n[papers.abc.source]\nrows = ["x.tsv:2"]\n'
        '[[papers.abc.layouts]]\nfamily = "founder-pc"\nbase_url = "http://x.example/"\n',
        encoding="utf-8",
    )
    with pytest.raises(registry.RegistryError, match="source: missing 'verified'"):
        read_papers(path)


def test_source_is_read_into_the_paper() -> None:
    paper: Paper = next(p for p in PAPERS.values() if p.source is not None)
    assert paper.source is not None and paper.source.rows[0].split(":")[0].endswith(".tsv")
