"""Golden fixtures of the layout families: record a payload, refresh expected output for review.

A fixture directory holds `body.bin` (the payload exactly as served), `meta.json` (url, edition_date, family,
kind, headers) and `expected.json` (the record's `to_json()`, sorted keys, indented). A payload whose parse needs
companion documents (a `…_plist.htm`, a `data.js`: contract.NeedsDocuments) keeps them beside it as
`doc-1.bin`, `doc-2.bin` … with `documents.json` mapping each document's URL to its file. `refresh` rewrites the
expected files from the current parsers so that a parser change shows up as a reviewable diff.

    python -m crawler.families.fixtures refresh [DIR ...]
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from crawler.families import get_family

DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "tests" / "families" / "fixtures"


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def load_meta(case_dir: Path) -> dict[str, Any]:
    return json.loads((Path(case_dir) / "meta.json").read_text(encoding="utf-8"))


def load_documents(case_dir: str | Path) -> dict[str, bytes]:
    """The companion documents of a fixture ({url: bytes} from documents.json), {} when it has none."""
    manifest = Path(case_dir) / "documents.json"
    if not manifest.exists():
        return {}
    files = json.loads(manifest.read_text(encoding="utf-8"))
    return {url: (Path(case_dir) / name).read_bytes() for url, name in files.items()}


def parse_case(case_dir: str | Path) -> dict[str, Any]:
    """The current parsers' JSON for a fixture directory."""
    case_dir = Path(case_dir)
    meta = load_meta(case_dir)
    body = (case_dir / "body.bin").read_bytes()
    family = get_family(meta["family"])
    date = dt.date.fromisoformat(meta["edition_date"]) if meta.get("edition_date") else None
    headers = meta.get("headers") or {}
    options = dict(meta.get("options") or {})
    documents = load_documents(case_dir)
    if documents:
        options["documents"] = documents
    kind = meta["kind"]
    if kind == "entry":
        return {"kind": "entry", "url": meta["url"], "target": family.parse_entry(body, meta["url"], headers)}
    if kind == "article":
        return family.parse_article(body, meta["url"], date, headers, options).to_json()
    return family.parse_page(body, meta["url"], date, headers, options).to_json()


def record_fixture(
    dest_dir: str | Path,
    body: bytes,
    url: str,
    edition_date: dt.date | str | None,
    family: str,
    kind: str,
    headers: Mapping[str, str] | None = None,
    options: Mapping[str, Any] | None = None,
    documents: Mapping[str, bytes] | None = None,
) -> Path:
    """Write body.bin, meta.json, the companion documents and expected.json (from the current parser)."""
    dest = Path(dest_dir)
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "body.bin").write_bytes(body)
    if documents:
        names = {doc_url: f"doc-{i}.bin" for i, doc_url in enumerate(documents, start=1)}
        for doc_url, name in names.items():
            (dest / name).write_bytes(documents[doc_url])
        (dest / "documents.json").write_text(_dump(names), encoding="utf-8")
    meta: dict[str, Any] = {
        "url": url,
        "edition_date": edition_date.isoformat() if isinstance(edition_date, dt.date) else edition_date,
        "family": family,
        "kind": kind,
        "headers": dict(headers or {}),
    }
    if options:
        meta["options"] = dict(options)
    (dest / "meta.json").write_text(_dump(meta), encoding="utf-8")
    (dest / "expected.json").write_text(_dump(parse_case(dest)), encoding="utf-8")
    return dest


def refresh_expected(case_dir: str | Path) -> bool:
    """Rewrite expected.json from the current parser; True when its content changed."""
    path = Path(case_dir) / "expected.json"
    new = _dump(parse_case(case_dir))
    old = path.read_text(encoding="utf-8") if path.exists() else None
    if new == old:
        return False
    path.write_text(new, encoding="utf-8")
    return True


def case_dirs(roots: list[Path]) -> list[Path]:
    """Fixture directories (those with a meta.json) under the given roots, sorted."""
    found: set[Path] = set()
    for root in roots:
        if (root / "meta.json").exists():
            found.add(root)
        found.update(p.parent for p in root.rglob("meta.json"))
    return sorted(found)


if __name__ == "__main__":  # pragma: no cover - `python -m crawler.families.fixtures refresh`: crawler/cli/fixtures.py
    from crawler.cli.fixtures import main

    sys.exit(main())
