"""The Rapport page for a reader (leser): period choice, preview of the contents, PDF and Word downloads."""

from datetime import date

import pytest

from tests.app.conftest import texts


def _contents(at) -> list[tuple[str, str]]:
    frame = at.dataframe[0].value
    return list(zip(frame["Kapittel"], frame["Innhold"], strict=True))


def test_reader_previews_the_report_and_gets_both_downloads(open_page):
    at = open_page("leder", "rapport")
    page = texts(at)
    year = date.today().year
    assert f"Statusrapport {year} – Stange kommune" in page
    assert f"periode {year} (01.01.{year}–31.12.{year})" in page
    rows = _contents(at)
    assert ("1 Tilstanden i tall", "Tiltak i planen: 40") in rows
    assert ("3 Tiltak per nivå", "Universell (grønn): 30 tiltak") in rows
    assert any(k == "6 Indikatorer" and "(Eksempeldata)" in v for k, v in rows)
    labels = {b.label for b in at.get("download_button")}
    assert labels == {"Last ned PDF", "Last ned Word"}


def test_reader_chooses_a_year_and_a_date_range(open_page):
    at = open_page("leder", "rapport")
    last = date.today().year - 1
    at.selectbox(key="report_year").set_value(last).run()
    assert not at.exception
    assert f"Statusrapport {last} – Stange kommune" in texts(at)
    at.radio(key="report_mode").set_value("Fra og til dato").run()
    at.date_input(key="report_range").set_value((date(last, 3, 1), date(last, 8, 31))).run()
    assert not at.exception
    assert f"periode 01.03.{last}–31.08.{last}" in texts(at)


@pytest.mark.parametrize("user", ["leder", "slt", "redaktor", "admin"])
def test_every_role_sees_the_rapport_page(open_page, user):
    at = open_page(user)
    assert "Rapport" in at.session_state["_laget_pages"]


def test_a_failed_download_is_shown_the_one_way_on_the_next_run(open_page):
    from data_access.formats.report_files import ReportError

    at = open_page("leder", "rapport")
    at.session_state["_report_failed"] = {"pdf": ReportError("Rapporten kunne ikke lages som PDF (ValueError).")}
    at.run()
    assert [e.value for e in at.error] == ["Rapporten kunne ikke lages som PDF (ValueError)."]
    at.run()
    assert not at.error, "shown once"


def test_the_download_callable_keeps_its_failure_for_the_page(open_page, monkeypatch):
    from dashboard import report_ui

    open_page("leder", "rapport")
    failures: dict = {}

    class State(dict):
        def setdefault(self, key, default):
            return failures

    monkeypatch.setattr(report_ui.st, "session_state", State())

    def broken(ctx, period, fmt):
        raise ValueError("fpdf")

    monkeypatch.setattr(report_ui, "report_file", broken)
    build = report_ui.deferred_file(None, None, "pdf")  # what the «Last ned PDF» click runs, outside the page
    with pytest.raises(ValueError):
        build()
    assert isinstance(failures["pdf"], ValueError), "kept for show_failures on the next run"
