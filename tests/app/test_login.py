"""Logging in: Norwegian form and messages, a server-side session behind it, logout that really ends it."""

from streamlit.testing.v1 import AppTest

from dashboard.login_state import SESSION_KEY
from tests.app.conftest import APP, session_token, texts


def _form(at: AppTest):
    user = next(t for t in at.text_input if t.label == "Brukernavn")
    password = next(t for t in at.text_input if t.label == "Passord")
    return user, password


def _login(username: str, password: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    user, pw = _form(at)
    user.input(username)
    pw.input(password)
    next(b for b in at.button if b.label == "Logg inn").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_login_form_is_norwegian(app_env):
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    assert not at.exception
    _form(at)
    assert "Logg inn" in texts(at)


def test_wrong_password_gives_norwegian_message(app_env):
    at = _login("leder", "feil-passord")
    assert "Feil brukernavn eller passord." in [e.value for e in at.error]
    assert SESSION_KEY not in at.session_state
    assert "Innlogget som" not in texts(at)


def test_right_password_logs_in_as_reader(app_env):
    at = _login("leder", "laget-demo")
    assert at.session_state[SESSION_KEY]
    assert "Oversikt" in texts(at)
    assert "Leser" in texts(at) or "leser" in texts(at).lower()


def test_overlong_password_gets_the_normal_message_not_bcrypts(app_env):
    at = _login("leder", "æ" * 40)
    assert "Feil brukernavn eller passord." in [e.value for e in at.error]


def test_logout_ends_the_session_and_a_replayed_token_shows_the_login_form(app_env):
    at = _login("redaktor", "laget-demo")
    token = at.session_state[SESSION_KEY]
    other_browser = session_token(app_env, "redaktor")
    next(b for b in at.button if b.label == "Logg ut").click().run()
    assert not at.exception
    assert "Du er logget ut." in [i.value for i in at.info]
    _form(at)
    for replayed in (token, other_browser):  # logout ends every session of the user
        again = AppTest.from_file(str(APP), default_timeout=30)
        again.session_state[SESSION_KEY] = replayed
        again.run()
        assert not again.exception
        _form(again)
        assert "Innlogget som" not in texts(again)
        assert "Økten din er avsluttet. Logg inn på nytt." in [i.value for i in again.info]


def test_five_failures_lock_the_username_with_a_norwegian_message(app_env):
    for _ in range(5):
        at = _login("slt", "feil-passord")
    assert any("sperret her til kl." in e.value for e in at.error)
    at = _login("slt", "laget-demo")
    assert any("For mange mislykkede innlogginger" in e.value for e in at.error)
    assert SESSION_KEY not in at.session_state


def test_unreachable_database_shows_error_page(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://x:y@127.0.0.1:1/none")
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    assert not at.exception
    assert "Laget kan ikke starte" in texts(at)
    from data_access.domain.markup import unescape_markdown

    assert any("DATABASE_URL" in unescape_markdown(e.value) for e in at.error)
