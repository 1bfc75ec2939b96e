"""The meeting minutes as PDF, rendered from their Markdown with fpdf2 (no browser, no LaTeX).

Only the Markdown ``build_minutes`` writes is understood: headings, "- " bullets, ``**bold**`` and backslash
escapes. The text is drawn by us, not by fpdf2's own markdown mode, which would turn ``[x](url)`` in user
text into a live link; user text arrives escaped and is drawn literally.
"""

from __future__ import annotations

import re
from pathlib import Path

from fpdf import FPDF

from data_access.markup import unescape_markdown

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu")]
LATIN1_FALLBACK = {"–": "-", "—": "-", "→": "->", "…": "...", "“": '"', "”": '"', "’": "'"}


def _font(pdf: FPDF) -> tuple[str, bool]:
    """DejaVu when installed (all of Norwegian and arrows), else Helvetica with Latin-1 text."""
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdf.add_font("DejaVu", "", str(regular))
            pdf.add_font("DejaVu", "B", str(bold))
            return "DejaVu", True
    return "Helvetica", False


def _clean(text: str, unicode_ok: bool) -> str:
    if unicode_ok:
        return text
    for a, b in LATIN1_FALLBACK.items():
        text = text.replace(a, b)
    return text.encode("latin-1", "replace").decode("latin-1")


TOKEN = re.compile(r"\\.|\*\*|[^\\*]+|.", re.DOTALL)


def _runs(line: str) -> list[tuple[bool, str]]:
    """(bold, literal text) pieces of one line: ``**`` toggles bold, a backslash escape is its character."""
    runs: list[tuple[bool, str]] = []
    bold, text = False, ""
    for token in TOKEN.findall(line):
        if token == "**":
            if text:
                runs.append((bold, text))
            bold, text = not bold, ""
        else:
            text += unescape_markdown(token)
    if text:
        runs.append((bold, text))
    return runs


def _paragraph(pdf: FPDF, family: str, line: str, unicode_ok: bool, indent: float = 0) -> None:
    pdf.set_left_margin(pdf.l_margin + indent)
    pdf.set_x(pdf.l_margin)
    for bold, text in _runs(line):
        pdf.set_font(family, "B" if bold else "", 10.5)
        pdf.write(5.5, _clean(text, unicode_ok))
    pdf.set_left_margin(pdf.l_margin - indent)
    pdf.ln(5.5)


def minutes_pdf(markdown: str, title: str = "Referat") -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    family, unicode_ok = _font(pdf)
    for raw in markdown.splitlines():
        line = raw.rstrip()
        if not line.strip():
            pdf.ln(3)
            continue
        level = len(line) - len(line.lstrip("#"))
        pdf.set_x(pdf.l_margin)
        if level and line[level:level + 1] == " ":
            pdf.set_font(family, "B", {1: 16, 2: 13}.get(level, 11.5))
            heading = "".join(text for _, text in _runs(line[level + 1:]))
            pdf.multi_cell(0, 7, _clean(heading, unicode_ok), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif line.startswith("- "):
            pdf.set_font(family, "", 10.5)
            pdf.write(5.5, "• ")
            _paragraph(pdf, family, line[2:], unicode_ok, indent=4)
        else:
            _paragraph(pdf, family, line, unicode_ok)
    return bytes(pdf.output())
