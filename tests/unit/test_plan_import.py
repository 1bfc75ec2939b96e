"""The pure workbook reader: what it accepts, and a clear Norwegian message for each kind of faulty file."""

import zipfile
from datetime import date

import pytest

from data_access.formats.plan_import import read_workbook
from tests.plan_books import (
    LOG_PART,
    PERSONAL_NUMBER,
    TILTAK_PART,
    TILTAK_ROW,
    book,
    numbered_row,
    valid_book,
    zip_bomb,
)


def _errors(data: bytes) -> list[str]:
    return [e.text() for e in read_workbook(data).errors]


def test_a_filled_template_is_read_with_real_values():
    plan = read_workbook(valid_book())
    assert plan.ok, plan.errors
    first = plan.tiltak[0].values
    assert first["level"] == "universell" and first["status"] == "i_gang"
    assert first["services"] == ["Helsestasjon og skolehelsetjeneste", "Ny tjeneste for test"]
    assert first["next_evaluation"] == date(2026, 3, 3)
    assert plan.services() == ["Helsestasjon og skolehelsetjeneste", "Ny tjeneste for test", "PPT"]
    counts = {r["Nivå"]: r for r in plan.counts().iter_rows(named=True)}
    assert counts["Universell"]["I gang"] == 1 and counts["Selektiv"]["Planlagt"] == 1
    freq = dict(plan.frequencies().select("Møtearena", "Laget forstår").iter_rows())
    assert freq == {"Politiråd": "5 ganger i året", "Tverrfaglig team": "Hver 14. dag (helst torsdag)"}
    assert plan.arenas[1].values["level"] == "tjeneste" and plan.arenas[1].values["is_new"] is True
    ind = plan.indicators[0].values
    assert (ind["unit"], ind["better"], ind["target_value"], ind["target_year"], ind["target_is_example"],
            ind["level"]) == ("percent", "lower", 5.0, 2026, True, "selektiv")
    assert [(v.values["period"], v.values["geo"], v.values["value"]) for v in plan.values] == [
        ("2022/23", "kommune", 6.1), ("2024", "land", 5.5)]


def test_not_an_excel_file():
    assert _errors(b"%PDF-1.4 not a workbook") == [
        "Filen: Filen er ikke en Excel-arbeidsbok (.xlsx), eller den er skadet. Last ned malen under Administrasjon, "
        "fyll den ut og last den opp igjen."]


def test_missing_sheet():
    errors = _errors(book(lambda wb: wb.remove(wb["Indikatorer"])))
    assert errors[0].startswith("Indikatorer: Arket «Indikatorer» mangler.")


def test_renamed_sheet_is_named_in_the_message():
    def rename(wb):
        wb["Tiltak"].title = "Tiltaksliste"

    errors = _errors(book(rename))
    assert len(errors) == 1
    assert "Arket «Tiltak» mangler" in errors[0] and "«Tiltaksliste» er ukjente" in errors[0]


def test_renamed_column():
    def rename(wb):
        wb["Tiltak"]["D1"] = "Tilstand"

    errors = _errors(valid_book(rename))
    assert any(e.startswith("Tiltak, rad 1, kolonne «Status»: Kolonnen «Status» mangler.") for e in errors), errors
    assert any(e.startswith("Tiltak, rad 1, kolonne «Tilstand»: Kolonnen «Tilstand» er ukjent.") for e in errors)


def test_headers_match_whatever_their_case_and_spacing_but_not_twice():
    def spell(wb):
        wb["Tiltak"]["C1"] = "  beskrivelse "
        wb["Tiltak"]["L1"] = "BESKRIVELSE"

    errors = _errors(valid_book(spell))
    assert errors == ["Tiltak, rad 1, kolonne «Beskrivelse»: Kolonnen «Beskrivelse» står to ganger."]


@pytest.mark.parametrize(("cell", "value", "expected"), [
    ("A2", "Grunnleggende", "Tiltak, rad 2, kolonne «Nivå»: Ukjent nivå «Grunnleggende»."),
    ("D2", "Ferdig", "Tiltak, rad 2, kolonne «Status»: Ukjent status «Ferdig»."),
    ("C2", f"Gjelder barnet {PERSONAL_NUMBER}", "ser ut til å inneholde et fødselsnummer"),
    ("H2", "03.03.2026", "«03.03.2026» er skrevet som tekst, ikke som dato"),
    ("B2", None, "Tiltak, rad 2, kolonne «Tiltak»: «Navn» må fylles ut."),
    ("D2", None, "Tiltak, rad 2, kolonne «Status»: Må fylles ut."),
    ("K2", "kanskje", "«kanskje»: skriv Ja eller Nei."),
])
def test_bad_tiltak_cells(cell, value, expected):
    def spoil(wb):
        wb["Tiltak"][cell] = value

    errors = _errors(valid_book(spoil))
    assert len(errors) == 1 and expected in errors[0], errors


def test_duplicate_names():
    errors = _errors(valid_book(lambda wb: wb["Tiltak"].append(TILTAK_ROW)))
    assert errors == ["Tiltak, rad 4, kolonne «Tiltak»: «Foreldreveiledning ICDP» står også på rad 2. Navnene må "
                      "være unike."]


def test_bad_arena_frequency_and_level():
    def spoil(wb):
        wb["Møtearenaer"]["F2"] = "hver fullmåne"
        wb["Møtearenaer"]["A3"] = "Fylkesnivå"

    errors = _errors(valid_book(spoil))
    assert any(e.startswith("Møtearenaer, rad 2, kolonne «Hyppighet»: Forstår ikke hyppigheten «hver fullmåne»")
               for e in errors), errors
    assert any(e.startswith("Møtearenaer, rad 3, kolonne «Nivå»: Ukjent nivå «Fylkesnivå»") for e in errors), errors


def test_bad_indicator_and_values():
    def spoil(wb):
        wb["Indikatorer"]["C2"] = "kroner"
        wb["Indikatorverdier"]["E2"] = "6,1"
        wb["Indikatorverdier"].append(["Finnes ikke", "2024", "Kommune", None, 1, None, None])

    errors = _errors(valid_book(spoil))
    assert any("kolonne «Enhet»: Ukjent enhet «kroner»" in e for e in errors), errors
    assert any("Indikatorverdier, rad 2, kolonne «Verdi»: «6,1» er tekst, ikke et tall" in e for e in errors), errors
    assert any("rad 4, kolonne «Indikator»: Indikatoren «Finnes ikke» finnes ikke" in e for e in errors), errors


def test_merged_cells():
    errors = _errors(valid_book(lambda wb: wb["Tiltak"].merge_cells("C2:C3")))
    assert errors == ["Tiltak, rad 2: Sammenslåtte celler (C2:C3). Del dem opp igjen (Flett og midtstill av)."]


def test_formulas():
    def formula(wb):
        wb["Indikatorverdier"]["E2"] = "=5+1"

    errors = _errors(valid_book(formula))
    assert errors == ["Indikatorverdier, rad 2, kolonne «Verdi»: Cellen inneholder en formel. Lim inn verdiene i "
                      "stedet (Lim inn utvalg → Verdier)."]


def test_empty_rows_are_skipped_and_said():
    def gap(wb):
        ws = wb["Tiltak"]
        ws.insert_rows(3, amount=2)

    plan = read_workbook(valid_book(gap))
    assert plan.ok and [t.row for t in plan.tiltak] == [2, 5]
    assert plan.notes == ["Tiltak: tomme rader hoppes over (3, 4)."]


def test_ten_thousand_rows_are_refused():
    def many(wb):
        ws = wb["Tiltak"]
        for i in range(10_000):
            ws.append(["Universell", f"Tiltak {i}", None, "Planlagt"])

    errors = _errors(book(many))
    assert errors == ["Tiltak: Arket har flere enn 5 000 utfylte rader; Laget tar høyst 5 000 per ark."]


def test_level_labels_of_the_plan_are_accepted():
    def own(wb):
        wb["Tiltak"]["A2"] = "Alle barn"

    data = valid_book(own)
    assert not read_workbook(data).ok
    assert read_workbook(data, level_labels={"universell": "Alle barn"}).ok


def test_the_empty_template_is_a_valid_empty_plan():
    plan = read_workbook(book())
    assert plan.ok and not plan.tiltak and not plan.notes


def test_formatted_empty_rows_do_not_count_against_the_limit():
    def formatted(wb):
        ws = wb["Tiltak"]
        for row in range(4, 6004):
            ws.cell(row=row, column=2).number_format = "@"
            ws.cell(row=row, column=3, value="")

    plan = read_workbook(valid_book(formatted))
    assert plan.ok and len(plan.tiltak) == 2 and not plan.notes


def _existing(tiltak_rows=()):
    import polars as pl

    from data_access.domain.arenas import ARENA_SCHEMA
    from data_access.formats.plan_import_compare import Existing
    from data_access.reads.indicators import INDICATOR_SCHEMA, VALUE_SCHEMA
    from data_access.reads.tiltak import TILTAK_SCHEMA

    schema = {**TILTAK_SCHEMA, "services": pl.List(pl.String)}
    tiltak = pl.DataFrame([{**dict.fromkeys(schema), **r} for r in tiltak_rows], schema=schema)
    return Existing(tiltak, pl.DataFrame(schema=ARENA_SCHEMA), pl.DataFrame(schema=INDICATOR_SCHEMA),
                    pl.DataFrame(schema=VALUE_SCHEMA), ["PPT"], [], {})


def test_compare_with_an_empty_plan_is_all_new():
    from data_access.formats.plan_import_compare import compare

    changes = compare(read_workbook(valid_book()), _existing())
    assert {c.kind for c in changes.tiltak + changes.arenas + changes.indicators + changes.values} == {"ny"}
    assert changes.new_services == ["Helsestasjon og skolehelsetjeneste", "Ny tjeneste for test"]


def test_compare_matches_by_name_ignoring_case_and_spaces():
    from data_access.formats.plan_import_compare import compare

    same = {"id": 7, "version": 3, "name": "tett  OPPFØLGING", "level": "selektiv", "status": "i_gang",
            "description": "", "status_note": "", "next_step": "", "services": ["PPT"],
            "next_evaluation_is_example": False, "archived": False}
    changes = compare(read_workbook(valid_book()), _existing([same]))
    changed = next(c for c in changes.tiltak if c.id == 7)
    assert changed.kind == "endret" and changed.version == 3
    assert set(changed.changed) == {"name", "status"}, changed.changed
    assert changed.changed["status"] == ("i_gang", "planlagt")


@pytest.fixture
def parsed_cells(monkeypatch):
    """Counts the cells the reader parses, and the zip parts it opens."""
    from openpyxl.worksheet._reader import WorkSheetParser

    seen: dict = {"cells": 0, "parts": []}
    parse_cell, open_part = WorkSheetParser.parse_cell, zipfile.ZipFile.open

    def count(self, element):
        seen["cells"] += 1
        return parse_cell(self, element)

    def opened(self, name, mode="r", *args, **kwargs):
        if mode == "r":
            seen["parts"].append(getattr(name, "filename", name))
        return open_part(self, name, mode, *args, **kwargs)

    monkeypatch.setattr(WorkSheetParser, "parse_cell", count)
    monkeypatch.setattr(zipfile.ZipFile, "open", opened)

    def read(data: bytes):
        seen.update(cells=0, parts=[])  # building the file used openpyxl and zipfile too
        return read_workbook(data)

    seen["read"] = read
    return seen


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(monkeypatch):
    bomb = zip_bomb(150_000_000)  # 150 MB of sheet XML in well under 1 MB
    assert len(bomb) < 1_000_000
    monkeypatch.setattr(zipfile.ZipFile, "open", _refuse_to_unpack)
    errors = _errors(bomb)
    assert len(errors) == 1 and errors[0].startswith("Filen: Filen blir 151 MB når den pakkes ut; Laget tar høyst "
                                                     "100 MB."), errors


def _refuse_to_unpack(self, name, *args, **kwargs):
    raise AssertionError(f"{getattr(name, 'filename', name)} was unpacked")


def test_a_part_packed_like_a_bomb_is_refused_before_it_is_unpacked(monkeypatch):
    bomb = zip_bomb(50_000_000)  # under the size limit, but packed about 1,000 to 1
    monkeypatch.setattr(zipfile.ZipFile, "open", _refuse_to_unpack)
    errors = _errors(bomb)
    assert len(errors) == 1 and "Filen er pakket mistenkelig tett" in errors[0], errors


@pytest.mark.parametrize("dimension", [True, False])
def test_reading_stops_at_the_row_limit(parsed_cells, dimension):
    """Rows that pack like real ones (30 MB, ~170,000 rows): refused after the 5,001st row, not after the last."""
    plan = parsed_cells["read"](zip_bomb(30_000_000, row=numbered_row, dimension=dimension))
    assert [e.text() for e in plan.errors] == ["Tiltak: Arket har flere enn 5 000 utfylte rader; Laget tar høyst "
                                               "5 000 per ark."]
    assert parsed_cells["cells"] < 5001 * 3 + 50  # the rows up to the limit, and the four headers


def test_a_row_reaching_far_to_the_right_is_refused_without_parsing_it(parsed_cells):
    def wide(wb):
        ws = wb["Tiltak"]
        for column in range(1, 2000):
            ws.cell(row=2, column=column, value=f"x{column}")

    plan = parsed_cells["read"](book(wide))
    assert [e.text() for e in plan.errors] == ["Tiltak: Arket har innhold i kolonne CW, langt til høyre for "
                                               "kolonnene Laget leser. Slett kolonnene etter tabellen."]
    assert parsed_cells["cells"] < 150


def test_sheets_the_import_does_not_read_are_not_unpacked(parsed_cells):
    """Endringslogg can be long in a real export: it is never read, however large, with or without a dimension."""
    plan = parsed_cells["read"](zip_bomb(30_000_000, part=LOG_PART, row=numbered_row, dimension=False))
    assert plan.ok and not plan.tiltak
    assert LOG_PART not in parsed_cells["parts"] and TILTAK_PART in parsed_cells["parts"]


def test_a_big_but_legal_workbook_is_read():
    def many(wb):
        for i in range(5000):
            wb["Tiltak"].append(["Universell", f"Tiltak {i}", "Beskrivelse " * 20, "Planlagt", None, "PPT"])

    plan = read_workbook(book(many))
    assert plan.ok, plan.errors[:3]
    assert len(plan.tiltak) == 5000 and plan.tiltak[-1].values["name"] == "Tiltak 4999"
