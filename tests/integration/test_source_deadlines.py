"""`laget indicators refresh` against a real local HTTP server that stalls, trickles a byte at a time or answers
with malformed JSON-stat: each indicator ends within its deadline (and the run within its own), the failure is a
Norwegian ``SourceError`` recorded in ``last_error``, and the other indicators are still fetched.

Deadlines are small (set through the settings) so the tests take seconds; the margins are generous."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import select

from config.settings import load_settings
from dashboard.cli import main
from data_access.db.engine import session_scope
from data_access.db.models import Indicator, IndicatorSource
from data_access.domain.users import SYSTEM
from data_access.outside.source_client import SourceClient
from data_access.outside.sources import SourceError
from data_access.writes.sources import client_from_settings, refresh, save_source
from tests.integration.test_source_refresh import PLAN, ssb_answer
from tests.source_server import Answer, SourceServer, fhi_dataset

FIRST, SECOND = "Barn i lavinntektsfamilier", "Andel barn i lavinntektsfamilier"  # PersonerSeksti, EUskalaSeksti
MARGIN = 1.5  # seconds beyond a deadline that a slow CI machine may need


def _first_gets(bad: Callable[[object], object]) -> Callable[[object], object]:
    """The first indicator (PersonerSeksti) gets ``bad(seen)``, the second a good answer."""
    def answer(seen):
        contents = {s["variableCode"]: s["valueCodes"] for s in seen.body["selection"]}["ContentsCode"][0]
        return bad(seen) if contents == "PersonerSeksti" else ssb_answer(seen)
    return answer


@pytest.fixture
def server() -> Iterator[SourceServer]:
    with SourceServer() as s:
        s.add("GET", "/ssb/tables/12944", Answer(body={"id": "12944", "lastPeriod": "2022-2024"}))
        s.add("POST", "/ssb/tables/12944/data", Answer(body=ssb_answer))
        yield s


def _client(server: SourceServer, deadline: float | None = 1.0, run: float | None = None) -> SourceClient:
    """Default timeout (30 s) and retries (3): only the deadline can end a stall or a trickle early."""
    settings = load_settings({"LAGET_SSB_API_URL": f"{server.url}/ssb", "LAGET_FHI_API_URL": f"{server.url}/fhi",
                              "LAGET_SOURCE_DEADLINE": str(deadline or ""),
                              "LAGET_SOURCE_RUN_DEADLINE": str(run or "")})
    client = client_from_settings(settings)
    client.indicator_deadline, client.run_deadline = deadline, run
    return client


def _last_error(engine, name: str) -> str | None:
    with session_scope(engine) as s:
        return s.scalar(select(IndicatorSource.last_error).join(Indicator).where(Indicator.name == name))


def _timed(engine, client: SourceClient, **kwargs) -> tuple[list, float]:
    start = time.monotonic()
    try:
        outcomes = refresh(engine, SYSTEM, client, plan_key=PLAN, **kwargs)
    finally:
        client.close()
    return outcomes, time.monotonic() - start


STALL = Answer(body=lambda seen: ssb_answer(seen), delay=120)
TRICKLE = Answer(body=lambda seen: ssb_answer(seen), trickle=0.2)  # a byte every 0.2 s: minutes for the answer


@pytest.mark.parametrize("bad", [STALL, TRICKLE], ids=["stall", "trickle"])
def test_a_stalled_or_trickling_server_is_given_up_at_the_deadline(demo_engine, server, bad):
    server.add("POST", "/ssb/tables/12944/data", Answer(body=_first_gets(lambda seen: bad)))
    outcomes, elapsed = _timed(demo_engine, _client(server, deadline=1.0))
    assert [(o.name, o.ok) for o in outcomes] == [(FIRST, False), (SECOND, True)], outcomes
    assert "tidsgrensen på 1 sekunder (LAGET_SOURCE_DEADLINE)" in outcomes[0].message
    assert "Ingenting er lagret" in outcomes[0].message
    assert 1.0 <= elapsed < 1.0 + MARGIN, elapsed  # before: 141 s (stall) and 181 s (trickle) with the defaults
    assert _last_error(demo_engine, FIRST) == outcomes[0].message
    assert _last_error(demo_engine, SECOND) is None


def test_a_trickle_in_the_latest_period_lookup_is_bounded_too(demo_engine, server):
    server.add("GET", "/ssb/tables/12944", Answer(body={"lastPeriod": "2022-2024"}, trickle=0.3))
    outcomes, elapsed = _timed(demo_engine, _client(server, deadline=0.8))
    assert not any(o.ok for o in outcomes)
    assert elapsed < 2 * 0.8 + MARGIN, elapsed
    assert all("LAGET_SOURCE_DEADLINE" in o.message for o in outcomes)


def test_the_run_deadline_ends_the_run_and_records_every_indicator(demo_engine, server):
    with session_scope(demo_engine) as s:
        ind_id = s.scalar(select(Indicator.id).where(Indicator.key == "ungdata_trivsel"))
    save_source(demo_engine, SYSTEM, ind_id, "fhi", {"source": "nokkel", "table": "175",
                                                     "values": {"KJONN": "0", "MEASURE_TYPE": "MEIS"}})
    server.add("POST", "/ssb/tables/12944/data", STALL)
    outcomes, elapsed = _timed(demo_engine, _client(server, deadline=1.0, run=1.5), indicator_id=None)
    outcomes = [o for o in outcomes if o.name in {FIRST, SECOND} or o.indicator_id == ind_id]
    assert len(outcomes) == 3 and not any(o.ok for o in outcomes)
    assert elapsed < 1.5 + MARGIN, elapsed
    messages = {o.name: o.message for o in outcomes}
    assert "(LAGET_SOURCE_DEADLINE)" in messages[FIRST]
    assert "tidsgrensen på 1.5 sekunder (LAGET_SOURCE_RUN_DEADLINE)" in messages[SECOND]
    third = next(o for o in outcomes if o.indicator_id == ind_id)
    assert third.message.startswith("Ikke hentet: hele hentingen nådde tidsgrensen på 1.5 sekunder")
    assert all(_last_error(demo_engine, o.name) == o.message for o in outcomes)


def test_cli_deadline_comes_from_the_settings(demo_url, server, monkeypatch, capsys):
    server.add("POST", "/ssb/tables/12944/data", Answer(body=_first_gets(lambda seen: TRICKLE)))
    for key, value in {"DATABASE_URL": demo_url, "LAGET_SSB_API_URL": f"{server.url}/ssb",
                       "LAGET_FHI_API_URL": f"{server.url}/fhi", "LAGET_SOURCE_DEADLINE": "1"}.items():
        monkeypatch.setenv(key, value)
    start = time.monotonic()
    assert main(["indicators", "refresh", "--plan", PLAN]) == 1
    assert time.monotonic() - start < 1.0 + MARGIN + 1.0
    captured = capsys.readouterr()
    assert f"FEIL {FIRST}: SSB ble ikke ferdig innen tidsgrensen på 1 sekunder (LAGET_SOURCE_DEADLINE)" in captured.err
    assert f"OK   {SECOND}" in captured.out and "Traceback" not in captured.err


def _mutate(change: Callable[[dict], object]) -> Callable[[object], dict]:
    def bad(seen) -> dict:
        body = copy.deepcopy(ssb_answer(seen))
        change(body)
        return body
    return bad


def _set(key: str, value: object) -> Callable[[object], dict]:
    return _mutate(lambda b: b.__setitem__(key, value))


def _text_value(body: dict) -> None:
    body["value"][body["value"].index(next(v for v in body["value"] if v is not None))] = "12 kr"


def _region(body: dict) -> dict:
    return body["dimension"]["Region"]


MALFORMED: dict[str, Callable[[object], object]] = {
    "deeply nested": lambda seen: Answer(raw=b"[" * 200_000 + b"]" * 200_000),
    "not json": lambda seen: Answer(raw=b"<html>Vedlikehold</html>"),
    "a list": lambda seen: [1, 2, 3],
    "wrong size": _mutate(lambda b: b["size"].__setitem__(0, 99)),
    "size as text": _mutate(lambda b: b["size"].__setitem__(0, "5")),
    "size huge": _mutate(lambda b: b.update(size=[10**6, 10**6, 1, 1])),
    "id as text": _set("id", "Region"),
    "id with objects": _mutate(lambda b: b["id"].__setitem__(0, {"x": 1})),
    "dimension a list": _set("dimension", []),
    "category label a list": _mutate(lambda b: _region(b)["category"].__setitem__("label", ["a"])),
    "index positions as text": _mutate(lambda b: _region(b)["category"].__setitem__(
        "index", {k: str(v) for k, v in _region(b)["category"]["index"].items()})),
    "unit as text": _mutate(lambda b: b["dimension"]["ContentsCode"]["category"].__setitem__("unit", "prosent")),
    "unit entry as text": _mutate(lambda b: b["dimension"]["ContentsCode"]["category"].__setitem__(
        "unit", {"PersonerSeksti": "prosent"})),
    "value an object with words": _set("value", {"en": 1}),
    "value a string": _set("value", "abc"),
    "value with objects": _mutate(lambda b: b["value"].__setitem__(0, {"v": 1})),
    "value with lists": _mutate(lambda b: b["value"].__setitem__(0, [1])),
    "value too short": _mutate(lambda b: b["value"].pop()),
    "value text": _mutate(_text_value),
    "value true": _mutate(lambda b: b["value"].__setitem__(0, True)),
    "status objects": _set("status", {"0": {"a": 1}}),
    "status list of objects": _set("status", [{"a": 1}]),
    "status a number": _set("status", 5),
    "status long text": _mutate(lambda b: b.__setitem__("status", {str(i): "ikke tilgjengelig" for i in
                                                                   range(len(b["value"])) if b["value"][i] is None})),
    "role a list": _set("role", ["metric"]),
    "role names a missing dimension": _set("role", {"metric": ["Finnes"]}),
    "role with a string": _set("role", {"metric": "ContentsCode"}),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_json_stat_is_a_recorded_error_and_the_others_are_fetched(demo_engine, server, case):
    server.add("POST", "/ssb/tables/12944/data", Answer(body=_first_gets(MALFORMED[case])))
    outcomes, elapsed = _timed(demo_engine, _client(server, deadline=10.0))
    assert [(o.name, o.ok) for o in outcomes] == [(FIRST, False), (SECOND, True)], outcomes
    message = outcomes[0].message
    assert "Ingenting er lagret" in message and "Uventet feil" not in message, message
    assert _last_error(demo_engine, FIRST) == message
    assert elapsed < 10, elapsed


def test_text_where_a_number_belongs_is_an_error_not_a_marker(demo_engine, server):
    server.add("POST", "/ssb/tables/12944/data", Answer(body=_first_gets(MALFORMED["value text"])))
    outcomes, _ = _timed(demo_engine, _client(server))
    assert "verdien «12 kr» er tekst, ikke et tall" in outcomes[0].message


@pytest.mark.parametrize("depth", [30, 5000])
def test_fhi_period_lookup_with_odd_or_deep_categories_does_not_crash(demo_engine, server, depth):
    with session_scope(demo_engine) as s:
        ind_id = s.scalar(select(Indicator.id).where(Indicator.key == "ungdata_trivsel"))
    save_source(demo_engine, SYSTEM, ind_id, "fhi", {"source": "nokkel", "table": "175",
                                                     "values": {"KJONN": "0", "MEASURE_TYPE": "MEIS"}})
    deep = '{"label": "x", "children": [' * depth + '{"label": "2023", "value": "2023_2023"}' \
        + ', "ikke en kategori", null]}' * depth
    server.add("GET", "/fhi/nokkel/Table/175/dimension", Answer(
        raw=('{"dimensions": [{"code": "AAR", "categories": [' + deep + ']}, "tull", null]}').encode()))
    dims = [("GEO", "Geografi", {"3413": "Stange"}), ("AAR", "År", {"2021_2021": "2021"}),
            ("KJONN", "Kjønn", {"0": "kjønn samlet"}), ("MEASURE_TYPE", "Måltall", {"MEIS": "meis"})]
    server.add("POST", "/fhi/nokkel/Table/175/data",
               Answer(body=fhi_dataset(dims, {("3413", "2021_2021", "0", "MEIS"): 64.5})))
    outcomes, _ = _timed(demo_engine, _client(server), indicator_id=ind_id)
    if depth < 100:  # odd entries are skipped
        assert [o.ok for o in outcomes] == [True], outcomes
        with session_scope(demo_engine) as s:
            assert s.get(IndicatorSource, ind_id).latest_source_period == "2023"
    else:  # deeper than any JSON reader here goes: a clear, recorded failure, never a RecursionError
        assert outcomes[0].message == ("FHI svarte med JSON som er nøstet for dypt til å være et datasett. "
                                       "Ingenting er lagret.")
        with session_scope(demo_engine) as s:
            assert s.get(IndicatorSource, ind_id).last_error == outcomes[0].message


def test_source_error_is_a_laget_error():
    from data_access.domain.errors import LagetError
    from data_access.formats.jsonstat import JsonStatError

    assert issubclass(SourceError, LagetError) and issubclass(JsonStatError, LagetError)
