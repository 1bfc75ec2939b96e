"""The Møtekalender page through AppTest: views for all, planning for the SLT coordinator only."""

import pytest

from tests.app.conftest import texts


@pytest.mark.parametrize("user", ["admin", "redaktor", "slt", "leder"])
def test_calendar_views_for_every_role(open_page, user):
    at = open_page(user, "motekalender")
    page = texts(at)
    assert [t.label for t in at.tabs][:4] == ["Årshjul", "Måned", "Liste", "Arenaer"]
    for level in ("Kommunenivå", "Tjenestenivå", "Individnivå"):
        assert level in page
    assert "Ved behov eller uten fast hyppighet" in page and "Beredskapsteam" in page
    assert ("Planlegging" in page) == (user in {"slt", "admin"})


def test_calendar_filters_by_level(open_page):
    at = open_page("leder", "motekalender")
    at.multiselect(key="cal_levels").select("individ").run()
    assert not at.exception
    page = texts(at)
    assert "Individnivå" in page and "Kommunenivå (" not in page


def test_ics_download_is_a_calendar(open_page):
    at = open_page("leder", "motekalender")
    buttons = {b.label: b for b in at.get("download_button")}
    assert {"Last ned kalenderen (.ics)", "Last ned arenaen (.ics)"} <= set(buttons)


def test_planner_cancels_a_meeting(open_page, app_env):
    at = open_page("slt", "motekalender")
    form_status = [s for s in at.selectbox if s.label == "Status"][0]
    form_status.set_value("avlyst")
    next(b for b in at.button if b.label == "Lagre møtet").click().run()
    assert not at.exception
    assert any("Møtet er oppdatert" in t.value for t in at.toast)
    from data_access.db.changelog import log_frame
    from data_access.db.engine import get_engine

    assert log_frame(get_engine(app_env), entity="meeting")["new_value"].to_list() == ["avlyst"]


def test_planner_gets_norwegian_error_for_bad_frequency(open_page):
    at = open_page("slt", "motekalender")
    at.selectbox(key="arena_pick").set_value(0).run()
    [t for t in at.text_input if t.label == "Navn"][-1].input("Nytt nettverk")
    [t for t in at.text_input if t.label == "Hyppighet"][-1].input("hver fullmåne")
    next(b for b in at.button if b.label == "Legg til møtearena").click().run()
    assert not at.exception
    assert any("Forstår ikke hyppigheten «hver fullmåne»" in e.value for e in at.error)


def test_calendar_opens_on_the_planning_year_and_the_next_meeting(open_page):
    from datetime import date

    from data_access.domain.meetings import default_year

    at = open_page("slt", "motekalender")
    assert next(s for s in at.selectbox if s.label == "År").value == default_year(date.today())
    meeting = next(s for s in at.selectbox if s.label == "Møte")
    chosen = meeting.format_func(meeting.value) if hasattr(meeting, "format_func") else meeting.options[meeting.index]
    day = date(*reversed([int(p) for p in chosen.split(" ")[0].split(".")]))
    assert day >= date.today(), f"the picker starts at a past meeting: {chosen}"


def test_after_saving_a_meeting_the_picker_names_it_as_saved(open_page):
    """Issue 19 point 1: the picker shows the state after the save (new date and status), on the same meeting."""
    from datetime import timedelta

    at = open_page("slt", "motekalender")
    picker = next(s for s in at.selectbox if s.label == "Møte")
    planned = picker.value  # the arena's next meeting, chosen by default
    moved = planned + timedelta(days=1 if planned.weekday() < 4 else -1)
    next(d for d in at.date_input if d.label == "Dato").set_value(moved)
    next(s for s in at.selectbox if s.label == "Status").set_value("avlyst")
    next(b for b in at.button if b.label == "Lagre møtet").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    picker = next(s for s in at.selectbox if s.label == "Møte")
    assert picker.value == planned, "still the saved meeting"
    assert picker.format_func(picker.value) == f"{moved:%d.%m.%Y} (avlyst)"
    assert next(s for s in at.selectbox if s.label == "Status").value == "avlyst"
