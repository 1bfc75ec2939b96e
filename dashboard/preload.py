"""Import at server start what the first page runs would import, so no user waits for it.

Streamlit runs ``dashboard/app.py`` only when the first browser connects; that first run imported alembic,
SQLAlchemy's dialects, pandas (Streamlit turns chart data into pandas), PIL (the favicon) and every page's
modules, and the first Tiltak view took 2.6–3.3 s of which about 2 s were imports (py-spy, issue 18.5).
``laget run`` calls ``preload`` before it starts the server; the imports then land in ``sys.modules`` once, and
two first-time costs of the first run are paid here too (``warm``).
"""

from __future__ import annotations

import ast
import importlib
import logging
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = [ROOT / "dashboard" / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
# What Streamlit imports lazily on a page's first chart, table, data editor or image.
LAZY = ("pandas", "pyarrow", "PIL.Image", "streamlit.elements.lib.image_utils", "streamlit.dataframe_util",
        "altair", "sqlalchemy.dialects.sqlite", "alembic.runtime.migration", "alembic.command")

log = logging.getLogger("laget.preload")


def script_imports(paths: list[Path] = SCRIPTS) -> list[str]:
    """The absolute module names the entry and page scripts import (read from their source, not run)."""
    names: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
    return sorted(names)


def warm() -> None:
    """What the first page run of a process did once, without a database: Streamlit's check whether it runs in a
    REPL (``inspect.stack()`` with source lookup over every loaded module on the first element, 0.2–0.3 s of the
    first Tiltak view; under ``laget run`` it never is one, so the check is marked as done) and Babel's load of
    the Norwegian locale data on the first formatted number or date."""
    import datetime

    import streamlit.delta_generator as delta_generator

    from data_access.domain import formatting

    if hasattr(delta_generator, "_use_warning_has_been_displayed"):
        delta_generator._use_warning_has_been_displayed = True
    formatting.number(1234.5)
    formatting.day(datetime.date(2026, 1, 1))


def preload() -> list[str]:
    """Import every module the scripts need plus Streamlit's lazy ones; returns those that could not be
    imported (optional ones a deployment lacks), which are logged and left for the page run to report."""
    missing = []
    for name in [*script_imports(), *LAZY]:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            missing.append(name)
            log.warning("Laget preload: %s could not be imported (%s)", name, exc)
    warm()
    return missing
