"""Links that last: filters, chosen tiltak, year and plan live in the query string and come back from it."""

from tests.app.conftest import texts


def test_a_link_with_filters_opens_the_same_view(open_page):
    at = open_page("leder", "tiltak")
    at.query_params["status"] = ["avsluttet"]
    at.query_params["niva"] = "selektiv"
    at.run()
    assert not at.exception
    assert at.multiselect(key="filter_statuses").value == ["avsluttet"]
    assert "Universell (" not in texts(at), "only the level in the link is shown"


def test_choices_are_written_to_the_address(open_page):
    at = open_page("leder", "tiltak")
    at.multiselect(key="filter_statuses").select("i_gang").run()
    at.toggle(key="filter_archived").set_value(True).run()
    assert at.query_params["status"] in ("i_gang", ["i_gang"])
    assert at.query_params["arkiverte"] in ("1", ["1"])
    at.multiselect(key="filter_statuses").unselect("i_gang").run()
    assert "status" not in at.query_params


def test_unknown_values_in_a_link_are_dropped(open_page):
    at = open_page("leder", "tiltak")
    at.query_params["status"] = ["finnes_ikke", "i_gang"]
    at.query_params["tiltak"] = "999999"
    at.run()
    assert not at.exception
    assert at.multiselect(key="filter_statuses").value == ["i_gang"]
    assert at.selectbox(key="detail_tiltak").value is None


def test_year_and_plan_from_the_link(open_page, app_env):
    from datetime import date

    from data_access.domain.meetings import default_year

    at = open_page("leder", "motekalender")
    year = default_year(date.today()) - 1
    at.query_params["aar"] = str(year)
    at.run()
    assert at.selectbox(key="cal_year").value == year
    plan_ids = at.selectbox(key="plan_id").options
    assert len(plan_ids) >= 2


def test_change_log_period_from_the_link(open_page):
    from datetime import date

    at = open_page("leder", "endringslogg")
    at.query_params["fra"] = "2020-01-01"
    at.query_params["til"] = "2020-01-31"
    at.run()
    assert not at.exception
    assert at.date_input(key="log_period").value == (date(2020, 1, 1), date(2020, 1, 31))
    assert "Ingen endringer med disse filtrene." in "\n".join(i.value for i in at.info)


def test_level_can_be_chosen_without_the_pyramid(open_page):
    """The keyboard way to do what a click on a pyramid tier does (WCAG 2.1.1)."""
    at = open_page("leder", "tiltak")
    at.selectbox(key="filter_level").set_value("indikativ").run()
    assert not at.exception
    page = texts(at)
    assert "Indikativ (4 tiltak)" in page and "Universell (" not in page
    assert at.query_params["niva"] in ("indikativ", ["indikativ"])
    at.selectbox(key="filter_level").set_value("alle").run()
    assert "Universell (30 tiltak)" in texts(at) and "niva" not in at.query_params
