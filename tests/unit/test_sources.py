"""Source definitions, the answer → import structures step, kommune joins, and the rate limiter."""

import pytest

from data_access.domain.errors import ValidationError
from data_access.formats import jsonstat
from data_access.outside.source_client import RateLimiter, retry_after
from data_access.outside.sources import (
    SourceError,
    fhi_body,
    is_newer,
    latest_period,
    parse_definition,
    parse_regions,
    ssb_body,
    to_parsed,
)
from tests.source_server import fhi_dataset, ssb_dataset

SSB = {"table": "12944", "values": {"Alder": "00-17", "ContentsCode": "EUskalaSeksti"}}
REGIONS = {"kommune": ["3413", "0417"], "fylke": ["34", "04"], "land": ["0"]}
DIMS = [("Region", "region", {"3413": "Stange", "0417": "Stange (-2019)", "34": "Innlandet",
                              "04": "Hedmark (-2019)", "0": "Hele landet"}),
        ("Alder", "alder", {"00-17": "0-17 år"}),
        ("ContentsCode", "statistikkvariabel", {"EUskalaSeksti": "Andel (prosent)"}),
        ("Tid", "år", {"2018-2020": "2018-2020", "2019-2021": "2019-2021", "2020-2022": "2020-2022"})]
CELLS = {
    ("3413", "00-17", "EUskalaSeksti", "2018-2020"): ".", ("0417", "00-17", "EUskalaSeksti", "2018-2020"): 12.64,
    ("3413", "00-17", "EUskalaSeksti", "2019-2021"): 12.4, ("0417", "00-17", "EUskalaSeksti", "2019-2021"): 12.5,
    ("3413", "00-17", "EUskalaSeksti", "2020-2022"): "..", ("0417", "00-17", "EUskalaSeksti", "2020-2022"): ".",
    ("34", "00-17", "EUskalaSeksti", "2018-2020"): None, ("04", "00-17", "EUskalaSeksti", "2018-2020"): 11.0,
    ("34", "00-17", "EUskalaSeksti", "2019-2021"): 10.9, ("34", "00-17", "EUskalaSeksti", "2020-2022"): 11.1,
    ("0", "00-17", "EUskalaSeksti", "2018-2020"): 11.3, ("0", "00-17", "EUskalaSeksti", "2019-2021"): 11.5,
    ("0", "00-17", "EUskalaSeksti", "2020-2022"): ":",
}


def test_definition_defaults_and_round_trip():
    d = parse_definition("ssb", SSB)
    assert (d.table, d.region_dim, d.time_dim, d.time) == ("12944", "Region", "Tid", "*")
    assert parse_definition("ssb", d.to_json()) == d
    f = parse_definition("fhi", {"source": "nokkel", "table": "175", "values": {"MEASURE_TYPE": ["MEIS"]}})
    assert (f.region_dim, f.time_dim, f.values) == ("GEO", "AAR", {"MEASURE_TYPE": "MEIS"})
    assert f.label == "FHI nokkel tabell 175"


@pytest.mark.parametrize("kind, raw, words", [
    ("ssb", {"table": "1294", "values": {"ContentsCode": "X"}}, "SSB-tabellnummeret «1294» har feil form"),
    ("ssb", {"table": "12944", "values": {"Alder": "00-17"}}, "ContentsCode"),
    ("ssb", {"table": "12944", "values": {"ContentsCode": ["A", "B"]}}, "nøyaktig én kode"),
    ("ssb", {"table": "12944", "values": {"ContentsCode": "*"}}, "har feil form"),
    ("ssb", {"table": "12944", "values": {"ContentsCode": "X", "Tid": "2020"}}, "Region og tid"),
    ("ssb", {**SSB, "time": "drop table"}, "Tidsutvalget"),
    ("ssb", {**SSB, "decimals": 9}, "desimaler"),
    ("ssb", {**SSB, "unit": "kroner"}, "Ukjent enhet"),
    ("ssb", {**SSB, "regions": {"bydel": ["030101"]}}, "Ukjent geografi"),
    ("ssb", {**SSB, "regions": {"kommune": ["34130"]}}, "1–4 sifre"),
    ("fhi", {"table": "175"}, "FHI-kilden må fylles ut"),
    ("nav", SSB, "SSB eller FHI"),
])
def test_bad_definitions_are_refused_in_norwegian(kind, raw, words):
    with pytest.raises(ValidationError, match=words):
        parse_definition(kind, raw)


def test_regions_accept_comma_text_and_keep_order():
    assert parse_regions({"kommune": "3413, 0417", "land": ["0"]}) == {"kommune": ["3413", "0417"], "land": ["0"]}
    with pytest.raises(ValidationError, match="to ganger"):
        parse_regions({"kommune": "3413,3413"})


def test_request_bodies_follow_the_specs():
    d = parse_definition("ssb", {**SSB, "codelists": {"Region": "agg_KommSummer"}})
    body = ssb_body(d, REGIONS)
    assert body["selection"][0] == {"variableCode": "Region", "valueCodes": ["3413", "0417", "34", "04", "0"],
                                    "codelist": "agg_KommSummer"}
    assert {"variableCode": "Tid", "valueCodes": ["*"]} in body["selection"]
    assert {"variableCode": "ContentsCode", "valueCodes": ["EUskalaSeksti"]} in body["selection"]
    f = parse_definition("fhi", {"source": "nokkel", "table": "175", "values": {"MEASURE_TYPE": "MEIS"}})
    fb = fhi_body(f, {"kommune": ["3413"]})
    assert fb["response"] == {"format": "json-stat2", "maxRowCount": 50000}
    assert {"code": "AAR", "filter": "all", "values": ["*"]} in fb["dimensions"]
    assert {"code": "GEO", "filter": "item", "values": ["3413"]} in fb["dimensions"]


def test_series_joined_across_changed_codes_markers_kept_and_code_marked():
    ds = jsonstat.parse(ssb_dataset("12944", DIMS, CELLS, decimals=1))
    parsed, mapping = to_parsed(parse_definition("ssb", SSB), ds, REGIONS)
    rows = {(r.series_key.split(" · ")[0], r.period.label): r for r in parsed.rows}
    k = rows[("Stange", "2018–2020")]
    assert (k.value, k.region_code, k.missing_marker) == (12.6, "0417", None)  # rounded to unit.decimals
    k = rows[("Stange", "2019–2021")]
    assert (k.value, k.region_code) == (12.4, "3413")  # the current code wins where both have a number
    k = rows[("Stange", "2020–2022")]
    assert (k.value, k.region_code, k.missing_marker) == (None, "3413", "..")
    f = rows[("Innlandet", "2018–2020")]
    assert (f.value, f.region_code) == (11.0, "04")
    assert rows[("Hele landet", "2020–2022")].missing_marker == ":"
    assert set(mapping.values()) == {"kommune", "fylke", "land"}
    assert not parsed.errors


def test_changed_table_layout_is_refused():
    dims = [*DIMS[:3], ("Kjonn", "kjønn", {"0": "Begge kjønn"}), DIMS[3]]
    ds = jsonstat.parse(ssb_dataset("12944", dims, {}))
    with pytest.raises(SourceError, match="endret oppbygning.*nye dimensjoner: Kjonn"):
        to_parsed(parse_definition("ssb", SSB), ds, REGIONS)
    dims = [DIMS[0], DIMS[2], DIMS[3]]
    with pytest.raises(SourceError, match="mangler: Alder"):
        to_parsed(parse_definition("ssb", SSB), jsonstat.parse(ssb_dataset("12944", dims, {})), REGIONS)


def test_kommune_missing_from_answer_is_an_error():
    ds = jsonstat.parse(ssb_dataset("12944", [("Region", "region", {"0": "Hele landet"}), *DIMS[1:]], {}))
    with pytest.raises(SourceError, match="ingen tall for kommunenummer 3413, 0417"):
        to_parsed(parse_definition("ssb", SSB), ds, REGIONS)


def test_fhi_years_and_flags():
    dims = [("GEO", "Geografi", {"3413": "Stange", "0": "Hele landet"}),
            ("AAR", "År", {"2020_2020": "2020", "2021_2021": "2021", "2019_2021": "2019-2021"}),
            ("MEASURE_TYPE", "Måltall", {"MEIS": "meis"})]
    cells = {("3413", "2020_2020", "MEIS"): 71.5, ("3413", "2021_2021", "MEIS"): ":",
             ("3413", "2019_2021", "MEIS"): 72.0, ("0", "2020_2020", "MEIS"): 70.0}
    defn = parse_definition("fhi", {"source": "nokkel", "table": "175", "values": {"MEASURE_TYPE": "MEIS"}})
    parsed, _ = to_parsed(defn, jsonstat.parse(fhi_dataset(dims, cells)), {"kommune": ["3413"], "land": ["0"]})
    got = {(r.region_code, r.period.label): (r.value, r.missing_marker) for r in parsed.rows}
    assert got[("3413", "2020")] == (71.5, None)
    assert got[("3413", "2021")] == (None, ":")
    assert got[("3413", "2019–2021")] == (72.0, None)
    assert got[("0", "2021")] == (None, "..")


def test_latest_period_and_newer():
    assert latest_period(["2019-2021", "2022-2024", "2021"]) == "2022–2024"
    assert latest_period(["2023_2023", "2021_2023"]) == "2023"
    assert latest_period(["2024M01"]) is None
    assert is_newer("2024", "2023") and not is_newer("2023", "2023") and is_newer("2023", None)
    assert not is_newer(None, "2023")


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_rate_limiter_allows_30_a_minute_then_waits():
    clock = FakeClock()
    limiter = RateLimiter(30, 60.0, clock=clock, sleep=clock.sleep)
    assert sum(limiter.acquire() for _ in range(30)) == 0
    assert limiter.acquire() == pytest.approx(2.0)  # one token per two seconds
    clock.now += 60
    assert sum(limiter.acquire() for _ in range(30)) == 0
    for _ in range(30):
        limiter.acquire()
    assert clock.now == pytest.approx(122.0, abs=0.01)  # 30 more took a minute, never a burst above the limit


def test_retry_after_seconds_and_http_date():
    assert retry_after("7") == 7.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == pytest.approx(10.0)
    assert retry_after("soon") is None and retry_after(None) is None


def test_form_text_round_trip_and_bad_lines():
    from data_access.outside.sources import definition_from_form, definition_to_form

    raw = definition_from_form(table="12944", values="Alder=00-17\nContentsCode=EUskalaSeksti",
                               regions="kommune=3413,0417; land=0", decimals="1", unit="percent")
    d = parse_definition("ssb", raw)
    assert d.regions == {"kommune": ["3413", "0417"], "land": ["0"]} and d.decimals == 1
    assert parse_definition("ssb", definition_from_form(**definition_to_form(d.to_json()), unit="percent",
                                                        decimals=1)) == d
    with pytest.raises(ValidationError, match="mangler «=»"):
        definition_from_form(table="12944", values="Alder 00-17")
