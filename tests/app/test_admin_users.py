"""Administrasjon: changing a password keeps the role; sign-in method shown; locks can be lifted."""

import polars as pl
import pytest

from data_access.db.engine import get_engine
from data_access.domain.errors import LagetError
from data_access.reads.sessions import Policy, locks_frame
from data_access.reads.users import users_frame
from data_access.writes.sessions import check, login
from tests.app.conftest import session_token


def _role(url: str, username: str) -> str:
    users = users_frame(get_engine(url))
    return users.filter(pl.col("username") == username)["role"][0]


def test_password_reset_keeps_the_users_role(open_page, app_env):
    """Issue 9: the role box started at «leser» and the form always wrote it."""
    at = open_page("admin", "brukere")
    next(s for s in at.selectbox if s.label == "Bruker").select("redaktor").run()
    next(t for t in at.text_input if t.label == "Nytt passord (tomt = uendret)").input("nytt-passord-1")
    next(b for b in at.button if b.label == "Lagre").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert _role(app_env, "redaktor") == "redaktor"
    assert login(get_engine(app_env), "redaktor", "nytt-passord-1")[1].actor.role == "redaktor"


def test_role_change_ends_the_users_sessions(open_page, app_env):
    engine = get_engine(app_env)
    theirs = session_token(app_env, "slt")
    at = open_page("admin", "brukere")
    at.selectbox(key="admin_user").select("slt").run()
    next(s for s in at.selectbox if s.label == "Rolle" and s.value == "planlegger").select("redaktor")
    next(b for b in at.button if b.label == "Lagre").click().run()
    assert not at.exception
    assert _role(app_env, "slt") == "redaktor"
    assert check(engine, theirs) is None


def test_users_table_shows_how_they_sign_in(open_page):
    at = open_page("admin", "brukere")
    table = at.dataframe[0].value
    assert "Innlogging" in table.columns
    assert set(table["Innlogging"]) == {"Brukernavn og passord"}


def test_admin_lifts_a_lock(open_page, app_env):
    engine = get_engine(app_env)
    for _ in range(5):
        with pytest.raises(LagetError):
            login(engine, "leder", "feil-passord", policy=Policy(delay_base=0))
    assert not locks_frame(engine).is_empty()
    at = open_page("admin", "brukere")
    next(b for b in at.button if b.label == "Opphev sperren").click().run()
    assert not at.exception
    assert locks_frame(engine).is_empty()
    assert login(engine, "leder", "laget-demo")[1].actor.username == "leder"


def test_admin_ends_a_users_sessions(open_page, app_env):
    engine = get_engine(app_env)
    theirs = session_token(app_env, "slt")
    at = open_page("admin", "brukere")
    at.selectbox(key="admin_user").select("slt").run()
    at.button(key="end_sessions").click().run()
    assert not at.exception
    assert check(engine, theirs) is None
    assert any("1 økt til «slt» er avsluttet." in t.value for t in at.toast)


def test_admin_sees_failed_logins_of_the_last_day(open_page, app_env):
    engine = get_engine(app_env)
    for i in range(6):
        with pytest.raises(LagetError):
            login(engine, "admin", "feil-passord", client_address=f"198.51.100.{i % 2}", policy=Policy(delay_base=0))
    at = open_page("admin", "brukere")
    assert any("«admin»: 6 mislykkede innlogginger siste døgn, fra 2 adresser." in w.value.replace("\\", "")
               for w in at.warning)
    table = at.dataframe[0].value
    assert dict(zip(table["Brukernavn"], table["Mislykkede innlogginger siste døgn"], strict=True))["admin"] == 6
