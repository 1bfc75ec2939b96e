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


def _stange_first(db_url: str) -> dict:
    import polars as pl

    from data_access.db.engine import make_engine
    from data_access.reads.plans import plans_frame
    from data_access.reads.tiltak import tiltak_frame

    engine = make_engine(db_url)
    plan_id = plans_frame(engine).filter(pl.col("key") == "stange-2023-2026")["id"][0]
    row = tiltak_frame(engine, plan_id).row(0, named=True)
    engine.dispose()
    return row


def _demote(db_url: str, username: str) -> None:
    from data_access.db.engine import make_engine
    from data_access.domain.permissions import Actor
    from data_access.writes.users import update_user

    engine = make_engine(db_url)
    update_user(engine, Actor("admin", "admin"), username, role="leser")
    engine.dispose()


def test_a_fragment_form_after_demotion_saves_nothing(page, app):
    """«Lagre status» sits in the Tiltak fragment, whose rerun skips the entry point's session check."""
    row = _stange_first(app.db_url)
    login(page, app.url, "redaktor")
    _auth_cookie(page)
    page.goto(f"{app.url}/tiltak?tiltak={row['id']}")  # a link straight to the tiltak, signed in by the cookie
    page.get_by_role("button", name="Lagre status").wait_for(timeout=45_000)
    wait_idle(page)
    note = page.get_by_label("Statusnotat")
    note.fill("Lagret etter degradering")
    _demote(app.db_url, "redaktor")
    page.get_by_role("button", name="Lagre status").click()
    page.get_by_label("Brukernavn").wait_for()
    page.get_by_text("Økten din er avsluttet").first.wait_for()
    assert _stange_first(app.db_url)["status_note"] == row["status_note"], "nothing saved"


def test_the_grid_save_after_demotion_saves_nothing(page, app):
    """The grid's save is a button callback inside the fragment, with the previous run's page context."""
    from tests.e2e.conftest import edit_cell, goto_page

    login(page, app.url, "redaktor")
    goto_page(page, "Tiltak", page.get_by_role("button", name="Lagre endringer (0)").first)
    row = _stange_first(app.db_url)
    edit_cell(page, 0, 0, "Statusnotat", "Lagret etter degradering")
    _demote(app.db_url, "redaktor")
    page.get_by_role("button", name="Lagre endringer (1)").first.click()
    page.get_by_label("Brukernavn").wait_for()
    page.get_by_text("Økten din er avsluttet").first.wait_for()
    assert _stange_first(app.db_url)["status_note"] == row["status_note"], "nothing saved"


def test_a_download_after_deactivation_builds_nothing(page, app):
    """A download's file is built on its own thread when clicked, outside any page run and its session check."""
    from data_access.db.engine import make_engine
    from data_access.domain.permissions import Actor
    from data_access.writes.users import update_user

    login(page, app.url, "leder")
    button = page.get_by_role("button", name="Last ned hele planen (Excel)")
    button.wait_for()
    wait_idle(page)
    engine = make_engine(app.db_url)
    update_user(engine, Actor("admin", "admin"), "leder", active=False)
    engine.dispose()
    downloads = []
    page.on("download", lambda d: downloads.append(d))
    button.click()
    page.get_by_label("Brukernavn").wait_for()
    page.wait_for_timeout(4_000)
    assert not downloads, "no file for a deactivated user"
