"""Issue 19 points 3 and 6 on the Møtekalender page through AppTest: planner, conflict links, Arenaer tab."""

from datetime import date

from sqlalchemy import text

from tests.app.conftest import texts

THIS_YEAR = date.today().year
NEXT_YEAR = THIS_YEAR + 1


def _frame(at, first_column: str, *, containing: str | None = None):
    for d in at.dataframe:
        table = d.value
        if list(table.columns)[:1] == [first_column] and (containing is None or containing in table.columns):
            return table
    raise AssertionError(f"no table starting with {first_column}")


def _open_year(open_page, user: str, year: int, **params):
    at = open_page(user, "motekalender")
    at.query_params["aar"] = str(year)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_felles_names_people_and_every_conflict_links_to_the_arena_form(open_page):
    at = _open_year(open_page, "slt", THIS_YEAR)  # this year still comes from the frequencies alone
    table = _frame(at, "Dato", containing="Felles")
    shared = set(", ".join(table["Felles"]).split(", "))
    assert "Kommunedirektør" in shared or "SLT-koordinator" in shared, shared
    assert all(s[:1].isupper() for s in shared), f"keys instead of names: {shared}"
    links = at.get("page_link")
    assert links, "each conflict links to the form that fixes it"
    target = links[0].proto
    assert "arena=" in target.query_string and target.page == "motekalender"
    arena_id = int(dict(p.split("=") for p in target.query_string.split("&"))["arena"])
    opened = _open_year(open_page, "slt", THIS_YEAR, arena=str(arena_id))
    assert opened.selectbox(key="arena_pick").value == arena_id
    assert "Rediger møtearena" in texts(opened)


def test_next_years_demo_calendar_has_no_conflicts(open_page):
    at = _open_year(open_page, "leder", NEXT_YEAR)
    assert not any("mulige kollisjoner" in e.label for e in at.expander)


def test_arenaer_tab_puts_hyppighet_next_to_the_name_and_lists_only_undated_arenas(open_page):
    at = _open_year(open_page, "leder", NEXT_YEAR)
    table = _frame(at, "Møtearena", containing="Hyppighet")
    assert list(table.columns)[:3] == ["Møtearena", "Hyppighet", f"Møter {NEXT_YEAR}"]
    page = texts(at)
    as_needed = page.split("Ved behov eller uten fast hyppighet")[1].split("\n")[1]
    assert "Beredskapsteam" in as_needed and "Lederforum" in as_needed
    assert "Tverrfaglig team – skole" not in as_needed, "it has four dated meetings"
    assert "Tverrfaglig team – barnehager" not in as_needed


def test_coordinator_proposes_moves_locks_and_publishes(open_page, app_env):
    from data_access.db.engine import get_engine

    with get_engine(app_env).begin() as c:  # start from an unplanned next year
        c.execute(text("DELETE FROM meetings WHERE plan_state = 'publisert'"))
    at = _open_year(open_page, "slt", NEXT_YEAR)
    assert "mulige kollisjoner" in " ".join(e.label for e in at.expander), "unplanned: every arena on Tuesday"
    assert "Planleggeren" in _frame(at, "Møtearena", containing="Hvorfor")["Valgt av"].to_list()
    at.button(key="propose_year").click().run()
    assert not at.exception
    page = texts(at)
    assert f"Forslag for {NEXT_YEAR}:" in page and "0 kollisjoner med samme person" in page
    assert "mulige kollisjoner" in " ".join(e.label for e in at.expander), "drafts are not published yet"
    next(b for b in at.button if b.label == "Lås datoen").click().run()
    assert not at.exception and any("låst" in t.value for t in at.toast)
    at.button(key="publish_all").click().run()
    assert not at.exception
    assert not any("mulige kollisjoner" in e.label for e in at.expander)


def test_skoleruta_preview_and_errors(open_page):
    at = _open_year(open_page, "slt", NEXT_YEAR)
    page = texts(at)
    assert "Eksempeldata" in page and "Vinterferie (eksempel)" in " ".join(
        _frame(at, "Ferie/fridager")["Ferie/fridager"])


def test_readers_see_no_planner(open_page):
    at = _open_year(open_page, "leder", NEXT_YEAR)
    assert "Foreslå møteplan for neste år" not in [b.label for b in at.button]
