"""The registry importer on small synthetic paper lists: classification by the families' URL grammars, skips
counted by reason, rows of one paper merged by date range, hand-written papers never duplicated, stable keys."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from crawler.cli.registry import import_main
from crawler.families import FAMILIES
from crawler.registry import RegistryError, read_papers
from crawler.registry_import import GENERATED_MARK, build_entries, classify, entry_template, read_list

pytest.importorskip("pypinyin")
pytest.importorskip("cpca")

OLD_HEADER = "paper\tspider\tdomain\tentry_template\tpage_regex\tarticle_regex\tfamily\tmodule\n"
NEW_HEADER = "paper\tbase_url\tedition_entry_template\tfamily\tmodule\n"
LJWB = "http://epaper.lj.example/ljwb/pc/layout/{%Y%m/%d}/node_01.html"

NEW_ROWS = [  # the newer collection (2025-05-19)
    f"临江晚报\thttp://epaper.lj.example/ljwb/\t{LJWB}\tfounder-pc\tlinjiang_paper.py",
    "河西日报\thttp://epaper.hx.example/hxrb/\thttp://epaper.hx.example/hxrb/html/{%Y-%m/%d}/node_1.htm?v=1\t"
    "founder-classic\thexi_paper.py",
    f"某某法治报\thttp://epaper.lj.example/\t{LJWB} [module body is an unedited copy of the 临江晚报 module]\t"
    "founder-pc\tmoumou_paper.py",
    "北岸商报\thttp://b.example/\tPOST http://b.example/api/read.do (date={%Y-%m-%d})\tjs-data\tbeian_paper.py",
    "东山日报\thttps://ds.example/dsrb/\thttps://ds.example/dsrb/{%Y%m%d}/db.js\tjs-data\tdongshan_paper.py",
    "运城日报\thttp://epaper.sxycrb.com/rbpaper/\thttp://epaper.sxycrb.com/rbpaper/pc/layout/{%Y%m/%d}/node_01.html\t"
    "founder-pc\tyuncheng_paper.py",
]
OLD_ROWS = [  # the older collection (2023-04-02)
    "河西日报\thxrb\tepaper.hx.example\thttp://epaper.hx.example/hxrb/pc/layout/{%Y%m/%d}/node_01.html\t"
    "x\ty\tfounder-pc\tspiders/hxrb.py",
    f"老年周报\tlnzb\tepaper.lj.example\t{LJWB}\tx\ty\tfounder-pc\tspiders/lnzb.py",
    "丽江晚报\tljwb\tlj2.example\thttp://lj2.example/pc/layout/{%Y%m/%d}/node_01.html\tx\ty\tfounder-pc\tspiders/ljwb.py",
    "临江晚报\tljwb\tepaper.lj.example\thttps://epaper.lj.example/ljwb/pc/layout/{%Y%m/%d}/node_02.html\t"
    "x\ty\tfounder-pc\tspiders/lj.py",
    "南湖晚报\tnhwb\tnh.example\thttp://nh.example/nhwb/pc/layout/202208/28/node_01.html\tx\ty\tfounder-pc\tspiders/nh.py",
]


def write_lists(tmp_path: Path) -> list[Path]:
    new, old = tmp_path / "new.tsv", tmp_path / "old.tsv"
    new.write_text(NEW_HEADER + "\n".join(NEW_ROWS) + "\n", encoding="utf-8")
    old.write_text(OLD_HEADER + "\n".join(OLD_ROWS) + "\n", encoding="utf-8")
    return [new, old]


def hand() -> dict:
    return {k: p for k, p in read_papers().items() if p.source is None}


def test_entry_template_splits_fields_by_folder() -> None:
    assert (
        entry_template("http://h/x/{%Y%m/%d}/node_01.html") == "http://h/x/{date:%Y%m}/{date:%d}/node_01.html"
    )
    assert entry_template("http://h/{%Y/%Y%m%d}/a.htm") == "http://h/{date:%Y}/{date:%Y%m%d}/a.htm"


def test_synthetic_lists_give_the_expected_entries_and_skips(tmp_path: Path) -> None:
    rows = [row for path in write_lists(tmp_path) for row in read_list(path)]
    entries, report = build_entries(rows, hand())
    by_key = {e.key: e for e in entries}
    assert sorted(by_key) == ["hxrb", "lijiangwanbao", "ljwb"]  # 临江 sorts before 丽江: it gets the initials

    ljwb = by_key["ljwb"]
    assert ljwb.name == "临江晚报"
    assert ljwb.layouts == [
        {
            "family": "founder-pc",
            "base_url": "http://epaper.lj.example/ljwb/",
            "entry": "pc/layout/{date:%Y%m}/{date:%d}/node_01.html",
        }
    ]
    # the older list enters the same layout (https, same base) by another page: one layout, the newer entry
    assert ljwb.rows == ["new.tsv:2 linjiang_paper.py", "old.tsv:5 spiders/lj.py"]
    assert ljwb.collections == ["xiaoxiaosuaxuan/newscrapy@5351074", "yeyeshengge2437/bm_lyh_project@a3644e5"]
    assert ljwb.note is None

    # the older list has 河西日报 on founder-pc, the newer on founder-classic: two layouts by date range
    hxrb = by_key["hxrb"]
    assert [(lay["family"], lay.get("from"), lay.get("until")) for lay in hxrb.layouts] == [
        ("founder-pc", None, dt.date(2023, 4, 2)),
        ("founder-classic", dt.date(2023, 4, 3), None),
    ]
    assert hxrb.layouts[1]["entry"] == "html/{date:%Y-%m}/{date:%d}/node_1.htm?v=1"
    assert hxrb.note and "switch date is not known" in hxrb.note
    assert len(hxrb.rows) == 2

    assert report.rows == {"new.tsv": 6, "old.tsv": 5}
    assert dict(report.skipped["new.tsv"]) == {
        "marked in the list": 1,
        "no dated page URL": 1,
        "no family's URL grammar (the list says js-data)": 1,
    }
    assert dict(report.skipped["old.tsv"]) == {"another paper's URL": 1, "hard-codes a date": 1}
    # 运城日报 is served by the hand-written ycrb, not imported again
    assert dict(report.served["new.tsv"]) == {"founder-pc": 2, "founder-classic": 1}
    assert dict(report.served["old.tsv"]) == {"founder-pc": 3}
    assert ("new.tsv:7 yuncheng_paper.py", "hand-written entry: ycrb") in report.skips


def test_classification_follows_the_families_present_at_run_time(tmp_path: Path) -> None:
    rows = [row for path in write_lists(tmp_path) for row in read_list(path)]
    fewer = {k: f for k, f in FAMILIES.items() if k not in ("founder-classic", "layout-catalogue")}
    entries, report = build_entries(rows, hand(), families=fewer)
    hxrb = next(e for e in entries if e.key == "hxrb")
    assert [lay["family"] for lay in hxrb.layouts] == ["founder-pc"]  # only the layout a family serves
    assert report.skipped["new.tsv"]["no family's URL grammar (the list says founder-classic)"] == 1


def test_keys_of_a_previous_run_are_kept(tmp_path: Path) -> None:
    rows = [row for path in write_lists(tmp_path) for row in read_list(path)]
    entries, _ = build_entries(rows, hand(), previous_keys={"丽江晚报": "ljwb"})
    assert {e.name: e.key for e in entries}["丽江晚报"] == "ljwb"
    assert {e.name: e.key for e in entries}["临江晚报"] == "linjiangwanbao"


def test_a_row_that_names_an_article_or_two_families_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "x.tsv"
    path.write_text(
        NEW_HEADER
        + "甲报\thttp://a.example/\thttp://a.example/pc/content/{%Y%m/%d}/content_1.html\tfounder-pc\ta.py\n",
        encoding="utf-8",
    )
    (row,) = read_list(path)
    assert classify(row, FAMILIES)[1] == "an article URL, not a page"


def test_a_list_of_another_shape_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text("name\turl\n甲报\thttp://a.example/\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="not a paper list"):
        read_list(path)


def test_import_rewrites_only_below_the_mark_and_is_repeatable(tmp_path: Path) -> None:
    lists = write_lists(tmp_path)
    registry = tmp_path / "papers.toml"
    head = (
        '[papers.ycrb]\nname = "运城日报"\n\n[[papers.ycrb.layouts]]\nfamily = "founder-pc"\n'
        'base_url = "http://epaper.sxycrb.com/rbpaper/"\nentry = "pc/layout/{date:%Y%m}/{date:%d}/node_01.html"\n'
    )
    registry.write_text(head + "\n" + GENERATED_MARK + '\n[papers.stale]\nname = "x"\n', encoding="utf-8")
    assert import_main([*map(str, lists), "--registry", str(registry)]) == 0
    first = registry.read_text(encoding="utf-8")
    assert first.startswith(head) and "papers.stale" not in first
    assert first.count("[papers.ycrb]") == 1
    summary = json.loads((tmp_path / "papers-import.json").read_text(encoding="utf-8"))
    assert summary["papers"] == 3 and summary["lists"]["new.tsv"]["rows"] == 6
    papers = read_papers(registry)
    assert papers["hxrb"].source is not None and papers["hxrb"].source.verified is False
    assert papers["hxrb"].layout_for(dt.date(2023, 4, 2)).family == "founder-pc"
    assert papers["hxrb"].layout_for(dt.date(2025, 1, 1)).family == "founder-classic"
    assert import_main([*map(str, lists), "--registry", str(registry)]) == 0
    assert registry.read_text(encoding="utf-8") == first


def test_a_url_two_grammars_know_goes_to_the_family_the_row_names(tmp_path: Path) -> None:
    """`html/YYYY-MM/DD/node_N.htm` is founder-classic's and layout-catalogue's: the row's column decides,
    else the family that claims the shape as its own."""
    url = "http://c.example/hnrb/html/{%Y-%m/%d}/node_1.htm"
    path = tmp_path / "x.tsv"
    path.write_text(
        NEW_HEADER
        + f"甲报\thttp://c.example/\t{url}\tlayout-catalogue\ta.py\n乙报\thttp://c.example/\t{url}\tother\tb.py\n",
        encoding="utf-8",
    )
    named, unnamed = (classify(row, FAMILIES)[0] for row in read_list(path))
    assert named is not None and named.family == "layout-catalogue"
    assert unnamed is not None and unnamed.family == "founder-classic"


def test_a_family_added_later_is_picked_up_by_importing_again(tmp_path: Path) -> None:
    """No list of papers in the importer: a new family's grammar is enough for its rows to become entries."""
    import re

    from crawler.families.contract import Family

    class Zhtm(Family):  # a platform no real family reads (.zhtm pages)
        key = "zhtm-test"
        PAGE_URL_RE = re.compile(r"/\d{8}/ZPage\w+\.zhtm$")
        ARTICLE_URL_RE = re.compile(r"/\d{8}/ZArt\w+\.zhtm$")
        ENTRY_URL_RE = re.compile(r"(?!)")
        DATE_URL_RE = re.compile(r"/(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})/")

    path = tmp_path / "x.tsv"
    path.write_text(
        NEW_HEADER + "半岛报\thttps://bd.example/pc/bd/\thttps://bd.example/pc/bd/{%Y%m%d}/ZPageA01BC.zhtm\t"
        "zhtm\tbandao_paper.py\n",
        encoding="utf-8",
    )
    rows = read_list(path)
    _, before = build_entries(rows, hand())
    assert dict(before.skipped["x.tsv"]) == {"no family's URL grammar (the list says zhtm)": 1}
    entries, after = build_entries(rows, hand(), families={**FAMILIES, "zhtm-test": Zhtm()})
    (entry,) = entries
    assert entry.layouts == [
        {
            "family": "zhtm-test",
            "base_url": "https://bd.example/pc/bd/",
            "entry": "{date:%Y%m%d}/ZPageA01BC.zhtm",
        }
    ]
    assert not after.skipped["x.tsv"]
