"""What only a browser shows in Møtemodus: the keyboard walks the agenda, and the end dialog confirms."""

from datetime import date

import polars as pl
import pytest

from data_access.db.engine import make_engine
from data_access.domain.group_meetings import propose_agenda
from data_access.reads.group_meetings import meetings_frame
from data_access.reads.plans import plans_frame
from data_access.reads.tiltak import tiltak_frame
from tests.e2e.conftest import goto_page, login, new_page, wait_idle

pytestmark = pytest.mark.e2e


def _agenda_names(db_url):
    engine = make_engine(db_url)
    plan_id = plans_frame(engine).filter(pl.col("key") == "stange-2023-2026")["id"][0]
    tiltak = tiltak_frame(engine, plan_id)
    names = dict(zip(tiltak["id"].to_list(), tiltak["name"].to_list(), strict=True))
    ids = propose_agenda(tiltak, set(), date.today(), 6).ids
    engine.dispose()
    return plan_id, [names[i] for i in ids]


def test_keyboard_walks_the_agenda_and_ending_needs_confirmation(browser, app):
    plan_id, names = _agenda_names(app.db_url)
    page = new_page(browser)
    login(page, app.url, "redaktor")
    goto_page(page, "Møtemodus", page.get_by_role("button", name="Start møtet"))
    page.get_by_label("Deltakere").fill("SLT, PPT, skole")
    page.get_by_role("button", name="Start møtet").click()
    position = page.get_by_text(f"{names[0]} · ")  # the walk's heading line: name · level · status
    position.wait_for()
    wait_idle(page)
    page.get_by_text("Tastatur:").click()  # focus on the page, not in a field
    page.keyboard.press("Alt+N")
    page.get_by_text(f"{names[1]} · ").wait_for()
    wait_idle(page)
    page.keyboard.press("Alt+P")
    page.get_by_text(f"{names[0]} · ").wait_for()
    wait_idle(page)
    page.get_by_role("button", name="Avslutt møtet og lag referat …").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Referat fra implementeringsgruppa").first.wait_for()
    assert meetings_frame(make_engine(app.db_url), plan_id)["ended_at"].is_null().all()
    dialog.get_by_role("button", name="Bekreft og avslutt møtet").click()
    page.get_by_role("button", name="Start møtet").wait_for()
    assert meetings_frame(make_engine(app.db_url), plan_id)["ended_at"].is_not_null().all()
