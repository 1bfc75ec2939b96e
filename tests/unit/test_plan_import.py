"""The pure workbook reader: what it accepts, and a clear Norwegian message for each kind of faulty file."""

from datetime import date

import pytest

from data_access.formats.plan_import import read_workbook
from tests.plan_books import PERSONAL_NUMBER, TILTAK_ROW, book, valid_book


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
        "Filen: Filen er ikke en Excel-arbeidsbok (.xlsx). Last ned malen under Administrasjon, fyll den ut og last "
        "den opp igjen."]


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

    assert "Tiltak, rad 1, kolonne «Status»: Kolonnen «Status» mangler." in _errors(valid_book(rename))[0]


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
    assert errors == ["Tiltak: Arket har 10 000 rader; Laget tar høyst 5 000 per ark."]


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
