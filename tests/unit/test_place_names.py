"""Issue 20.6: the country has one name however a file spells it, and the import preview knows what it replaces."""

from pathlib import Path

from data_access.domain.indicators import place_name
from data_access.formats.indicator_import import ValueRow, against_existing, parse_file, plan_import

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"


def test_norge_and_hele_landet_are_one_place():
    assert {place_name("land", n) for n in ("Norge", "Hele landet", " hele  landet ", "Landet i alt")} \
        == {"Hele landet"}
    assert place_name("kommune", "Norge") == "Norge", "only the country is renamed"
    assert place_name("fylke", "Innlandet") == "Innlandet"


def test_an_import_names_the_country_hele_landet():
    text = ("region;statistikkvariabel;år;09588: Andel\n"
            '"3413 Stange";"Andel";"2021";"12,2"\n"Norge";"Andel";"2021";"11,6"\n').encode()
    parsed = parse_file(text, "x.csv")
    series = {s.key: s.geo_guess for s in parsed.series()}
    rows = plan_import(parsed, series, "SSB")
    assert {r.geo: r.geo_name for r in rows} == {"kommune": "Stange", "land": "Hele landet"}


def test_against_existing_says_new_replaced_and_unchanged():
    planned = [ValueRow("2021", "kommune", "Stange", 12.2, "SSB"), ValueRow("2022", "kommune", "Stange", 12.0, "SSB"),
               ValueRow("2023", "kommune", "Stange", 11.0, "SSB"), ValueRow("2024", "kommune", "Stange", None, "SSB",
                                                                           "..")]
    held = [{"period": "2021", "geo": "kommune", "value": 12.2, "marker": None, "is_example": False},
            {"period": "2022", "geo": "kommune", "value": 12.1, "marker": None, "is_example": False},
            {"period": "2023", "geo": "kommune", "value": 11.0, "marker": None, "is_example": True},
            {"period": "2024", "geo": "kommune", "value": None, "marker": "..", "is_example": False}]
    effects = against_existing(planned, held)
    assert [e.kind for e in effects] == ["uendret", "erstatter", "erstatter", "uendret"]
    assert effects[1].old_value == 12.1 and effects[2].old_example
    assert [e.kind for e in against_existing(planned, [])] == ["ny"] * 4
