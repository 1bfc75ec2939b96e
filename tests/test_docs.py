"""The README is checked, not trusted: every file and every ``module.name`` it cites exists (issue 21)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from config.settings import DEFAULTS, SETTINGS

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


def settings_table(text: str) -> dict[str, str]:
    """The README's settings table: variable -> its default cell (pure)."""
    section = text.split("## Settings", 1)[1].split("\n## ", 1)[0]
    return {m.group(1): m.group(2).strip() for m in re.finditer(r"^\| `(\w+)` \| ([^|]*) \|", section, re.M)}


def shown(default: object) -> str:
    """A default as the README writes it: `1`/`0` for flags, `8` for 8.0, – for nothing (pure)."""
    if isinstance(default, bool):
        return f"`{int(default)}`"
    if isinstance(default, float):
        return f"`{default:g}`"
    if isinstance(default, tuple):
        return "=".join(default[0])
    if default in (None, ""):
        return "–"
    return f"`{default}`"


def test_the_settings_table_lists_exactly_the_settings() -> None:
    assert sorted(settings_table(README)) == sorted(SETTINGS)


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_the_readme_gives_each_default(name: str) -> None:
    cell, default = settings_table(README).get(name, ""), getattr(DEFAULTS, SETTINGS[name])
    assert shown(default) in cell or (default is None and cell.startswith("none")), (name, cell, default)
