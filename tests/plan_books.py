"""Build plan workbooks for the import tests: the real template, filled in with openpyxl like a person would."""

from __future__ import annotations

import io
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
