"""The public page's data on both backends: the release switch, what ``released_plan`` gives, and comments
(personal-data guard, moderation, a rate limit per address counted in the database)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from data_access.db.engine import session_scope
from data_access.db.models import ChangeLog, Plan, PublicComment, PublicRateLimit, Tiltak
from data_access.domain.errors import AccessDenied, ConflictError, NotFound, RateLimited, ValidationError
from data_access.domain.permissions import PUBLIC_ACTOR, Actor, Permission
from data_access.domain.public import PARTS
from data_access.reads.public import approved_comments, comments_frame, release_settings, released_plan, released_plans
from data_access.writes.public import moderate_comment, post_comment, rate_key, set_release
from data_access.writes.tiltak import save_changes

ADMIN = Actor("admin", "admin", "Administrator")
EDITOR = Actor("redaktor", "redaktor", "Redaktør")
READER = Actor("leder", "leser", "Leder")
KEY = "stange-2023-2026"


def _plan_id(engine) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(Plan.id).where(Plan.key == KEY))


def _first_tiltak(engine, plan_id: int) -> Tiltak:
    with session_scope(engine) as s:
        return s.scalars(select(Tiltak).where(Tiltak.plan_id == plan_id).order_by(Tiltak.id)).first()


def _release(engine, parts=frozenset(PARTS), public: bool = True) -> int:
    plan_id = _plan_id(engine)
    set_release(engine, ADMIN, plan_id, is_public=public, parts=set(parts),
                seen_version=release_settings(engine, plan_id).version)
    return plan_id


def test_nothing_is_public_until_the_admin_switches_it_on(demo_engine) -> None:
    assert released_plan(demo_engine, KEY) is None
    assert released_plan(demo_engine, "finnes-ikke") is None
    assert released_plans(demo_engine).is_empty()
    plan_id = _release(demo_engine, parts=())
    plan = released_plan(demo_engine, KEY)
    assert plan is not None and plan.parts == frozenset()
    assert plan.tiltak.height > 0 and set(plan.tiltak.columns) >= {"name", "description", "status_label", "services"}
    assert plan.arenas is None and plan.indicators is None and plan.changes is None and plan.comments is None
    assert released_plans(demo_engine)["key"].to_list() == [KEY]
    set_release(demo_engine, ADMIN, plan_id, is_public=False, parts=set(), seen_version=1)
    assert released_plan(demo_engine, KEY) is None


def test_internal_fields_are_not_in_any_released_frame(demo_engine) -> None:
    plan_id = _release(demo_engine)
    plan = released_plan(demo_engine, KEY)
    assert plan is not None
    for frame in (plan.tiltak, plan.arenas, plan.indicators, plan.indicator_values, plan.changes, plan.comments):
        assert frame is not None
        assert not {"status_note", "next_step", "updated_by", "username", "version", "note", "email",
                    "last_error", "responsible_person"} & set(frame.columns)
    assert plan_id


def test_arena_leaders_and_participants_only_as_released_roles(demo_engine) -> None:
    _release(demo_engine, parts={"arenas"})
    plan = released_plan(demo_engine, KEY)
    assert plan is not None and plan.arenas is not None
    assert set(plan.arenas["leader"].to_list()) == {""}
    assert all(p == [] for p in plan.arenas["participants"].to_list())
    _release(demo_engine, parts={"arenas", "arena_roles"})
    plan = released_plan(demo_engine, KEY)
    assert plan is not None and plan.arenas is not None
    assert "Ordfører" in " ".join(plan.arenas["leader"].to_list())


def test_changes_this_year_without_who_and_without_notes(demo_engine) -> None:
    plan_id = _release(demo_engine, parts={"changes"})
    t = _first_tiltak(demo_engine, plan_id)
    from data_access.db.uow import Change

    save_changes(demo_engine, EDITOR, plan_id,
                        [Change(t.id, t.version, {"status": "avsluttet", "status_note": "HEMMELIG-NOTAT"})])
    plan = released_plan(demo_engine, KEY, today=date.today())
    assert plan is not None and plan.changes is not None
    mine = plan.changes.filter(plan.changes["tiltak_id"] == t.id)
    assert mine["field"].to_list() == ["status"]
    assert mine["new_value"].to_list() == ["avsluttet"]
    assert "HEMMELIG-NOTAT" not in str(plan.changes.to_dicts())
    last_year = released_plan(demo_engine, KEY, today=date(date.today().year + 1, 1, 1))
    assert last_year is not None and last_year.changes is not None
    assert last_year.changes.filter(last_year.changes["tiltak_id"] == t.id).is_empty()


def test_a_comment_waits_for_moderation_and_only_approved_ones_are_public(demo_engine) -> None:
    plan_id = _release(demo_engine)
    t = _first_tiltak(demo_engine, plan_id)
    comment_id = post_comment(demo_engine, KEY, t.id, "Vi i ungdomsrådet vil ha flere slike kurs.", "203.0.113.7",
                              limit=5)
    assert approved_comments(demo_engine, plan_id).is_empty()
    staff = comments_frame(demo_engine, plan_id)
    assert staff["state"].to_list() == ["venter"] and staff["tiltak"].to_list() == [t.name]
    with pytest.raises(AccessDenied):
        moderate_comment(demo_engine, READER, comment_id, 1, "godkjent")
    moderate_comment(demo_engine, EDITOR, comment_id, 1, "godkjent")
    assert approved_comments(demo_engine, plan_id)["text"].to_list() == ["Vi i ungdomsrådet vil ha flere slike kurs."]
    plan = released_plan(demo_engine, KEY)
    assert plan is not None and plan.comments is not None and plan.comments.height == 1
    with pytest.raises(ConflictError):
        moderate_comment(demo_engine, EDITOR, comment_id, 1, "avvist")  # someone moderated it meanwhile
    moderate_comment(demo_engine, EDITOR, comment_id, 2, "avvist")
    assert approved_comments(demo_engine, plan_id).is_empty()
    with session_scope(demo_engine) as s:
        row = s.get(PublicComment, comment_id)
        assert row.text and row.moderated_by == "redaktor"
        logged = s.scalars(select(ChangeLog.username).where(ChangeLog.entity == "public_comment")).all()
    assert "offentlig" in logged


def test_comments_only_where_they_are_open(demo_engine) -> None:
    plan_id = _release(demo_engine, parts={"indicators"})
    t = _first_tiltak(demo_engine, plan_id)
    with pytest.raises(NotFound):
        post_comment(demo_engine, KEY, t.id, "Hei", "203.0.113.7", limit=5)
    _release(demo_engine)
    with session_scope(demo_engine) as s:
        other = s.scalar(select(Tiltak.id).join(Plan).where(Plan.key != KEY))
    with pytest.raises(NotFound):
        post_comment(demo_engine, KEY, other, "Hei", "203.0.113.7", limit=5)  # another plan's tiltak


def test_the_personal_data_guard_refuses_a_comment_and_stores_nothing(demo_engine) -> None:
    plan_id = _release(demo_engine)
    t = _first_tiltak(demo_engine, plan_id)
    number = "01010012356"  # a valid fødselsnummer (control digits add up)
    with pytest.raises(ValidationError, match="fødselsnummer"):
        post_comment(demo_engine, KEY, t.id, f"Gjelder gutten med nr {number[:6]} {number[6:]}", "203.0.113.7",
                     limit=5)
    with pytest.raises(ValidationError):
        post_comment(demo_engine, KEY, t.id, "   ", "203.0.113.7", limit=5)
    with pytest.raises(ValidationError):
        post_comment(demo_engine, KEY, t.id, "x" * 1001, "203.0.113.7", limit=5)
    assert comments_frame(demo_engine, plan_id).is_empty()


def test_rate_limit_per_address_is_kept_in_the_database(demo_engine) -> None:
    plan_id = _release(demo_engine)
    t = _first_tiltak(demo_engine, plan_id)
    now = datetime(2026, 5, 1, 12, 0)
    for i in range(2):
        post_comment(demo_engine, KEY, t.id, f"Kommentar {i}", "203.0.113.7", limit=2, now=now)
    with pytest.raises(RateLimited, match="høyst 2"):
        post_comment(demo_engine, KEY, t.id, "En til", "203.0.113.7", limit=2, now=now + timedelta(minutes=5))
    post_comment(demo_engine, KEY, t.id, "Fra en annen adresse", "198.51.100.4", limit=2, now=now)
    # one IPv6 household (/64) is one address
    post_comment(demo_engine, KEY, t.id, "v6 a", "2001:db8::1", limit=1, now=now)
    with pytest.raises(RateLimited):
        post_comment(demo_engine, KEY, t.id, "v6 b", "2001:db8::2", limit=1, now=now)
    post_comment(demo_engine, KEY, t.id, "Neste time", "203.0.113.7", limit=2, now=now + timedelta(minutes=61))
    assert comments_frame(demo_engine, plan_id).height == 5
    with session_scope(demo_engine) as s:
        keys = s.scalars(select(PublicRateLimit.key)).all()
        texts = " ".join(s.scalars(select(PublicComment.text)).all())
    assert rate_key("203.0.113.7") in keys
    assert not any("203.0.113" in k for k in keys) and "203.0.113" not in texts  # the address is stored nowhere


def test_release_is_the_admins_and_a_stale_screen_is_refused(demo_engine) -> None:
    plan_id = _plan_id(demo_engine)
    with pytest.raises(AccessDenied):
        set_release(demo_engine, EDITOR, plan_id, is_public=True, parts=set(), seen_version=0)
    set_release(demo_engine, ADMIN, plan_id, is_public=True, parts={"arenas"}, seen_version=0)
    with pytest.raises(ConflictError):
        set_release(demo_engine, ADMIN, plan_id, is_public=True, parts={"indicators"}, seen_version=0)
    with pytest.raises(ValidationError):
        set_release(demo_engine, ADMIN, plan_id, is_public=True, parts={"navn"}, seen_version=1)
    settings = release_settings(demo_engine, plan_id)
    assert settings.is_public and settings.parts == {"arenas"} and settings.version == 1
    with session_scope(demo_engine) as s:
        fields = set(s.scalars(select(ChangeLog.field).where(ChangeLog.entity == "release")).all())
    assert fields == {"is_public", "show_arenas"}


def test_the_public_actor_may_only_comment() -> None:
    from data_access.domain.permissions import can

    assert can(PUBLIC_ACTOR, Permission.PUBLIC_COMMENT)
    assert not any(can(PUBLIC_ACTOR, p) for p in Permission if p is not Permission.PUBLIC_COMMENT)
    assert not can(READER, Permission.PUBLIC_COMMENT) and not can(EDITOR, Permission.PUBLIC_COMMENT)


def test_the_rate_limit_holds_when_requests_race(demo_engine) -> None:
    """Several replicas taking the same address's last slot at once: exactly the limit gets through."""
    from tests.at_once import at_once

    plan_id = _release(demo_engine)
    t = _first_tiltak(demo_engine, plan_id)
    outcomes = at_once([lambda i=i: post_comment(demo_engine, KEY, t.id, f"Samtidig {i}", "192.0.2.9", limit=2)
                        for i in range(4)])
    results = ["limited" if isinstance(o, RateLimited) else o if isinstance(o, BaseException) else "ok"
               for o in outcomes]
    assert sorted(results) == ["limited", "limited", "ok", "ok"]
    assert comments_frame(demo_engine, plan_id).height == 2


def test_last_updated_is_the_plans_content_not_comments_or_switches(demo_engine) -> None:
    plan_id = _release(demo_engine)
    t = _first_tiltak(demo_engine, plan_id)
    before = released_plan(demo_engine, KEY)
    assert before is not None
    post_comment(demo_engine, KEY, t.id, "Hei", "203.0.113.7", limit=5, now=datetime(2099, 1, 1))
    after = released_plan(demo_engine, KEY)
    assert after is not None and after.updated_at == before.updated_at
