"""The meeting minutes as PDF with fpdf2 (no browser, no LaTeX): from the minutes' blocks (see
``data_access.formats.minutes``), or from stored Markdown for meetings ended before blocks were kept.
Every page carries «Side n av m» in the footer."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF

from data_access.domain.markup import unescape_markdown

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


def fitted_rows(pdf: FPDF, rows: list[list[str]], col_widths: Sequence[float] | None, *, line_height: float,
                padding: float, max_height: float | None = None) -> list[list[str]]:
    """``rows`` for ``pdf.table`` with none taller than a page: fpdf2 cannot split a table row over two pages and
    refuses the whole document («The row with index 1 is too high …») when one cell holds a long text, e.g. a
    1,000-character word in a narrow column. Such a row becomes several rows, each cell's wrapped lines shared
    out in page-sized pieces (the other cells of a continuation row are empty). Long words are broken by
    fpdf2's own line breaking, as in the table. Call with the table's body font set."""
    widths = list(col_widths or [1.0] * max((len(r) for r in rows), default=1))
    total = sum(widths)
    limit = max_height if max_height is not None else 0.7 * (pdf.h - pdf.t_margin - pdf.b_margin)
    per_row = max(1, int((limit - 2 * padding) // line_height))
    out: list[list[str]] = []
    for row in rows:
        lines = [pdf.multi_cell(max(1.0, pdf.epw * widths[i % len(widths)] / total - 2 * padding), line_height,
                                text or "", dry_run=True, output="LINES") for i, text in enumerate(row)]
        height = max((len(cell) for cell in lines), default=1)
        if height <= per_row:
            out.append(row)
            continue
        for start in range(0, height, per_row):
            out.append(["\n".join(cell[start:start + per_row]) for cell in lines])
    return out


class _Pdf(FPDF):
    family = "Helvetica"

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, "", 8.5)
        self.cell(0, 6, f"Side {self.page_no()} av {{nb}}", align="C")


def _new_pdf(title: str) -> tuple[_Pdf, str, bool]:
    pdf = _Pdf(format="A4")
    pdf.set_title(title)
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=20)
    family, unicode_ok = register_fonts(pdf)
    pdf.family = family
    pdf.alias_nb_pages()
    pdf.add_page()
    return pdf, family, unicode_ok


def blocks_pdf(blocks: list, title: str = "Referat") -> bytes:
    """The minutes' blocks as PDF: headings, label/value lines, bullets and tables, all as plain text."""
    pdf, family, ok = _new_pdf(title)
    sizes = {"h1": 16, "h2": 13, "h3": 11.5, "h4": 10.5}
    for block in blocks:
        kind = block[0]
        pdf.set_x(pdf.l_margin)
        if kind in sizes:
            pdf.ln(2)
            pdf.set_font(family, "B", sizes[kind])
            pdf.multi_cell(0, 7, _clean(block[1], ok), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "meta":
            pdf.set_font(family, "B", 10.5)
            label = _clean(f"{block[1]}: ", ok)
            pdf.cell(pdf.get_string_width(label), 5.5, label)
            pdf.set_font(family, "", 10.5)
            pdf.multi_cell(0, 5.5, _clean(block[2], ok), new_x="LMARGIN", new_y="NEXT")
        elif kind in {"p", "li"}:
            pdf.set_font(family, "", 10.5)
            text = ("• " if kind == "li" and ok else "- " if kind == "li" else "") + block[1]
            pdf.multi_cell(0, 5.5, _clean(text, ok), new_x="LMARGIN", new_y="NEXT")
            if kind == "p":
                pdf.ln(2)
        elif kind == "table":
            pdf.set_font(family, "", 9)
            body = fitted_rows(pdf, [[_clean(text or "–", ok) for text in row] for row in block[2]], None,
                               line_height=5, padding=1)
            with pdf.table(text_align="LEFT", line_height=5, padding=1) as table:
                for row in [[_clean(text or "–", ok) for text in block[1]], *body]:
                    cells = table.row()
                    for text in row:
                        cells.cell(text)
            pdf.ln(2)
    return bytes(pdf.output())


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
    """Older minutes kept only as Markdown."""
    pdf, family, unicode_ok = _new_pdf(title)
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
