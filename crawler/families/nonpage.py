"""What a payload is when it is no page of any family: a captcha, an anti-bot challenge, an empty JS shell,
a redirect, an error or login page, or not HTML at all.

`epaper probe` says this instead of guessing a family: a WAF challenge answered with status 200 looks like a
small web page, and a crawler that stored it would keep a "page" with no articles. The markers are the ones the
common Chinese hosting WAFs and captcha services print (Aliyun's acw_sc__v2 cookie script, 加速乐's
__jsl_clearance, 云锁 / 安全狗 verification pages, slider and image captchas, Cloudflare's interstitial).
Pure functions of (bytes, URL).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from crawler.families.contract import ParseError
from crawler.families.markup import Document, element_text
from crawler.families.urls import join_url

Reason = Literal[
    "empty",
    "not-html",
    "anti-bot",
    "captcha",
    "rate-limited",
    "login",
    "error-page",
    "js-shell",
    "redirect",
    "unknown",
    "unreachable",
    "robots",
]


@dataclass(frozen=True)
class NotAPage:
    """Why a payload is no page of a family: a reason (one word), what was seen, and a redirect's target."""

    reason: Reason
    detail: str
    target: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"reason": self.reason, "detail": self.detail, "target": self.target}


# (reason, what it is, pattern): the first that matches names the payload. Searched in the raw text (scripts
# included: a challenge is mostly script). VENDOR_MARKERS are the names of WAF cookies and scripts, telling at any
# size; WORD_MARKERS are words that a real page may print too, so they only name a small page.
VENDOR_MARKERS: tuple[tuple[Reason, str, re.Pattern[str]], ...] = (
    ("anti-bot", "Aliyun WAF cookie challenge (acw_sc__v2)", re.compile(r"acw_sc__v2", re.I)),
    ("anti-bot", "加速乐 cookie challenge (__jsl_clearance)", re.compile(r"__jsl_clearance|__jsluid", re.I)),
    ("anti-bot", "云锁 (yunsuo) verification", re.compile(r"yunsuo_session_verify|yunsuo", re.I)),
    ("anti-bot", "安全狗 (safedog) WAF page", re.compile(r"safedog|_waf_|waf\.(?:js|css)|网站防火墙", re.I)),
    ("anti-bot", "Cloudflare challenge", re.compile(r"cf-chl-|challenge-platform|Just a moment\.\.\.", re.I)),
)
WORD_MARKERS: tuple[tuple[Reason, str, re.Pattern[str]], ...] = (
    (
        "captcha",
        "slider captcha (滑动验证)",
        re.compile(r"滑动验证|拖动滑块|向右滑动|nc_scale|geetest|TencentCaptcha", re.I),
    ),
    (
        "captcha",
        "security check (安全验证)",
        re.compile(r"安全验证|人机验证|security verification|verify you are human", re.I),
    ),
    ("captcha", "captcha (验证码)", re.compile(r"请输入验证码|验证码|captcha", re.I)),
    (
        "rate-limited",
        "rate limit page (访问过于频繁)",
        re.compile(r"访问过于频繁|访问频率过[高快]|请求过于频繁|too many requests", re.I),
    ),
)
JS_REQUIRED_RE = re.compile(
    r"please enable javascript|enable javascript and cookies|请开启\s*JavaScript|请启用\s*JavaScript", re.I
)
LOGIN_RE = re.compile(r"请(?:先)?登录|用户登录|会员登录|账号登录|sign in to continue|please log ?in", re.I)
ERROR_RE = re.compile(
    r"\b404\b.{0,40}(?:not found|找不到|不存在)|页面不存在|页面未找到|找不到(?:该|此)?页面|您访问的页面|"
    r"\b(?:403 forbidden|404 not found|500 internal server error|502 bad gateway|503 service unavailable)\b|"
    r"该日期没有报纸|本期(?:报纸)?(?:暂未|尚未)(?:出版|上传)",
    re.I,
)
META_REFRESH_RE = re.compile(r"""url\s*=\s*['"]?\s*([^'">\s]+)""", re.I)
JS_LOCATION_RE = re.compile(
    r"""(?:window\.|document\.|top\.|self\.)?location(?:\.href)?\s*(?:=|\.replace\(|\.assign\()\s*['"]([^'"]+)['"]""",
    re.I,
)
COOKIE_RE = re.compile(r"document\.cookie\s*=")
RELOAD_RE = re.compile(r"location\.(?:reload|replace|href|assign)|location\s*=|setTimeout")
SHELL_TEXT_CHARS = 40  # visible characters below which a page with scripts is an empty JS shell
SMALL_PAGE_CHARS = 600  # visible characters below which login and error wording names the page


def visible_text(doc: Document) -> str:
    """The text a reader sees: the body's text without scripts, styles and comments."""
    body = doc.root.find("body")
    return element_text(body if body is not None else doc.root)


def redirect_of(doc: Document) -> str | None:
    """The absolute target of a META refresh or a script that only sets location; None otherwise."""
    for meta in doc.root.iter("meta"):
        if (meta.get("http-equiv") or "").strip().lower() == "refresh":
            m = META_REFRESH_RE.search(meta.get("content") or "")
            if m:
                return join_url(doc.url, m.group(1).strip())
    for script in doc.root.iter("script"):
        m = JS_LOCATION_RE.search(script.text or "")
        if m:
            return join_url(doc.url, m.group(1).strip())
    return None


def diagnose(body: bytes, url: str, status: int | None = None) -> NotAPage | None:
    """Why this payload is not a page of any family, or None when it may be one.

    Called when no family's evidence is strong (detect.py): a page of a family may well contain the word 验证码
    in a footer, so the markers only name a payload that nothing else claims."""
    try:
        doc = Document.load(body, url, None)
    except ParseError as exc:
        return NotAPage("empty" if "empty" in exc.reason else "not-html", exc.reason)
    text = visible_text(doc)
    small = len(text) < SMALL_PAGE_CHARS
    for reason, what, pattern in VENDOR_MARKERS + (WORD_MARKERS if small else ()):
        m = pattern.search(doc.text)
        if m:
            return NotAPage(reason, f"{what}: {m.group(0)!r} in a page of {len(text)} visible characters")
    if status in (403, 429, 503, 521):
        return NotAPage("anti-bot", f"HTTP {status} with a page of {len(text)} visible characters")
    if status is not None and status >= 400:
        return NotAPage("error-page", f"HTTP {status} with a page of {len(text)} visible characters")
    target = redirect_of(doc)
    if target and small:
        return NotAPage("redirect", f"the page only sends the reader to {target}", target=target)
    if small:
        m = LOGIN_RE.search(text)
        if m and doc.root.xpath("//input[@type='password']"):
            return NotAPage("login", f"a login form ({m.group(0)!r}, a password field)")
        m = ERROR_RE.search(text) or ERROR_RE.search(doc.root.findtext(".//title") or "")
        if m:
            return NotAPage("error-page", f"error text {m.group(0)!r} (HTTP {status or 200})")
    scripts = doc.root.xpath("//script")
    script_text = " ".join(script.text or "" for script in scripts)
    if len(text) < SHELL_TEXT_CHARS and COOKIE_RE.search(script_text) and RELOAD_RE.search(script_text):
        return NotAPage(
            "anti-bot",
            f"a cookie challenge: a script that sets a cookie and reloads, {len(text)} visible characters",
        )
    if len(text) < SHELL_TEXT_CHARS and scripts:
        roots = doc.root.xpath("//body//div[@id and not(normalize-space())]")
        root_ids = ", ".join(f"div#{d.get('id')}" for d in roots[:3]) or "no text"
        return NotAPage(
            "js-shell",
            f"an empty JavaScript shell: {len(text)} visible characters, {len(scripts)} scripts, {root_ids}",
        )
    m = JS_REQUIRED_RE.search(doc.text)
    if small and m:  # a shell above names an SPA; a small page that only asks for JavaScript is a challenge
        return NotAPage("anti-bot", f"JavaScript required: {m.group(0)!r}, {len(text)} visible characters")
    if not text:
        return NotAPage("empty", "an HTML page without text")
    return None
