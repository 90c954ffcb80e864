"""The docs are self-contained: every project path, `python -m` module and `*.md` file that the README and docs/
name is in the project, and no file cites a design or research document the project does not have."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

# a relative path into the project: starts at one of its top-level folders, not inside a URL or another path
PATH_RE = re.compile(
    r"(?<![\w./:~-])(?:\.ci|benchmarks|crawler|data|docs|pipelines|schema|tests)/[\w./*<>{}-]*"
)
MODULE_RE = re.compile(r"python -m ((?:benchmarks|crawler|pipelines|schema|tests)(?:\.\w+)+)")
MD_NAME_RE = re.compile(r"(?<![\w./-])[\w-]+\.md\b")
# what a crawl or a command creates at run time under data/, not files of the project
RUNTIME = ("data/epaper.db", "data/archive", "data/locks", "data/jobs")
# Paths the concurrent issue-12 branches create (the lead merges them into one tree): docs/architecture.md
# describes the merged layout. Once a path exists, its entry must go (test_pending_paths_are_still_pending).
PENDING = frozenset(
    {
    }
)
# documents that were never part of the project (notebook and research notes)
FOREIGN_DOCS = re.compile(r"\b(?:DESIGN|layouts|conventions|style)\.md\b")
TEXT_SUFFIXES = {".py", ".md", ".toml", ".cfg", ".ini", ".txt", ".json", ".html", ".yml", ".yaml", ".sql", ""}
SCANNED = (
    "README.md",
    "pyproject.toml",
    "scrapy.cfg",
    "mypy.ini",
    ".ci",
    "benchmarks",
    "crawler",
    "data/papers.toml",
    "docs",
    "pipelines",
    "schema",
    "tests",
)


def _clean(token: str) -> str:
    return token.rstrip(".,:;)")


def mentioned_paths(text: str) -> set[str]:
    """Project paths named in a text, placeholders (`data/archive/<paper>/`) and run-time files left out."""
    paths = {_clean(m.group()) for m in PATH_RE.finditer(text)}
    return {p for p in paths if not re.search(r"[<>{}]", p) and not p.startswith(RUNTIME)}


def exists(path: str) -> bool:
    return bool(list(ROOT.glob(path.rstrip("/")))) if "*" in path else (ROOT / path).exists()


def _doc_id(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("doc", DOCS, ids=_doc_id)
def test_mentioned_paths_exist(doc: Path) -> None:
    missing = sorted(
        p for p in mentioned_paths(doc.read_text(encoding="utf-8")) if not exists(p) and p not in PENDING
    )
    assert not missing, f"{_doc_id(doc)} names paths the project does not have: {missing}"


@pytest.mark.parametrize("doc", DOCS, ids=_doc_id)
def test_mentioned_modules_exist(doc: Path) -> None:
    missing = []
    for module in sorted(set(MODULE_RE.findall(doc.read_text(encoding="utf-8")))):
        base = ROOT.joinpath(*module.split("."))
        if not (base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()):
            missing.append(module)
    assert not missing, f"{_doc_id(doc)} runs modules the project does not have: {missing}"


@pytest.mark.parametrize("doc", DOCS, ids=_doc_id)
def test_mentioned_markdown_files_exist(doc: Path) -> None:
    known = {p.name for p in DOCS}
    known |= {
        p.name
        for folder in ("tests", "benchmarks", "crawler", "schema")
        for p in (ROOT / folder).rglob("*.md")
    }
    names = {m.group() for m in MD_NAME_RE.finditer(doc.read_text(encoding="utf-8"))}
    assert not sorted(names - known), (
        f"{_doc_id(doc)} names documents the project lacks: {sorted(names - known)}"
    )


def test_pending_paths_are_still_pending() -> None:
    arrived = sorted(p for p in PENDING if exists(p))
    assert not arrived, f"these paths exist now: drop them from PENDING in {Path(__file__).name}: {arrived}"


def _project_files() -> list[Path]:
    files: list[Path] = []
    for name in SCANNED:
        top = ROOT / name
        candidates = [top] if top.is_file() else sorted(top.rglob("*")) if top.is_dir() else []
        files += [
            p
            for p in candidates
            if p.is_file() and p.suffix in TEXT_SUFFIXES and "__pycache__" not in p.parts
        ]
    return [p for p in files if p != Path(__file__).resolve()]


def test_no_file_cites_documents_outside_the_project() -> None:
    citing = []
    for path in _project_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        citing += [f"{_doc_id(path)}: {m.group()}" for m in FOREIGN_DOCS.finditer(text)]
    assert not citing, (
        "cited documents that are not in the project (point at docs/ or state the fact): " + ", ".join(citing)
    )


def test_the_checks_see_what_they_should() -> None:
    """The path and citation patterns on a sample: a placeholder and a URL are not paths, a bare name is."""
    text = "see docs/operations.md, crawler/settings.py; data/archive/<paper>/ http://h/crawler/x.py tests/text/floors*.json"
    assert mentioned_paths(text) == {"docs/operations.md", "crawler/settings.py", "tests/text/floors*.json"}
    assert exists("tests/text/floors*.json") and not exists("crawler/no_such_module.py")
    assert FOREIGN_DOCS.search("(DESIGN.md §4)") and not FOREIGN_DOCS.search("docs/architecture.md")
