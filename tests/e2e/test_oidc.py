"""Sign in with OpenID Connect through a real local provider, in Chromium, with PKCE (issue 14).

Laget's own session rules apply to OIDC sign-ins: roles come from the token's ``roles`` claim, a user without
a mapped role is refused, «Logg ut» ends Laget's session and the provider's, and an expired or deactivated
session shows the login page again at the next click, whatever Streamlit's identity cookie says.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from tests.e2e.conftest import RunningApp, free_port, new_page, running_app, wait_idle
from tests.e2e.oidc_provider import PkceGuard, oidc_provider

pytestmark = pytest.mark.e2e

USERS = {
    "kari": {"name": "Kari Nordmann", "email": "kari@kommune.no", "preferred_username": "kari@kommune.no",
             "roles": ["Laget.Redaktor"]},
    "anne": {"name": "Anne Admin", "email": "anne@kommune.no", "preferred_username": "anne@kommune.no",
             "roles": ["Laget.Leser", "Laget.Admin"]},
    "ola": {"name": "Ola Uten Rolle", "email": "ola@kommune.no", "preferred_username": "ola@kommune.no"},
}


@pytest.fixture
def oidc(templates, tmp_path, monkeypatch) -> Iterator[tuple[RunningApp, PkceGuard]]:
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # the local provider speaks plain HTTP
    idp_port, app_port = free_port(), free_port()
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(f"""
[auth]
redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"
cookie_secret = "e2e-cookie-secret-for-streamlit-identity-cookie"

[auth.entra]
client_id = "laget-e2e"
client_secret = "laget-e2e-secret"
server_metadata_url = "http://127.0.0.1:{idp_port}/.well-known/openid-configuration"
client_kwargs = {{ scope = "openid profile email", code_challenge_method = "S256", prompt = "login" }}
""", encoding="utf-8")
    db_url = templates.sqlite_copy("demo", tmp_path / "oidc.db")
    with oidc_provider(idp_port, USERS) as guard, \
            running_app(db_url, tmp_path, app_port, {"AUTHLIB_INSECURE_TRANSPORT": "1"}) as app:
        yield app, guard


def _sign_in(browser, url: str, sub: str):
    pg = new_page(browser)
    pg.goto(url)
    pg.get_by_role("button", name="Logg inn med Microsoft (Entra ID)").click()
    pg.get_by_role("button", name=sub, exact=True).click()  # the provider's page: pick the user
    pg.wait_for_url(f"{url}/**")
    pg.wait_for_selector('[data-testid="stApp"]')
    return pg


def _engine(app: RunningApp):
    from data_access.db.engine import make_engine

    return make_engine(app.db_url)


def test_sign_in_with_pkce_maps_the_role_and_creates_the_user(browser, oidc):
    app, guard = oidc
    pg = _sign_in(browser, app.url, "kari")
    pg.get_by_text("Innlogget som").wait_for()
    assert pg.get_by_text("Kari Nordmann").count() >= 1
    assert pg.get_by_text("Redaktør").count() >= 1
    assert pg.get_by_role("link", name="Administrasjon").count() == 0
    assert guard.verified and not guard.refused, "the code was exchanged with a matching PKCE verifier"
    from data_access.reads.users import users_frame

    users = users_frame(_engine(app))
    kari = users.filter(users["username"] == "entra:kari@kommune.no").row(0, named=True)
    assert (kari["role"], kari["sign_in"], kari["email"]) == ("redaktor", "OpenID Connect", "kari@kommune.no")
    pg.context.close()

    admin = _sign_in(browser, app.url, "anne")  # several roles: the highest one counts
    admin.get_by_role("link", name="Administrasjon").click()
    admin.get_by_role("heading", name="Administrasjon").wait_for()
    admin.context.close()


def test_a_user_without_a_mapped_role_is_refused(browser, oidc):
    app, _ = oidc
    pg = _sign_in(browser, app.url, "ola")
    pg.get_by_text("Du har ingen rolle i Laget").wait_for()
    wait_idle(pg)
    pg.get_by_text("Innlogget som").wait_for(state="detached")  # gone, not merely stale
    from data_access.reads.users import users_frame

    assert "entra:ola@kommune.no" not in users_frame(_engine(app))["username"].to_list()
    pg.get_by_role("button", name="Bruk en annen konto").click()  # leave the refused identity
    pg.get_by_role("button", name="End session").click()
    pg.get_by_role("button", name="Logg inn med Microsoft (Entra ID)").wait_for()
    pg.get_by_text("Du har ingen rolle i Laget").wait_for(state="detached")
    pg.get_by_role("button", name="Logg inn med Microsoft (Entra ID)").click()
    pg.get_by_role("button", name="kari", exact=True).click()
    pg.get_by_text("Innlogget som").wait_for()
    pg.context.close()


def test_logout_ends_both_sessions_and_the_identity_cookie_is_worthless_after(browser, oidc):
    app, _ = oidc
    pg = _sign_in(browser, app.url, "kari")
    pg.get_by_text("Innlogget som").wait_for()
    identity = [c for c in pg.context.cookies() if c["name"].startswith("_streamlit_user")]
    assert identity, "Streamlit's identity cookie is set"
    wait_idle(pg)
    pg.get_by_role("button", name="Logg ut").click()
    pg.get_by_role("button", name="End session").click()  # the provider's end_session_endpoint
    pg.get_by_role("button", name="Logg inn med Microsoft (Entra ID)").wait_for()
    assert not [c for c in pg.context.cookies() if c["name"].startswith("_streamlit_user")]
    pg.context.close()

    replay = new_page(browser)  # Streamlit would still accept this cookie for 30 days; Laget does not
    replay.context.add_cookies([{k: c[k] for k in ("name", "value", "domain", "path")} for c in identity])
    replay.goto(app.url)
    replay.get_by_text("Økten din er avsluttet. Logg inn på nytt.").wait_for()
    wait_idle(replay)
    replay.get_by_text("Innlogget som").wait_for(state="detached")  # gone, not merely stale
    replay.context.close()


@pytest.mark.parametrize("end", ["expired", "deactivated"])
def test_an_expired_or_deactivated_session_is_out_at_the_next_click(browser, oidc, end):
    app, _ = oidc
    pg = _sign_in(browser, app.url, "kari")
    pg.get_by_text("Innlogget som").wait_for()
    wait_idle(pg)
    engine = _engine(app)
    if end == "expired":  # eight hours later, as far as Laget's session is concerned
        from data_access.db.engine import session_scope
        from data_access.db.models import AuthSession

        with session_scope(engine) as s:
            s.execute(update(AuthSession).values(expires_at=datetime.now() - timedelta(minutes=1)))
    else:
        from data_access.domain.permissions import Actor
        from data_access.writes.users import update_user

        update_user(engine, Actor("admin", "admin"), "entra:kari@kommune.no", active=False)
    pg.get_by_role("link", name="Tiltak", exact=True).click()
    pg.get_by_text("Økten din er avsluttet. Logg inn på nytt.").wait_for()
    wait_idle(pg)
    pg.get_by_text("Innlogget som").wait_for(state="detached")  # gone, not merely stale
    pg.context.close()
