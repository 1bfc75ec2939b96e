"""In Chromium: the login cookie is a reference to a server-side session, and logout makes it worthless."""

import pytest

from tests.e2e.conftest import login, new_page, wait_idle

pytestmark = pytest.mark.e2e


def _auth_cookie(page, timeout_ms: int = 10_000) -> dict:
    for _ in range(timeout_ms // 250):
        found = [c for c in page.context.cookies() if c["name"] == "laget_auth"]
        if found:
            return found[0]
        page.wait_for_timeout(250)
    raise AssertionError("the login cookie was never set")


def _open_with_cookie(browser, url: str, cookie: dict):
    pg = new_page(browser)
    pg.context.add_cookies([{k: cookie[k] for k in ("name", "value", "domain", "path")}])
    pg.goto(url)
    pg.wait_for_selector('[data-testid="stApp"]')
    return pg


def test_cookie_replayed_after_logout_shows_the_login_form(browser, page, app_url):
    login(page, app_url, "redaktor")
    cookie = _auth_cookie(page)
    assert "redaktor" not in cookie["value"], "the cookie carries a random reference, not the user"

    before = _open_with_cookie(browser, app_url, cookie)
    before.get_by_text("Innlogget som").wait_for()  # the cookie does log in while the session lives
    before.context.close()

    wait_idle(page)
    page.get_by_role("button", name="Logg ut").click()
    page.get_by_text("Du er logget ut.").wait_for()

    after = _open_with_cookie(browser, app_url, cookie)
    after.get_by_label("Brukernavn").wait_for()
    after.get_by_text("Økten din er avsluttet. Logg inn på nytt.").wait_for()
    wait_idle(after)
    after.get_by_text("Innlogget som").wait_for(state="detached")  # gone, not merely stale
    after.context.close()


def test_cookie_saved_before_a_password_change_shows_the_login_form(browser, page, app):
    from data_access.db.engine import make_engine
    from data_access.domain.permissions import Actor
    from data_access.writes.users import set_password

    login(page, app.url, "slt")
    cookie = _auth_cookie(page)
    set_password(make_engine(app.db_url), Actor("admin", "admin"), "slt", "nytt-passord-1")
    after = _open_with_cookie(browser, app.url, cookie)
    after.get_by_text("Økten din er avsluttet. Logg inn på nytt.").wait_for()
    after.get_by_text("Innlogget som").wait_for(state="detached")
    after.context.close()
