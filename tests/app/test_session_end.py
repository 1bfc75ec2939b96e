"""A revoked session writes nothing, whatever path the click takes (issue 17.1).

The grid's «Lagre endringer» is a button callback: Streamlit runs it before the rerun the click starts, so
before the entry point's session check, with the page context of the run that drew the button. Each way a
session can end must refuse that save, log nothing as the user and show the login form with the reason.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

import polars as pl
import pytest
from sqlalchemy import update

from data_access.db.changelog import log_frame
from data_access.db.engine import get_engine
from data_access.db.models import AuthSession
from data_access.domain.permissions import Actor
from data_access.domain.sessions import token_hash
from data_access.reads.plans import plans_frame
from data_access.reads.tiltak import tiltak_frame
from data_access.writes.sessions import logout, start_session
from data_access.writes.users import set_password, update_user
from tests.app.conftest import texts

ADMIN = Actor("admin", "admin")
NOTE = "Lagret etter at økten var slutt"


def _session_row(engine, token: str, **values) -> None:
    with engine.begin() as conn:
        conn.execute(update(AuthSession).where(AuthSession.token_hash == token_hash(token)).values(**values))


ENDINGS: dict[str, Callable] = {
    "demoted to leser": lambda engine, token: update_user(engine, ADMIN, "redaktor", role="leser"),
    "deactivated": lambda engine, token: update_user(engine, ADMIN, "redaktor", active=False),
    "logged out in another browser": lambda engine, token: logout(engine, start_session(engine, "redaktor", "lokal")),
    "password reset": lambda engine, token: set_password(engine, ADMIN, "redaktor", "nytt-passord-1"),
    "idle for 31 minutes": lambda engine, token: _session_row(
        engine, token, last_seen=datetime.now() - timedelta(minutes=31)),
    "past the absolute lifetime": lambda engine, token: _session_row(
        engine, token, expires_at=datetime.now() - timedelta(seconds=1)),
}


def _grid_edit(open_page, app_env):
    """The redaktor's Tiltak page with one edited status note in the first grid, not yet saved."""
    engine = get_engine(app_env)
    plan_id = plans_frame(engine).filter(pl.col("key") == "stange-2023-2026")["id"][0]
    at = open_page("redaktor", "tiltak")
    at.session_state[f"editor_{plan_id}_universell_0"] = {
        "edited_rows": {"0": {"Statusnotat": NOTE}}, "added_rows": [], "deleted_rows": []}
    at.run()
    save = at.button(key=f"save_{plan_id}_universell")
    assert save.label == "Lagre endringer (1)"
    return at, save, engine, plan_id


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_the_grid_save_after_the_session_ended_saves_nothing(open_page, app_env, ending):
    at, save, engine, plan_id = _grid_edit(open_page, app_env)
    from dashboard.login_state import SESSION_KEY

    ENDINGS[ending](engine, at.session_state[SESSION_KEY])
    save.click().run()

    assert not at.exception, [e.message for e in at.exception]
    assert NOTE not in tiltak_frame(engine, plan_id)["status_note"].to_list(), "nothing saved"
    log = log_frame(engine, plan_id=plan_id, entity="tiltak", limit=50)
    assert "redaktor" not in log["username"].to_list(), "nothing logged as the revoked user"
    assert [t for t in at.text_input if t.label == "Brukernavn"], "the login form follows"
    assert "Økten din er avsluttet" in texts(at)
    assert "Innlogget som" not in texts(at)


def test_the_grid_save_while_the_session_lives_still_saves(open_page, app_env):
    at, save, engine, plan_id = _grid_edit(open_page, app_env)
    save.click().run()
    assert not at.exception
    assert NOTE in tiltak_frame(engine, plan_id)["status_note"].to_list()
    assert any("1 tiltak lagret" in t.value for t in at.toast)
