"""Every page as every role: what is shown, what is hidden."""

import pytest

from tests.app.conftest import editors, texts

ROLES = ["admin", "redaktor", "slt", "leder"]


def _nav_titles(at):
    return set(at.session_state["_laget_pages"])


@pytest.mark.parametrize("user", ROLES)
def test_navigation_shows_each_role_its_pages(open_page, user):
    at = open_page(user)
    expected = {"Oversikt", "Tiltak", "Per tjeneste", "Dekningskart", "Endringslogg", "Møtekalender", "Indikatorer",
                "Rapport", "Tilgjengelighetserklæring"}
    if user in {"admin", "redaktor"}:
        expected |= {"Møtemodus", "Importer tall"}
    if user == "admin":
        expected.add("Administrasjon")
    assert _nav_titles(at) == expected


@pytest.mark.parametrize("user", ROLES)
def test_oversikt(open_page, user):
    at = open_page(user, "oversikt")
    page = texts(at)
    assert "Oversikt" in page
    assert "Tiltak i alt 40" in page
    metrics = {m.label: int(m.value) for m in at.metric}
    assert sum(n for label, n in metrics.items() if label != "Tiltak i alt") == metrics["Tiltak i alt"]
    assert "Neste møter" in page and "Evalueringsdato passert" in page


@pytest.mark.parametrize("user", ROLES)
def test_tiltak_page_shows_levels_and_no_edit_for_reader(open_page, user):
    at = open_page(user, "tiltak")
    page = texts(at)
    assert "Universell (30 tiltak)" in page
    assert "Selektiv (6 tiltak)" in page
    assert "Indikativ (4 tiltak)" in page
    if user == "leder":
        assert not editors(at), "a reader gets no edit grid"


def test_tiltak_filter_by_status(open_page):
    at = open_page("leder", "tiltak")
    at.multiselect(key="filter_statuses").select("avsluttet").run()
    assert not at.exception
    assert "Universell (30 tiltak)" not in texts(at)


@pytest.mark.parametrize("user", ROLES)
def test_motekalender_groups_arenas_by_level(open_page, user):
    at = open_page(user, "motekalender")
    page = texts(at)
    for level in ("Kommunenivå", "Tjenestenivå", "Individnivå"):
        assert level in page


@pytest.mark.parametrize("user", ROLES)
def test_indikatorer_marks_example_data(open_page, user):
    at = open_page(user, "indikatorer")
    page = texts(at)
    assert "Barn i lavinntektsfamilier" in page or "lavinntekt" in page.lower()
    assert "Kilde:" in page
    assert any("Eksempeldata" in str(getattr(b, "proto", b)) for b in at.get("badge")) or "Eksempeldata" in page


def test_bamble_is_a_second_plan(open_page):
    at = open_page("leder", "tiltak", plan_key="bamble")
    page = texts(at)
    assert "Bamble" in page
    assert "Alle barn" in page and "Særlig utsatt" in page


def test_only_admin_reaches_brukere(open_page):
    at = open_page("admin", "brukere")
    assert "Brukere" in texts(at) and "Planer" in texts(at)
    assert "leder" in at.dataframe[0].value["Brukernavn"].to_list()


@pytest.mark.parametrize("page", ["oversikt", "tiltak", "tjenester", "motemodus", "endringslogg", "motekalender",
                                  "indikatorer", "importer", "brukere"])
def test_every_page_works_for_a_plan_with_protective_factors_and_no_arenas(open_page, page):
    at = open_page("admin", page, plan_key="bamble")
    assert not at.exception and not at.error
    assert "Bamble" in texts(at) or page == "brukere"


def test_admin_creates_a_plan_and_can_choose_it(open_page):
    at = open_page("admin", "brukere")
    [t for t in at.text_input if t.label == "Navn på planen"][0].input("Forebyggende plan 2025–2028")
    [t for t in at.text_input if t.label == "Kommune"][0].input("Hamar")
    next(b for b in at.button if b.label == "Opprett plan").click().run()
    assert not at.exception and not at.error
    assert any("Planen for Hamar er opprettet" in t.value for t in at.toast)
    assert any("Hamar" in str(o) for o in at.sidebar.selectbox[0].options)


@pytest.mark.parametrize("user", ROLES)
def test_accessibility_statement_for_every_role(open_page, user):
    from dashboard.accessibility import BREACHES

    at = open_page(user, "tilgjengelighet")
    page = texts(at)
    for heading in ("Samsvarsstatus", "Brudd på kravene", "Slik er løsningen vurdert", "Tilbakemelding og kontakt",
                    "Tilsyn og klage"):
        assert heading in page
    assert all(b.criterion in page for b in BREACHES)


@pytest.mark.parametrize("plan_key", [None, "bamble"])
def test_no_page_shows_none(open_page, app_env, plan_key):
    """«None» never reaches the reader: not in text, not in the HTML tables, not as a plan's Fra/Til."""
    from data_access.db.engine import get_engine
    from data_access.reads.plans import plans_frame

    key = None
    if plan_key:
        keys = plans_frame(get_engine(app_env))["key"].to_list()
        key = next(k for k in keys if plan_key in k)
    for page in ("oversikt", "tiltak", "tjenester", "endringslogg", "motekalender", "indikatorer", "brukere"):
        at = open_page("admin", page, plan_key=key)
        shown = texts(at) + "\n".join(h.proto.body for h in at.get("html"))
        assert "None" not in shown, page
