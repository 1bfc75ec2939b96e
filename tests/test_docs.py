"""The README is checked, not trusted: every file and every ``module.name`` it cites exists (issue 21)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PACKAGES = ("data_access", "dashboard", "config", "pages", "tests", "benchmarks", "scripts")


def cited_paths(text: str) -> list[str]:
    """Paths in backticks that start with a project folder (pure)."""
    return sorted({m for m in re.findall(r"`([\w./-]+)`", text)
                   if m.split("/")[0] in PACKAGES and "/" in m and not any(p.startswith(".") for p in m.split("/"))})


def cited_names(text: str) -> list[str]:
    """Dotted names in backticks that start with a project package, e.g. `dashboard.ui.attempt` (pure)."""
    return sorted({m for m in re.findall(r"`([A-Za-z_][\w.]+)`", text) if m.split(".")[0] in PACKAGES and "." in m})


def resolve(dotted: str) -> object:
    """The object a dotted name points at: the longest importable module, then attributes."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(dotted)


def test_the_readme_cites_something() -> None:
    assert "data_access/db/uow.py" in cited_paths(README) and "dashboard.ui.attempt" in cited_names(README)


@pytest.mark.parametrize("path", cited_paths(README))
def test_every_cited_file_exists(path: str) -> None:
    assert (ROOT / path.rstrip("/")).exists(), path


@pytest.mark.parametrize("name", cited_names(README))
def test_every_cited_name_exists(name: str) -> None:
    resolve(name)
