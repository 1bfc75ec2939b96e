"""Parsing the files users download from SSB, FHI and Skoleporten, with files made in their shapes."""

from pathlib import Path

import pytest

from data_access.formats.indicator_import import IndicatorImportError, parse_file, parse_number, plan_import

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"


def parse(name: str):
    return parse_file((FIXTURES / name).read_bytes(), name)


def test_ssb_latin1_with_title_line_long_format():
    parsed = parse("ssb_lavinntekt.csv")
    assert parsed.format == "ssb" and not parsed.errors
    series = {s.key: s for s in parsed.series()}
    stange = series["Stange · statistikkvariabel: Andel barn (prosent)"]
    assert (stange.region_code, stange.geo_guess, stange.rows, stange.values) == ("3413", "kommune", 4, 3)
    assert series["Innlandet · statistikkvariabel: Andel barn (prosent)"].geo_guess == "fylke"
    assert series["Hele landet · statistikkvariabel: Andel barn (prosent)"].geo_guess == "land"
    by = {(r.region_name, r.period.label): r for r in parsed.rows}
    assert by[("Stange", "2019")].value == 12.6
    assert by[("Stange", "2021")].value is None and by[("Stange", "2021")].missing_marker == ".."
    assert by[("Hele landet", "2022")].value == 0.0, "a real zero stays zero"


def test_ssb_wide_utf8():
    parsed = parse("ssb_wide_utf8.csv")
    assert not parsed.errors and parsed.value_label.startswith("Barn med barneverntiltak")
    by = {(r.region_code, r.period.label): r for r in parsed.rows}
    assert by[("3413", "2022")].value == 11.0 and by[("34", "2022")].missing_marker == ":"
    assert {s.geo_guess for s in parsed.series()} == {"kommune", "fylke", "land"}


def test_fhi_with_bom_and_year_spans():
    parsed = parse("fhi_bom.csv")
    assert parsed.format == "fhi" and parsed.value_label == "MEIS" and not parsed.errors
    labels = sorted({r.period.label for r in parsed.rows})
    assert labels == ["2018–2020", "2019–2021", "2020–2022"]
    suppressed = [r for r in parsed.rows if r.region_code == "3413" and r.period.label == "2020–2022"][0]
    assert suppressed.value is None and suppressed.missing_marker == ":"
    assert {s.geo_guess for s in parsed.series()} == {"kommune", "fylke", "land"}


def test_udir_skoleporten():
    parsed = parse("udir_skoleporten.csv")
    assert parsed.format == "udir" and not parsed.errors
    by = {(r.region_name, r.period.label): r for r in parsed.rows}
    assert by[("Stange kommune", "2019/20")].value == 4.09
    assert by[("Stange kommune", "2021/22")].value is None and by[("Stange kommune", "2021/22")].missing_marker == "."
    assert {s.geo_guess for s in parsed.series()} == {"kommune", "land"}


@pytest.mark.parametrize("name, message", [
    ("utf16.csv", "UTF-16"),
    ("tab_separated.csv", "Linje 1: filen bruker tabulator"),
    ("unknown_header.csv", "Linje 1: kjenner ikke igjen kolonnene (kommune, aarstall, tall)"),
])
def test_unusable_files_are_refused_with_line(name, message):
    with pytest.raises(IndicatorImportError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(name)


def test_text_in_number_column_names_line_and_column():
    parsed = parse("text_in_number.csv")
    assert [e.message for e in parsed.errors] == ["Linje 3, kolonne «Verdi»: «fire» er ikke et tall."]


def test_duplicate_period_names_both_lines():
    parsed = parse("duplicate_period.csv")
    assert [e.line_no for e in parsed.errors] == [4]
    assert "står allerede på linje 3" in parsed.errors[0].message


def test_latin1_bytes_invalid_in_cp1252_are_refused():
    with pytest.raises(IndicatorImportError, match="tegnkoding"):
        parse_file(b"region;\xe5r;verdi\n3413 Stange;2021;\x81\x8d\n")


@pytest.mark.parametrize("text, expected", [
    ("12,5", (12.5, None)), ("1 234,5", (1234.5, None)), ("1.234,5", (1234.5, None)), ("7.4", (7.4, None)),
    ("0", (0.0, None)), (".", (None, ".")), ("..", (None, "..")), (":", (None, ":")), ("-", (None, "-")),
    ("", (None, "")), ("\u00a0", (None, "")),
])
def test_numbers_and_missing_markers(text, expected):
    assert parse_number(text) == expected


def test_plan_import_maps_series_to_geographies():
    parsed = parse("udir_skoleporten.csv")
    series = {s.geo_guess: s.key for s in parsed.series()}
    rows = plan_import(parsed, {series["kommune"]: "kommune", series["land"]: "land"}, "Skoleporten")
    assert len(rows) == 8
    assert {(r.period, r.geo) for r in rows if r.value is None} == {("2021/22", "kommune")}
    with pytest.raises(IndicatorImportError, match="kommer også fra linje"):
        plan_import(parsed, {series["kommune"]: "kommune", series["land"]: "kommune"}, "x")
    with pytest.raises(IndicatorImportError, match="Velg minst én serie"):
        plan_import(parsed, {}, "x")


def test_plan_import_refuses_a_file_with_errors():
    parsed = parse("text_in_number.csv")
    with pytest.raises(IndicatorImportError, match="Filen har 1 feil"):
        plan_import(parsed, {s.key: "kommune" for s in parsed.series()}, "x")


def test_field_over_the_csv_limit_gives_a_norwegian_message():
    import csv

    from data_access.formats.indicator_import import IndicatorImportError, parse_file

    raw = ('"region";"år";"verdi"\n"3403 Hamar";"2021";"' + "x" * (csv.field_size_limit() + 1) + '"\n').encode()
    with pytest.raises(IndicatorImportError) as err:
        parse_file(raw, "stor.csv")
    assert str(err.value).startswith("Filen har et felt som er lengre enn 131 072 tegn")
    assert "Ingenting er importert" in str(err.value)
