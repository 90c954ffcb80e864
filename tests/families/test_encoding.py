"""decode_html: BOM, header, meta, wrong headers and sparse pages (crawler/families/encoding.py says why)."""

from __future__ import annotations

import codecs

import pytest

from crawler.families.encoding import cjk_quality, decode_html

PAGE = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset={cs}" /><title>河东日报</title>'
    "</head><body><p>　　本报讯（记者 林晓）东湖新区首批安置房昨日交付，三百二十户居民领到新房钥匙。</p>"
    "</body></html>"
)
TEXT_MARK = "三百二十户居民领到新房钥匙"


def _page(cs: str, encoding: str) -> bytes:
    return PAGE.format(cs=cs).encode(encoding)


def test_utf8_without_bom() -> None:
    text, enc = decode_html(_page("utf-8", "utf-8"), {"Content-Type": "text/html; charset=utf-8"})
    assert TEXT_MARK in text and enc == "utf-8"


def test_utf8_with_bom_beats_wrong_header() -> None:
    body = codecs.BOM_UTF8 + _page("utf-8", "utf-8")
    text, enc = decode_html(body, {"Content-Type": "text/html; charset=gbk"})
    assert TEXT_MARK in text and enc == "utf-8" and not text.startswith("\ufeff")


def test_gbk_with_correct_header() -> None:
    text, enc = decode_html(_page("gbk", "gbk"), {"Content-Type": "text/html; charset=GBK"})
    assert TEXT_MARK in text and enc == "gb18030"


def test_gbk_with_only_meta() -> None:
    text, enc = decode_html(_page("gb2312", "gbk"), {"Content-Type": "text/html"})
    assert TEXT_MARK in text and enc == "gb18030"


def test_gbk_with_wrong_latin1_header() -> None:
    text, enc = decode_html(_page("gbk", "gbk"), {"content-type": "text/html; charset=ISO-8859-1"})
    assert TEXT_MARK in text and enc == "gb18030"


def test_gbk_with_no_charset_anywhere() -> None:
    body = PAGE.replace('<meta http-equiv="Content-Type" content="text/html; charset={cs}" />', "").encode(
        "gbk"
    )
    text, enc = decode_html(body, None)
    assert TEXT_MARK in text and enc == "gb18030"


def test_utf8_with_gbk_header() -> None:
    text, enc = decode_html(_page("gbk", "utf-8"), {"Content-Type": "text/html; charset=gbk"})
    assert TEXT_MARK in text and enc == "utf-8"


def test_utf8_with_latin1_header() -> None:
    text, enc = decode_html(_page("utf-8", "utf-8"), {"Content-Type": "text/html; charset=iso-8859-1"})
    assert TEXT_MARK in text and enc == "utf-8"


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_sparse_page_with_few_cjk_characters(encoding: str) -> None:
    # A 版面 page is mostly markup and coordinates: only a handful of CJK characters.
    areas = "".join(
        f'<area coords="{i},{i},{i + 90},{i},{i + 90},{i + 90}" href="content_{i}.htm">' for i in range(60)
    )
    body = f"<html><head><title>x</title></head><body><map>{areas}</map><a>要闻</a></body></html>".encode(
        encoding
    )
    text, enc = decode_html(body, {"Content-Type": "text/html; charset=ISO-8859-1"})
    assert "要闻" in text
    assert enc == ("utf-8" if encoding == "utf-8" else "gb18030")


def test_big5_declared_in_meta_is_honoured() -> None:
    page = '<html><head><meta charset="big5"></head><body><p>本報訊 東湖新區首批安置房昨日交付。</p></body></html>'
    text, enc = decode_html(page.encode("big5"), None)
    assert "東湖新區首批安置房" in text and enc == "big5"


UNDECODABLE = b"<html><body>\xff\xfe\xff abc</body></html>" * 3  # invalid in UTF-8 and in GB18030


@pytest.mark.parametrize(
    ("content_type", "codec"),
    [
        (None, "utf-8"),  # nothing declared: UTF-8 with replacement, the last resort
        ("text/html; charset=gbk", "gb18030"),  # a declared charset is the last resort's codec
        ("text/html; charset=ISO-8859-1", "iso8859-1"),  # nothing CJK decodes: the untrusted label is taken
    ],
)
def test_undecodable_bytes_do_not_raise(content_type: str | None, codec: str) -> None:
    headers = {"Content-Type": content_type} if content_type else None
    text, enc = decode_html(UNDECODABLE, headers)
    assert enc == codec
    assert text == UNDECODABLE.decode(codec, errors="replace")  # bad bytes replaced, nothing else lost


def test_cjk_quality_flags_latin1_mojibake() -> None:
    good = "东湖新区首批安置房昨日交付"
    mojibake = good.encode("utf-8").decode("latin-1")
    assert cjk_quality(good) == 1.0
    assert cjk_quality(mojibake) < 0.2


def test_scrapy_style_bytes_headers() -> None:
    # Big5 bytes also decode "strictly" as GB18030 (into the wrong ideographs): only the header can tell.
    body = "<html><body><p>本報訊 東湖新區首批安置房昨日交付。</p></body></html>".encode("big5")
    assert decode_html(body, None)[1] == "gb18030"
    text, enc = decode_html(body, {b"Content-Type": [b"text/html; charset=Big5"]})
    assert "東湖新區首批安置房" in text and enc == "big5"
