"""The listing families (and page-articel, plist, js-data) refuse each other's payloads and cut-off downloads, and their evidence is their own."""

from __future__ import annotations

import pytest

from crawler.families import ParseError, get_family
from crawler.families.fixtures import case_dirs, load_meta
from tests.families.familycases import FIXTURES

KEYS = ("layout-catalogue", "index-htm", "shtml", "page-articel", "plist", "js-data")
CASES = case_dirs([FIXTURES / key for key in KEYS])


def _ids(case) -> str:
    return f"{case.parent.name}/{case.name}"


PAIRS = [
    pytest.param(case, other, id=f"{_ids(case)}-as-{other}")
    for case in CASES
    for other in KEYS
    if other != load_meta(case)["family"]
]


@pytest.mark.parametrize(("case", "other"), PAIRS)
def test_other_listing_family_refuses_the_payload(case, other: str) -> None:
    meta = load_meta(case)
    body, fam = (case / "body.bin").read_bytes(), get_family(other)
    with pytest.raises(ParseError):
        if meta["kind"] == "article":
            fam.parse_article(body, meta["url"], None, meta["headers"])
        else:
            fam.parse_page(body, meta["url"], None, meta["headers"])
    assert not [hit for hit in fam.evidence(body, meta["url"]) if not hit.startswith("URL matches")]


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_cut_off_download_is_an_error(case) -> None:
    meta = load_meta(case)
    body, fam = (case / "body.bin").read_bytes(), get_family(meta["family"])
    cut = body[: len(body) * 3 // 5]
    with pytest.raises(ParseError, match="truncated"):
        if meta["kind"] == "entry":
            fam.parse_entry(cut, meta["url"], meta["headers"])
        elif meta["kind"] == "article":
            fam.parse_article(cut, meta["url"], None, meta["headers"])
        else:
            fam.parse_page(cut, meta["url"], None, meta["headers"])
