"""The public page in AppTest: the admin's release switch, moderation in Møtemodus, the page without login."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from data_access.db.engine import get_engine, session_scope
from data_access.db.models import Plan, Tiltak
from data_access.domain.permissions import Actor
from data_access.reads.public import comments_frame, release_settings
from data_access.writes.public import post_comment, set_release
from tests.app.conftest import APP, texts

KEY = "stange-2023-2026"
ADMIN = Actor("admin", "admin")


def _ids(url: str) -> tuple[int, int, str]:
    with session_scope(get_engine(url)) as s:
        plan_id = s.scalar(select(Plan.id).where(Plan.key == KEY))
        t = s.scalars(select(Tiltak).where(Tiltak.plan_id == plan_id).order_by(Tiltak.id)).first()
        return plan_id, t.id, t.name


def _public(url: str, plan_key: str | None = KEY) -> AppTest:
    """The public page as a logged-out visitor opens it."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    if plan_key:
        at.query_params["plan"] = plan_key
    at.run()
    at.switch_page(str(Path("..") / "pages" / "offentlig.py"))
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_admin_switches_the_public_view_on_with_chosen_parts(open_page, app_env):
    plan_id, _, _ = _ids(app_env)
    at = open_page("admin", "brukere", plan_key=KEY)
    assert "Planen er ikke offentlig." in texts(at)
    next(t for t in at.toggle if t.label == "Vis planen på den offentlige siden").set_value(True)
    next(c for c in at.checkbox if c.label.startswith("Møtearenaer")).check()
    next(c for c in at.checkbox if c.label.startswith("Kommentarer")).check()
    next(b for b in at.button if b.label == "Lagre innstillingene for den offentlige siden").click().run()
    assert not at.exception, [e.message for e in at.exception]
    settings = release_settings(get_engine(app_env), plan_id)
    assert settings.is_public and settings.parts == {"arenas", "comments"}
    assert f"/offentlig?plan={KEY}" in texts(at)


def test_only_the_admin_has_the_switch(open_page):
    at = open_page("redaktor")
    assert "Administrasjon" not in at.session_state["_laget_pages"]


def test_the_group_approves_a_comment_in_motemodus(open_page, app_env):
    engine = get_engine(app_env)
    plan_id, tiltak_id, name = _ids(app_env)
    set_release(engine, ADMIN, plan_id, is_public=True, parts={"comments"}, seen_version=0)
    post_comment(engine, KEY, tiltak_id, "Flere kurs for foreldre, takk.", "203.0.113.7", limit=5)
    at = open_page("redaktor", "motemodus", plan_key=KEY)
    assert "Kommentarer fra den offentlige siden (1 venter)" in texts(at)
    assert "Flere kurs for foreldre, takk." in [t.value for t in at.text]
    next(b for b in at.button if b.label == "Godkjenn").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert comments_frame(engine, plan_id)["state"].to_list() == ["godkjent"]
    assert "(0 venter)" in texts(at)


def test_logged_out_visitor_sees_the_public_page_and_no_staff_navigation(app_env):
    engine = get_engine(app_env)
    plan_id, _, name = _ids(app_env)
    at = _public(app_env)
    assert "Fant ikke planen" in texts(at)  # not public yet: the same answer as an unknown plan
    set_release(engine, ADMIN, plan_id, is_public=True, parts=set(), seen_version=0)
    at = _public(app_env)
    page = texts(at)
    assert "Tiltakene i planen" in page and any(name in e.label for e in at.expander)
    assert "Logg inn" not in page and not at.sidebar.selectbox and not at.text_input
    assert "Hvor tjenestene møtes" not in page and "Utviklingen i tall" not in page  # parts not released


def test_a_comment_from_the_public_page_is_stored_waiting(app_env):
    engine = get_engine(app_env)
    plan_id, tiltak_id, name = _ids(app_env)
    set_release(engine, ADMIN, plan_id, is_public=True, parts={"comments"}, seen_version=0)
    at = _public(app_env)
    next(s for s in at.selectbox if s.label == "Tiltak du vil kommentere").set_value(tiltak_id)
    next(t for t in at.text_area if t.label == "Kommentar").input("Bra tiltak!")
    next(b for b in at.button if b.label == "Send kommentaren").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert "Takk! Kommentaren er sendt" in texts(at)
    comments = comments_frame(engine, plan_id)
    assert comments.select("tiltak_id", "text", "state").rows() == [(tiltak_id, "Bra tiltak!", "venter")]
    at = _public(app_env)
    next(s for s in at.selectbox if s.label == "Tiltak du vil kommentere").set_value(tiltak_id)
    next(t for t in at.text_area if t.label == "Kommentar").input("Ring meg på 01010012356")
    next(b for b in at.button if b.label == "Send kommentaren").click().run()
    assert "fødselsnummer" in texts(at)
    assert comments_frame(engine, plan_id).filter(pl.col("text").str.contains("0101")).is_empty()


def test_hostile_or_missing_plan_keys_answer_calmly(app_env):
    for key in ("<script>alert(1)</script>", "bamble' OR '1'='1", "x" * 5000):
        at = _public(app_env, plan_key=key)
        assert "Fant ikke planen" in texts(at)
    at = _public(app_env, plan_key=None)
    assert "Ingen planer er gjort offentlige ennå." in texts(at)
    plan_id, _, _ = _ids(app_env)
    set_release(get_engine(app_env), ADMIN, plan_id, is_public=True, parts=set(), seen_version=0)
    at = _public(app_env, plan_key=None)
    assert [link.label for link in at.get("page_link")][2:] == ["Stange kommune: " + _plan_name(app_env)]


def _plan_name(url: str) -> str:
    with session_scope(get_engine(url)) as s:
        return s.scalar(select(Plan.name).where(Plan.key == KEY))
