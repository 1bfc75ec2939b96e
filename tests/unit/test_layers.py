"""The layers stay visible: no module imports a layer above its own, and no two modules import each other.

data_access/domain (pure rules) < db < reads < formats and outside < writes < dashboard < pages. A module may
import its own layer and those below; function-level imports count too, since they are how cycles hide."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RANK = {"data_access.domain": 0, "data_access.db": 1, "data_access.outside": 3, "data_access.reads": 2,
        "data_access.formats": 3, "data_access.writes": 4, "dashboard": 5, "pages": 6, "config": 0,
        "data_access": 0}  # the package itself only: every module in it belongs to a layer below
SOURCES = sorted(p for folder in ("data_access", "dashboard", "pages", "config") for p in (ROOT / folder).rglob("*.py")
                 if "migrations" not in p.parts)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> str | None:
    """The longest layer prefix of a dotted module name (pure)."""
    return max((p for p in RANK if module == p or module.startswith(p + ".")), key=len, default=None)


def imports(path: Path) -> set[str]:
    """Every project module ``path`` imports, at module level or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {f"{node.module}.{a.name}" for a in node.names} | {node.module}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    modules = {module_name(p) for p in SOURCES}
    return {m for m in found if m in modules}


GRAPH = {module_name(p): imports(p) - {module_name(p)} for p in SOURCES}


def test_every_module_has_a_layer() -> None:
    assert [m for m in GRAPH if layer(m) is None or (layer(m) == "data_access" and m != "data_access")] == []


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_upward_import(module: str) -> None:
    upward = sorted(m for m in GRAPH[module] if layer(m) and RANK[layer(m)] > RANK[layer(module)])
    assert upward == [], f"{module} ({layer(module)}) imports a higher layer"


def test_no_import_cycles() -> None:
    cycles, state = [], {}

    def visit(m: str, stack: list[str]) -> None:
        state[m] = "open"
        for n in sorted(GRAPH.get(m, ())):
            if n in GRAPH and state.get(n) == "open":
                cycles.append(stack[stack.index(n):] + [n])
            elif n in GRAPH and n not in state:
                visit(n, [*stack, n])
        state[m] = "done"

    for m in sorted(GRAPH):
        if m not in state:
            visit(m, [m])
    assert cycles == []


def test_data_access_never_imports_streamlit() -> None:
    offenders = [module_name(p) for p in SOURCES if module_name(p).startswith("data_access")
                 and any(isinstance(n, ast.Import | ast.ImportFrom) and "streamlit" in ast.unparse(n)
                         for n in ast.walk(ast.parse(p.read_text(encoding="utf-8"))))]
    assert offenders == []


def test_app_code_reads_with_reading_and_writes_with_a_unit_of_work() -> None:
    """``session_scope`` is for tests and tools only: the app's reads are ``reading``, its writes ``UnitOfWork``."""
    users = [module_name(p) for p in SOURCES if module_name(p) != "data_access.db.engine"
             and any(getattr(n, "id", getattr(n, "attr", None)) == "session_scope"
                     for n in ast.walk(ast.parse(p.read_text(encoding="utf-8"))))]
    assert users == []
