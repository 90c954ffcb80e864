"""join_url answers as urllib's urljoin does, on generated URLs that mix the cases its shortcut takes and
refuses (dot and empty segments, queries, fragments, parameters, spaces, schemes, absolute links)."""

from __future__ import annotations

import random
from urllib.parse import urljoin

import pytest

from crawler.families.urls import _plain_join, join_url

PLAIN = ["a", "node_01.htm", "content_12.htm", "2020-01", "b.c", "%E6%96%B0", "新闻", "~u", "x=1&y=2"]
ODD = [".", "..", "", ".x", "x;p", "a b", "\t", "A:b", "\\"]
SCHEMES = ["http://", "https://", "HTTP://", "ftp://", "//", ""]
HOSTS = ["example.com", "epaper.example.cn:8080", "h.cn", "user@h.cn", "[::1]"]


def _path(rng: random.Random, pieces: int) -> str:
    pieces_of = PLAIN if rng.random() < 0.6 else PLAIN + ODD
    return "/".join(rng.choice(pieces_of) for _ in range(pieces))


def _suffix(rng: random.Random) -> str:
    return rng.choice(["", "", "?", "?div=-1", "#", "#top", "?a=1#b", "?:x", "#a#b"])


def _base(rng: random.Random) -> str:
    return rng.choice(SCHEMES[:2] * 3 + SCHEMES) + rng.choice(HOSTS[:3] * 3 + HOSTS) + rng.choice(["", "/"]) + _path(rng, rng.randint(0, 4)) + _suffix(rng)


def _link(rng: random.Random) -> str:
    lead = rng.choice(["", "", "", "", "", "", "/", "./", "../", "//h.cn/", "http://o.cn/", "?", "#", " "])
    return lead + _path(rng, rng.randint(0, 3)) + _suffix(rng)


def test_join_url_agrees_with_urljoin_on_generated_urls() -> None:
    rng = random.Random(20261204)
    taken = 0
    for _ in range(40_000):
        base, link = _base(rng), _link(rng)
        try:
            expected = urljoin(base, link)
        except ValueError:  # an invalid IPv6 host: urljoin refuses it, and so must we
            with pytest.raises(ValueError):
                join_url.__wrapped__(base, link)
            continue
        assert join_url.__wrapped__(base, link) == expected, (base, link)
        taken += _plain_join(base, link) is not None
    assert taken > 2_000  # the shortcut is exercised, not only the fallback


@pytest.mark.parametrize(
    ("base", "link"),
    [
        ("http://e.cn/html/2020-01/01/node_1.htm", "content_12.htm"),
        ("http://e.cn/html/2020-01/01/node_1.htm?div=-1#x", "node_2.htm?div=-1"),
        ("https://e.cn/", "a.htm"),
        ("http://e.cn/a/b/", "c/d.htm#top"),
    ],
)
def test_plain_links_take_the_shortcut(base: str, link: str) -> None:
    assert _plain_join(base, link) == urljoin(base, link)
