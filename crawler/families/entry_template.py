"""The registry's `base_url` and `entry` template for a paper, inferred from one of its page URLs.

`http://host/rbpaper/pc/layout/202504/25/node_01.html` on founder-pc becomes base `http://host/rbpaper/` and entry
`pc/layout/{date:%Y%m}/{date:%d}/node_01.html`: the date the family's DATE_URL_RE finds in the path is replaced by
`{date:FORMAT}` fields, and the base ends where the family's default entry would begin (`pc/layout/`), or just
before the dated folders when the paper uses another folder. `epaper probe` prints the result as a registry entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlunsplit

from crawler.families.contract import Family
from crawler.families.urls import split_url

_CODE = {"y": "%Y", "m": "%m", "d": "%d"}


@dataclass(frozen=True)
class EntryTemplate:
    base_url: str
    entry: str  # relative to base_url, with {date:…} fields
    date_format: str  # the strftime codes of the date fields, e.g. "%Y%m/%d"
    from_default: bool = (
        False  # the family's default entry (the URL was an article's): check the front page's name
    )

    def to_json(self) -> dict[str, object]:
        return {
            "base_url": self.base_url,
            "entry": self.entry,
            "date_format": self.date_format,
            "from_default": self.from_default,
        }


def _default_prefix(family: Family) -> str:
    """The folders of the family's default entry before its first date field (`pc/layout/`, `html/`)."""
    return family.DEFAULT_ENTRY.split("{", 1)[0]


def _templated(rest: str, spans: list[tuple[int, int, str]]) -> tuple[str, str]:
    """`rest` with each date group replaced by its strftime code, codes of one folder joined in one {date:…}
    field (`{date:%Y-%m}`, `{date:%Y%m%d}`), literal braces doubled. Returns (template, date format)."""
    pieces: list[tuple[str, bool]] = []  # (text, is a code)
    pos = 0
    for start, end, code in spans:
        pieces.append((rest[pos:start], False))
        pieces.append((code, True))
        pos = end
    pieces.append((rest[pos:], False))
    out: list[str] = []
    formats: list[str] = []
    run: list[str] = []

    def close_run() -> None:
        if run:
            formats.append("".join(run))
            out.append("{date:" + formats[-1] + "}")
            run.clear()

    for i, (text, is_code) in enumerate(pieces):
        joins_codes = i + 1 < len(pieces) and pieces[i + 1][1]
        if is_code:
            run.append(text)
        elif run and joins_codes and re.fullmatch(r"[-_.]?", text):
            run.append(text)  # nothing or one separator between two codes of one folder
        else:
            close_run()
            out.append(text.replace("{", "{{").replace("}", "}}"))
    close_run()
    return "".join(out), "/".join(formats)


def _repeated_date(rest: str, m: re.Match[str], taken: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Spans of the edition date written again elsewhere in the entry (`20240101/20240101-A1.json`,
    `2024/20240822/20240822_001/…`): as YYYYMMDD, YYYY-MM-DD or a YYYY folder, outside the spans already taken,
    so that every date of the URL becomes a field and the template renders other dates' URLs."""
    y, mo, d = m.group("y"), m.group("m"), m.group("d")
    if not (y and mo and d):
        return []
    forms = re.compile(rf"(?<!\d)({y})(-?)({mo})\2({d})(?!\d)|(?:^|(?<=/))({y})(?=/)")
    out: list[tuple[int, int, str]] = []
    for hit in forms.finditer(rest):
        if any(start < hit.end() and hit.start() < end for start, end, _code in taken):
            continue
        if hit.group(5):
            out.append((hit.start(5), hit.end(5), "%Y"))
            continue
        out += [(hit.start(1), hit.end(1), "%Y"), (hit.start(3), hit.end(3), "%m"), (hit.start(4), hit.end(4), "%d")]
    return out


def infer_entry(family: Family, url: str) -> EntryTemplate | None:
    """Base URL and entry template of the paper whose page (or article) this URL is; None without a date."""
    parts = split_url(url)
    path = parts.path
    m = family.DATE_URL_RE.search(path)
    if not m:
        return None
    is_article = family.page_kind(url) == "article"
    date_start = m.start() + (1 if path[m.start()] == "/" else 0)
    head = path[:date_start]  # ends with "/"
    year_folder = re.search(r"/(\d{4})/$", head)
    if year_folder and year_folder.group(1) == m.group("y"):
        date_start, head = year_folder.start() + 1, head[: year_folder.start() + 1]  # `2024/20240822/`: one date
    prefix = _default_prefix(family)
    depth = prefix.count("/")
    folders = head.rstrip("/").split("/")
    cut = len(head)
    if prefix and is_article:
        # an article sits in another folder than the pages (pc/content/ beside pc/layout/): drop as many folders
        cut = len("/".join(folders[: max(1, len(folders) - depth)])) + 1
    elif prefix and head.lower().endswith("/" + prefix.lower()):
        cut = len(head) - len(prefix)
    base = urlunsplit((parts.scheme, parts.netloc, path[:cut], "", ""))
    if is_article:
        entry = family.DEFAULT_ENTRY
        codes = re.findall(r"\{date:([^}]*)\}", entry)
        return EntryTemplate(base, entry, "/".join(codes), from_default=True)
    rest = path[cut:] + (f"?{parts.query}" if parts.query else "")
    offset = cut
    spans = sorted(
        (m.start(g) - offset, m.end(g) - offset, _CODE[g]) for g in ("y", "m", "d") if m.group(g) is not None
    )
    spans = sorted(spans + _repeated_date(rest, m, spans))
    entry, date_format = _templated(rest, spans)
    return EntryTemplate(base, entry, date_format)
