"""Build plan workbooks for the import tests: the real template, filled in with openpyxl like a person would."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from datetime import datetime

import openpyxl

from data_access.formats.excel_export import template_workbook

TILTAK_ROW = ["Universell", "Foreldreveiledning ICDP", "Kurs for foreldre", "I gang", "Godt i gang",
              "Helsestasjon og skolehelsetjeneste; Ny tjeneste for test", "Nytt kurs", datetime(2026, 3, 3), "Nei",
              None, "Nei"]
TILTAK_ROW_2 = ["Selektiv", "Tett oppfølging", None, "Planlagt", None, "PPT", None, None, None, None, None]
ARENA_ROW = ["Kommunenivå", "Politiråd", "Styringsgruppe", "Ordfører", "Ordfører; Politiet", "5 møter pr. år", "Nei",
             None, None, "Nei"]
ARENA_ROW_2 = ["Tjenestenivå", "Tverrfaglig team", None, None, None, "Hver 14. dag, helst torsdag", "Ja", None, None,
               None]
INDICATOR_ROW = ["Skolefravær", "Samlet fravær", "prosent", "Lavere er bedre", "Udir", 5.0, 2026, "Ja", "Selektiv"]
VALUE_ROWS = [["Skolefravær", "2022/23", "Kommune", "Testby", 6.1, "Udir", "Nei"],
              ["Skolefravær", 2024, "Landet", "Norge", 5.5, "Udir", "Ja"]]
PERSONAL_NUMBER = "01010012356"


def book(fill: Callable[[openpyxl.Workbook], None] | None = None, base: bytes | None = None) -> bytes:
    """The template (or ``base``) with ``fill`` applied, saved as .xlsx bytes."""
    wb = openpyxl.load_workbook(io.BytesIO(base or template_workbook()))
    if fill:
        fill(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def fill_valid(wb: openpyxl.Workbook) -> None:
    for row in (TILTAK_ROW, TILTAK_ROW_2):
        wb["Tiltak"].append(row)
    for row in (ARENA_ROW, ARENA_ROW_2):
        wb["Møtearenaer"].append(row)
    wb["Indikatorer"].append(INDICATOR_ROW)
    for row in VALUE_ROWS:
        wb["Indikatorverdier"].append(row)


def valid_book(then: Callable[[openpyxl.Workbook], None] | None = None) -> bytes:
    def fill(wb: openpyxl.Workbook) -> None:
        fill_valid(wb)
        if then:
            then(wb)

    return book(fill)


TILTAK_PART = "xl/worksheets/sheet1.xml"  # the template's parts, in SHEET_ORDER
LOG_PART = "xl/worksheets/sheet6.xml"


def same_row(_: int) -> str:
    """A Tiltak row without row or cell numbers, identical every time: packs about 1,000 to 1."""
    return ('<row><c t="inlineStr"><is><t>Universell</t></is></c><c t="inlineStr"><is><t>Tiltak</t></is></c>'
            '<c t="inlineStr"><is><t>Beskrivelse</t></is></c><c t="inlineStr"><is><t>Planlagt</t></is></c></row>')


def numbered_row(n: int) -> str:
    """A filled Tiltak row numbered ``n`` with a name of its own: packs like real rows, about 12 to 1."""
    return (f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>Universell</t></is></c><c r="B{n}" t="inlineStr"><is>'
            f'<t>Tiltak {n * 7919 % 1000003}</t></is></c><c r="D{n}" t="inlineStr"><is><t>Planlagt</t></is></c></row>')


def zip_bomb(unpacked: int, *, part: str = TILTAK_PART, row: Callable[[int], str] = same_row,
             dimension: bool = True) -> bytes:
    """The template with ``part``'s rows replaced by ``row(2)``, ``row(3)`` … until ``unpacked`` bytes of XML.

    Written as a stream, so building a gigabyte costs no memory here. ``dimension=False`` drops the sheet's
    ``<dimension>`` element, which makes openpyxl read the whole sheet just to open the workbook."""
    template = zipfile.ZipFile(io.BytesIO(template_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for info in template.infolist():
            if info.filename != part:
                z.writestr(info.filename, template.read(info.filename))
                continue
            xml = template.read(part).decode()
            if not dimension:
                xml = re.sub(r"<dimension[^>]*/>", "", xml)
            head, rest = xml.split("</sheetData>")
            with z.open(part, "w", force_zip64=True) as f:
                f.write(head.encode())
                written, n = 0, 2
                while written < unpacked:
                    chunk = "".join(row(i) for i in range(n, n + 1000)).encode()
                    f.write(chunk)
                    written, n = written + len(chunk), n + 1000
                f.write(("</sheetData>" + rest).encode())
    return out.getvalue()
