"""Indikatorer through AppTest: the source form's «Test», «Hent nye tall», freshness and listed failures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.app.conftest import texts
from tests.integration.test_source_refresh import ssb_answer
from tests.source_server import Answer, SourceServer

TABLE_INFO = {"id": "12944", "label": "12944", "updated": "2025-03-06T07:00:00Z", "firstPeriod": "2011-2013",
              "lastPeriod": "2022-2024", "variableNames": ["region"], "links": []}


@pytest.fixture
def ssb(app_env: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[SourceServer]:
    with SourceServer() as server:
        server.add("GET", "/ssb/tables/12944", Answer(body=TABLE_INFO))
        server.add("POST", "/ssb/tables/12944/data", Answer(body=ssb_answer))
        monkeypatch.setenv("LAGET_SSB_API_URL", f"{server.url}/ssb")
        monkeypatch.setenv("LAGET_FHI_API_URL", f"{server.url}/fhi")
        yield server


def test_redaktor_tests_a_source_and_sees_the_import_preview_without_saving(open_page, ssb):
    at = open_page("redaktor", "indikatorer")
    box = next(s for s in at.selectbox if s.label == "Indikator")
    box.set_value(_indicator_id(at, "Andel barn i lavinntektsfamilier")).run()
    assert "Hentes fra SSB tabell 12944" in texts(at)
    assert any(e.label == "Kilde for automatisk henting (SSB eller FHI)" for e in at.expander)
    next(t for t in at.text_area if t.label.startswith("Verdikoder")).input(
        "Alder=00-17\nContentsCode=PersonerSeksti")
    next(b for b in at.button if b.key and b.key.startswith("advanced_test")).click().run()
    assert not at.exception
    page = texts(at)
    assert "Hentet fra SSB tabell 12944" in page and "Ingenting er lagret ennå" in page
    assert "Forhåndsvisning:" in page
    preview = next(d.value for d in at.dataframe if "Regionkode" in d.value.columns)
    assert list(preview.columns)[:4] == ["Periode", "Geografi", "Sted", "Verdi"]
    assert "590" in preview["Verdi"].to_list(), "the preview shows values as Norwegian text"
    assert "0417" in preview["Regionkode"].to_list() and "– (tallgrunnlag mangler)" in preview["Merknad"].to_list()
    # nothing was saved: the source definition and the values are unchanged
    assert "Sist hentet: aldri" in texts(at)


def test_test_with_a_bad_answer_shows_a_norwegian_message(open_page, ssb):
    ssb.add("POST", "/ssb/tables/12944/data", Answer(400, {"title": "Bad Request", "status": 400,
                                                          "detail": "Value, X is not a valid value code"}))
    at = open_page("redaktor", "indikatorer")
    next(s for s in at.selectbox if s.label == "Indikator").set_value(
        _indicator_id(at, "Andel barn i lavinntektsfamilier")).run()
    next(b for b in at.button if b.key and b.key.startswith("advanced_test")).click().run()
    assert not at.exception
    assert any("Testen feilet: SSB avviste spørringen (HTTP 400: Value, X is not a valid value code)" in e.value
               for e in at.error)


def test_hent_nye_tall_fetches_and_failures_are_listed(open_page, ssb):
    at = open_page("redaktor", "indikatorer")
    next(b for b in at.button if b.label == "Hent nye tall").click().run()
    assert not at.exception
    assert any("Hentet 2 av 2 indikatorer" in t.value for t in at.toast)
    page = texts(at)
    assert "Automatisk henting fra SSB og FHI" in page
    sources = next(d.value for d in at.dataframe if "Nye tall" in d.value.columns)
    assert sources["Nye tall"].to_list() == ["Nye tall", "Nye tall"]
    assert sources["Siste periode hos kilden"].to_list() == ["2022–2024", "2022–2024"]
    ssb.add("POST", "/ssb/tables/12944/data", Answer(400, {"title": "Bad Request", "status": 400,
                                                          "detail": "Bad query"}))
    next(b for b in at.button if b.label == "Hent nye tall").click().run()
    assert not at.exception
    assert any("Hentet 0 av 2 indikatorer" in t.value for t in at.toast)
    assert any("Siste henting fra SSB/FHI feilet for 2 indikatorer" in w.value for w in at.warning)


def test_leser_sees_freshness_but_no_button(open_page, ssb):
    at = open_page("leder", "indikatorer")
    assert not [b for b in at.button if b.label == "Hent nye tall"]
    assert "Automatisk henting fra SSB og FHI" in texts(at)


def _indicator_id(at, name: str) -> int:
    from data_access.db.engine import get_engine
    from data_access.reads.indicators import indicators_frame

    ctx = at.session_state["_laget_ctx"]
    frame = indicators_frame(get_engine(ctx.settings.database_url), ctx.plan_id)
    return frame.filter(frame["name"] == name)["id"][0]


def test_admin_edits_the_plans_region_codes(open_page, ssb):
    at = open_page("admin", "indikatorer")
    field = next(t for t in at.text_input if t.label == "Kommunenummer")
    assert field.value == "3413,0417"
    field.input("3413,04x7")
    next(b for b in at.button if b.label == "Lagre regionkoder").click().run()
    assert any("«04x7» for kommune må være 1–4 sifre" in e.value for e in at.error)
    next(t for t in at.text_input if t.label == "Kommunenummer").input("3413")
    next(b for b in at.button if b.label == "Lagre regionkoder").click().run()
    assert any("Regionkodene er lagret" in t.value for t in at.toast)
    assert next(t for t in at.text_input if t.label == "Kommunenummer").value == "3413"
    assert not [t for t in open_page("redaktor", "indikatorer").text_input if t.label == "Kommunenummer"]
