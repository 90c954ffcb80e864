"""The paper registry: bundled entries, user overrides, date-ranged layouts, errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crawler.registry import RegistryError, load_registry, select_papers


def test_bundled_registry_has_the_required_papers() -> None:
    reg = load_registry(fixture_url="http://127.0.0.1:9")
    assert {"ycrb", "ycwb", "demo"} <= set(reg)
    ycrb = reg["ycrb"]
    assert ycrb.name == "运城日报"
    layout = ycrb.layout_for(dt.date(2025, 4, 25))
    assert layout is not None and layout.family == "founder-pc"
    assert layout.base_url == "http://epaper.sxycrb.com/rbpaper/"
    assert reg["ycwb"].layout_for(dt.date(2025, 4, 25)).base_url.endswith("/wbpaper/")
    families = {lay.family for p in reg.values() for lay in p.layouts}
    assert {"founder-pc", "founder-classic"} <= families
    assert reg["demo"].layout_for(dt.date(2025, 4, 25)).base_url == "http://127.0.0.1:9/demo/"


def bundled_only(tmp_path: Path) -> Path:
    """An empty user registry: load_registry() of it is the bundled registry alone, whatever $EPAPER_PAPERS says."""
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    return empty


def test_user_registry_adds_and_overrides(tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text(
        '[papers.ycrb]\nname = "运城日报（镜像）"\n[[papers.ycrb.layouts]]\nfamily = "founder-pc"\n'
        'base_url = "http://mirror.example/rb"\n\n'
        '[papers.abc]\nname = "某某晚报"\nscript = "hant"\n'
        '[[papers.abc.layouts]]\nfamily = "founder-classic"\nbase_url = "http://x.example/"\nuntil = 2019-12-31\n'
        '[[papers.abc.layouts]]\nfamily = "founder-pc"\nbase_url = "http://x.example/new/"\nfrom = 2020-01-01\n',
        encoding="utf-8",
    )
    reg = load_registry(mine)
    bundled = load_registry(bundled_only(tmp_path))
    assert reg["ycrb"].name == "运城日报（镜像）"
    assert reg["ycrb"].layout_for(dt.date(2025, 1, 1)).base_url == "http://mirror.example/rb/"
    # a user entry replaces ours whole: nothing of the bundled ycrb (region, homepage, entry, skin) is merged in
    assert bundled["ycrb"].region and bundled["ycrb"].homepage
    assert reg["ycrb"].region is None and reg["ycrb"].homepage is None
    assert [(lay.entry, lay.skin) for lay in reg["ycrb"].layouts] == [(None, None)]
    abc = reg["abc"]
    assert abc.script == "hant"
    assert abc.layout_for(dt.date(2019, 12, 31)).family == "founder-classic"
    assert abc.layout_for(dt.date(2020, 1, 1)).family == "founder-pc"
    assert reg["ycwb"] == bundled["ycwb"]  # bundled entries the user file does not name stay as they are
    assert set(reg) == set(bundled) | {"abc"}


def test_environment_variable_names_the_user_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mine = tmp_path / "env.toml"
    mine.write_text('[papers.zz]\nname = "Z"\n[[papers.zz.layouts]]\nfamily = "founder-pc"\nbase_url = "http://z/"\n',
                    encoding="utf-8")
    monkeypatch.setenv("EPAPER_PAPERS", str(mine))
    zz = load_registry()["zz"]
    assert (zz.name, zz.script, zz.region_code) == ("Z", "hans", "mainland")
    assert [(lay.family, lay.base_url) for lay in zz.layouts] == [("founder-pc", "http://z/")]


@pytest.mark.parametrize(
    "toml, message",
    [
        ('[papers.x]\nname = "X"\n', "at least one"),
        ('[papers.x]\n[[papers.x.layouts]]\nfamily = "founder-pc"\nbase_url = "http://x/"\n', "missing 'name'"),
        ('[papers.x]\nname = "X"\nscript = "latin"\n[[papers.x.layouts]]\nfamily = "founder-pc"\n'
         'base_url = "http://x/"\n', "script"),
        ('[papers.x]\nname = "X"\n[[papers.x.layouts]]\nfamily = "founder-pc"\nbase_url = "http://x/"\n'
         'from = "yesterday"\n', "not a date"),
        ("[papers.x\n", "bad.toml:1:10: not valid TOML: Expected"),
    ],
)
def test_malformed_entries_raise_clear_errors(tmp_path: Path, toml: str, message: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(toml, encoding="utf-8")
    with pytest.raises(RegistryError, match=message):
        load_registry(bad)


def test_select_papers() -> None:
    reg = load_registry()
    assert [p.key for p in select_papers(reg, "ycrb,ycwb")] == ["ycrb", "ycwb"]
    assert "demo" not in [p.key for p in select_papers(reg, "all")]
    with pytest.raises(RegistryError, match="unknown paper 'nope'"):
        select_papers(reg, "nope")


def test_all_means_the_verified_papers_and_unverified_the_imported_ones() -> None:
    """A nightly `-a paper=all` must not start fetching hundreds of sites no one has checked."""
    reg = load_registry()
    every = {p.key for p in select_papers(reg, "all")}
    unchecked = {p.key for p in select_papers(reg, "unverified")}
    assert {"ycrb", "ycwb"} <= every and not every & unchecked
    assert all(reg[k].source is not None and not reg[k].source.verified for k in unchecked)
    assert len(unchecked) >= 150
    both = [p.key for p in select_papers(reg, "ycrb,all,unverified")]
    assert both[0] == "ycrb" and len(both) == len(set(both)) == len(every | unchecked)


def test_an_unknown_key_names_near_misses_not_every_key() -> None:
    reg = load_registry()
    with pytest.raises(RegistryError) as caught:
        select_papers(reg, "ycbr")
    message = str(caught.value)
    assert "did you mean" in message and "ycrb" in message and "demo" in message
    assert len(message) < 400
