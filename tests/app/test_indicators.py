"""Indikatorer and Importer tall through AppTest."""

import pytest

from tests.app.conftest import texts


@pytest.mark.parametrize("user", ["leder", "redaktor"])
def test_overview_cards_and_example_marks(open_page, user):
    at = open_page(user, "indikatorer")
    page = texts(at)
    assert [t.label for t in at.tabs] == ["Oversikt", "Detaljer", "Tabell"]
    assert "Barn i lavinntektsfamilier" in page
    assert "Eksempeldata" in page
    for word in ("enn forrige", "målet", "landet"):
        assert word in page
    assert ("Legg til eller rett verdier" in page) == (user == "redaktor")


def test_redaktor_adds_a_value_and_bad_period_is_refused(open_page, app_env):
    at = open_page("redaktor", "indikatorer")
    [t for t in at.text_input if t.label == "Periode"][0].input("i fjor")
    [n for n in at.number_input if n.label == "Verdi"][0].set_value(12.5)
    next(b for b in at.button if b.label == "Lagre verdi").click().run()
    assert not at.exception
    assert any("Forstår ikke perioden «i fjor»" in e.value for e in at.error)
    [t for t in at.text_input if t.label == "Periode"][0].input("2024")
    next(b for b in at.button if b.label == "Lagre verdi").click().run()
    assert any("Verdien er lagret" in t.value for t in at.toast)


def test_import_page_only_for_editors(open_page):
    at = open_page("redaktor", "importer")
    assert "Last opp en CSV-fil" in texts(at)
    assert "Importer tall" not in open_page("leder").session_state["_laget_pages"]


def test_example_target_is_marked_beside_the_target(open_page):
    at = open_page("leder", "indikatorer")
    box = at.selectbox(key="ind_detail")
    box.select_index(box.options.index("Gjennomføring i videregående opplæring")).run()
    page = texts(at)
    assert "Mål: 85 % innen 2026 (Eksempeldata)" in page
    assert "Målet står ikke i planen; det er eksempeldata." in page


def test_plan_header_says_bamble_is_a_selection(open_page):
    at = open_page("leder", "tiltak", plan_key="bamble")
    assert "et utvalg av planens tiltak" in texts(at)
    assert "Evalueringsdatoene står ikke i planen; de er eksempeldata." in texts(at)


def test_meeting_agenda_marks_example_evaluation_dates(open_page):
    at = open_page("redaktor", "motemodus")
    at.text_area[0].input("SLT, PPT")
    next(b for b in at.button if b.label == "Start møtet").click().run()
    assert "Evalueringsdatoen er passert (0)" not in texts(at), "the demo has overdue example dates"
    assert "Evalueringsdatoene står ikke i planen; de er eksempeldata." in texts(at)


def test_tables_show_norwegian_numbers_and_percentage_points(open_page):
    import re

    at = open_page("leder", "indikatorer")
    table = at.dataframe[-1].value
    latest = [v for v in table["Siste verdi"].to_list() if v != "–"]
    assert latest and not any(re.search(r"\d\.\d", v) for v in latest), latest
    assert any(re.search(r"\d,\d", v) for v in latest), latest
    percent_changes = [c for c, v in zip(table["Endring"], table["Siste verdi"], strict=True) if v.endswith(" %")]
    assert percent_changes and all(c == "–" or c.endswith("prosentpoeng") for c in percent_changes)
    assert "None" not in table.to_string()
    page = "\n".join(m.value for m in at.markdown)
    assert "prosentpoeng" in page and not re.search(r"\(\+\d+,\d+ %\)", page)


def test_card_tables_are_built_once_per_data_version_and_show_a_new_value(open_page, app_env, monkeypatch):
    """Issue 18.5: sorting and formatting every card's rows on every rerun was a third of Indikatorer's run."""
    import dashboard.indicator_ui as indicator_ui
    from data_access.db.engine import get_engine
    from data_access.domain.permissions import Actor
    from data_access.writes.indicators import set_value

    at = open_page("leder", "indikatorer")
    built = []
    real = indicator_ui.value_rows
    monkeypatch.setattr(indicator_ui, "value_rows", lambda values, unit: built.append(1) or real(values, unit))
    at.run()
    assert not at.exception
    assert built == []  # same data version: the cards' tables come from the first run
    first = at.session_state["_laget_ctx"].plan_id
    engine = get_engine(app_env)
    with engine.connect() as conn:
        indicator_id = conn.exec_driver_sql(
            "SELECT i.id FROM indicators i JOIN indicator_values v ON v.indicator_id = i.id WHERE i.plan_id = ? "
            "ORDER BY i.id LIMIT 1", (first,)).scalar_one()
    set_value(engine, Actor("redaktor", "redaktor", "Redaktør"), indicator_id, period="2031", geo="kommune",
              value=77.7, version=0)
    at.run()
    assert built  # a write: the tables are built again
    assert any("2031" in h.proto.body and "77,7" in h.proto.body for h in at.get("html"))
