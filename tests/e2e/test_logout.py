"""Logging out deletes the login cookie: the cookie component is drawn only while logged out (speed), so
logging out must still reach the browser."""

import pytest

from tests.e2e.conftest import login, wait_idle

pytestmark = pytest.mark.e2e


def test_logout_survives_reload(page, app_url):
    login(page, app_url, "leder")
    wait_idle(page)
    assert any(c["name"] for c in page.context.cookies())
    page.get_by_role("button", name="Logg ut").click()
    page.get_by_label("Brukernavn").wait_for()
    wait_idle(page)
    page.reload()
    page.wait_for_selector('[data-testid="stApp"]')
    page.get_by_label("Brukernavn").wait_for()
    page.wait_for_timeout(1500)  # a remembered cookie would log in again after the component's first answer
    assert page.get_by_text("Innlogget som").count() == 0
    assert page.get_by_label("Brukernavn").count() == 1


def test_login_is_remembered_across_reload(page, app_url):
    login(page, app_url, "leder")
    wait_idle(page)
    page.reload()
    page.get_by_text("Innlogget som").wait_for()
