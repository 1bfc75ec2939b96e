"""The write path reads the login session again: a write through an ended session changes nothing (issue 17.1).

On SQLite and PostgreSQL. The actor is the one a page kept from an earlier run; the unit of work must trust
only the session row and the user's role as they are now.
"""

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

import polars as pl
import pytest
from sqlalchemy import update

from data_access.db.changelog import log_frame
from data_access.db.models import AuthSession, User
from data_access.db.uow import Change
from data_access.domain.errors import AccessDenied
from data_access.domain.permissions import Actor
from data_access.domain.sessions import token_hash
from data_access.domain.users import SYSTEM
from data_access.reads.plans import plans_frame
from data_access.reads.tiltak import tiltak_frame
from data_access.writes.sessions import check, logout, start_session
from data_access.writes.tiltak import save_changes
from data_access.writes.users import add_user, set_password, update_user

ADMIN = Actor("admin", "admin")


def _rows(engine, model, where, **values) -> None:
    with engine.begin() as conn:
        conn.execute(update(model).where(where).values(**values))


ENDINGS: dict[str, Callable] = {
    "demoted": lambda e, t: update_user(e, ADMIN, "redaktor", role="leser"),
    "deactivated": lambda e, t: update_user(e, ADMIN, "redaktor", active=False),
    "logged out elsewhere": lambda e, t: logout(e, start_session(e, "redaktor", "lokal")),
    "password reset": lambda e, t: set_password(e, ADMIN, "redaktor", "nytt-passord-1"),
    "idle": lambda e, t: _rows(e, AuthSession, AuthSession.token_hash == token_hash(t),
                               last_seen=datetime.now() - timedelta(minutes=31)),
    "absolute lifetime": lambda e, t: _rows(e, AuthSession, AuthSession.token_hash == token_hash(t),
                                            expires_at=datetime.now() - timedelta(seconds=1)),
}


def _first_tiltak(engine) -> tuple[int, dict]:
    plan_id = plans_frame(engine).filter(pl.col("key") == "stange-2023-2026")["id"][0]
    return plan_id, tiltak_frame(engine, plan_id).row(0, named=True)


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_a_write_through_an_ended_session_is_refused_and_changes_nothing(demo_engine, ending):
    token = start_session(demo_engine, "redaktor", "lokal")
    actor = check(demo_engine, token).actor  # what the page kept from its last run
    plan_id, row = _first_tiltak(demo_engine)
    ENDINGS[ending](demo_engine, token)
    with pytest.raises(AccessDenied, match="Økten din er avsluttet"):
        save_changes(demo_engine, actor, plan_id, [Change(row["id"], row["version"], {"status_note": "Etter slutt"})])
    assert _first_tiltak(demo_engine)[1]["status_note"] == row["status_note"]
    assert "redaktor" not in log_frame(demo_engine, plan_id=plan_id, limit=50)["username"].to_list()


def test_the_role_comes_from_the_database_not_from_the_page(demo_engine):
    """Even with the session left live (a role changed straight in the database), the write uses today's role."""
    token = start_session(demo_engine, "redaktor", "lokal")
    actor = check(demo_engine, token).actor
    plan_id, row = _first_tiltak(demo_engine)
    _rows(demo_engine, User, User.username == "redaktor", role="leser")
    with pytest.raises(AccessDenied, match="ikke tilgang til å endre tiltak"):
        save_changes(demo_engine, actor, plan_id, [Change(row["id"], row["version"], {"status_note": "Som leser"})])
    claims_admin = Actor("redaktor", "admin", "", actor.session)  # a page that believes it holds an admin
    with pytest.raises(AccessDenied):
        add_user(demo_engine, claims_admin, username="kari", name="Kari", role="admin", password="hemmelig-1")


def test_a_live_session_and_the_command_line_still_write(demo_engine):
    token = start_session(demo_engine, "redaktor", "lokal")
    actor = check(demo_engine, token).actor
    plan_id, row = _first_tiltak(demo_engine)
    result = save_changes(demo_engine, actor, plan_id, [Change(row["id"], row["version"], {"status_note": "Live"})])
    assert result.saved
    add_user(demo_engine, SYSTEM, username="kari", name="Kari", role="leser", password="hemmelig-1")
    assert log_frame(demo_engine, plan_id=plan_id, limit=5)["username"][0] == "redaktor"


def test_a_role_change_waits_for_a_write_that_has_read_the_session(demo_engine):
    """The session and the user are read FOR SHARE (PostgreSQL) or under the write lock (SQLite): a demotion
    that commits while the write runs waits for it, so the write is never made with a role already taken."""
    from data_access.db.uow import UnitOfWork
    from data_access.domain.permissions import Permission

    actor = check(demo_engine, start_session(demo_engine, "redaktor", "lokal")).actor
    done = threading.Event()

    def demote() -> None:
        update_user(demo_engine, ADMIN, "redaktor", role="leser")
        done.set()

    with UnitOfWork(demo_engine, actor, None, Permission.EDIT_TILTAK):
        other = threading.Thread(target=demote)
        other.start()
        time.sleep(1.0)
        assert not done.is_set(), "the demotion must wait for the write that read the session"
    other.join(20)
    assert done.is_set()


def test_an_admin_ends_every_session_of_a_user_and_others_may_not(demo_engine, capsys, monkeypatch):
    from dashboard.cli import main
    from data_access.writes.sessions import end_sessions

    tokens = [start_session(demo_engine, "redaktor", "lokal") for _ in range(2)]
    with pytest.raises(AccessDenied):
        end_sessions(demo_engine, Actor("slt", "planlegger"), "redaktor")
    assert end_sessions(demo_engine, ADMIN, "redaktor") == 2
    assert [check(demo_engine, t) for t in tokens] == [None, None]
    assert log_frame(demo_engine, entity="user", limit=1)["field"][0] == "sessions", "logged"
    start_session(demo_engine, "redaktor", "lokal")
    monkeypatch.setenv("DATABASE_URL", demo_engine.url.render_as_string(hide_password=False))
    assert main(["user", "logout", "redaktor"]) == 0
    assert "1 økt til «redaktor» er avsluttet." in capsys.readouterr().out
