"""The minutes (referat) as a small document model, rendered to Markdown, Word and PDF alike.

A document is a list of blocks, plain JSON so it can be stored with the meeting and rendered again later:
``["h1"|"h2"|"h3"|"h4"|"p"|"li", text]``, ``["meta", label, value]`` and ``["table", headers, rows]``.
All text in blocks is plain text; each renderer escapes or formats it for its own format, so user text is
never interpreted as Markdown.
"""

from __future__ import annotations

import io
import json

from data_access.domain.markup import escape_markdown
from data_access.formats.docx_setup import norwegian_a4

Block = list


def to_json(blocks: list[Block]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def from_json(text: str | None) -> list[Block] | None:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def _flat(text: object) -> str:
    """User text on one line of the minutes (a heading, a bullet, a table cell), escaped to show literally."""
    return escape_markdown(" ".join(str(text or "").split()), inline=True)


def _cell(text: str) -> str:
    return _flat(text) or "–"


def to_markdown(blocks: list[Block]) -> str:
    lines: list[str] = []
    for block in blocks:
        kind = block[0]
        if kind in {"h1", "h2", "h3", "h4"}:
            lines += ["", f"{'#' * int(kind[1])} {_flat(block[1])}", ""]
        elif kind == "meta":
            lines.append(f"**{block[1]}:** {_flat(block[2])}  ")
        elif kind == "p":
            lines += ["", escape_markdown(block[1]), ""]
        elif kind == "li":
            lines.append(f"- {_flat(block[1])}")
        elif kind == "table":
            headers, rows = block[1], block[2]
            lines += ["", "| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
            lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
            lines.append("")
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip() + "\n"


def _page_number_field(paragraph) -> None:
    """A PAGE field, so Word numbers the pages itself."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def to_docx(blocks: list[Block], title: str = "Referat") -> bytes:
    """A Word document with real headings, bullet lists and tables, and page numbers in the footer; A4, nb-NO."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    norwegian_a4(doc)
    doc.core_properties.title = title
    footer = doc.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Side ")
    _page_number_field(footer)
    for block in blocks:
        kind = block[0]
        if kind in {"h1", "h2", "h3", "h4"}:
            doc.add_heading(block[1], level=int(kind[1]))
        elif kind == "meta":
            p = doc.add_paragraph()
            p.add_run(f"{block[1]}: ").bold = True
            p.add_run(block[2])
        elif kind == "p":
            doc.add_paragraph(block[1])
        elif kind == "li":
            doc.add_paragraph(block[1], style="List Bullet")
        elif kind == "table":
            headers, rows = block[1], block[2]
            table = doc.add_table(rows=1, cols=len(headers))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, headers, strict=True):
                cell.text = text
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for row in rows:
                for cell, text in zip(table.add_row().cells, row, strict=True):
                    cell.text = text or "–"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
