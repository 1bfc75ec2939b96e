"""Reads are cached per data version: few SQL statements per rerun, and never a stale page after a write,
also when another user (another session, or a script) made the write."""

from datetime import date

import pytest
from sqlalchemy import event

from dashboard.navigation import PAGES
from data_access.db.engine import get_engine
from data_access.domain.permissions import Actor
from data_access.domain.users import SYSTEM
from data_access.writes.group_meetings import start_meeting
from data_access.writes.tiltak import create_tiltak
from data_access.writes.users import set_role
from tests.app.conftest import texts
from tests.app.test_tiltak_editing import _stange

OTHER = Actor("redaktor", "redaktor", "Redaktør")


@pytest.mark.parametrize("page", [p.file.removesuffix(".py") for p in PAGES])
def test_a_rerun_runs_at_most_five_statements(open_page, app_env, page):
    at = open_page("admin", page)
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
    event.listen(get_engine(app_env), "before_cursor_execute", listener)
    try:
        at.run()
    finally:
        event.remove(get_engine(app_env), "before_cursor_execute", listener)
    assert not at.exception
    assert len(statements) <= 5, statements


def test_new_tiltak_by_another_user_shows_at_next_rerun(open_page, app_env):
    at = open_page("leder", "tiltak")
    assert "Universell (30 tiltak)" in texts(at)
    engine, plan_id = _stange(app_env)
    create_tiltak(engine, OTHER, plan_id, level="universell", name="Lagt til av en annen")
    at.run()
    assert "Universell (31 tiltak)" in texts(at)
    at.switch_page("../pages/oversikt.py").run()
    assert any(m.label == "Tiltak i alt" and m.value == "41" for m in at.metric)


def test_meeting_started_by_another_user_shows_at_next_rerun(open_page, app_env):
    at = open_page("leder", "tiltak")
    assert "Møte i implementeringsgruppa pågår" not in texts(at)
    engine, plan_id = _stange(app_env)
    start_meeting(engine, OTHER, plan_id, date.today(), "SLT-koordinator")
    at.run()
    assert "Møte i implementeringsgruppa pågår" in texts(at)


def test_deactivated_user_is_stopped_at_next_rerun(open_page, app_env):
    at = open_page("leder", "oversikt")
    set_role(get_engine(app_env), SYSTEM, "leder", "leser", active=False)
    at.run()
    assert "Økten din er avsluttet" in texts(at), "deactivation ended the session"
    assert not at.metric
