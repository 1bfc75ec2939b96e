"""No Python function inside a polars expression, and no pandas round trip, anywhere the server runs.

A Python callback (``map_elements``, ``map_batches``, ``map_rows``, ``apply``, ``map_groups``) runs on polars'
thread pool and needs the GIL there; ``to_pandas`` and ``collect`` in another session's thread hold the GIL while
they wait for that pool. Together they deadlock the whole web server (issue 23; pola-rs/polars 10970, 26821,
27396). Format in plain Python with ``data_access.domain.frames.python_column`` instead."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVER_CODE = [p for folder in ("dashboard", "data_access", "pages", "config")
               for p in sorted((ROOT / folder).rglob("*.py"))]
FORBIDDEN = {"map_elements", "map_batches", "map_rows", "map_groups", "apply", "to_pandas", "pipe_with_schema"}


def forbidden_calls(source: str) -> list[tuple[int, str]]:
    """(line, method) of every call of a forbidden method name, whatever the object (pure)."""
    return [(node.lineno, node.func.attr) for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in FORBIDDEN]


def test_the_scan_finds_a_callback() -> None:
    assert forbidden_calls("import polars as pl\nx = pl.col('a').map_elements(str)\ny = df.to_pandas()") == [
        (2, "map_elements"), (3, "to_pandas")]


@pytest.mark.parametrize("path", SERVER_CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_python_callback_in_polars(path: Path) -> None:
    assert forbidden_calls(path.read_text(encoding="utf-8")) == [], path
