"""Fetching from SSB and FHI against a real local HTTP server, into real SQLite and PostgreSQL databases."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select

from dashboard.cli import main
from data_access.db.engine import session_scope
from data_access.db.models import ChangeLog, Indicator, IndicatorSource, IndicatorValue, Plan
from data_access.domain.permissions import Actor
from data_access.domain.users import SYSTEM
from data_access.outside.source_client import SourceClient
from data_access.writes.sources import refresh, save_source, sources_frame
from tests.source_server import Answer, SourceServer, fhi_dataset, ssb_dataset

PLAN = "stange-2023-2026"
REGION = {"3413": "Stange", "0417": "Stange (-2019)", "34": "Innlandet", "04": "Hedmark (-2019)",
          "0": "Hele landet"}
PERIODS = {"2017-2019": "2017-2019", "2018-2020": "2018-2020", "2019-2021": "2019-2021", "2020-2022": "2020-2022"}
FIGURES = {  # (region, period) → (count, percent); strings are SSB's markers
    ("0417", "2017-2019"): (620, 13.1), ("3413", "2017-2019"): (".", "."),
    ("0417", "2018-2020"): (600, 12.8), ("3413", "2018-2020"): (".", "."),
    ("0417", "2019-2021"): (".", "."), ("3413", "2019-2021"): (590, 12.5),
    ("0417", "2020-2022"): (".", "."), ("3413", "2020-2022"): ("..", ".."),
    ("04", "2017-2019"): (5900, 10.2), ("34", "2018-2020"): (9800, 10.4), ("34", "2019-2021"): (9900, 10.6),
    ("34", "2020-2022"): (10100, 10.9), ("0", "2017-2019"): (110000, 11.0), ("0", "2018-2020"): (111000, 11.2),
    ("0", "2019-2021"): (112000, 11.4), ("0", "2020-2022"): (114000, 11.7),
}


def ssb_answer(seen, periods=PERIODS, extra_dim=None):
    """Answer a PxWebApi v2 data POST for table 12944 with exactly what was selected."""
    sel = {s["variableCode"]: s["valueCodes"] for s in seen.body["selection"]}
    contents = sel["ContentsCode"][0]
    which = 0 if contents == "PersonerSeksti" else 1
    dims = [("Region", "region", {c: REGION[c] for c in sel["Region"] if c in REGION}),
            ("Alder", "alder", {"00-17": "0-17 år"}),
            ("ContentsCode", "statistikkvariabel", {contents: "Personer" if which == 0 else "Andel (prosent)"}),
            ("Tid", "år", periods)]
    if extra_dim:
        dims.insert(1, extra_dim)
    cells = {}
    for (region, period), pair in FIGURES.items():
        key = (region, "0", "00-17", contents, period) if extra_dim else (region, "00-17", contents, period)
        cells[key] = pair[which]
    return ssb_dataset("12944", dims, cells, decimals=0 if which == 0 else 1)


@pytest.fixture
def server() -> Iterator[SourceServer]:
    with SourceServer() as s:
        s.add("GET", "/ssb/tables/12944", Answer(body={"id": "12944", "label": "12944: Personer i husholdninger med "
                                                       "vedvarende lavinntekt", "updated": "2025-03-06T07:00:00Z",
                                                       "firstPeriod": "2011-2013", "lastPeriod": "2022-2024",
                                                       "variableNames": ["region", "alder", "statistikkvariabel",
                                                                         "år"], "links": []}))
        s.add("POST", "/ssb/tables/12944/data", Answer(body=ssb_answer))
        yield s


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def client(server: SourceServer) -> Iterator[SourceClient]:
    c = SourceClient(f"{server.url}/ssb", f"{server.url}/fhi", timeout=2.0, retries=2, backoff=0.5, sleep=Sleeps())
    yield c
    c.close()


def _values(engine: Engine, key: str) -> dict[tuple[str, str], tuple]:
    with session_scope(engine) as s:
        rows = s.execute(select(IndicatorValue.period, IndicatorValue.geo, IndicatorValue.value,
                                IndicatorValue.marker, IndicatorValue.region_code, IndicatorValue.is_example)
                         .join(Indicator).where(Indicator.key == key)).all()
    return {(r[0], r[1]): tuple(r[2:]) for r in rows}


def _source(engine: Engine, key: str) -> IndicatorSource:
    with session_scope(engine) as s:
        return s.scalar(select(IndicatorSource).join(Indicator).where(Indicator.key == key))


def _imports(engine: Engine) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(ChangeLog).where(ChangeLog.action == "import"))


def test_refresh_writes_joined_series_with_markers_and_logs_it(demo_engine, client, server):
    outcomes = refresh(demo_engine, SYSTEM, client, plan_key=PLAN)
    assert [(o.name, o.ok) for o in outcomes] == [("Barn i lavinntektsfamilier", True),
                                                  ("Andel barn i lavinntektsfamilier", True)], outcomes
    values = _values(demo_engine, "lavinntekt_andel")
    assert values[("2017–2019", "kommune")] == (13.1, None, "0417", False)
    assert values[("2019–2021", "kommune")] == (12.5, None, "3413", False)
    assert values[("2020–2022", "kommune")] == (None, "..", "3413", False)
    assert values[("2017–2019", "fylke")][2] == "04" and values[("2020–2022", "fylke")][:3] == (10.9, None, "34")
    assert values[("2020–2022", "land")][0] == 11.7
    assert _values(demo_engine, "lavinntekt")[("2019–2021", "kommune")][0] == 590
    src = _source(demo_engine, "lavinntekt_andel")
    assert src.last_error is None and src.last_ok_at is not None and src.latest_source_period == "2022–2024"
    assert _imports(demo_engine) > 0
    post = [r for r in server.requests if r.method == "POST"][0]
    assert post.path == "/ssb/tables/12944/data" and post.query["outputFormat"] == ["json-stat2"]
    assert {"variableCode": "Region", "valueCodes": ["3413", "0417", "34", "04", "0"]} in post.body["selection"]
    # the source has 2022–2024, Laget holds numbers up to 2019–2021 (2020–2022 is «..»): «nye tall»
    frame = sources_frame(demo_engine, _plan_id(demo_engine)).filter(indicator_id=src.indicator_id)
    assert frame["new_figures"][0] and frame["latest_period"][0] == "2019–2021"
    # a second refresh changes nothing and logs nothing
    before = _imports(demo_engine)
    again = refresh(demo_engine, SYSTEM, client, plan_key=PLAN)
    assert all(o.ok and o.result.inserted == 0 and o.result.updated == 0 for o in again)
    assert _imports(demo_engine) == before


def _plan_id(engine: Engine) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(Plan.id).where(Plan.key == PLAN))


def _assert_nothing_written(engine: Engine, before: dict, words: str) -> None:
    assert _values(engine, "lavinntekt_andel") == before
    assert words in (_source(engine, "lavinntekt_andel").last_error or "")


@pytest.mark.parametrize("answers, words", [
    ([Answer(400, {"type": "about:blank", "title": "Bad Request", "status": 400,
                   "detail": "Value, EUskalaSeksti is not a valid value code for variable ContentsCode"})],
     "SSB avviste spørringen (HTTP 400: Value, EUskalaSeksti is not a valid value code"),
    ([Answer(503, {"title": "Service Unavailable", "status": 503})], "midlertidig utilgjengelig (HTTP 503)"),
    ([Answer(200, lambda seen: ssb_answer(seen, extra_dim=("Kjonn", "kjønn", {"0": "Begge kjønn"})))],
     "har endret oppbygning (nye dimensjoner: Kjonn)"),
    ([Answer(200, lambda seen: ssb_answer(seen, periods={**PERIODS, "2024M01": "2024M01"}))], "2024M01"),
    ([Answer(200, {"class": "dataset", "id": ["Region"], "size": [2], "dimension": {}})], "ikke beskrevet"),
])
def test_error_answers_write_nothing_and_are_listed(demo_engine, client, server, answers, words):
    before = _values(demo_engine, "lavinntekt_andel")
    server.add("POST", "/ssb/tables/12944/data", *answers)
    outcomes = refresh(demo_engine, SYSTEM, client, plan_key=PLAN)
    assert not any(o.ok for o in outcomes)
    assert words in outcomes[1].message and "Ingenting er lagret" in outcomes[1].message
    _assert_nothing_written(demo_engine, before, words)
    listed = sources_frame(demo_engine, _plan_id(demo_engine), Actor("redaktor", "redaktor"))
    assert listed["last_error"].is_not_null().all() and listed.height == 2
    # issue 20.5: leaders do not get the errors, whatever the page does with the frame
    for reader in (Actor("leder", "leser"), Actor("slt", "planlegger"), None):
        hidden = sources_frame(demo_engine, _plan_id(demo_engine), reader)
        assert hidden["last_error"].is_null().all() and hidden["last_fetched_at"].is_not_null().all()


def test_429_waits_as_long_as_retry_after_says_then_succeeds(demo_engine, client, server):
    server.add("POST", "/ssb/tables/12944/data",
               Answer(429, {"title": "Too many requests", "status": 429,
                            "detail": "You have reach the threshold for request limiting. 30 request per minute."},
                      headers={"Retry-After": "7"}),
               Answer(body=ssb_answer))
    outcomes = refresh(demo_engine, SYSTEM, client, plan_key=PLAN, indicator_id=None)
    assert all(o.ok for o in outcomes), outcomes
    assert 7.0 in client.sleep


def test_503_retried_with_exponential_back_off_then_gives_up(demo_engine, client, server):
    server.add("POST", "/ssb/tables/12944/data", Answer(503, {"title": "Service Unavailable", "status": 503}))
    outcomes = refresh(demo_engine, SYSTEM, client, plan_key=PLAN)
    assert "ga opp etter 3 forsøk" in outcomes[0].message
    data_posts = [r for r in server.requests if r.method == "POST"]
    assert len(data_posts) == 6  # 3 attempts for each of the two indicators
    assert [s for s in client.sleep if s in (0.5, 1.0)] == [0.5, 1.0, 0.5, 1.0]


def test_slow_answer_times_out(demo_engine, server):
    server.add("POST", "/ssb/tables/12944/data", Answer(body=ssb_answer, delay=1.5))
    slow = SourceClient(f"{server.url}/ssb", f"{server.url}/fhi", timeout=0.3, retries=0, sleep=Sleeps())
    before = _values(demo_engine, "lavinntekt")
    outcomes = refresh(demo_engine, SYSTEM, slow, plan_key=PLAN)
    slow.close()
    assert "SSB svarte ikke innen 0.3 sekunder" in outcomes[0].message
    assert _values(demo_engine, "lavinntekt") == before


def test_network_error_is_reported(demo_engine):
    dead = SourceClient("http://127.0.0.1:9/ssb", "http://127.0.0.1:9/fhi", timeout=1, retries=1, sleep=Sleeps())
    outcomes = refresh(demo_engine, SYSTEM, dead, plan_key=PLAN)
    dead.close()
    # Norwegian words for what happened, never the exception's class name (issue 20.1)
    assert outcomes[0].message.startswith("Fikk ikke kontakt med SSB: tjeneren avviste tilkoblingen; ga opp etter 2 "
                                          "forsøk."), outcomes[0].message
    assert "Error" not in outcomes[0].message


def test_fhi_source_fetches_json_stat_with_flags(demo_engine, server):
    with session_scope(demo_engine) as s:
        ind_id = s.scalar(select(Indicator.id).where(Indicator.key == "ungdata_trivsel"))
    save_source(demo_engine, SYSTEM, ind_id, "fhi",
                {"source": "nokkel", "table": "175", "values": {"KJONN": "0", "MEASURE_TYPE": "MEIS"}})
    dims = [("GEO", "Geografi", {"3413": "Stange", "34": "Innlandet", "0": "Hele landet"}),
            ("AAR", "År", {"2021_2021": "2021", "2022_2022": "2022"}),
            ("KJONN", "Kjønn", {"0": "kjønn samlet"}), ("MEASURE_TYPE", "Måltall", {"MEIS": "meis"})]
    cells = {("3413", "2021_2021", "0", "MEIS"): 64.5, ("3413", "2022_2022", "0", "MEIS"): ":",
             ("0", "2021_2021", "0", "MEIS"): 66.0}
    server.add("POST", "/fhi/nokkel/Table/175/data", Answer(body=fhi_dataset(dims, cells)))
    server.add("GET", "/fhi/nokkel/Table/175/dimension",
               Answer(body={"dimensions": [{"code": "AAR", "label": "År", "categories": [
                   {"label": "2021", "value": "2021_2021"}, {"label": "2023", "value": "2023_2023"}]}]}))
    c = SourceClient(f"{server.url}/ssb", f"{server.url}/fhi", sleep=Sleeps())
    outcomes = refresh(demo_engine, SYSTEM, c, indicator_id=ind_id)
    c.close()
    assert [o.ok for o in outcomes] == [True], outcomes
    values = _values(demo_engine, "ungdata_trivsel")
    assert values[("2021", "kommune")][:3] == (64.5, None, "3413")
    assert values[("2022", "kommune")][:2] == (None, ":")
    body = [r for r in server.requests if r.path == "/fhi/nokkel/Table/175/data"][0].body
    assert {"code": "MEASURE_TYPE", "filter": "item", "values": ["MEIS"]} in body["dimensions"]
    assert _source(demo_engine, "ungdata_trivsel").latest_source_period == "2023"


def test_cli_refresh_exit_codes(demo_url, server, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    monkeypatch.setenv("LAGET_SSB_API_URL", f"{server.url}/ssb")
    monkeypatch.setenv("LAGET_FHI_API_URL", f"{server.url}/fhi")
    assert main(["indicators", "refresh", "--plan", PLAN]) == 0
    assert "OK   Andel barn i lavinntektsfamilier" in capsys.readouterr().out
    server.add("POST", "/ssb/tables/12944/data", Answer(400, {"title": "Bad Request", "status": 400,
                                                              "detail": "Bad query"}))
    assert main(["indicators", "refresh", "--plan", PLAN]) == 1
    err = capsys.readouterr().err
    assert "FEIL Barn i lavinntektsfamilier: SSB avviste spørringen (HTTP 400: Bad query)" in err
    assert main(["indicators", "refresh", "--plan", "finnes-ikke"]) == 1
    assert "Fant ingen plan" in capsys.readouterr().err


def test_save_source_validates_checks_role_and_logs(demo_engine):
    from data_access.domain.errors import AccessDenied, ValidationError

    with session_scope(demo_engine) as s:
        ind_id = s.scalar(select(Indicator.id).where(Indicator.key == "kriminalitet_unge"))
    with pytest.raises(AccessDenied):
        save_source(demo_engine, Actor("leder", "leser"), ind_id, "ssb", {"table": "12944",
                                                                        "values": {"ContentsCode": "X"}})
    with pytest.raises(ValidationError, match="SSB-tabellnummeret"):
        save_source(demo_engine, SYSTEM, ind_id, "ssb", {"table": "abc", "values": {"ContentsCode": "X"}})
    assert _source(demo_engine, "kriminalitet_unge") is None
    raw = {"table": "08487", "values": {"ContentsCode": "Lovbrudd"}, "unit": "count"}
    assert save_source(demo_engine, SYSTEM, ind_id, "ssb", raw) is True
    assert save_source(demo_engine, SYSTEM, ind_id, "ssb", raw) is False  # unchanged
    assert _source(demo_engine, "kriminalitet_unge").definition["table"] == "08487"
    with session_scope(demo_engine) as s:
        assert s.get(Indicator, ind_id).unit == "count"
        fields = set(s.scalars(select(ChangeLog.field).where(ChangeLog.entity_id == ind_id,
                                                               ChangeLog.entity == "indicator")))
    assert {"source_definition", "unit"} <= fields
    assert save_source(demo_engine, SYSTEM, ind_id, None, None) is True
    assert _source(demo_engine, "kriminalitet_unge") is None


def test_region_codes_are_validated_and_admin_only(demo_engine):
    from data_access.domain.errors import AccessDenied, ValidationError
    from data_access.writes.sources import plan_regions, set_region_codes

    plan_id = _plan_id(demo_engine)
    assert plan_regions(demo_engine, plan_id)["kommune"] == ["3413", "0417"]
    with pytest.raises(AccessDenied):
        set_region_codes(demo_engine, Actor("redaktor", "redaktor"), plan_id, {"kommune": "3413"})
    with pytest.raises(ValidationError, match="minst kommunenummeret"):
        set_region_codes(demo_engine, SYSTEM, plan_id, {"land": "0"})
    with pytest.raises(ValidationError, match="1–4 sifre"):
        set_region_codes(demo_engine, SYSTEM, plan_id, {"kommune": "Stange"})
    set_region_codes(demo_engine, SYSTEM, plan_id, {"kommune": "3413, 0417", "fylke": "34", "land": ""})
    assert plan_regions(demo_engine, plan_id) == {"kommune": ["3413", "0417"], "fylke": ["34"]}


def test_unusable_base_url_names_the_setting(demo_engine):
    bad = SourceClient("ftp://example.invalid/ssb", "http://127.0.0.1:9/fhi", retries=0, sleep=Sleeps())
    outcomes = refresh(demo_engine, SYSTEM, bad, plan_key=PLAN)
    bad.close()
    assert "LAGET_SSB_API_URL" in outcomes[0].message and not outcomes[0].ok
