"""The layers have one-way doors: crawler → pipelines → schema, and no import cycle among the project's modules.

Every module of crawler/, pipelines/ and schema/ is parsed (not imported), so a function-local import counts as
much as one at the top: it runs as soon as the function does.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"crawler": 2, "pipelines": 1, "schema": 0}  # a module may import from its own layer or one below


@cache
def project_modules() -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _project_module(name: str) -> str | None:
    """The project module an imported name lives in (a package's __init__ for a name it defines)."""
    modules = project_modules()
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imported_names(module: str, path: Path) -> Iterator[str]:
    """Every dotted name the module imports, absolute, wherever in the module the import statement stands, but
    for a script guard (`if __name__ == "__main__":`): that code runs only as a command, never as the module that
    others import, so a `python -m schema.docs` that hands over to crawler/cli is not a door up a layer."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    tree.body = [node for node in tree.body if not _is_main_guard(node)]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:  # `from package import module` imports the module
                yield f"{source}.{alias.name}" if f"{source}.{alias.name}" in project_modules() else source


def _is_main_guard(node: ast.stmt) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and any(isinstance(c, ast.Constant) and c.value == "__main__" for c in test.comparators)
    )


@cache
def import_graph() -> dict[str, frozenset[str]]:
    graph: dict[str, frozenset[str]] = {}
    for module, path in project_modules().items():
        targets = {_project_module(name) for name in imported_names(module, path)}
        graph[module] = frozenset(t for t in targets if t is not None and t != module)
    return graph


def cycles(graph: dict[str, frozenset[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_every_module_is_seen() -> None:
    modules = project_modules()
    for expected in ("crawler.spiders.epaper", "pipelines.store", "schema.store", "schema.migrations.env"):
        assert expected in modules


def test_no_import_runs_up_a_layer() -> None:
    upward = sorted(
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        for target in targets
        if LAYERS[target.split(".")[0]] > LAYERS[module.split(".")[0]]
    )
    assert upward == []


def test_no_import_cycle_among_modules() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"}), "d": frozenset({"a"})}
    assert cycles({k: frozenset(v) for k, v in graph.items()}) == [["a", "b", "c"]]
    assert cycles({"a": frozenset({"b"}), "b": frozenset()}) == []


# rooms by concern: the fixture site's story prose and the migrations are data, not rooms to hold in one's head
MAX_LINES = 600
LONG_BY_NATURE = ("crawler.testsite.content", "schema.migrations.")


def test_argparse_lives_only_in_the_command_line_room() -> None:
    """The command line is built in crawler/cli/ (and Scrapy's crawler/commands/); engine modules take values."""
    builders = sorted(
        module
        for module, path in project_modules().items()
        if not module.startswith(("crawler.cli", "crawler.commands"))
        and any(name.split(".")[0] == "argparse" for name in imported_names(module, path))
    )
    assert builders == []


def test_no_source_file_is_over_the_room_size() -> None:
    too_long = sorted(
        f"{module}: {lines} lines"
        for module, path in project_modules().items()
        if not module.startswith(LONG_BY_NATURE)
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    )
    assert too_long == []
