"""The paper registry: which papers exist, and on which platform family each edition date lives.

Papers are data (data/papers.toml), not code: adding a paper on a supported family is one entry. Users add or
override entries with a file of their own named by EPAPER_PAPERS (setting or environment variable).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

BUNDLED_REGISTRY = Path(__file__).resolve().parent.parent / "data" / "papers.toml"
DEFAULT_FIXTURE_URL = "http://127.0.0.1:8765"
SCRIPTS = ("hans", "hant", "mixed")


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
    options: Mapping[str, Any] = field(default_factory=dict)

    def layout_for(self, date: dt.date) -> Layout | None:
        """The layout in force on `date` (papers change platform over the years)."""
        for layout in self.layouts:
            if layout.covers(date):
                return layout
        return None

    def today(self) -> dt.date:
        """Today in the paper's own timezone: a morning cron run in UTC is already 'tomorrow' in Beijing."""
        return dt.datetime.now(ZoneInfo(self.timezone)).date()


def _as_date(value: Any, where: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise RegistryError(f"{where}: not a date: {value!r}") from exc


def _expand(text: str | None, fixture_url: str) -> str | None:
    if text is None:
        return None
    return text.replace("{fixture}", fixture_url.rstrip("/"))


def _paper_from_entry(key: str, entry: Mapping[str, Any], fixture_url: str) -> Paper:
    where = f"paper {key!r}"
    if "name" not in entry:
        raise RegistryError(f"{where}: missing 'name'")
    raw_layouts = entry.get("layouts") or []
    if not raw_layouts:
        raise RegistryError(f"{where}: needs at least one [[papers.{key}.layouts]] entry")
    layouts = []
    for i, raw in enumerate(raw_layouts):
        lw = f"{where} layout {i + 1}"
        if "family" not in raw or "base_url" not in raw:
            raise RegistryError(f"{lw}: needs 'family' and 'base_url'")
        base = _expand(str(raw["base_url"]), fixture_url) or ""
        if not base.endswith("/"):
            base += "/"
        layouts.append(
            Layout(
                family=str(raw["family"]),
                base_url=base,
                entry=raw.get("entry"),
                skin=raw.get("skin"),
                valid_from=_as_date(raw.get("from"), lw),
                valid_until=_as_date(raw.get("until"), lw),
            )
        )
    script = str(entry.get("script", "hans"))
    if script not in SCRIPTS:
        raise RegistryError(f"{where}: script must be one of {SCRIPTS}, not {script!r}")
    known = {"name", "layouts", "region", "script", "region_code", "homepage", "timezone", "obey_robots"}
    return Paper(
        key=key,
        name=str(entry["name"]),
        layouts=tuple(layouts),
        region=entry.get("region"),
        script=script,
        region_code=str(entry.get("region_code", "mainland")),
        homepage=_expand(entry.get("homepage"), fixture_url),
        timezone=str(entry.get("timezone", "Asia/Shanghai")),
        obey_robots=bool(entry.get("obey_robots", True)),
        options={k: v for k, v in entry.items() if k not in known},
    )


def _read(path: Path) -> Mapping[str, Any]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise RegistryError(f"registry file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{path}: {exc}") from exc
    papers = data.get("papers", {})
    if not isinstance(papers, dict):
        raise RegistryError(f"{path}: [papers] must be a table")
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


def select_papers(registry: Mapping[str, Paper], spec: str) -> list[Paper]:
    """`ycrb`, `ycrb,ycwb` or `all` (all but the demo paper) → papers, with a clear error for unknown keys."""
    if spec.strip() == "all":
        return [p for k, p in registry.items() if k != "demo"]
    papers = []
    for key in (k.strip() for k in spec.split(",")):
        if not key:
            continue
        if key not in registry:
            raise RegistryError(f"unknown paper {key!r}; known: {', '.join(sorted(registry))}")
        papers.append(registry[key])
    if not papers:
        raise RegistryError("no paper given: -a paper=KEY[,KEY…] or -a paper=all")
    return papers
