"""Escaping user text for Markdown, so a tiltak named «*Viktig* [lenke](x)» is shown as typed, never formatted."""

from __future__ import annotations

import re

# Characters that start formatting anywhere in a line: emphasis, code, links/images (``(`` and ``!`` are
# harmless once ``[`` is escaped), HTML, tables, strikethrough, Streamlit's ``$math$`` and ``:name`` shortcodes
# and ``:red[...]`` directives. Block markers (``#``, ``>``, ``-``, ``+``, ``1.``) only matter at the start.
SPECIAL = re.compile(r"([\\`*_\[\]<>|~$]|:(?=[A-Za-z]))")
LINE_START = re.compile(r"^([#>+\-=])")
ORDERED = re.compile(r"^(\d+)([.)])")


def escape_markdown(text: str | None) -> str:
    """User text as literal Markdown on one line (newlines become spaces)."""
    flat = " ".join((text or "").split())
    text = LINE_START.sub(r"\\\1", SPECIAL.sub(r"\\\1", flat))
    return ORDERED.sub(r"\1\\\2", text)
