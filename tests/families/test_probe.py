"""`epaper probe` and content-based family inference: every golden fixture is recognised, what is no page is
named with its reason, the registry entry loads through the registry's own checks, URL mode stays within two
page requests of a local server, and `epaper parse` falls back to the content when the URL does not decide."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from crawler.cli import main
from crawler.families import FAMILIES, get_family
from crawler.families.contract import Family, ParseError
from crawler.families.detect import choose_family, detect
from crawler.families.entry_template import infer_entry
from crawler.families.fixtures import case_dirs, load_meta
from crawler.families.nonpage import diagnose
from crawler.probe import Fetcher, paper_key, probe_payload, probe_url
from crawler.registry import load_registry

FIXTURES = Path(__file__).parent / "fixtures"
CASES = case_dirs([FIXTURES])
ROOT = Path(__file__).resolve().parents[2]


def _case(case: Path) -> tuple[bytes, dict[str, Any]]:
    return (case / "body.bin").read_bytes(), load_meta(case)


def _skin_in_meta(meta: dict[str, Any]) -> str | None:
    return meta.get("skin") or (meta.get("options") or {}).get("skin")


def _epaper(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", *args],
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --------------------------------------------------------------------------- every golden fixture


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_probe_names_the_family_of_every_golden_fixture(case: Path) -> None:
    body, meta = _case(case)
    report = probe_payload(body, meta["url"])
    assert report.best is not None, report.not_a_page
    assert report.best.family == meta["family"], [m.to_json() for m in report.matches]
    assert report.best.kind == (meta["kind"] if meta["kind"] in ("entry", "article") else "page")
    if _skin_in_meta(meta):
        assert report.best.skin == _skin_in_meta(meta)
    assert report.best.evidence and report.not_a_page is None


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_content_alone_names_the_family_when_the_url_is_ambiguous(
    case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A twin family that claims every URL of the fixture's family, but none of its markup: the content decides."""
    body, meta = _case(case)
    real = get_family(meta["family"])

    class Twin(Family):
        key = "twin"

        def page_kind(self, url: str) -> Any:
            return real.page_kind(url)

        def evidence(self, body: bytes, url: str) -> list[str]:
            return [f"URL has the {real.page_kind(url)} shape of twin"] if real.page_kind(url) else []

        def parse_entry(self, body: bytes, url: str, headers: Any = None) -> str | None:
            raise ParseError("twin parses nothing")

        def parse_page(self, *args: Any, **kwargs: Any) -> Any:
            raise ParseError("twin parses nothing")

        def parse_article(self, *args: Any, **kwargs: Any) -> Any:
            raise ParseError("twin parses nothing")

    families = {**FAMILIES, "twin": Twin()}
    match = choose_family(body, meta["url"], families)
    assert match.family == meta["family"]
    twin = next(m for m in detect(body, meta["url"], families) if m.family == "twin")
    assert not twin.is_match  # a URL shape alone is a candidate, never a match


def test_founder_evidence_names_the_selectors_that_hit() -> None:
    body, meta = _case(FIXTURES / "founder-pc" / "resultlist_page")
    lines = get_family("founder-pc").evidence(body, meta["url"])
    assert any("page list of skin resultlist" in line and "div.nav-list" in line for line in lines)
    assert any(line.startswith("hotspot map:") for line in lines)
    assert get_family("founder-pc").skin_of(body, meta["url"]) == "resultlist"
    # the same page is nothing of founder-classic's: neither its selectors nor its link grammar hit
    assert get_family("founder-classic").evidence(body, meta["url"]) == []
    body, meta = _case(FIXTURES / "founder-classic" / "table_article")
    lines = get_family("founder-classic").evidence(body, meta["url"])
    assert "article title of skin table (td.font01)" in lines and "div#ozoom (article body)" in lines


def test_evidence_of_a_page_saved_under_another_url_still_names_the_skin() -> None:
    body, _meta = _case(FIXTURES / "founder-pc" / "newslist_page")
    matches = detect(body, "http://epaper.linjiang.example/", FAMILIES)
    assert matches[0].family == "founder-pc" and matches[0].skin == "newslist" and matches[0].is_match
    assert "URL has" not in " ".join(matches[0].evidence)


# --------------------------------------------------------------------------- what is no page


CAPTCHA = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>安全验证</title></head>
<body><div class="verify-box"><h2>请完成安全验证</h2><div id="nc_1_wrapper"><span>请按住滑块，拖动到最右边</span></div>
<p>拖动滑块完成验证后继续访问</p></div><script src="/static/slide-verify.js"></script></body></html>"""
ACW_CHALLENGE = """<html><script>
var arg1='3F1A9C0D5E7B2A4C6D8E0F1A2B3C4D5E6F708192';
var _0x5e8b=['\\x72\\x65\\x6c\\x6f\\x61\\x64'];
function setCookie(name,value){var d=new Date();d.setTime(d.getTime()+3600*1000);
document.cookie=name+'='+value+';expires='+d.toGMTString()+';path=/';}
function reload(x){setCookie("acw_sc__v2",x);document.location.reload();}
</script></html>"""
SPA_SHELL = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>数字报</title>
<link href="/css/app.8f2c.css" rel="stylesheet"><script defer src="/js/chunk-vendors.1a2b.js"></script>
<script defer src="/js/app.3c4d.js"></script></head>
<body><noscript><strong>本页需要浏览器运行脚本才能显示。</strong></noscript><div id="app"></div></body></html>"""
JS_REDIRECT = """<html><head><title>跳转中</title>
<script type="text/javascript">window.location.href = "https://m.other-site.example/h5/index.html";</script>
</head><body>正在跳转……</body></html>"""
ERROR_200 = """<html><head><meta charset="utf-8"><title>出错了</title></head>
<body><h1>404 Not Found</h1><p>抱歉，您访问的页面不存在或已被删除。</p><a href="/">返回首页</a></body></html>"""
LOGIN = """<html><head><meta charset="utf-8"><title>读者登录</title></head><body>
<form action="/login" method="post"><h3>请先登录后阅读电子版</h3><input name="user" type="text">
<input name="pass" type="password"><button>登录</button></form></body></html>"""
ARTICLE_URL = "http://epaper.example.cn/pc/content/202501/02/content_1.html"


@pytest.mark.parametrize(
    ("body", "url", "reason", "seen"),
    [
        (CAPTCHA, ARTICLE_URL, "captcha", "滑块"),
        (ACW_CHALLENGE, ARTICLE_URL, "anti-bot", "acw_sc__v2"),
        (SPA_SHELL, "http://epaper.example.cn/", "js-shell", "div#app"),
        (JS_REDIRECT, "http://epaper.example.cn/", "redirect", "https://m.other-site.example/h5/index.html"),
        (ERROR_200, "http://epaper.example.cn/html/2025-01/02/node_1.htm", "error-page", "404"),
        (LOGIN, "http://epaper.example.cn/", "login", "password"),
    ],
    ids=["captcha", "waf-challenge", "spa-shell", "js-redirect", "error-in-200", "login-wall"],
)
def test_probe_rejects_what_is_no_page_with_the_reason(body: str, url: str, reason: str, seen: str) -> None:
    report = probe_payload(body.encode("utf-8"), url)
    assert report.best is None and report.family is None
    assert report.not_a_page is not None
    assert report.not_a_page.reason == reason, report.not_a_page
    assert seen in report.not_a_page.detail
    assert report.registry_toml is None
    if reason == "redirect":
        assert report.not_a_page.target == "https://m.other-site.example/h5/index.html"


def test_a_jsl_challenge_is_known_by_its_status() -> None:
    body = b"<html><script>document.cookie=('_')+('_')+('j')+('sl_c')+('l')+'=1';location.href=location.pathname</script></html>"
    seen = diagnose(body, "http://epaper.example.cn/", status=521)
    assert seen is not None and seen.reason == "anti-bot" and "521" in seen.detail


def test_a_saved_cookie_challenge_is_anti_bot_without_its_status() -> None:
    body = (
        b"<html><body><script>var _t=['x','y'];document.cookie='_c_v='+_t.join('')+';path=/';"
        b"setTimeout(function(){location.href=location.pathname+location.search},800);</script></body></html>"
    )
    seen = diagnose(body, "http://epaper.example.cn/html/2025-01/02/node_1.htm")
    assert seen is not None and seen.reason == "anti-bot" and "cookie challenge" in seen.detail


def test_an_spa_shell_asking_for_javascript_is_a_shell_and_a_bare_request_is_a_challenge() -> None:
    shell = SPA_SHELL.replace("本页需要浏览器运行脚本才能显示。", "Please enable JavaScript to continue.")
    seen = diagnose(shell.encode(), "http://epaper.example.cn/")
    assert seen is not None and seen.reason == "js-shell"
    bare = b"<html><head><title>Checking</title></head><body><p>Please enable JavaScript and cookies to continue</p></body></html>"
    seen = diagnose(bare, "http://epaper.example.cn/")
    assert seen is not None and seen.reason == "anti-bot" and "JavaScript required" in seen.detail


def test_a_long_page_of_no_family_is_unknown_not_a_captcha() -> None:
    prose = "".join(
        f"<p>第{i}段：本报讯 这是一段足够长的正文，用来组成一页没有任何版式家族标记的普通网页。</p>"
        for i in range(40)
    )
    body = f"<html><body><div class='login'>手机号 验证码登录</div>{prose}</body></html>".encode()
    report = probe_payload(body, "http://www.example.cn/news/1.html")
    assert report.not_a_page is not None and report.not_a_page.reason == "unknown"


def test_a_page_of_a_family_is_not_rejected_for_a_word_in_its_footer() -> None:
    body, meta = _case(FIXTURES / "founder-pc" / "newslist_page")
    body = body.replace(b"</body>", "<p>网站备案 验证码登录</p></body>".encode(), 1)
    report = probe_payload(body, meta["url"])
    assert report.family == "founder-pc" and report.not_a_page is None


def test_cli_exit_status_1_says_what_it_saw(tmp_path: Path) -> None:
    page = tmp_path / "shell.html"
    page.write_text(SPA_SHELL, encoding="utf-8")
    run = _epaper("probe", str(page), "--url", "http://epaper.example.cn/")
    assert run.returncode == 1, run.stderr
    assert "no layout family matches" in run.stdout and "js-shell" in run.stdout
    run = _epaper("probe", str(page), "--url", "http://epaper.example.cn/", "--json")
    assert run.returncode == 1
    out = json.loads(run.stdout)
    assert (
        out["family"] is None and out["not_a_page"]["reason"] == "js-shell" and out["registry_toml"] is None
    )


def test_cli_usage_errors_exit_2(tmp_path: Path) -> None:
    saved = tmp_path / "saved.html"
    saved.write_text("<html></html>", encoding="utf-8")
    for args in (
        ("probe", str(saved)),  # a file without --url
        ("probe", str(tmp_path / "missing.html"), "--url", "http://e.example/"),
        ("probe", str(saved), "--url", "not-a-url"),
        ("probe", "http://127.0.0.1:9/", "--timeout", "0"),
    ):
        run = _epaper(*args)
        assert run.returncode == 2, (args, run.stdout, run.stderr)
        assert run.stderr.startswith("epaper probe: ") and "Traceback" not in run.stderr


# --------------------------------------------------------------------------- FILE mode output, template, TOML


def test_cli_file_mode_prints_family_evidence_template_and_entry() -> None:
    case = FIXTURES / "founder-pc" / "newslist_page"
    run = _epaper("probe", str(case / "body.bin"), "--url", load_meta(case)["url"])
    assert run.returncode == 0, run.stderr
    assert "founder-pc, skin newslist (page" in run.stdout
    assert "page list of skin newslist" in run.stdout
    assert "entry template: pc/layout/{date:%Y%m}/{date:%d}/node_A01.html" in run.stdout
    assert "[[papers.ljwb.layouts]]" in run.stdout


def test_cli_json_fields() -> None:
    case = FIXTURES / "founder-classic" / "table_page"
    run = _epaper("probe", str(case / "body.bin"), "--url", load_meta(case)["url"], "--json")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert {
        "url",
        "role",
        "family",
        "skin",
        "kind",
        "matches",
        "not_a_page",
        "entry_template",
        "base_url",
        "date_format",
        "template_from_default",
        "registry_toml",
        "requests",
        "followed",
    } == set(out)
    assert (out["family"], out["skin"], out["kind"]) == ("founder-classic", "table", "page")
    assert (
        out["date_format"] == "%Y-%m/%d"
        and out["entry_template"] == "html/{date:%Y-%m}/{date:%d}/node_621.htm"
    )
    assert out["matches"][0]["evidence"] and isinstance(out["matches"][0]["score"], int)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_registry_entry_loads_and_rebuilds_the_url(case: Path, tmp_path: Path) -> None:
    body, meta = _case(case)
    report = probe_payload(body, meta["url"])
    assert report.best is not None and report.template is not None and report.registry_toml
    papers = tmp_path / "mine.toml"
    papers.write_text(report.registry_toml, encoding="utf-8")
    registry = load_registry(papers)  # the registry's own validation
    key = paper_key(report.template.base_url)
    (layout,) = registry[key].layouts
    assert layout.family == meta["family"]
    family = get_family(layout.family)
    if report.template.from_default:  # an article's URL: the family's default entry under the paper's base
        assert layout.entry == family.DEFAULT_ENTRY
        return
    page_url = meta["url"] if meta["kind"] == "page" else family.parse_entry(body, meta["url"])
    assert page_url is not None
    date = family.date_from_url(page_url)
    assert date is not None
    assert family.entry_url(layout.base_url, date, layout.entry) == page_url


def test_entry_template_of_the_date_formats() -> None:
    pc, classic = get_family("founder-pc"), get_family("founder-classic")
    t = infer_entry(pc, "https://sztqb.example.com/PC/layout/202504/25/node_A01.html")
    assert t is not None and (t.base_url, t.entry) == (
        "https://sztqb.example.com/",
        "PC/layout/{date:%Y%m}/{date:%d}/node_A01.html",
    )
    t = infer_entry(classic, "http://www.example.cn/gfbmap/content/2019-05/20/node_22.htm?v=1")
    assert t is not None and t.base_url == "http://www.example.cn/gfbmap/content/"
    assert t.entry == "{date:%Y-%m}/{date:%d}/node_22.htm?v=1" and t.date_format == "%Y-%m/%d"
    assert t.entry.format(date=dt.date(2020, 1, 2)) == "2020-01/02/node_22.htm?v=1"
    assert infer_entry(pc, "http://www.example.cn/about.html") is None


# --------------------------------------------------------------------------- URL mode against a local server


class _Site:
    """A tiny local e-paper: the newslist page and its first article, robots.txt, a captcha and redirects."""

    def __init__(self) -> None:
        self.hits: list[tuple[str, str]] = []  # (path, user agent)
        self.times: list[float] = []  # when each request arrived (time.monotonic)
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        for name in ("newslist_page", "newslist_article"):
            body, meta = _case(FIXTURES / "founder-pc" / name)
            path = meta["url"].split("epaper.linjiang.example", 1)[1]
            self.routes[path] = (
                200,
                {"Content-Type": meta["headers"].get("Content-Type", "text/html")},
                body,
            )
        for name in ("paperindex", "table_page"):
            body, meta = _case(FIXTURES / "founder-classic" / name)
            path = meta["url"].split("epaper.dongling.example", 1)[1]
            self.routes[path] = (
                200,
                {"Content-Type": meta["headers"].get("Content-Type", "text/html")},
                body,
            )
        self.routes["/robots.txt"] = (
            200,
            {"Content-Type": "text/plain"},
            b"User-agent: *\nDisallow: /private/\n",
        )
        self.routes["/verify.html"] = (200, {"Content-Type": "text/html; charset=utf-8"}, CAPTCHA.encode())
        self.routes["/private/node.html"] = (200, {"Content-Type": "text/html"}, b"<html>secret</html>")
        self.routes["/away"] = (302, {"Location": "http://elsewhere.invalid/epaper/"}, b"")
        self.routes["/home"] = (301, {"Location": "/ljwb/pc/layout/202403/18/node_A01.html"}, b"")

    def page_hits(self) -> list[str]:
        return [path for path, _ua in self.hits if path != "/robots.txt"]


@pytest.fixture
def site() -> Iterator[tuple[_Site, str]]:
    state = _Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            state.hits.append((self.path, self.headers.get("User-Agent", "")))
            state.times.append(time.monotonic())
            status, headers, body = state.routes.get(
                self.path, (404, {"Content-Type": "text/html"}, b"<html>404</html>")
            )
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_url_mode_fetches_the_page_and_one_article(site: tuple[_Site, str]) -> None:
    state, base = site
    report = probe_url(f"{base}/ljwb/pc/layout/202403/18/node_A01.html", Fetcher(timeout=10, pause=0))
    assert report.family == "founder-pc" and report.best is not None and report.best.skin == "newslist"
    assert report.followed is not None and report.followed.role == "article"
    assert report.followed.best is not None and report.followed.best.family == "founder-pc"
    assert state.page_hits() == [
        "/ljwb/pc/layout/202403/18/node_A01.html",
        "/ljwb/pc/content/202403/18/content_88101.html",
    ]
    assert [p for p, _ in state.hits].count("/robots.txt") == 1
    assert all(ua.startswith("epaper-archive-probe/") for _p, ua in state.hits)
    assert report.template is not None and report.template.base_url == f"{base}/ljwb/"


def test_url_mode_waits_between_its_two_page_requests(site: tuple[_Site, str]) -> None:
    state, base = site
    probe_url(f"{base}/ljwb/pc/layout/202403/18/node_A01.html", Fetcher(timeout=10, pause=0.4))
    assert state.page_hits() == [
        "/ljwb/pc/layout/202403/18/node_A01.html",
        "/ljwb/pc/content/202403/18/content_88101.html",
    ]
    assert state.times[-1] - state.times[-2] >= 0.4


def test_url_mode_cli_json(site: tuple[_Site, str]) -> None:
    state, base = site
    run = _epaper("probe", f"{base}/ljwb/pc/layout/202403/18/node_A01.html", "--json")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["family"] == "founder-pc" and out["followed"]["family"] == "founder-pc"
    assert [r["url"].split(base)[1] for r in out["requests"]] == [
        "/robots.txt",
        "/ljwb/pc/layout/202403/18/node_A01.html",
        "/ljwb/pc/content/202403/18/content_88101.html",
    ]
    assert len(state.page_hits()) == 2


def test_url_mode_follows_a_same_host_redirect_within_two_requests(site: tuple[_Site, str]) -> None:
    state, base = site
    report = probe_url(f"{base}/home", Fetcher(timeout=10, pause=0))
    assert report.family == "founder-pc" and report.role == "redirect target"
    assert state.page_hits() == ["/home", "/ljwb/pc/layout/202403/18/node_A01.html"]


def test_url_mode_follows_an_index_page_to_the_issue(site: tuple[_Site, str]) -> None:
    state, base = site
    report = probe_url(f"{base}/dlrb/paperindex.htm", Fetcher(timeout=10, pause=0))
    assert report.best is not None and (report.best.family, report.best.kind) == ("founder-classic", "entry")
    assert report.followed is not None and report.followed.role == "redirect target"
    assert report.followed.best is not None and report.followed.best.kind == "page"
    assert report.template is not None and report.template.entry == "html/{date:%Y-%m}/{date:%d}/node_621.htm"
    assert (
        report.registry_toml is not None and 'skin = "table"' in report.registry_toml
    )  # the issue page's skin
    assert state.page_hits() == ["/dlrb/paperindex.htm", "/dlrb/html/2019-05/20/node_621.htm"]


def test_url_mode_names_an_http_error(site: tuple[_Site, str]) -> None:
    _state, base = site
    report = probe_url(f"{base}/pc/layout/202501/02/node_01.html", Fetcher(timeout=10, pause=0))
    assert report.not_a_page is not None and report.not_a_page.reason == "error-page"
    assert "HTTP 404" in report.not_a_page.detail


def test_url_mode_reports_an_off_host_redirect_without_following(site: tuple[_Site, str]) -> None:
    state, base = site
    run = _epaper("probe", f"{base}/away", "--json")
    assert run.returncode == 1
    out = json.loads(run.stdout)
    assert (
        out["not_a_page"]["reason"] == "redirect"
        and out["not_a_page"]["target"] == "http://elsewhere.invalid/epaper/"
    )
    assert state.page_hits() == ["/away"]


def test_url_mode_respects_robots_and_names_a_captcha(site: tuple[_Site, str]) -> None:
    state, base = site
    report = probe_url(f"{base}/private/node.html", Fetcher(timeout=10, pause=0))
    assert report.not_a_page is not None and report.not_a_page.reason == "robots"
    assert state.page_hits() == []
    run = _epaper("probe", f"{base}/verify.html")
    assert run.returncode == 1 and "captcha" in run.stdout
    assert state.page_hits() == ["/verify.html"]


def test_url_mode_unreachable_host_is_exit_1() -> None:
    run = _epaper(
        "probe", "http://127.0.0.1:9/pc/layout/202501/02/node_01.html", "--timeout", "3", "--ignore-robots"
    )
    assert run.returncode == 1 and "unreachable" in run.stdout and "Traceback" not in run.stderr


# --------------------------------------------------------------------------- epaper parse falls back to content


def test_parse_falls_back_to_content_under_an_unknown_url() -> None:
    case = FIXTURES / "founder-pc" / "newslist_article"
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    run = _epaper("parse", str(case / "body.bin"), "--url", "http://epaper.linjiang.example/today/story.html")
    assert run.returncode == 0, run.stderr
    assert "founder-pc chosen from the content" in run.stderr and "fits no family's grammar" in run.stderr
    out = json.loads(run.stdout)
    assert set(out) == set(expected)  # the JSON shape of `epaper parse` is kept
    for field in ("kind", "title", "kicker", "subtitle", "paragraphs"):
        assert out[field] == expected[field], field
    # relative image links resolve against the URL given, so only their captions are the same
    assert [i["caption"] for i in out["images"]] == [i["caption"] for i in expected["images"]]


def test_parse_with_family_still_wins(capsys: pytest.CaptureFixture[str]) -> None:
    case = FIXTURES / "founder-pc" / "newslist_article"
    code = main(
        [
            "parse",
            str(case / "body.bin"),
            "--url",
            "http://x.example/story.html",
            "--family",
            "founder-classic",
        ]
    )
    captured = capsys.readouterr()
    assert "chosen from the content" not in captured.err
    assert code == 2  # founder-classic reads the unknown URL as a page and finds no page list


def test_parse_of_a_page_under_an_unknown_url_says_why_it_cannot() -> None:
    case = FIXTURES / "founder-pc" / "newslist_page"
    run = _epaper("parse", str(case / "body.bin"), "--url", "http://epaper.linjiang.example/")
    assert run.returncode == 2
    assert (
        "founder-pc chosen from the content" in run.stderr
        and "give --url the URL it has on the site" in run.stderr
    )


def test_parse_of_a_captcha_under_an_unknown_url_names_it(tmp_path: Path) -> None:
    page = tmp_path / "verify.html"
    page.write_text(CAPTCHA, encoding="utf-8")
    run = _epaper("parse", str(page), "--url", "http://epaper.example.cn/verify.html")
    assert run.returncode == 2 and "captcha" in run.stderr and "Traceback" not in run.stderr


# --------------------------------------------------------------------------- the fixture sites, probed live

FIXTURE_SITES = ("demo", "pc-newslist", "pc-resultlist", "pc-articlelist", "classic")


@pytest.mark.parametrize("key", FIXTURE_SITES)
def test_url_mode_on_the_fixture_server_names_family_and_skin(key: str, tmp_path: Path) -> None:
    """Each fixture site's first page, fetched from the fixture server: the family and skin its spec renders,
    one article of the same family, and a registry entry whose template rebuilds the page's URL."""
    from crawler.testsite.server import FixtureServer
    from crawler.testsite.sites import SITES

    site = SITES[key]
    date = site.dates[0]
    edition = site.edition(date)
    assert edition is not None
    with FixtureServer([site]) as server:
        url = server.base_url + site.root + site.renderer().entry_path(site.spec, date, edition)
        report = probe_url(url, Fetcher(timeout=10, pause=0))
    assert report.best is not None, report.not_a_page
    assert (report.best.family, report.best.skin, report.best.kind) == (
        site.spec.family,
        site.spec.skin,
        "page",
    )
    assert report.followed is not None and report.followed.role == "article"
    assert report.followed.best is not None and report.followed.best.family == site.spec.family
    assert report.registry_toml is not None and report.template is not None
    papers = tmp_path / "probe.toml"
    papers.write_text(report.registry_toml, encoding="utf-8")
    (layout,) = load_registry(papers)[paper_key(report.template.base_url)].layouts
    assert (layout.family, layout.skin) == (site.spec.family, site.spec.skin)
    assert get_family(layout.family).entry_url(layout.base_url, date, layout.entry) == url


@pytest.mark.parametrize("key", FIXTURE_SITES)
def test_url_mode_on_a_fixture_index_page_reaches_the_issue(key: str) -> None:
    from crawler.testsite.server import FixtureServer
    from crawler.testsite.sites import SITES

    site = SITES[key]
    with FixtureServer([site]) as server:
        report = probe_url(
            server.base_url + site.root + site.renderer().index_path(site.spec), Fetcher(timeout=10, pause=0)
        )
    assert report.family == site.spec.family, (report.not_a_page, [m.to_json() for m in report.matches])
    assert report.followed is not None and report.followed.best is not None
    assert (report.followed.best.kind, report.followed.best.skin) == ("page", site.spec.skin)
    assert len([r for r in report.requests if not r.url.endswith("/robots.txt")]) <= 2


def test_choose_family_refuses_a_tie_of_shared_founder_markup() -> None:
    """Markup both Founder families share (founder-content in div#ozoom, an enpproperty title) names neither."""
    body = (
        "<html><head><meta charset='utf-8'></head><body><div id='ozoom'><founder-content><p>　　正文一段。</p>"
        "</founder-content></div></body></html><!--enpproperty <title>共有的标题</title> /enpproperty-->"
    ).encode()
    matches = detect(body, "http://x.example/story.htm", FAMILIES)
    assert [m.score for m in matches][:2] == [matches[0].score] * 2 and matches[0].is_match
    with pytest.raises(ParseError, match="equally"):
        choose_family(body, "http://x.example/story.htm", FAMILIES)
