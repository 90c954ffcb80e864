"""OpenCC conversion and script detection (pipelines.text.script)."""

from __future__ import annotations

import pytest

from pipelines.text.script import converter, detect_script, shadow, to_simplified, to_traditional


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [("本報記者", "mainland", "本报记者"), ("明報專訊", "hk", "明报专讯"), ("臺北報導", "tw", "台北报导")],
)
def test_to_simplified(text: str, region: str, expected: str) -> None:
    assert to_simplified(text, region) == expected


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [("社區衞生中心", "hk", "社区卫生中心"), ("市民很著急", "tw", "市民很着急")],
)
def test_regional_variants_need_the_regional_table(text: str, region: str, expected: str) -> None:
    # HK 衞 and TW 著 (着) are regional forms: mainland t2s leaves them, so a paper's region must reach OpenCC
    assert to_simplified(text, region) == expected
    assert to_simplified(text, "mainland") != expected


def test_to_traditional_by_region() -> None:
    assert to_traditional("记者", "mainland") == "記者"
    assert to_traditional("台湾", "tw") == "臺灣"


def test_unknown_region_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="region"):
        to_simplified("記者", "mars")


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("本報記者報導，臺灣經濟穩定", "hant"),
        ("本报记者报道，经济稳定", "hans"),
        ("", "hans"),
        ("ABC 123", "hans"),
    ],
)
def test_detect_script(text: str, script: str) -> None:
    assert detect_script(text) == script


def test_converters_are_cached() -> None:
    assert converter("t2s.json") is converter("t2s.json")


def test_shadow_keeps_length_and_folds() -> None:
    text = "（中央社記者戴雅真台北29日電）"
    out = shadow(text, hant=True)
    assert len(out) == len(text)
    assert out == "(中央社记者戴雅真台北29日电)"
