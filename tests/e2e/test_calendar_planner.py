"""Issue 19 points 3 and 6 in Chromium: Hyppighet in view, whole arena names in the month view, and a conflict
link that opens the arena form that fixes it."""

import re
from datetime import date

import polars as pl
import pytest

from dashboard.calendar_data import ARENA_WIDTHS
from tests.e2e.conftest import login, wait_idle

pytestmark = pytest.mark.e2e
THIS_YEAR = date.today().year
NEXT_YEAR = THIS_YEAR + 1


def _open(page, app_url: str, query: str) -> None:
    page.set_default_timeout(60_000)  # eight helpers share two cores
    login(page, f"{app_url}/motekalender?{query}", "slt")
    page.get_by_role("heading", name="Møtekalender").first.wait_for()
    wait_idle(page)


def test_hyppighet_is_in_view_without_scrolling(page, app_url):
    _open(page, app_url, f"aar={NEXT_YEAR}")
    page.get_by_role("tab", name="Arenaer", exact=True).click()
    grid = page.locator('[data-testid="stDataFrame"]').filter(has=page.locator("[role='columnheader']",
                                                                                has_text="Hyppighet")).first
    grid.wait_for()
    grid.scroll_into_view_if_needed()
    wait_idle(page)
    box = grid.bounding_box()
    headers = grid.locator("[role='columnheader']")
    headers.first.wait_for(state="attached")
    names = headers.all_text_contents()
    assert names[:2] == ["Møtearena", "Hyppighet"], names
    needed = ARENA_WIDTHS["Møtearena"] + ARENA_WIDTHS["Hyppighet"]
    assert needed <= box["width"], f"name and Hyppighet need {needed} px, the grid has {box['width']}"
    assert box["x"] >= 0 and box["x"] + needed <= page.viewport_size["width"]


def test_month_view_shows_whole_arena_names(page, app):
    from data_access.db.engine import get_engine
    from data_access.domain.meetings import merge_meetings
    from data_access.reads.arenas import arenas_frame
    from data_access.reads.meetings import stored_meetings
    from data_access.reads.plans import plans_frame

    engine = get_engine(app.db_url)
    plan_id = plans_frame(engine).filter(pl.col("key") == "stange-2023-2026")["id"][0]
    arenas = arenas_frame(engine, plan_id)
    year = NEXT_YEAR  # the planned year: at most two meetings a day, so every name is drawn
    april = merge_meetings(arenas, stored_meetings(engine, plan_id, year), year).filter(
        pl.col("date").dt.month() == 4)
    long_names = {n for n in april["arena"].to_list() if len(n) > 20}
    assert long_names, "the test needs long names in the month"
    _open(page, app.url, f"aar={year}&maaned=4")
    page.get_by_role("tab", name="Måned").click()
    chart = page.locator('[data-testid="stVegaLiteChart"]').filter(has=page.locator("text", has_text="Tir")).first
    page.wait_for_function("() => [...document.querySelectorAll('[data-testid=\"stVegaLiteChart\"] text')]"
                           ".some(t => t.textContent.startsWith('K: ') || t.textContent.startsWith('T: '))")
    lines, before = [], None
    while lines != before:  # the chart is drawn in steps; read it once it holds still
        before, lines = lines, chart.locator("text").all_text_contents()
        page.wait_for_timeout(1000)
    assert not [t for t in lines if t.endswith(("…", "..."))], f"a name is cut: {lines}"
    shown = re.sub(r"[\s-]", "", "".join(lines))
    for name in long_names:
        assert re.sub(r"[\s-]", "", name) in shown, f"«{name}» is not shown whole: {lines}"
    overflow = page.evaluate("""() => {
        const chart = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
            .find(c => [...c.querySelectorAll('text')].some(t => /^[KTI]: /.test(t.textContent)));
        const cells = [...chart.querySelectorAll('.mark-rect path')].map(p => p.getBoundingClientRect());
        return [...chart.querySelectorAll('.mark-text text')].filter(t => /^([KTI]: |  )/.test(t.textContent))
            .map(t => {
                const b = t.getBoundingClientRect(), mid = b.top + b.height / 2, x = b.left + 2;
                const cell = cells.find(r => r.left <= x && x <= r.right && r.top <= mid && mid <= r.bottom);
                return {text: t.textContent, right: b.right, cellRight: cell ? cell.right : null};
            }).filter(t => t.cellRight === null || t.right > t.cellRight + 1);
    }""")
    assert not overflow, f"text runs out of its day: {overflow}"


def test_a_conflict_link_opens_the_arena_form(page, app_url):
    _open(page, app_url, f"aar={THIS_YEAR}")
    page.get_by_text("mulige kollisjoner").first.click()
    link = page.locator('[data-testid="stPageLink"] a').filter(has_text="Endre «").first
    link.wait_for()
    name = re.search(r"Endre «([^»]+)»", link.inner_text()).group(1)
    link.click()
    wait_idle(page)
    page.get_by_role("tab", name="Rediger møtearenaer", selected=True).wait_for()
    field = page.get_by_label("Navn", exact=True).last
    field.wait_for()
    assert field.input_value() == name


def test_the_planner_proposes_and_publishes_a_year_without_conflicts(page, app):
    from sqlalchemy import create_engine, text

    engine = create_engine(app.db_url)
    with engine.begin() as c:  # next year as today's code plans it: every arena on the default Tuesday
        c.execute(text("DELETE FROM meetings WHERE plan_state = 'publisert'"))
    engine.dispose()
    _open(page, app.url, f"aar={NEXT_YEAR}")
    page.get_by_text("mulige kollisjoner").first.wait_for()
    page.get_by_role("tab", name="Møteplan for neste år").click()
    page.get_by_role("button", name="Foreslå møteplan for neste år").click()
    page.get_by_text(re.compile(r"Forslag for \d{4}: \d+ datoer, 0 kollisjoner med samme person")).wait_for()
    wait_idle(page)
    page.get_by_role("button", name=re.compile(r"Godta og publiser alle \d+ datoer")).click()
    page.get_by_text(re.compile(r"\d+ datoer er publisert i kalenderen")).first.wait_for()
    wait_idle(page)
    assert page.get_by_text("mulige kollisjoner").count() == 0
