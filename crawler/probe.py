"""`epaper probe`: which layout family and skin a paper's pages are on, and the registry entry to add it.

A saved payload (FILE mode) or one polite fetch of the entry URL and one of its articles (URL mode) is ranked
against every family (crawler/families/detect.py); what is no page of any family is named instead
(crawler/families/nonpage.py). From the page URL and the family's date grammar the entry template is inferred
(crawler/families/entry_template.py) and written as a `[papers.KEY]` entry in the shape data/papers.toml uses.

URL mode makes at most two page requests (the entry URL, then one article of it, or the target of a same-host
redirect, 1.5 s after the first) plus one for robots.txt, with a User-Agent and a timeout; a redirect to another host is reported, never
followed, and a URL robots.txt disallows is not fetched.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from crawler.families import FAMILIES
from crawler.families.contract import ParseError
from crawler.families.detect import Match, detect
from crawler.families.entry_template import EntryTemplate, infer_entry
from crawler.families.markup import Document, clean_space
from crawler.families.nonpage import NotAPage, diagnose
from crawler.registry import KEY_PATTERN

USER_AGENT = "epaper-archive-probe/1 (a one-off layout check: two page requests at most)"
TIMEOUT = 20.0
MAX_BYTES = 8 * 1024 * 1024  # a probe needs the markup, not a 100 MB mistake
PAGE_REQUESTS = 2
PAUSE = 1.5  # the second request waits this long after the first
HOST_WORDS = {"www", "epaper", "paper", "szb", "dzb", "e", "news", "enews", "digital", "m"}


@dataclass
class Request:
    """One request the probe made, as reported."""

    url: str
    status: int | None
    size: int = 0
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "status": self.status, "bytes": self.size, "note": self.note}


@dataclass
class ProbeReport:
    """The verdict on one payload, and in URL mode on the second payload it led to."""

    url: str
    matches: list[Match]
    not_a_page: NotAPage | None = None
    template: EntryTemplate | None = None
    registry_toml: str | None = None
    requests: list[Request] = field(default_factory=list)
    followed: ProbeReport | None = None  # URL mode: the article (or redirect target) fetched second
    role: str = (
        "payload"  # what this payload was to the probe: payload (FILE), entry, article, redirect target
    )

    @property
    def best(self) -> Match | None:
        return self.matches[0] if self.matches and self.matches[0].is_match else None

    @property
    def family(self) -> str | None:
        best = self.best or (self.followed.best if self.followed else None)
        return best.family if best else None

    def to_json(self) -> dict[str, Any]:
        best = self.best
        return {
            "url": self.url,
            "role": self.role,
            "family": best.family if best else None,
            "skin": best.skin if best else None,
            "kind": best.kind if best else None,
            "matches": [m.to_json() for m in self.matches],
            "not_a_page": self.not_a_page.to_json() if self.not_a_page else None,
            "entry_template": self.template.entry if self.template else None,
            "base_url": self.template.base_url if self.template else None,
            "date_format": self.template.date_format if self.template else None,
            "template_from_default": self.template.from_default if self.template else None,
            "registry_toml": self.registry_toml,
            "requests": [r.to_json() for r in self.requests],
            "followed": self.followed.to_json() if self.followed else None,
        }


# --------------------------------------------------------------------------- one payload


def _paper_name(body: bytes, url: str) -> str | None:
    """The paper's name as the page prints it: the Founder trailer's papername, else the <title>'s first part."""
    try:
        doc = Document.load(body, url, None)
    except ParseError:
        return None
    name = doc.metadata.get("founder-papername")
    if not name:
        title = clean_space(doc.root.findtext(".//title") or "")
        name = re.split(r"\s*[-_|·—–:：]\s*|\s+", title)[0] if title else ""
    return name or None


def paper_key(base_url: str) -> str:
    """A registry key proposed from the base URL: its last folder (`rbpaper`) or the host's telling label."""
    parts = urlsplit(base_url)
    folders = [f for f in parts.path.split("/") if f]
    labels = [label for label in (parts.hostname or "").split(".") if label not in HOST_WORDS]
    for candidate in ([folders[-1]] if folders else []) + labels[:1]:
        key = re.sub(r"[^a-z0-9_-]+", "-", candidate.lower()).strip("-_")
        if KEY_PATTERN.match(key):
            return key
    return "newpaper"


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def registry_entry(match: Match, template: EntryTemplate, name: str | None) -> str:
    """A `[papers.KEY]` entry in data/papers.toml's shape, loadable by crawler.registry as it stands."""
    key = paper_key(template.base_url)
    parts = urlsplit(template.base_url)
    homepage = urlunsplit((parts.scheme, parts.netloc, "/", "", ""))
    lines = [
        f"[papers.{key}]",
        f"name = {_toml_string(name or key)}"
        + ("" if name else "  # the paper's name: not printed on the page"),
        'script = "hans"                  # hans | hant | mixed: check',
        f"homepage = {_toml_string(homepage)}",
        "",
        f"[[papers.{key}.layouts]]",
        f"family = {_toml_string(match.family)}",
        f"base_url = {_toml_string(template.base_url)}",
        f"entry = {_toml_string(template.entry)}"
        + ("  # the family's default: check the front page's file name" if template.from_default else ""),
    ]
    if match.skin and match.kind == "page":
        lines.append(f"skin = {_toml_string(match.skin)}")
    return "\n".join(lines) + "\n"


def _template_for(match: Match, body: bytes, url: str) -> EntryTemplate | None:
    family = FAMILIES[match.family]
    if match.kind == "entry":
        try:
            target = family.parse_entry(body, url)
        except ParseError:
            target = None
        return infer_entry(family, target) if target else None
    return infer_entry(family, url)


def probe_payload(
    body: bytes,
    url: str,
    status: int | None = None,
    role: str = "payload",
    documents: Mapping[str, bytes] | None = None,
) -> ProbeReport:
    """Rank the families for one payload (with the companion documents it names, when given); name what it is
    when none matches."""
    matches = detect(body, url, FAMILIES, documents)
    report = ProbeReport(url=url, matches=matches, role=role)
    best = report.best
    if best is None:
        report.not_a_page = diagnose(body, url, status) or NotAPage(
            "unknown",
            "HTML with text, but no family's markup: a layout family this project does not have yet?",
        )
        return report
    report.template = _template_for(best, body, url)
    if report.template is not None:
        report.registry_toml = registry_entry(best, report.template, _paper_name(body, url))
    return report


# --------------------------------------------------------------------------- URL mode


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are the probe's to decide (same host: maybe follow; other host: report), not urllib's."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> None:
        return None


@dataclass
class Fetcher:
    """A small synchronous fetcher with a request budget, a User-Agent and a timeout."""

    user_agent: str = USER_AGENT
    timeout: float = TIMEOUT
    budget: int = PAGE_REQUESTS
    pause: float = PAUSE  # seconds between two page requests to the same host
    log: list[Request] = field(default_factory=list)
    _pages_fetched: int = 0

    def get(self, url: str, counted: bool = True) -> tuple[int | None, dict[str, str], bytes]:
        """(status, headers, body); status None when the host did not answer (the reason is in the log)."""
        if counted:
            if self.budget <= 0:
                raise RuntimeError("request budget spent")  # a bug of the probe's logic, never the user's
            self.budget -= 1
            if self._pages_fetched and self.pause > 0:
                time.sleep(self.pause)
            self._pages_fetched += 1
        opener = urllib.request.build_opener(_NoRedirects)
        request = urllib.request.Request(
            url, headers={"User-Agent": self.user_agent, "Accept": "text/html,*/*"}
        )
        try:
            with opener.open(request, timeout=self.timeout) as response:
                status, headers, body = response.status, dict(response.headers), response.read(MAX_BYTES)
        except urllib.error.HTTPError as exc:  # 3xx (not followed), 4xx and 5xx still have a body to look at
            status, headers, body = exc.code, dict(exc.headers or {}), exc.read(MAX_BYTES) if exc.fp else b""
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            self.log.append(Request(url, None, 0, f"no answer: {reason}"))
            return None, {}, b""
        self.log.append(Request(url, status, len(body)))
        return status, headers, body


def _robots(fetcher: Fetcher, url: str) -> urllib.robotparser.RobotFileParser | None:
    parts = urlsplit(url)
    robots_url = urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
    status, _headers, body = fetcher.get(robots_url, counted=False)
    if status is None or status >= 400:
        fetcher.log[-1].note = f"robots.txt: none ({fetcher.log[-1].note or status}), nothing disallowed"
        return None
    parser = urllib.robotparser.RobotFileParser(robots_url)
    parser.parse(body.decode("utf-8", errors="replace").splitlines())
    fetcher.log[-1].note = "robots.txt: read, its rules obeyed"
    return parser


def _allowed(robots: urllib.robotparser.RobotFileParser | None, agent: str, url: str) -> bool:
    return robots is None or robots.can_fetch(agent, url)


def _location(status: int | None, headers: dict[str, str], url: str) -> str | None:
    if status is None or not 300 <= status < 400:
        return None
    location = next((v for k, v in headers.items() if k.lower() == "location"), None)
    return urljoin(url, location) if location else None


def _second_url(report: ProbeReport, body: bytes) -> tuple[str | None, str]:
    """The one more URL worth a request after the entry: an article of the page, or a redirect target."""
    best = report.best
    if best is None:
        target = report.not_a_page.target if report.not_a_page else None
        return target, "redirect target"
    family = FAMILIES[best.family]
    if best.kind == "entry":
        try:
            return family.parse_entry(body, report.url), "redirect target"
        except ParseError:
            return None, ""
    if best.kind == "page":
        try:
            page = family.parse_page(body, report.url, None)
        except Exception:  # a page the parser refuses has no article to follow; the refusal is in the report
            return None, ""
        return (page.articles[0].url if page.articles else None), "article"
    return None, ""


def probe_url(url: str, fetcher: Fetcher | None = None, obey_robots: bool = True) -> ProbeReport:
    """Fetch the entry URL (and at most one more URL of the same host) and probe what came back."""
    fetcher = fetcher or Fetcher()
    robots = _robots(fetcher, url) if obey_robots else None
    if not _allowed(robots, fetcher.user_agent, url):
        report = ProbeReport(url=url, matches=[], requests=fetcher.log)
        report.not_a_page = NotAPage("robots", f"robots.txt disallows {url} for this user agent; not fetched")
        return report
    status, headers, body = fetcher.get(url)
    if not obey_robots:
        fetcher.log[-1].note = fetcher.log[-1].note or "robots.txt not checked (--ignore-robots)"
    location = _location(status, headers, url)
    if status is None:
        report = ProbeReport(url=url, matches=[], requests=fetcher.log)
        report.not_a_page = NotAPage("unreachable", fetcher.log[-1].note)
        return report
    if location is not None and urlsplit(location).netloc != urlsplit(url).netloc:
        report = ProbeReport(url=url, matches=[], requests=fetcher.log)
        report.not_a_page = NotAPage(
            "redirect", f"HTTP {status} to another host: {location} (not followed)", location
        )
        return report
    if location is not None:  # a same-host HTTP redirect: the one more request goes to its target
        fetcher.log[-1].note = f"HTTP {status} to {location}"
        if not _allowed(robots, fetcher.user_agent, location):
            report = ProbeReport(url=url, matches=[], requests=fetcher.log)
            report.not_a_page = NotAPage(
                "robots", f"robots.txt disallows the redirect target {location}", location
            )
            return report
        t_status, _h, t_body = fetcher.get(location)
        report = probe_payload(t_body, location, t_status, role="redirect target")
        report.requests = fetcher.log
        return report
    report = probe_payload(body, url, status, role="entry")
    report.requests = fetcher.log
    second, role = _second_url(report, body)
    if not second:
        return report
    if urlsplit(second).netloc != urlsplit(url).netloc:
        fetcher.log[-1].note += f"; {role} {second} is on another host: not fetched"
        return report
    if not _allowed(robots, fetcher.user_agent, second):
        fetcher.log[-1].note += f"; robots.txt disallows the {role} {second}: not fetched"
        return report
    s_status, _h, s_body = fetcher.get(second)
    if s_status is not None:
        report.followed = probe_payload(s_body, second, s_status, role=role)
        followed = report.followed
        if followed.best is not None and followed.template is not None and role == "redirect target":
            # the issue page an index sends to says more (its skin, its name) than the index itself
            report.template = followed.template
            report.registry_toml = followed.registry_toml
        elif report.template is None and followed.template is not None:
            report.template = followed.template
            report.registry_toml = followed.registry_toml
    return report
