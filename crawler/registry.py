"""The paper registry: which papers exist, and on which platform family each edition date lives.

Papers are data (data/papers.toml), not code: adding a paper on a supported family is one entry. Users add or
override entries with a file of their own named by EPAPER_PAPERS (setting or environment variable).

Every file is checked against a declarative schema (PAPER_FIELDS, LAYOUT_FIELDS) when it is read: a wrong type,
an unknown field, a bad key or template is a RegistryError naming the file, the paper, the field and why, before
any request is made. A registry that merely looks fine and then crawls nothing is worse than one that refuses.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import os
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# tomli's compiled wheels parse the bundled ~500 entries two to three times faster than the standard library's
# pure-Python tomllib (the same parser): every command reads the registry.
try:
    import tomli as tomllib
except ImportError:  # pragma: no cover - a source-only install
    import tomllib  # type: ignore[no-redef]

BUNDLED_REGISTRY = Path(__file__).resolve().parent.parent / "data" / "papers.toml"
# what crawler.registry_import last did with each paper list (rows served by family, skipped by reason)
IMPORT_SUMMARY = BUNDLED_REGISTRY.with_name("papers-import.json")
DEFAULT_FIXTURE_URL = "http://127.0.0.1:8765"
SCRIPTS = ("hans", "hant", "mixed")
REGION_CODES = ("mainland", "hk", "tw")  # the OpenCC variant tables of pipelines/text/script.py
# A paper key names lock files, archive folders and Redis keys: a slug, never a path.
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
KEY_RULE = "lowercase letters, digits, '_' and '-', starting with a letter or digit, at most 64 characters"
SAMPLE_DATE = dt.date(2001, 2, 3)  # what an entry template is test-formatted with


class RegistryError(ValueError):
    """A registry file or entry is malformed, or a paper key is unknown."""


@dataclass(frozen=True)
class Layout:
    """Where and how a paper's editions are published over a range of dates."""

    family: str
    base_url: str
    entry: str | None = None
    skin: str | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    def covers(self, date: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= date) and (
            self.valid_until is None or date <= self.valid_until
        )


@dataclass(frozen=True)
class Source:
    """Where an entry came from and whether a fetch ever confirmed it: imported entries are facts to check."""

    # the public crawler collections (owner/repo@commit) the entry was read from
    collections: tuple[str, ...] = ()
    rows: tuple[str, ...] = ()  # the rows of their lists it was built from (`LIST:LINE MODULE`)
    verified: bool = False  # a crawl or probe of the entry page confirmed the paper and its layout
    note: str | None = None  # what a maintainer should know (an unverified switch date, …)


@dataclass(frozen=True)
class Paper:
    key: str
    name: str
    layouts: tuple[Layout, ...]
    region: str | None = None
    script: str = "hans"
    region_code: str = "mainland"
    homepage: str | None = None
    timezone: str = "Asia/Shanghai"
    obey_robots: bool = True
    options: Mapping[str, Any] = field(default_factory=dict)  # the optional crawl limits (OPTION_FIELDS)
    source: Source | None = None  # None: written by hand

    @property
    def verified(self) -> bool:
        """Written by hand (checked when it was written) or imported and since confirmed by a fetch."""
        return self.source is None or self.source.verified

    def layout_for(self, date: dt.date) -> Layout | None:
        """The layout in force on `date` (papers change platform over the years)."""
        for layout in self.layouts:
            if layout.covers(date):
                return layout
        return None

    def today(self) -> dt.date:
        """Today in the paper's own timezone: a morning cron run in UTC is already 'tomorrow' in Beijing."""
        return dt.datetime.now(ZoneInfo(self.timezone)).date()


# --------------------------------------------------------------------------- the schema

Check = Callable[[Any], "str | None"]  # the value (already of the right type) → why it is wrong, or None


@dataclass(frozen=True)
class Field:
    """One field of a registry table: its TOML name, the Python types TOML gives it, and a value check."""

    name: str
    types: tuple[type, ...]
    kind: str  # the type in words, for messages: "a string", "true or false", …
    required: bool = False
    check: Check | None = None
    items: type | None = None  # for lists: the type every element must have

    def problem(self, value: Any) -> str | None:
        """Why `value` does not fit this field, or None."""
        # bool is an int to Python, but `obey_robots = 1` or `max_response_mb = true` is a mistake
        if isinstance(value, bool) and bool not in self.types:
            return f"must be {self.kind}, not {_describe(value)}"
        if not isinstance(value, self.types):
            return f"must be {self.kind}, not {_describe(value)}"
        if self.items is not None and isinstance(value, list):  # items= is given for list fields only
            for item in value:
                if not isinstance(item, self.items) or isinstance(item, bool):
                    return f"must hold only strings, not {_describe(item)}"
        return self.check(value) if self.check else None


def _describe(value: Any) -> str:
    names = {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
        dt.date: "a date",
        dt.datetime: "a date-time",
        dt.time: "a time",
    }
    return f"{names.get(type(value), type(value).__name__)} ({value!r})"[:120]


def _non_empty(value: str) -> str | None:
    return None if value.strip() else "must not be empty"


def _one_of(choices: tuple[str, ...]) -> Check:
    def check(value: str) -> str | None:
        return None if value in choices else f"must be one of {', '.join(choices)}, not {value!r}"

    return check


def _http_url(value: str) -> str | None:
    parts = urlsplit(value.replace("{fixture}", DEFAULT_FIXTURE_URL))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"must be an http(s) URL with a host, not {value!r}"
    return None


def _timezone(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return f"is an unknown timezone {value!r} (give an IANA name such as Asia/Shanghai)"
    return None


def _family(value: str) -> str | None:
    from crawler.families import FAMILIES

    if value in FAMILIES:
        return None
    return f"names an unknown layout family {value!r}{_did_you_mean(value, FAMILIES)} (known: {', '.join(sorted(FAMILIES))})"


def _entry_template(value: str) -> str | None:
    """The spider formats the entry with `entry_fields` (crawler/families/contract.py): any other placeholder
    would fail there, mid-crawl."""
    from crawler.families.contract import ENTRY_FIELDS, entry_fields

    try:
        names = [name for _, name, _, _ in string.Formatter().parse(value) if name is not None]
    except ValueError as exc:
        return f"is not a valid template ({exc}): {value!r}"
    other = sorted({n for n in names if n.split(".")[0].split("[")[0] not in ENTRY_FIELDS})
    if other:
        return (
            f"has an unknown placeholder {{{other[0]}}} in {value!r}; the placeholders are {{date:FORMAT}}, "
            "{yyyy}, {mm}, {dd} and (family pdf-only) {page:02d}"
        )
    try:
        value.format(**entry_fields(SAMPLE_DATE))
    except (ValueError, AttributeError, IndexError, KeyError, TypeError) as exc:
        return f"is not a valid template ({exc}): {value!r}"
    return None


def _date_value(value: Any) -> str | None:
    return (
        None
        if isinstance(value, dt.date) or _as_date(value) is not None
        else f"is not a date (YYYY-MM-DD): {value!r}"
    )


def _positive(value: float) -> str | None:
    return None if value > 0 else f"must be a positive number, not {value!r}"


def _hosts(value: list[str]) -> str | None:
    for host in value:
        if not host.strip() or "/" in host or " " in host:
            return f"must list host names (such as epaper.example.com), not {host!r}"
    return None


STRING, BOOL, NUMBER, LIST, DATE, TABLE = (str,), (bool,), (int, float), (list,), (dt.date, str), (dict,)

LAYOUT_FIELDS: tuple[Field, ...] = (
    Field("family", STRING, "a string", required=True, check=_family),
    Field("base_url", STRING, "a string", required=True, check=_http_url),
    Field("entry", STRING, "a string", check=_entry_template),
    Field("skin", STRING, "a string"),
    Field("from", DATE, "a date (YYYY-MM-DD)", check=_date_value),
    Field("until", DATE, "a date (YYYY-MM-DD)", check=_date_value),
)
OPTION_FIELDS: tuple[Field, ...] = (  # crawl limits; kept in Paper.options
    Field("allowed_hosts", LIST, "a list of strings", check=_hosts, items=str),
    Field("media_hosts", LIST, "a list of strings", check=_hosts, items=str),
    Field("max_response_mb", NUMBER, "a number", check=_positive),
)
SOURCE_FIELDS: tuple[Field, ...] = (  # [papers.KEY.source]
    Field("collections", LIST, "a list of strings", items=str),
    Field("rows", LIST, "a list of strings", items=str),
    Field("verified", BOOL, "true or false", required=True),
    Field("note", STRING, "a string", check=_non_empty),
)
PAPER_FIELDS: tuple[Field, ...] = (
    Field("name", STRING, "a string", required=True, check=_non_empty),
    Field("region", STRING, "a string"),
    Field("script", STRING, "a string", check=_one_of(SCRIPTS)),
    Field("region_code", STRING, "a string", check=_one_of(REGION_CODES)),
    Field("homepage", STRING, "a string", check=_http_url),
    Field("timezone", STRING, "a string", check=_timezone),
    Field("obey_robots", BOOL, "true or false"),
    *OPTION_FIELDS,
    Field("source", TABLE, "a [papers.KEY.source] table"),
    Field("layouts", LIST, "a list of [[papers.KEY.layouts]] tables", required=True),
)


def _did_you_mean(name: str, known: Any) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _check_table(table: Mapping[str, Any], fields: tuple[Field, ...], where: str) -> None:
    """Every field of `table` known and well-typed, every required one present; the first problem raises."""
    by_name = {f.name: f for f in fields}
    for name in table:
        if name not in by_name:
            raise RegistryError(f"{where}: unknown field {name!r}{_did_you_mean(name, by_name)}")
    for spec in fields:
        if spec.name not in table:
            if spec.required:
                raise RegistryError(f"{where}: missing {spec.name!r}")
            continue
        why = spec.problem(table[spec.name])
        if why:
            raise RegistryError(f"{where}: field {spec.name!r} {why}")


def check_entry(key: str, entry: Any, where: str) -> None:
    """Raise RegistryError unless `entry` is a valid [papers.KEY] table (`where` names its file)."""
    paper = f"{where}: paper {key!r}"
    if not KEY_PATTERN.match(key):
        raise RegistryError(f"{paper}: the key must be a slug ({KEY_RULE})")
    if not isinstance(entry, dict):
        raise RegistryError(f"{paper}: must be a table ([papers.{key}]), not {_describe(entry)}")
    if not entry.get("layouts"):
        raise RegistryError(f"{paper}: needs at least one [[papers.{key}.layouts]] entry")
    _check_table(entry, PAPER_FIELDS, paper)
    if "source" in entry:
        _check_table(entry["source"], SOURCE_FIELDS, f"{paper} source")
    for i, raw in enumerate(entry["layouts"]):
        layout = f"{paper} layout {i + 1}"
        if not isinstance(raw, dict):
            raise RegistryError(f"{layout}: must be a [[papers.{key}.layouts]] table, not {_describe(raw)}")
        _check_table(raw, LAYOUT_FIELDS, layout)
        if "{page" in str(raw.get("entry") or "") and raw["family"] != "pdf-only":
            raise RegistryError(f"{layout}: only a pdf-only layout's entry numbers pages ({{page}}); "
                                f"family {raw['family']!r} finds its pages in its page list")
        first, last = _as_date(raw.get("from")), _as_date(raw.get("until"))
        if first and last and last < first:
            raise RegistryError(f"{layout}: 'until' {last} is before 'from' {first}")


# --------------------------------------------------------------------------- reading


def _as_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _expand(text: str | None, fixture_url: str) -> str | None:
    if text is None:
        return None
    return text.replace("{fixture}", fixture_url.rstrip("/"))


def _paper_from_entry(key: str, entry: Mapping[str, Any], fixture_url: str) -> Paper:
    """A Paper from an entry that check_entry accepted."""
    layouts = []
    for raw in entry["layouts"]:
        base = _expand(raw["base_url"], fixture_url) or ""
        if not base.endswith("/"):
            base += "/"
        layouts.append(
            Layout(
                family=raw["family"],
                base_url=base,
                entry=raw.get("entry"),
                skin=raw.get("skin"),
                valid_from=_as_date(raw.get("from")),
                valid_until=_as_date(raw.get("until")),
            )
        )
    return Paper(
        key=key,
        name=entry["name"],
        layouts=tuple(layouts),
        region=entry.get("region"),
        script=entry.get("script", "hans"),
        region_code=entry.get("region_code", "mainland"),
        homepage=_expand(entry.get("homepage"), fixture_url),
        timezone=entry.get("timezone", "Asia/Shanghai"),
        obey_robots=entry.get("obey_robots", True),
        options={f.name: entry[f.name] for f in OPTION_FIELDS if f.name in entry},
        source=_source(entry.get("source")),
    )


def _source(raw: Mapping[str, Any] | None) -> Source | None:
    if raw is None:
        return None
    return Source(
        collections=tuple(raw.get("collections", ())),
        rows=tuple(raw.get("rows", ())),
        verified=raw["verified"],
        note=raw.get("note"),
    )


_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?")
QUOTES = "\"'"
_ASSIGNMENT = re.compile(r"^\s*([A-Za-z0-9_\-\"'.]+)\s*=")


def _toml_problem(path: Path, exc: tomllib.TOMLDecodeError) -> str:
    """`file:line:column: why (in [table], key 'k')`: tomllib puts the position in its message only."""
    message = str(exc)
    found = _POSITION.search(message)
    if not found:
        return f"{path}: not valid TOML: {message}"
    line, column = int(found.group(1)), int(found.group(2))
    why = message[: found.start()]
    context = []
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        lines = []
    table = next((m.group(1) for m in map(_HEADER.match, reversed(lines[: line - 1])) if m), None)
    if table:
        context.append(f"in [{table}]")
    assigned = _ASSIGNMENT.match(lines[line - 1]) if 0 < line <= len(lines) else None
    if assigned:
        context.append(f"key {assigned.group(1).strip(QUOTES)!r}")
    where = f" ({', '.join(context)})" if context else ""
    return f"{path}:{line}:{column}: not valid TOML: {why}{where}"


# (path, content digest) → checked entries: the preflight, the spider and the CLI checks each load the registry,
# and parsing the bundled ~500 entries is most of a load (~0.1 s), so one process parses one content once.
_READ_CACHE: dict[tuple[str, bytes], dict[str, Any]] = {}


def _read(path: Path) -> dict[str, Any]:
    """The checked [papers] entries of one registry file (parsed once per process while its content is the same)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise RegistryError(f"registry file not found: {path}") from exc
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read the registry file: {exc.strerror or exc}") from exc
    key = (str(path), hashlib.blake2b(raw, digest_size=16).digest())
    if key not in _READ_CACHE:
        if len(_READ_CACHE) >= 8:  # old versions of edited files: not worth keeping
            _READ_CACHE.clear()
        _READ_CACHE[key] = _parse(path, raw)
    return dict(_READ_CACHE[key])


def _parse(path: Path, raw: bytes) -> dict[str, Any]:
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(_toml_problem(path, exc)) from exc
    except UnicodeDecodeError as exc:
        raise RegistryError(
            f"{path}: not UTF-8 text (byte {exc.start}): a registry file is UTF-8 TOML"
        ) from exc
    for name in data:
        if name != "papers":
            raise RegistryError(
                f"{path}: unknown table {name!r}{_did_you_mean(name, ['papers'])}; entries go in [papers.KEY]"
            )
    papers = data.get("papers", {})
    if not isinstance(papers, dict):
        raise RegistryError(f"{path}: [papers] must be a table")
    for key, entry in papers.items():
        check_entry(key, entry, str(path))
    return papers


def load_registry(
    extra: str | os.PathLike[str] | None = None,
    fixture_url: str | None = None,
    bundled: Path = BUNDLED_REGISTRY,
) -> dict[str, Paper]:
    """Bundled papers, updated by the entries of `extra` (or $EPAPER_PAPERS): a user entry replaces ours whole."""
    extra = extra or os.environ.get("EPAPER_PAPERS") or None
    fixture_url = fixture_url or os.environ.get("EPAPER_FIXTURE_URL") or DEFAULT_FIXTURE_URL
    entries: dict[str, Mapping[str, Any]] = dict(_read(bundled))
    if extra:
        for path in str(extra).split(os.pathsep):
            if path:
                entries.update(_read(Path(path)))
    return {key: _paper_from_entry(key, entry, fixture_url) for key, entry in entries.items()}


def read_papers(path: Path = BUNDLED_REGISTRY, fixture_url: str = DEFAULT_FIXTURE_URL) -> dict[str, Paper]:
    """The papers of one registry file alone (no $EPAPER_PAPERS): what the bundled file itself holds."""
    return {key: _paper_from_entry(key, entry, fixture_url) for key, entry in _read(path).items()}


# the group words of a paper list: `all` never means hundreds of sites nobody has fetched yet
PAPER_GROUPS = ("all", "unverified")


def select_papers(registry: Mapping[str, Paper], spec: str) -> list[Paper]:
    """`ycrb`, `ycrb,ycwb`, `all` (every verified paper but the demo: the hand-written entries and imported ones
    since confirmed) or `unverified` (the imported entries no fetch has confirmed), mixed freely, in order and
    without repeats; a clear error for unknown keys."""
    papers: dict[str, Paper] = {}
    for key in (k.strip() for k in spec.split(",")):
        if key == "all":
            papers.update((k, p) for k, p in registry.items() if k != "demo" and p.verified)
        elif key == "unverified":
            papers.update((k, p) for k, p in registry.items() if not p.verified)
        elif key:
            if key not in registry:
                raise RegistryError(unknown_paper(key, registry))
            papers[key] = registry[key]
    if not papers:
        raise RegistryError("no paper given: -a paper=KEY[,KEY…], -a paper=all or -a paper=unverified")
    return list(papers.values())


def unknown_paper(key: str, registry: Mapping[str, Any]) -> str:
    """One line for a key the registry lacks: the near misses and the hand-written papers, not 500 keys."""
    close = difflib.get_close_matches(key, list(registry), n=5, cutoff=0.6)
    by_hand = sorted(k for k, p in registry.items() if not isinstance(p, Paper) or p.source is None)
    hint = f"did you mean {', '.join(close)}? " if close else ""
    return (
        f"unknown paper {key!r} ({hint}{len(registry)} papers known, written by hand: {', '.join(by_hand)}; "
        "docs/supported-papers.md lists them all)"
    )
