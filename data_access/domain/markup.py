"""User text inside Markdown, escaped so every viewer (Streamlit, a Markdown file viewer, the PDF) shows it
literally: no links, images, HTML, headings, lists or emphasis from what someone typed.

CommonMark lets any ASCII punctuation be escaped with a backslash. We escape what can start Markdown, GFM or
Streamlit syntax, and no more, so a downloaded referat stays readable: brackets (links, images, Streamlit
directives), ``<`` ``>`` ``&`` (HTML, entities), emphasis/code/table/math characters, ``@`` and the ``://`` and
``www.`` of autolinks, and line-start markers (headings, lists, quotes, setext lines). Line breaks stay line
breaks (hard breaks) and leading blanks stay (as non-breaking spaces), so a multi-line description keeps its shape.
"""

from __future__ import annotations

import re

ALWAYS = re.compile(r"([\\`*_{}\[\]<>|~$&@#])")
AUTOLINK_SCHEME = re.compile(r":(?=//)")
AUTOLINK_WWW = re.compile(r"(?i)(?<![A-Za-z0-9])(www)\.")  # GFM links www. after _ * ~ ( too
LINE_START = re.compile(r"^(\s*)([#+\-=])")
ORDERED_LIST = re.compile(r"^(\s*\d+)([.)])")
INDENT = re.compile(r"^[ \t]+")
ESCAPED = re.compile(r"\\([\\`*_{}\[\]<>|~$&@:.#+\-=)])")


def _line(text: str, starts_line: bool) -> str:
    text = ALWAYS.sub(r"\\\1", text)
    text = AUTOLINK_SCHEME.sub(r"\\:", text)
    text = AUTOLINK_WWW.sub(r"\1\\.", text)
    if not starts_line:
        return text
    # leading blanks as non-breaking spaces: indented, but never an indented code block
    text = INDENT.sub(lambda m: m.group(0).replace("\t", "    ").replace(" ", "\u00a0"), text)
    text = LINE_START.sub(r"\1\\\2", text)
    return ORDERED_LIST.sub(r"\1\\\2", text)


def escape_markdown(text: object, *, inline: bool = False) -> str:
    """``text`` as Markdown that renders to exactly ``text``.

    ``inline``: the text follows other text on its line (``**Deltakere:** …``), so its first line cannot start a
    heading or list and needs no line-start escapes (a date stays «01.03.2027», not «01\\.03.2027»)."""
    value = "" if text is None else str(text)
    return "  \n".join(_line(line, i > 0 or not inline) for i, line in enumerate(value.splitlines()))


def unescape_markdown(text: str) -> str:
    """Undo ``escape_markdown`` within one line (the PDF draws the text itself)."""
    return ESCAPED.sub(r"\1", text)


DEFANG = re.compile(r"(?<!\\)(\[|<|://)|(?<![\\\w])(www)\.", re.IGNORECASE)


def defang_markdown(markdown: str) -> str:
    """Markdown we wrote ourselves but that may hold raw user text (minutes stored before user text was
    escaped): keep its headings and bold, but no link, image, autolink or HTML can form. Escaped text is
    left as it is."""
    def fix(m: re.Match) -> str:
        if m.group(2):
            return m.group(2) + "\\."
        token = m.group(1)
        return "\\" + token  # no "[" starts a link or image, no "<" HTML, no "://" an autolink

    return DEFANG.sub(fix, markdown or "")
