"""What only a browser shows in Møtemodus: the keyboard walks the agenda, and the end dialog confirms."""

import re
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


def _start_meeting(page, url):
    login(page, url, "redaktor")
    goto_page(page, "Møtemodus", page.get_by_role("button", name="Start møtet"))
    page.get_by_label("Deltakere").fill("SLT, PPT, skole")
    page.get_by_role("button", name="Start møtet").click()
    page.get_by_text("Tastatur:").wait_for()
    wait_idle(page)


def _step(page, key, name):
    page.get_by_text("Tastatur:").click()  # focus on the page, not in a field
    page.keyboard.press(key)
    page.get_by_text(f"{name} · ").wait_for()
    wait_idle(page)


def _save_next_step(page, db_url, plan_id, name, text):
    """Type the next step of the tiltak shown, save, and wait until the database has it."""
    page.get_by_label("Neste steg").fill(text)
    page.get_by_role("button", name="Lagre tiltaket").click()
    engine = make_engine(db_url)
    try:
        for _ in range(100):
            if tiltak_frame(engine, plan_id).filter(pl.col("name") == name)["next_step"][0] == text:
                break
            page.wait_for_timeout(200)
        else:
            raise AssertionError(f"«{text}» was not saved for {name}")
    finally:
        engine.dispose()
    wait_idle(page)


def test_saving_a_new_evaluation_date_keeps_the_walk_on_the_saved_tiltak(browser, app):
    """Issue 19 point 1: the date takes the tiltak off the agenda; the form and the picker stay on it and say so."""
    plan_id, names = _agenda_names(app.db_url)
    page = new_page(browser)
    _start_meeting(page, app.url)
    _step(page, "Alt+N", names[1])
    engine = make_engine(app.db_url)
    before = tiltak_frame(engine, plan_id).filter(pl.col("name") == names[1])["next_evaluation"][0]
    later = before.replace(year=date.today().year + 1)
    year = page.get_by_role("spinbutton", name="år, Neste evaluering")  # the date field's year segment (nb-NO)
    year.click()
    year.press_sequentially(str(later.year))
    page.get_by_text("Tastatur:").click()  # leave the field
    page.get_by_role("button", name="Lagre tiltaket").click()
    page.get_by_text("er ikke lenger på agendaen").wait_for()
    wait_idle(page)
    saved = tiltak_frame(engine, plan_id).filter(pl.col("name") == names[1])["next_evaluation"][0]
    engine.dispose()
    assert saved == later
    assert page.get_by_text(f"{names[1]} · ").is_visible(), "the form is still the saved tiltak's"
    assert page.get_by_text(f"{names[2]} · ").count() == 0
    shown = [v for v in page.locator('[data-testid="stSelectbox"] input').evaluate_all("els => els.map(e => e.value)")
             if re.match(r"\d+ av \d+: ", v or "")]
    assert shown == [f"2 av {len(names)}: {names[1]}"], "the agenda picker names the tiltak shown"


def test_a_meeting_of_three_tiltak_with_one_mistake_undone_gives_three_net_changes(browser, app):
    """Issue 19 point 2, the whole meeting in the browser: the minutes hold exactly three net changes."""
    plan_id, names = _agenda_names(app.db_url)
    page = new_page(browser)
    _start_meeting(page, app.url)
    _save_next_step(page, app.db_url, plan_id, names[0], "Kurs i mars")
    _step(page, "Alt+N", names[1])
    _save_next_step(page, app.db_url, plan_id, names[1], "Skrevet i feil tiltak")
    page.get_by_role("tab", name="Endringer i dette møtet").click()
    page.get_by_text("I referatet: Neste steg:").first.wait_for()
    assert page.get_by_role("button", name="Angre").count() == 2, "one undo per save"
    page.get_by_role("button", name="Angre").first.click()  # the newest save: the mistake
    page.get_by_text("ingen endring (det som ble endret, er angret)").wait_for()
    wait_idle(page)
    page.get_by_role("tab", name="Agenda – tiltak for tiltak").click()
    page.get_by_text(f"{names[1]} · ").wait_for()
    _save_next_step(page, app.db_url, plan_id, names[1], "Evaluering i juni")
    _step(page, "Alt+N", names[2])
    _save_next_step(page, app.db_url, plan_id, names[2], "Ny runde")
    page.get_by_role("button", name="Avslutt møtet og lag referat …").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Vedtak og endringer (3)").wait_for()
    dialog.get_by_role("button", name="Bekreft og avslutt møtet").click()
    page.get_by_role("button", name="Start møtet").wait_for()
    engine = make_engine(app.db_url)
    minutes = meetings_frame(engine, plan_id)["minutes_md"][0]
    engine.dispose()
    lines = [line for line in minutes.splitlines() if line.startswith("- ")]
    assert len(lines) == 3, minutes
    assert {line.split(" → ")[1] for line in lines} == {"Kurs i mars", "Evaluering i juni", "Ny runde"}
    assert "feil tiltak" not in minutes and "Angret" not in minutes
    assert "**Møteleder:** SLT-koordinator" in minutes


def test_minutes_in_word_are_a4_and_norwegian(browser, app):
    """Issue 19 point 5: the Word minutes a user downloads are A4 with nb-NO as the proofing language."""
    import re
    import zipfile
    from pathlib import Path

    page = new_page(browser)
    plan_id, names = _agenda_names(app.db_url)
    _start_meeting(page, app.url)
    _save_next_step(page, app.db_url, plan_id, names[0], "Kurs i mars")
    page.get_by_role("button", name="Avslutt møtet og lag referat …").click()
    page.get_by_role("dialog").get_by_role("button", name="Bekreft og avslutt møtet").click()
    page.get_by_role("button", name="Start møtet").wait_for()
    wait_idle(page)
    page.get_by_text(f"Møte {date.today():%d.%m.%Y}").click()
    with page.expect_download(timeout=60_000) as word:
        page.get_by_role("button", name="Last ned Word").click()
    with zipfile.ZipFile(Path(word.value.path())) as z:
        document, styles = z.read("word/document.xml").decode(), z.read("word/styles.xml").decode()
    assert re.search(r'<w:pgSz w:w="11906" w:h="16838"', document), "A4"
    assert re.search(r'<w:docDefaults>.*<w:lang w:val="nb-NO"', styles, re.S) and "en-US" not in styles
