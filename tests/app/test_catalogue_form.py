"""Issue 20.5 on Indikatorer: an editor picks an indicator from the catalogue and a kommune instead of typing
PxWebApi codes (fetched through the local replay server); unchecked codes are said to be unchecked; a failed fetch
reads «Sist forsøkt … feilet» for editors, and leaders see no fetch errors."""

import json
import re
from pathlib import Path

from tests.app.conftest import texts
from tests.app.test_sources import _indicator_id, ssb  # noqa: F401 - the replay server fixture
from tests.source_server import Answer, fhi_dataset

QUERY_806 = Path(__file__).resolve().parents[1] / "fixtures" / "jsonstat" / "catalogue" / "queries" / "fhi-806.json"


def _pick_indicator(at, name: str):
    next(s for s in at.selectbox if s.label == "Indikator").set_value(_indicator_id(at, name)).run()
    return _indicator_id(at, name)


def test_editor_picks_lavinntekt_and_a_kommune_and_tests_without_codes(open_page, ssb):  # noqa: F811
    at = open_page("redaktor", "indikatorer")
    ind = _pick_indicator(at, "Antall 9A-saker")  # has no source yet
    box = at.selectbox(key=f"catalogue_entry_{ind}")
    assert "Barn i lavinntekt (SSB 12944)" in box.options
    box.set_value("ssb-12944-andel").run()
    assert any("Kodene er ikke kontrollert" in w.value for w in at.warning)
    assert "Enhet: prosent" in texts(at) and "Lavere er bedre" in texts(at)
    kommune = at.selectbox(key=f"catalogue_kommune_{ind}")
    assert kommune.value == "3413" and "3413 Stange (planens kommune)" in kommune.options
    at.button(key=f"catalogue_test_{ind}").click().run()
    assert not at.exception
    assert "Hentet fra SSB tabell 12944" in texts(at) and "Ingenting er lagret ennå" in texts(at)
    body = [r for r in ssb.requests if r.method == "POST"][-1].body
    assert {"variableCode": "ContentsCode", "valueCodes": ["EUskalaSeksti"]} in body["selection"]
    assert {"variableCode": "Region", "valueCodes": ["3413", "0417", "34", "04", "0"]} in body["selection"]
    # another kommune: its own number and the country, nothing of the plan's
    at.selectbox(key=f"catalogue_kommune_{ind}").set_value("4012").run()
    at.button(key=f"catalogue_save_{ind}").click().run()
    assert not at.exception
    assert any("Kilden er lagret" in t.value for t in at.toast)
    at.button(key=f"catalogue_test_{ind}").click().run()
    body = [r for r in ssb.requests if r.method == "POST"][-1].body
    assert {"variableCode": "Region", "valueCodes": ["4012", "0"]} in body["selection"]
    assert at.selectbox(key=f"catalogue_entry_{ind}").value == "ssb-12944-andel", "the saved source is recognised"


def test_a_bad_kommune_number_is_refused_in_norwegian(open_page, ssb):  # noqa: F811
    at = open_page("redaktor", "indikatorer")
    ind = _pick_indicator(at, "Antall 9A-saker")
    at.selectbox(key=f"catalogue_entry_{ind}").set_value("ssb-12944-antall").run()
    at.text_input(key=f"catalogue_other_{ind}").input("34x1")
    at.button(key=f"catalogue_save_{ind}").click().run()
    assert any("«34x1» må være fire sifre" in e.value for e in at.error)


def test_an_entry_laget_cannot_fetch_says_where_the_figures_come_from(open_page, ssb):  # noqa: F811
    at = open_page("redaktor", "indikatorer")
    ind = _pick_indicator(at, "Antall 9A-saker")
    at.selectbox(key=f"catalogue_entry_{ind}").set_value("udir-skolefravaer").run()
    assert any("Laget kan ikke hente dette automatisk" in i.value and "Importer tall" in i.value for i in at.info)
    assert f"catalogue_test_{ind}" not in [b.key for b in at.button]


def test_full_form_is_under_avansert(open_page, ssb):  # noqa: F811
    at = open_page("redaktor", "indikatorer")
    labels = [e.label for e in at.expander]
    assert "Avansert: kilde med egne koder (PxWebApi og FHI)" in labels
    assert any(t.label == "Regionvariabel" for t in at.text_input)


def test_failed_fetch_says_sist_forsokt_for_editors_and_nothing_for_leaders(open_page, ssb):  # noqa: F811
    ssb.add("POST", "/ssb/tables/12944/data", Answer(400, {"title": "Bad Request", "status": 400,
                                                          "detail": "Bad query"}))
    at = open_page("redaktor", "indikatorer")
    next(b for b in at.button if b.label == "Hent nye tall").click().run()
    _pick_indicator(at, "Andel barn i lavinntektsfamilier")
    page = texts(at)
    assert re.search(r"Sist forsøkt \d\d\.\d\d\.\d{4} kl\. \d\d:\d\d feilet: SSB avviste spørringen", page), page
    assert "Sist hentet: aldri" in page, "a failed try is not «Sist hentet»"
    table = next(d.value for d in at.dataframe if "Sist forsøkt" in d.value.columns)
    assert all(v.endswith("feilet") for v in table["Sist forsøkt"])
    leader = open_page("leder", "indikatorer")
    _pick_indicator(leader, "Andel barn i lavinntektsfamilier")
    shown = texts(leader)
    assert "feilet" not in shown and "avviste" not in shown and "Bad query" not in shown
    assert not any("Sist forsøkt" in d.value.columns or "Feil ved siste henting" in d.value.columns
                   for d in leader.dataframe)
    assert "Sist hentet: aldri" in shown


def test_an_fhi_entry_fetches_with_the_dimensions_of_the_answered_query(open_page, ssb):  # noqa: F811
    """Mobbing (FHI 806) for Bamble: the body Laget sends names exactly the dimensions of the public query FHI
    answered, with its codes; the replayed answer (test data with those codes) fills the preview."""
    dims = [("GEO", "Geografi", {"4012": "Bamble", "0": "Hele landet"}), ("AAR", "År", {"2022_2024": "2022-2024"}),
            ("KJONN", "Kjønn", {"0": "kjønn samlet"}), ("SPM_ID", "Spm.id", {"479": "spm. om mobbing"}),
            ("TRINN", "Klassetrinn", {"7": "7. trinn"}), ("MEASURE_TYPE", "Måltall", {"MEIS": "andel"})]
    ssb.add("POST", "/fhi/nokkel/Table/806/data", Answer(body=fhi_dataset(
        dims, {("4012", "2022_2024", "0", "479", "7", "MEIS"): 9.6, ("0", "2022_2024", "0", "479", "7", "MEIS"): 9.6})))
    ssb.add("GET", "/fhi/nokkel/Table/806/dimension", Answer(body={"dimensions": []}))
    at = open_page("redaktor", "indikatorer")
    ind = _pick_indicator(at, "Antall 9A-saker")
    box = at.selectbox(key=f"catalogue_entry_{ind}")
    assert "Mobbing, 7. trinn (oppvekstprofil) (FHI 806)" in box.options
    box.set_value("fhi-oppvekst-mobbing").run()
    assert "Tabell: 806" in texts(at)
    assert any("Kodene er ikke kontrollert" in w.value for w in at.warning)
    at.text_input(key=f"catalogue_other_{ind}").input("4012")
    at.button(key=f"catalogue_test_{ind}").click().run()
    assert not at.exception
    assert "Ingenting er lagret ennå" in texts(at)
    body = [r for r in ssb.requests if r.path == "/fhi/nokkel/Table/806/data"][-1].body
    recorded = json.loads(QUERY_806.read_text(encoding="utf-8"))
    assert [d["code"] for d in body["dimensions"]] and \
        {d["code"] for d in body["dimensions"]} == {d["code"] for d in recorded["dimensions"]}
    sent = {d["code"]: d["values"] for d in body["dimensions"]}
    assert sent["GEO"] == ["4012", "0"] and sent["SPM_ID"] == ["479"] and sent["MEASURE_TYPE"] == ["MEIS"]
