"""In a real browser: a link to a page with filters survives login and reload."""

import pytest

from tests.e2e.conftest import goto_page, wait_idle

pytestmark = pytest.mark.e2e


def test_link_survives_login_and_reload(page, app_url):
    page.goto(f"{app_url}/tiltak?status=i_gang&niva=selektiv")
    page.get_by_label("Brukernavn").fill("leder")
    page.get_by_label("Passord").fill("laget-demo")
    page.get_by_role("button", name="Logg inn").click()
    heading = page.locator("h1").filter(has_text="Tiltak").first
    heading.wait_for()
    wait_idle(page)
    assert "/tiltak" in page.url and "status=i_gang" in page.url and "niva=selektiv" in page.url
    page.get_by_text("Viser bare", exact=False).first.wait_for()
    assert page.locator('[data-testid="stMultiSelect"]').filter(has_text="I gang").count() >= 1
    page.reload()
    heading.wait_for()
    wait_idle(page)
    assert "/tiltak" in page.url and "status=i_gang" in page.url
    page.get_by_text("Viser bare", exact=False).first.wait_for()
    goto_page(page, "Oversikt", page.locator("h1").filter(has_text="Oversikt"))
    assert "status=" not in page.url
    goto_page(page, "Tiltak", heading)
    page.wait_for_function("() => location.search.includes('status=i_gang')")
