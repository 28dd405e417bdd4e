"""The layer order is whole and the import graph has no cycle (`lint-imports`, run by `make test`, checks that
each import points down the order written in pyproject.toml)."""

import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("service", "celery_tasks")


def _layered_modules() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["type"] == "layers")["layers"]
    names = set()
    for layer in layers:
        for name in layer.replace(":", "|").split("|"):
            names.add(name.strip().strip("()"))
    return names


def _modules() -> set[str]:
    """Every module with code: packages count when their __init__.py holds some (service.demo)."""
    found = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if path.name != "__init__.py":
                found.add(".".join(parts))
            elif len(parts) > 2 and path.read_text().strip():
                found.add(".".join(parts[:-1]))
    return found


def test_every_module_has_a_place_in_the_layer_order():
    layered = _layered_modules()
    # A layer may name a package (service.engine): its modules are in that layer.
    unplaced = {m for m in _modules() if not any(m == name or m.startswith(name + ".") for name in layered)}
    assert not unplaced, f"add these to the layers contract in pyproject.toml: {sorted(unplaced)}"


def test_no_module_is_named_in_the_order_that_does_not_exist():
    modules = _modules()
    stale = {name for name in _layered_modules() if name not in modules and not any(
        m.startswith(name + ".") for m in modules)}
    assert not stale, f"remove these from the layers contract: {sorted(stale)}"


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), i.e. import cycles."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_the_import_graph_has_no_cycle():
    graph = grimp.build_graph(*PACKAGES)
    assert _cycles(graph) == []


def test_a_cycle_is_found_when_there_is_one():
    graph = grimp.build_graph(*PACKAGES)
    graph.add_import(importer="service.db", imported="service.app")
    assert any({"service.db", "service.app"} <= set(cycle) for cycle in _cycles(graph))
