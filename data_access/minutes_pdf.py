"""The meeting minutes as PDF, rendered from their Markdown with fpdf2 (no browser, no LaTeX)."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu")]
LATIN1_FALLBACK = {"–": "-", "—": "-", "→": "->", "…": "...", "“": '"', "”": '"', "’": "'"}


def register_fonts(pdf: FPDF) -> tuple[str, bool]:
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


def minutes_pdf(markdown: str, title: str = "Referat") -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    family, unicode_ok = register_fonts(pdf)
    for raw in markdown.splitlines():
        line = _clean(raw.rstrip(), unicode_ok)
        if not line.strip():
            pdf.ln(3)
            continue
        level = len(line) - len(line.lstrip("#"))
        pdf.set_x(pdf.l_margin)
        if level and line[level:level + 1] == " ":
            pdf.set_font(family, "B", {1: 16, 2: 13}.get(level, 11.5))
            pdf.multi_cell(0, 7, line[level + 1:], new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif line.startswith("- "):
            pdf.set_font(family, "", 10.5)
            pdf.multi_cell(0, 5.5, "• " + line[2:].rstrip(" "), markdown=True, align="L", new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font(family, "", 10.5)
            pdf.multi_cell(0, 5.5, line.rstrip(" "), markdown=True, align="L", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
