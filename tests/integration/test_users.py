"""Users live in the database with bcrypt hashes; only admins manage them."""

import pytest

from data_access.domain.permissions import Actor
from data_access.reads.users import get_actor, users_frame, verify
from data_access.writes.users import add_user, set_password, set_role

ADMIN = Actor("admin", "admin")
LEDER = Actor("leder", "leser")


def test_demo_password_works(demo_engine):
    assert verify(demo_engine, "leder", "laget-demo") == Actor("leder", "leser", "Kommunalsjef (demo)")
    assert verify(demo_engine, "leder", "feil-passord") is None
    assert verify(demo_engine, "ukjent", "laget-demo") is None


def test_admin_adds_user_and_reader_cannot(demo_engine):
    add_user(demo_engine, ADMIN, username="Kari", name="Kari Nordmann", role="redaktor", password="hemmelig-1")
    assert verify(demo_engine, "kari", "hemmelig-1").role == "redaktor"
    with pytest.raises(PermissionError, match="har ikke tilgang"):
        add_user(demo_engine, LEDER, username="ola", name="Ola", role="admin", password="hemmelig-1")
    assert get_actor(demo_engine, "ola") is None


@pytest.mark.parametrize("kwargs, message", [
    ({"username": "x y", "name": "X", "role": "leser", "password": "langtpassord"}, "Brukernavnet"),
    ({"username": "xy", "name": "X", "role": "sjef", "password": "langtpassord"}, "Ukjent rolle"),
    ({"username": "xy", "name": "X", "role": "leser", "password": "kort"}, "minst 8"),
    ({"username": "leder", "name": "X", "role": "leser", "password": "langtpassord"}, "finnes allerede"),
])
def test_bad_user_input_is_refused(demo_engine, kwargs, message):
    with pytest.raises(ValueError, match=message):
        add_user(demo_engine, ADMIN, **kwargs)


def test_password_change_and_deactivation(demo_engine):
    set_password(demo_engine, LEDER, "leder", "nytt-passord")  # own password
    assert verify(demo_engine, "leder", "nytt-passord")
    with pytest.raises(PermissionError):
        set_password(demo_engine, LEDER, "admin", "overtatt!!")
    set_role(demo_engine, ADMIN, "leder", "leser", active=False)
    assert verify(demo_engine, "leder", "nytt-passord") is None
    assert not users_frame(demo_engine).filter(users_frame(demo_engine)["username"] == "leder")["active"][0]
    with pytest.raises(ValueError, match="administratorrollen"):
        set_role(demo_engine, ADMIN, "admin", "leser")


def test_admin_creates_a_plan_for_another_kommune(demo_engine):
    from data_access.domain.validation import ValidationError
    from data_access.reads.plans import levels_frame, plans_frame, protective_factors_frame
    from data_access.writes.plans import create_plan

    plan_id = create_plan(demo_engine, ADMIN, name="Forebyggende plan 2025–2028", kommune="Hamar",
                          start_year=2025, end_year=2028, level_labels={"universell": "Alle"},
                          protective_factors=["En venn", "God foreldreomsorg"])
    plans = plans_frame(demo_engine)
    assert plans.filter(plans["id"] == plan_id)["key"][0] == "hamar-2025-2028"
    assert levels_frame(demo_engine, plan_id)["label"].to_list() == ["Alle", "Selektiv", "Indikativ"]
    assert protective_factors_frame(demo_engine, plan_id)["name"].to_list() == ["En venn", "God foreldreomsorg"]
    with pytest.raises(PermissionError):
        create_plan(demo_engine, Actor("redaktor", "redaktor"), name="X", kommune="Y")
    with pytest.raises(ValidationError, match="slutter før"):
        create_plan(demo_engine, ADMIN, name="X", kommune="Y", start_year=2026, end_year=2025)
