"""Every way a click reaches the server outside the entry point checks the session (issue 17.1).

A fragment reruns without ``dashboard/app.py`` and a download builds its file on a thread of its own; both
skip the entry point's session check. So every fragment starts with ``fresh_context()`` (which checks the
session again) and every download goes through ``dashboard.ui.download`` (which checks it when the file is
built). Writes are covered whatever the path: the unit of work reads the session itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UI_CODE = [p for folder in ("dashboard", "pages") for p in sorted((ROOT / folder).rglob("*.py"))]


def fragments_without_check(source: str) -> list[str]:
    """Names of ``@st.fragment`` functions whose first statement (after the docstring) is not
    ``ctx = fresh_context()`` (pure)."""
    bad = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef):
            continue
        decorated = any((isinstance(d, ast.Attribute) and d.attr == "fragment")
                        or (isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr == "fragment")
                        for d in node.decorator_list)
        if not decorated:
            continue
        body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        first = body[0] if body else None
        call = first.value if isinstance(first, ast.Assign | ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "fresh_context"):
            bad.append(node.name)
    return bad


def direct_downloads(source: str) -> list[int]:
    """Lines that call ``download_button`` themselves instead of ``dashboard.ui.download`` (pure)."""
    return [node.lineno for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "download_button"]


def test_the_scans_find_what_they_look_for() -> None:
    code = ("@st.fragment\ndef a():\n    '''doc'''\n    ctx = fresh_context()\n"
            "@st.fragment()\ndef b():\n    ctx = page_context()\n"
            "st.download_button('x', data=b'')\n")
    assert fragments_without_check(code) == ["b"]
    assert direct_downloads(code) == [8]


@pytest.mark.parametrize("path", UI_CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_fragment_checks_the_session_first(path: Path) -> None:
    assert fragments_without_check(path.read_text(encoding="utf-8")) == [], path


@pytest.mark.parametrize("path", [p for p in UI_CODE if p.name != "ui.py"], ids=lambda p: str(p.relative_to(ROOT)))
def test_every_download_goes_through_the_guarded_button(path: Path) -> None:
    assert direct_downloads(path.read_text(encoding="utf-8")) == [], path
