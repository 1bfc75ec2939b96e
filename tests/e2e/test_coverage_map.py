"""Dekningskart in a browser: the Bamble demo's empty cells are named in words, and the page passes axe."""

import pytest

from tests.e2e.axe import axe_violations, describe
from tests.e2e.conftest import goto_page, login, wait_idle

pytestmark = pytest.mark.e2e


def test_bamble_gaps_are_named_and_the_page_passes_axe(page, app_url):
    login(page, f"{app_url}/dekningskart?plan=2", "redaktor")
    wait_idle(page)
    if page.locator("h1").filter(has_text="Dekningskart").count() == 0:
        goto_page(page, "Dekningskart", page.locator("h1").filter(has_text="Dekningskart"))
    page.get_by_text("24 av 45 ruter har ingen tiltak.").wait_for()
    page.get_by_text("Rusmiddelbruk – Alle barn: Ingen tiltak – tema for drøfting").wait_for()
    page.get_by_text("Les tabellen: Dekningskart: faktorer per nivå").click()
    cell = page.locator("table.laget-table th[scope=row]", has_text="Levekårsutfordringer")
    assert cell.count() == 1
    row = cell.locator("xpath=..")
    assert row.locator("td").filter(has_text="Ingen tiltak – tema for drøfting").count() == 3
    found = axe_violations(page)
    assert not found, describe(found)
