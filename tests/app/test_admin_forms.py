"""Issue 20.4: Administrasjon's forms keep what was typed, the plan import asks for level names first and counts by
them, plan keys keep æ/ø/å readable, no «… kommune kommune», and the user table shows role labels."""

import pytest

from data_access.db.engine import get_engine
from data_access.reads.plans import plans_frame
from data_access.reads.users import users_frame
from tests.app.conftest import texts
from tests.app.test_excel import upload  # noqa: F401 - the fixture


def _input(at, label: str):
    return next(t for t in at.text_input if t.label == label)


def test_a_refused_new_user_keeps_every_field(open_page, app_env):
    at = open_page("admin", "brukere")
    _input(at, "Brukernavn").input("ny.bruker")
    _input(at, "Navn").input("Ny Bruker")
    next(s for s in at.selectbox if s.label == "Rolle" and s.key and s.key.startswith("new_role")).select("redaktor")
    _input(at, "Passord (minst 8 tegn)").input("kort")
    next(b for b in at.button if b.label == "Legg til").click().run()
    assert not at.exception
    assert at.error, "the short password is refused"
    assert _input(at, "Brukernavn").value == "ny.bruker"
    assert _input(at, "Navn").value == "Ny Bruker"
    assert next(s for s in at.selectbox if s.key and s.key.startswith("new_role")).value == "redaktor"
    _input(at, "Passord (minst 8 tegn)").input("langt-nok-passord")
    next(b for b in at.button if b.label == "Legg til").click().run()
    assert not at.exception and not at.error
    assert "ny.bruker" in users_frame(get_engine(app_env))["username"].to_list()
    assert _input(at, "Brukernavn").value == "", "after a success the form starts empty"


def test_user_table_shows_role_labels_as_the_form_does(open_page):
    at = open_page("admin", "brukere")
    table = next(d.value for d in at.dataframe if "Rolle" in d.value.columns)
    roles = set(table["Rolle"])
    assert "Administrator" in roles and "Redaktør (implementeringsgruppa)" in roles
    assert not roles & {"admin", "redaktor", "leser", "planlegger"}


def test_new_plan_key_keeps_norwegian_letters_and_no_double_kommune(open_page, app_env):
    at = open_page("admin", "brukere")
    _input(at, "Navn på planen").input("Plan for forebygging")
    next(t for t in at.text_input if t.label == "Kommune" and t.key.startswith("plan_kommune")).input("Prøvekommune")
    next(n for n in at.number_input if n.label == "Fra år" and n.key.startswith("plan_from")).set_value(2027)
    next(n for n in at.number_input if n.label == "Til år" and n.key.startswith("plan_to")).set_value(2030)
    next(b for b in at.button if b.label == "Opprett plan").click().run()
    assert not at.exception and not at.error
    plans = plans_frame(get_engine(app_env))
    row = plans.filter(plans["kommune"] == "Prøvekommune").row(0, named=True)
    assert row["key"] == "provekommune-2027-2030"
    at.session_state["plan_id"] = row["id"]
    at.switch_page("../pages/oversikt.py").run()
    page = texts(at)
    assert "Prøvekommune ·" in page and "kommune kommune" not in page.casefold()


def test_a_failed_new_plan_keeps_the_fields(open_page):
    at = open_page("admin", "brukere")
    _input(at, "Navn på planen").input("Plan uten kommune")
    next(b for b in at.button if b.label == "Opprett plan").click().run()
    assert at.error
    assert _input(at, "Navn på planen").value == "Plan uten kommune"


def _own_levels(wb) -> None:
    from tests.plan_books import fill_valid

    fill_valid(wb)
    wb["Tiltak"]["A2"] = "Grunnmur"
    wb["Tiltak"]["A3"] = "Ekstra støtte"
    wb["Indikatorer"]["I2"] = "Ekstra støtte"


def test_level_names_are_asked_for_before_the_upload(open_page):
    at = open_page("admin", "brukere")  # no file yet
    assert at.text_input(key="import_l1").value == "Universell"
    assert at.text_input(key="import_l2").label == "Navn på gult nivå"


def test_import_preview_counts_by_the_plans_own_level_names(open_page, upload):  # noqa: F811
    from tests.plan_books import book

    upload["data"] = book(_own_levels)
    at = open_page("admin", "brukere")
    at.text_input(key="import_l1").input("Grunnmur")
    at.text_input(key="import_l2").input("Ekstra støtte")
    at.text_input(key="import_l3").input("Tett på").run()
    assert not at.exception
    assert not [e for e in at.error if "kan ikke importeres" in e.value]
    counts = next(d.value for d in at.dataframe if "Nivå" in d.value.columns and "I alt" in d.value.columns)
    assert counts["Nivå"].to_list() == ["Grunnmur", "Ekstra støtte", "Tett på"]
    assert counts["I alt"].to_list() == [1, 1, 0]


@pytest.mark.parametrize(("kommune", "years", "key"), [
    ("Prøvekommune", (2027, 2030), "provekommune-2027-2030"),
    ("Bærum", (None, None), "baerum"),
    ("Våler (Innlandet)", (2025, None), "valer-innlandet-2025"),
    ("Guovdageaidnu – Kautokeino", (2025, 2028), "guovdageaidnu-kautokeino-2025-2028"),
])
def test_plan_key_transliterates(kommune, years, key):
    from data_access.domain.plans import plan_key

    assert plan_key(kommune, *years) == key


def test_kommune_title():
    from data_access.domain.plans import kommune_title

    assert kommune_title("Stange") == "Stange kommune"
    assert kommune_title("Prøvekommune") == "Prøvekommune"
    assert kommune_title("Bamble kommune") == "Bamble kommune"
