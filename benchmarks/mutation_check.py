"""A small mutation check: plausible one-line bugs in the rules that matter, and whether the tests notice.

Each mutation below is a small bug someone could plausibly write (join the first of several candidates, drop a
paper's OpenCC region, key an article by its full URL, lose a byline's organisation). They are applied one at a
time to a temporary copy of the source tree (never to the checkout), and the tests that cover that code run on
the copy; a mutation is killed when they fail. The score (killed/total) and the survivors are printed: a
survivor is a blind spot of the tests. Reported, not asserted.

    python benchmarks/mutation_check.py [--list] [--only NAME ...] [--json OUT] [--timeout SECONDS]

Run with the project's venv python. The tests run as `python -m pytest -x -q` in the copy, with the same
environment (EPAPER_REQUIRE_SERVICES, EPAPER_TEST_PG_URL, ...): a PostgreSQL-backed test skips or fails there as it
would in the checkout. An unmutated run comes first: when it fails, no score is given.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# what the copy needs to import the project and run its tests (data/ is the registry; no archive, no venv)
COPIED = ("crawler", "pipelines", "schema", "tests", "data/papers.toml", "pyproject.toml", "scrapy.cfg")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")

LINKER = ("tests/editions/test_continuation_linking.py", "tests/editions/test_store_joining.py")
SCRIPT = ("tests/text/test_script.py", "tests/text/test_stages.py", "tests/text/test_regional_variants.py")
BYLINES = ("tests/text/test_attribution.py",)
KEYS = ("tests/storage/test_site_move.py", "tests/storage/test_store.py")


@dataclass(frozen=True)
class Mutation:
    name: str
    path: str  # relative to the project root
    old: str  # must occur exactly once in the file
    new: str
    tests: tuple[str, ...]
    why: str


MUTATIONS: tuple[Mutation, ...] = (
    # continuation linker (pipelines/text/continuation.py)
    Mutation(
        "linker-first-of-several",
        "pipelines/text/continuation.py",
        "            if len(answering) == 1:\n",
        "            if answering:\n",
        LINKER,
        "joins the first of several title-matching candidates instead of leaving the story apart",
    ),
    Mutation(
        "linker-first-unmarked",
        "pipelines/text/continuation.py",
        "                if len(unmarked) == 1:\n                    answering = unmarked\n",
        "                if unmarked:\n                    answering = unmarked[:1]\n",
        LINKER,
        "takes the first of two unmarked title matches",
    ),
    Mutation(
        "linker-no-title-filter",
        "pipelines/text/continuation.py",
        "answering = [p for p in answering if titles_match(head.title, p.title)]",
        "answering = answering[:1]",
        LINKER,
        "picks by position, not by title, among several answering pieces",
    ),
    Mutation(
        "linker-shared-tail",
        "pipelines/text/continuation.py",
        "        if len(heads) == 1:\n",
        "        if heads:\n",
        LINKER,
        "gives a piece claimed by two heads to the first",
    ),
    Mutation(
        "linker-prefix-only",
        "pipelines/text/continuation.py",
        " or x.endswith(y) or y.endswith(x)",
        "",
        LINKER,
        "forgets that a jump head may be the end of the title",
    ),
    # OpenCC region (registry → spider → stages → script)
    Mutation(
        "region-dropped-in-stages",
        "pipelines/stages.py",
        "fill_simplified(text, self.region_of.get(item.paper, item.region))",
        "fill_simplified(text, self.region_of.get(item.paper))",
        SCRIPT,
        "the text stages ignore the item's region: HK/TW papers get mainland t2s",
    ),
    Mutation(
        "region-dropped-by-spider",
        "crawler/spiders/epaper.py",
        "            region=paper.region_code,\n",
        "",
        SCRIPT,
        "the spider does not pass the registry's region_code on",
    ),
    Mutation(
        "region-not-read",
        "crawler/registry.py",
        'region_code=str(entry.get("region_code", "mainland")),',
        'region_code="mainland",',
        SCRIPT,
        "the registry ignores region_code",
    ),
    Mutation(
        "region-hk-table",
        "pipelines/text/script.py",
        '"hk": "hk2s.json"',
        '"hk": "t2s.json"',
        SCRIPT,
        "Hong Kong text converted with the mainland table",
    ),
    Mutation(
        "region-dropped-in-joins",
        "pipelines/joining.py",
        'values["body_simplified"] = to_simplified(body, region)',
        'values["body_simplified"] = to_simplified(body)',
        LINKER,
        "a joined HK/TW story's simplified body is rebuilt with mainland t2s",
    ),
    # bylines (pipelines/text/attribution.py)
    Mutation(
        "byline-org-not-carried",
        "pipelines/text/attribution.py",
        'org = tok.group("org") or (org if not editor else None)',
        'org = tok.group("org")',
        BYLINES,
        "本报记者 A 实习生 B: B loses 本报",
    ),
    Mutation(
        "byline-photo-role",
        "pipelines/text/attribution.py",
        '                    b.role = "摄影"\n',
        '                    b.role = "记者"\n',
        BYLINES,
        "a 摄 credit does not make the people photographers",
    ),
    Mutation(
        "byline-long-names",
        "pipelines/text/attribution.py",
        "(12 if plain != name else 4)",
        "(12 if plain != name else 6)",
        BYLINES,
        "a run of five or six Han characters is taken for a name",
    ),
    # natural keys (crawler/families/contract.py, schema/store.py)
    Mutation(
        "key-store-full-url",
        "schema/store.py",
        "    return urlsplit(url).path or url\n",
        "    return url\n",
        KEYS,
        "the store keys an article without a parser key by its full URL (a move duplicates rows)",
    ),
    Mutation(
        "key-family-full-url",
        "crawler/families/contract.py",
        "            return stem\n        return urlsplit(url).path\n",
        "            return stem\n        return url\n",
        KEYS + ("tests/families",),
        "the family keys a non-content_N article by its full URL",
    ),
    Mutation(
        "key-family-always-full-url",
        "crawler/families/contract.py",
        '        if stem.startswith("content_"):\n            return stem\n        return urlsplit(url).path\n',
        "        return url\n",
        ("tests/crawl/test_site_move.py",),
        "every article, content_N too, keyed by its full URL: a crawl after a move duplicates the edition",
    ),
    Mutation(
        "key-content-hash-ignored",
        "schema/store.py",
        "(ARTICLE.c.content_hash == stmt.excluded.content_hash, ARTICLE.c.changed_at)",
        "(ARTICLE.c.content_hash != stmt.excluded.content_hash, ARTICLE.c.changed_at)",
        KEYS,
        "changed_at moves on every re-crawl, also when nothing changed",
    ),
)


@dataclass
class Outcome:
    name: str
    status: str  # killed | survived | timeout | error (mutation not applied, or the tests could not run)
    seconds: float
    why: str
    detail: str = ""


def copy_tree(dest: Path) -> None:
    for rel in COPIED:
        src = ROOT / rel
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, target, ignore=IGNORED)
        elif src.exists():
            shutil.copy2(src, target)


def run_tests(tree: Path, tests: tuple[str, ...], timeout: float) -> tuple[int | None, str]:
    """pytest in the copy; the copy comes first on sys.path, before the editable install of the checkout."""
    env = dict(
        os.environ,
        PYTHONPATH=str(tree) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        PYTHONDONTWRITEBYTECODE="1",
    )
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]
    try:
        proc = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout:.0f}s"
    lines = (proc.stdout + proc.stderr).strip().splitlines()
    return proc.returncode, lines[-1] if lines else ""


def imports_from(tree: Path) -> Path:
    """Where the copy's python imports the project from (must be the copy, or every mutation survives)."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run(
        [sys.executable, "-c", "import crawler, pipelines, schema; print(crawler.__file__)"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return Path(out).resolve().parents[1]


def check(mutation: Mutation, tree: Path, timeout: float) -> Outcome:
    target = tree / mutation.path
    original = target.read_text(encoding="utf-8")
    if original.count(mutation.old) != 1:
        why = f"the text to mutate occurs {original.count(mutation.old)} times in {mutation.path} (code changed?)"
        return Outcome(mutation.name, "error", 0.0, mutation.why, why)
    target.write_text(original.replace(mutation.old, mutation.new), encoding="utf-8")
    started = time.monotonic()
    try:
        code, last = run_tests(tree, mutation.tests, timeout)
    finally:
        target.write_text(original, encoding="utf-8")
    seconds = time.monotonic() - started
    if code is None:
        return Outcome(mutation.name, "timeout", seconds, mutation.why, last)
    if code == 0:
        return Outcome(mutation.name, "survived", seconds, mutation.why, last)
    if code == 1 and " failed" in last:
        return Outcome(mutation.name, "killed", seconds, mutation.why, last)
    # only errors (a fixture that could not set up, e.g. a busy PostgreSQL): not a verdict on the mutation
    return Outcome(mutation.name, "error", seconds, mutation.why, f"pytest exit {code}: {last}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="list the mutations and exit")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these mutations")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the outcomes as JSON")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per test run (default 600)")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTATIONS if not args.only or m.name in args.only]
    if args.list:
        for m in MUTATIONS:
            print(f"{m.name:26} {m.path:34} {m.why}")
        return 0
    unknown = set(args.only or ()) - {m.name for m in MUTATIONS}
    if unknown:
        parser.error(f"unknown mutation(s): {', '.join(sorted(unknown))}")
    with tempfile.TemporaryDirectory(prefix="epaper-mutants-") as tmp:
        tree = Path(tmp)
        copy_tree(tree)
        if imports_from(tree) != tree.resolve():
            print(f"the copy imports the project from {imports_from(tree)}, not from {tree}", file=sys.stderr)
            return 2
        tests = tuple(dict.fromkeys(t for m in chosen for t in m.tests))
        code, last = run_tests(tree, tests, args.timeout)
        if code != 0:
            print(f"the unmutated tests do not pass ({last}): no score", file=sys.stderr)
            return 2
        outcomes = []
        for mutation in chosen:
            outcome = check(mutation, tree, args.timeout)
            outcomes.append(outcome)
            print(f"{outcome.status:9} {outcome.seconds:6.1f}s  {outcome.name:26} {outcome.why}", flush=True)
            if outcome.status in ("survived", "error"):
                print(f"{'':18}{outcome.detail}", flush=True)
    killed = sum(o.status in ("killed", "timeout") for o in outcomes)
    scored = sum(o.status != "error" for o in outcomes)
    print(
        f"mutation score: {killed}/{scored} killed"
        + (f" ({len(outcomes) - scored} not applied)" if scored < len(outcomes) else "")
    )
    if args.json:
        args.json.write_text(
            json.dumps([asdict(o) for o in outcomes], ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
