"""Logging in: Norwegian form, Norwegian error on a wrong password, no stack trace."""

from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, texts


def _form(at: AppTest):
    user = next(t for t in at.text_input if t.label == "Brukernavn")
    password = next(t for t in at.text_input if t.label == "Passord")
    return user, password


def test_login_form_is_norwegian(app_env):
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    assert not at.exception
    user, password = _form(at)
    assert "Logg inn" in texts(at)


def test_wrong_password_gives_norwegian_message(app_env):
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    user, password = _form(at)
    user.input("leder")
    password.input("feil-passord")
    at.button[0].click().run()
    assert not at.exception
    assert "Feil brukernavn eller passord." in [e.value for e in at.error]
    assert not at.session_state["authentication_status"]


def test_right_password_logs_in_as_reader(app_env):
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    user, password = _form(at)
    user.input("leder")
    password.input("laget-demo")
    at.button[0].click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["authentication_status"] is True
    assert "Oversikt" in texts(at)
    assert "Leser" in texts(at) or "leser" in texts(at).lower()


def test_unreachable_database_shows_error_page(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://x:y@127.0.0.1:1/none")
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    assert not at.exception
    assert "Laget kan ikke starte" in texts(at)
    from data_access.markup import unescape_markdown

    assert any("DATABASE_URL" in unescape_markdown(e.value) for e in at.error)
