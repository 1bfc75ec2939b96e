"""With OpenID Connect configured: the login page offers it, and only an OIDC admin may turn passwords off."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard.login_state import SESSION_KEY
from data_access.db.engine import get_engine
from data_access.domain.permissions import Actor
from data_access.reads.sessions import local_login_enabled
from data_access.writes.sessions import set_local_login
from tests.app.conftest import APP, session_token, texts

AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x" * 32,
        "entra": {"client_id": "laget", "client_secret": "s",
                  "server_metadata_url": "https://login.microsoftonline.com/t/v2.0/.well-known/openid-configuration"}}


def _app(token: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.secrets["auth"] = AUTH
    if token:
        at.session_state[SESSION_KEY] = token
    return at


def test_login_page_offers_the_providers_button_beside_the_form(app_env):
    at = _app().run()
    assert not at.exception
    labels = [b.label for b in at.button]
    assert "Logg inn med Microsoft (Entra ID)" in labels and "Logg inn" in labels


def test_password_form_is_gone_when_local_sign_in_is_off(app_env):
    set_local_login(get_engine(app_env), Actor("admin", "admin"), False, "oidc")
    at = _app().run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Logg inn med Microsoft (Entra ID)"]
    assert not [t for t in at.text_input if t.label == "Passord"]


def test_a_password_admin_cannot_turn_passwords_off_but_an_oidc_admin_can(app_env):
    at = _app(session_token(app_env, "admin")).run()
    at.switch_page(str(Path("..") / "pages" / "brukere.py")).run()
    next(b for b in at.button if b.label == "Slå av innlogging med passord").click().run()
    assert not at.exception
    assert any("OpenID Connect selv" in e.value for e in at.error)
    assert local_login_enabled(get_engine(app_env))

    at = _app(session_token(app_env, "admin", "oidc")).run()
    at.switch_page(str(Path("..") / "pages" / "brukere.py")).run()
    next(b for b in at.button if b.label == "Slå av innlogging med passord").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert not local_login_enabled(get_engine(app_env))
    assert "Innlogging med brukernavn og passord er slått av." in texts(at)
