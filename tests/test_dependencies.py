"""Every third-party import is declared in pyproject.toml, and every module imports in a fresh interpreter.

A package installed by hand on a developer's machine makes the suite pass there and the README's set-up fail on a
fresh one (warcio once did exactly that). CI installs the project into a brand-new virtual environment; these tests
make a missing declaration fail there, whichever module holds the import.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("crawler", "pipelines", "schema")
LOCAL = {*PACKAGES, "tests", "benchmarks"}
# modules that run something when imported: alembic's env.py (needs a migration context), and every __main__
NOT_IMPORTABLE = {"schema.migrations.env"}


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.split(r"[ <>=!~;\[(]", requirement, maxsplit=1)[0]).lower()


def declared_distributions() -> set[str]:
    """The distributions pyproject.toml names, core and every extra, normalised."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        wanted += extra
    return {_name(r) for r in wanted}


def imported_top_levels(path: Path) -> set[str]:
    """Top-level names of the absolute imports in one file (conditional and function-local ones included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def project_files() -> list[Path]:
    return sorted(p for top in (*PACKAGES, "tests", "benchmarks") for p in (ROOT / top).rglob("*.py"))


def test_every_third_party_import_is_declared_by_name() -> None:
    declared = declared_distributions()
    providers = metadata.packages_distributions()
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    undeclared: dict[str, set[str]] = {}
    for path in project_files():
        for top in imported_top_levels(path) - stdlib - LOCAL:
            dists = providers.get(top)
            if dists is None and top == "tomli":
                continue  # declared for Python < 3.11 only, imported only there
            if not dists or not any(_name(d) in declared for d in dists):
                undeclared.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    assert not undeclared, (
        "imports that pyproject.toml does not declare (or that are not installed): "
        + "; ".join(f"{top} in {', '.join(sorted(files))}" for top, files in sorted(undeclared.items()))
    )


def project_modules() -> list[str]:
    modules = []
    for top in PACKAGES:
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            name = ".".join(parts)
            if name not in NOT_IMPORTABLE and "versions" not in parts and parts[-1] != "__main__":
                modules.append(name)
    return modules


def test_every_module_imports_in_a_fresh_interpreter() -> None:
    modules = project_modules()
    assert len(modules) > 40, modules  # the walk found the packages
    script = (
        "import importlib, sys, traceback\n"
        "bad = []\n"
        f"for name in {modules!r}:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as exc:\n"
        "        bad.append(f'{name}: {type(exc).__name__}: {exc}')\n"
        "print('\\n'.join(bad))\n"
        "sys.exit(1 if bad else 0)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"modules that do not import:\n{done.stdout}{done.stderr[-2000:]}"


def test_the_scrapy_floor_is_one_whose_pipelines_need_no_spider_argument() -> None:
    """Our stages define process_item(item) without a spider: Scrapy before 2.14 would call it with two."""
    import inspect

    from pipelines.stages import _Stage
    from pipelines.store import StorePipeline

    for method in (_Stage.process_item, StorePipeline.process_item, StorePipeline.open_spider):
        assert "spider" not in inspect.signature(method).parameters, method
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    (scrapy,) = [r for r in project["dependencies"] if _name(r) == "scrapy"]
    floor = re.search(r">=\s*([\d.]+)", scrapy)
    assert floor, scrapy
    assert tuple(int(x) for x in floor.group(1).split(".")[:2]) >= (2, 14)
