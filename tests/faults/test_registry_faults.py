"""A bad registry file is refused when it loads, through the real entry points: one line naming the file, the
paper, the field and why; a non-zero exit; no traceback; nothing written outside the data folders."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.registry import KEY_PATTERN, PAPER_FIELDS, REGION_CODES, RegistryError, load_registry

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".git", "__pycache__", ".pytest_cache", ".ruff_cache", "build", "dist"}

GOOD_LAYOUT = '[[papers.x.layouts]]\nfamily = "founder-pc"\nbase_url = "http://127.0.0.1:9/x/"\n'


def paper(fields: str = "", layout: str = GOOD_LAYOUT, key: str = "x") -> str:
    """A one-paper registry file: `fields` go in [papers.KEY], `layout` is its layouts part."""
    return f'[papers.{key}]\nname = "某报"\n{fields}\n{layout}'


def layout(fields: str) -> str:
    return f"[[papers.x.layouts]]\n{fields}\n"


# (registry text, what the message must say after the file name)
REJECTED = {
    "unknown family": (
        paper(layout=layout('family = "founder-pcc"\nbase_url = "http://h/"')),
        "paper 'x' layout 1: field 'family' names an unknown layout family 'founder-pcc' "
        "(did you mean 'founder-pc'?)",
    ),
    "bad entry template": (
        paper(layout=GOOD_LAYOUT + 'entry = "pc/{nope}/node_01.html"\n'),
        "paper 'x' layout 1: field 'entry' has an unknown placeholder {nope}",
    ),
    "unbalanced entry template": (
        paper(layout=GOOD_LAYOUT + 'entry = "pc/{date:%Y%m/node_01.html"\n'),
        "paper 'x' layout 1: field 'entry' is not a valid template",
    ),
    "non-string base_url": (
        paper(layout=layout('family = "founder-pc"\nbase_url = 42')),
        "paper 'x' layout 1: field 'base_url' must be a string, not an integer (42)",
    ),
    "base_url without scheme": (
        paper(layout=layout('family = "founder-pc"\nbase_url = "epaper.example.com/rb/"')),
        "paper 'x' layout 1: field 'base_url' must be an http(s) URL with a host",
    ),
    "bad timezone": (
        paper('timezone = "Asia/Beijing"'),
        "paper 'x': field 'timezone' is an unknown timezone 'Asia/Beijing'",
    ),
    "string where a boolean belongs": (
        paper('obey_robots = "false"'),
        "paper 'x': field 'obey_robots' must be true or false, not a string ('false')",
    ),
    "number where a string belongs": (
        paper("region = 3"),
        "paper 'x': field 'region' must be a string, not an integer (3)",
    ),
    "unknown paper field": (
        paper("obey_robot = false"),
        "paper 'x': unknown field 'obey_robot' (did you mean 'obey_robots'?)",
    ),
    "unknown layout field": (
        paper(layout=layout('family = "founder-pc"\nbase_url = "http://h/"\nbaseurl = "http://h/"')),
        "paper 'x' layout 1: unknown field 'baseurl' (did you mean 'base_url'?)",
    ),
    "region code": (
        paper('region_code = "cn"'),
        "paper 'x': field 'region_code' must be one of mainland, hk, tw, not 'cn'",
    ),
    "allowed_hosts not a list": (
        paper('allowed_hosts = "epaper.example.com"'),
        "paper 'x': field 'allowed_hosts' must be a list of strings, not a string",
    ),
    "allowed_hosts with a number": (
        paper('allowed_hosts = ["epaper.example.com", 7]'),
        "paper 'x': field 'allowed_hosts' must hold only strings, not an integer (7)",
    ),
    "max_response_mb zero": (
        paper("max_response_mb = 0"),
        "paper 'x': field 'max_response_mb' must be a positive number, not 0",
    ),
    "max_response_mb boolean": (
        paper("max_response_mb = true"),
        "paper 'x': field 'max_response_mb' must be a number, not a boolean (True)",
    ),
    "until before from": (
        paper(layout=GOOD_LAYOUT + "from = 2020-01-02\nuntil = 2020-01-01\n"),
        "paper 'x' layout 1: 'until' 2020-01-01 is before 'from' 2020-01-02",
    ),
    "layouts not tables": (
        '[papers.x]\nname = "某报"\nlayouts = ["http://h/"]\n',
        "paper 'x' layout 1: must be a [[papers.x.layouts]] table, not a string",
    ),
    "key with a path": (
        paper(key='"../../x"', layout=GOOD_LAYOUT.replace("papers.x.", 'papers."../../x".')),
        "paper '../../x': the key must be a slug",
    ),
    "absolute key": (
        paper(key='"/tmp/x"', layout=GOOD_LAYOUT.replace("papers.x.", 'papers."/tmp/x".')),
        "paper '/tmp/x': the key must be a slug",
    ),
    "misspelt top table": (
        '[paper.x]\nname = "某报"\n',
        "unknown table 'paper' (did you mean 'papers'?)",
    ),
}

MALFORMED = {
    "unclosed table header": ('[papers.x\nname = "X"\n', ":1:10: not valid TOML: Expected ']'"),
    "bad value": (
        '[papers.x]\nname = "X"\nobey_robots = flase\n',
        ":3:15: not valid TOML: Invalid value (in [papers.x], key 'obey_robots')",
    ),
    "duplicate key": (
        '[papers.x]\nname = "X"\nname = "Y"\n',
        ":3:11: not valid TOML: Cannot overwrite a value (in [papers.x], key 'name')",
    ),
    "unterminated string": (
        '[papers.x]\nname = "X\n',
        ":2:10: not valid TOML: Illegal character '\\n' (in [papers.x], key 'name')",
    ),
}


def write(folder: Path, text: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "bad.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the loader


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_invalid_entry_is_rejected_naming_file_paper_and_field(tmp_path: Path, case: str) -> None:
    text, said = REJECTED[case]
    bad = write(tmp_path, text)
    with pytest.raises(RegistryError) as raised:
        load_registry(bad)
    assert str(raised.value).startswith(f"{bad}: "), str(raised.value)
    assert said in str(raised.value)


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_toml_names_file_line_and_key(tmp_path: Path, case: str) -> None:
    text, said = MALFORMED[case]
    bad = write(tmp_path, text)
    with pytest.raises(RegistryError) as raised:
        load_registry(bad)
    assert str(raised.value).startswith(f"{bad}{said}"), str(raised.value)


def test_registry_that_is_not_utf8_or_not_a_file(tmp_path: Path) -> None:
    bad = write(tmp_path, '[papers.x]\nname = "运城"\n'.encode("gb18030"))
    with pytest.raises(RegistryError, match=r"bad\.toml: not UTF-8 text"):
        load_registry(bad)
    with pytest.raises(RegistryError, match="cannot read the registry file"):
        load_registry(tmp_path)


def test_optional_fields_are_typed_and_kept(tmp_path: Path) -> None:
    good = write(
        tmp_path,
        paper(
            'obey_robots = false\nallowed_hosts = ["img.example.com"]\nmax_response_mb = 2.5\ntimezone = "Asia/Hong_Kong"'
        )
        + 'entry = "pc/layout/{date:%Y%m}/{date:%d}/node_01.html"\nfrom = "2020-01-01"\n',
    )
    x = load_registry(good)["x"]
    assert x.obey_robots is False and x.timezone == "Asia/Hong_Kong"
    assert dict(x.options) == {"allowed_hosts": ["img.example.com"], "max_response_mb": 2.5}
    assert x.layouts[0].valid_from is not None


def test_bundled_registry_is_valid_and_its_keys_are_slugs() -> None:
    registry = load_registry(extra=None)
    assert registry and all(KEY_PATTERN.match(key) for key in registry)
    assert {f.name for f in PAPER_FIELDS} >= {
        "name",
        "obey_robots",
        "allowed_hosts",
        "max_response_mb",
        "layouts",
    }


def test_region_codes_are_those_the_text_stage_knows() -> None:
    from pipelines.text.script import _TO_SIMPLIFIED

    assert set(REGION_CODES) == set(_TO_SIMPLIFIED)


# --------------------------------------------------------------------------- the entry points


def _project_files() -> set[str]:
    found = set()
    for root, dirs, files in os.walk(PROJECT_ROOT):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS and not d.endswith(".egg-info")]
        found.update(
            os.path.relpath(os.path.join(root, f), PROJECT_ROOT) for f in files if not f.endswith(".pyc")
        )
    return found


def _files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


def run_entry_point(args: list[str], tmp_path: Path, registry: Path) -> subprocess.CompletedProcess[str]:
    """Run a command from the project root with its data folders under tmp_path/data; check it wrote nothing
    anywhere else (project tree, tmp_path outside data/ and the registry's own folder)."""
    data = tmp_path / "data"
    env = dict(
        os.environ,
        EPAPER_PAPERS=str(registry),
        EPAPER_DATABASE_URL=f"sqlite:///{data / 'epaper.db'}",
        EPAPER_LOCK_DIR=str(data / "locks"),
        EPAPER_ARCHIVE_DIR=str(data / "archive"),
        SCRAPY_SETTINGS_MODULE="crawler.settings",
    )
    before, outside_before = _project_files(), _files_under(tmp_path) - _files_under(data)
    proc = subprocess.run(
        [sys.executable, *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert _project_files() - before == set(), "wrote into the project tree"
    assert _files_under(tmp_path) - _files_under(data) == outside_before, "wrote outside the data folder"
    return proc


CRAWL = ["-m", "scrapy", "crawl", "epaper", "-a", "paper=x", "-a", "date=2025-04-25"]
THROUGH_SCRAPY = [
    "unknown family",
    "bad entry template",
    "non-string base_url",
    "bad timezone",
    "string where a boolean belongs",
    "key with a path",
]


def _assert_one_line_refusal(
    proc: subprocess.CompletedProcess[str], prefix: str, bad: Path, said: str
) -> None:
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    lines = [line for line in proc.stderr.splitlines() if line.startswith(f"{prefix}: {bad}")]
    assert len(lines) == 1, proc.stderr[-2000:]
    assert said in lines[0]
    assert "0 editions" not in proc.stderr + proc.stdout  # refused before the crawl, not a crawl of nothing


@pytest.mark.parametrize("case", THROUGH_SCRAPY)
def test_scrapy_crawl_refuses_an_invalid_registry(tmp_path: Path, case: str) -> None:
    text, said = REJECTED[case]
    bad = write(tmp_path / "conf", text)
    proc = run_entry_point(CRAWL, tmp_path, bad)
    _assert_one_line_refusal(proc, "scrapy crawl epaper", bad, said)
    assert not (tmp_path / "data" / "epaper.db").exists()


def test_scrapy_crawl_refuses_malformed_toml(tmp_path: Path) -> None:
    text, said = MALFORMED["bad value"]
    bad = write(tmp_path / "conf", text)
    proc = run_entry_point(CRAWL, tmp_path, bad)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert f"scrapy crawl epaper: {bad}{said}" in proc.stderr.splitlines()


@pytest.mark.parametrize("case", ["string where a boolean belongs", "key with a path"])
def test_epaper_daily_refuses_an_invalid_registry(tmp_path: Path, case: str) -> None:
    text, said = REJECTED[case]
    bad = write(tmp_path / "conf", text)
    proc = run_entry_point(["-m", "crawler.cli", "daily", "--paper", "x"], tmp_path, bad)
    _assert_one_line_refusal(proc, "epaper daily", bad, said)
