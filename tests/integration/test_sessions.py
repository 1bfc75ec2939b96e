"""Server-side sessions and the failed-login limiter, on SQLite and PostgreSQL."""

from datetime import datetime, timedelta

import pytest

from data_access.domain.errors import AccessDenied, NotFound, ValidationError
from data_access.domain.permissions import Actor
from data_access.domain.sessions import sign, unsign
from data_access.reads.sessions import Policy, local_login_enabled, locks_frame
from data_access.reads.users import users_frame
from data_access.writes.sessions import check, login, logout, set_local_login, start_session, unlock
from data_access.writes.users import add_user, provision_oidc_user, set_password, update_user

ADMIN = Actor("admin", "admin")
NOW = datetime(2026, 11, 25, 9, 0)
FAST = Policy(delay_base=0)


def _fail(engine, username="leder", client="10.0.0.1", now=NOW, policy=FAST):
    with pytest.raises((ValidationError, AccessDenied)):
        login(engine, username, "feil-passord", client_address=client, policy=policy, now=now)


def test_login_starts_a_session_that_logout_ends_everywhere(demo_engine):
    token, user = login(demo_engine, "Leder ", "laget-demo", now=NOW)
    assert user.actor.username == "leder" and user.method == "lokal"
    second, _ = login(demo_engine, "leder", "laget-demo", now=NOW)
    assert second != token, "every login gets a new session id"
    assert check(demo_engine, token, now=NOW).actor.role == "leser"
    logout(demo_engine, token)
    assert check(demo_engine, token, now=NOW) is None
    assert check(demo_engine, second, now=NOW) is None, "logout ends every session of the user"


@pytest.mark.parametrize("change", [
    lambda e: set_password(e, ADMIN, "redaktor", "nytt-passord-1"),
    lambda e: set_password(e, Actor("redaktor", "redaktor"), "redaktor", "nytt-passord-1"),
    lambda e: update_user(e, ADMIN, "redaktor", role="leser"),
    lambda e: update_user(e, ADMIN, "redaktor", active=False),
])
def test_password_role_and_deactivation_end_every_session(demo_engine, change):
    tokens = [start_session(demo_engine, "redaktor", "lokal") for _ in range(2)]
    other = start_session(demo_engine, "slt", "lokal")
    change(demo_engine)
    assert [check(demo_engine, t) for t in tokens] == [None, None]
    assert check(demo_engine, other).actor.username == "slt", "other users keep their sessions"


def test_saving_the_same_role_keeps_the_session(demo_engine):
    token = start_session(demo_engine, "redaktor", "lokal")
    assert update_user(demo_engine, ADMIN, "redaktor", role="redaktor", active=True) is False
    assert check(demo_engine, token).actor.role == "redaktor"


def test_absolute_lifetime_and_idle_timeout(demo_engine):
    policy = Policy(lifetime=timedelta(hours=8), idle=timedelta(minutes=30))
    token = start_session(demo_engine, "leder", "lokal", policy=policy, now=NOW)
    for minutes in range(20, 8 * 60, 20):  # active all day: a click every 20 minutes
        assert check(demo_engine, token, policy, now=NOW + timedelta(minutes=minutes)) is not None
    assert check(demo_engine, token, policy, now=NOW + timedelta(hours=8)) is None, "8 hours, whatever happens"
    idle = start_session(demo_engine, "leder", "lokal", policy=policy, now=NOW)
    assert check(demo_engine, idle, policy, now=NOW + timedelta(minutes=31)) is None
    assert check(demo_engine, idle, policy, now=NOW + timedelta(minutes=32)) is None, "an ended session stays ended"


def test_parallel_sessions_are_limited(demo_engine):
    policy = Policy(max_sessions=3)
    tokens = [start_session(demo_engine, "leder", "lokal", policy=policy, now=NOW + timedelta(seconds=i))
              for i in range(4)]
    assert check(demo_engine, tokens[0], now=NOW + timedelta(seconds=5)) is None, "the oldest one ends"
    assert all(check(demo_engine, t, now=NOW + timedelta(seconds=5)) for t in tokens[1:])


def test_five_failures_lock_the_username_for_15_minutes(demo_engine):
    for i in range(4):
        _fail(demo_engine, client=f"10.0.0.{i}")
    with pytest.raises(AccessDenied, match="sperret til kl. 09:15"):
        login(demo_engine, "leder", "feil", client_address="10.0.0.9", policy=FAST, now=NOW)
    with pytest.raises(AccessDenied, match="For mange mislykkede innlogginger"):
        login(demo_engine, "leder", "laget-demo", client_address="10.9.9.9", policy=FAST,
              now=NOW + timedelta(minutes=14))
    token, _ = login(demo_engine, "leder", "laget-demo", client_address="10.9.9.9", policy=FAST,
                     now=NOW + timedelta(minutes=15, seconds=1))
    assert check(demo_engine, token, now=NOW + timedelta(minutes=16))


def test_old_failures_are_forgotten_after_a_day(demo_engine):
    for _ in range(4):
        _fail(demo_engine)
    _fail(demo_engine, now=NOW + timedelta(days=1, minutes=1))
    assert locks_frame(demo_engine, now=NOW + timedelta(days=1, minutes=1)).is_empty()


def test_failures_are_counted_per_client_across_usernames(demo_engine):
    for name in ("a1", "a2", "a3", "a4", "a5"):
        _fail(demo_engine, username=name, client="192.0.2.7")
    with pytest.raises(AccessDenied, match="Denne maskinen er sperret"):
        login(demo_engine, "leder", "laget-demo", client_address="192.0.2.7", policy=FAST, now=NOW)
    assert login(demo_engine, "leder", "laget-demo", client_address="192.0.2.8", policy=FAST, now=NOW)


def test_the_delay_grows_with_every_failure(demo_engine):
    policy = Policy(delay_base=1)
    _fail(demo_engine, policy=policy)
    with pytest.raises(AccessDenied, match="Vent 1 sekunder"):
        login(demo_engine, "leder", "laget-demo", policy=policy, now=NOW + timedelta(milliseconds=100))
    _fail(demo_engine, policy=policy, now=NOW + timedelta(seconds=1))
    with pytest.raises(AccessDenied, match="Vent 2 sekunder"):
        login(demo_engine, "leder", "laget-demo", policy=policy, now=NOW + timedelta(seconds=1.1))
    assert login(demo_engine, "leder", "laget-demo", policy=policy, now=NOW + timedelta(seconds=3.1))


def test_admin_unlocks_and_others_may_not(demo_engine):
    for _ in range(5):
        _fail(demo_engine)
    locked = locks_frame(demo_engine, now=NOW)
    assert set(locked["key"]) == {"bruker:leder", "klient:10.0.0.1"}
    with pytest.raises(AccessDenied):
        unlock(demo_engine, Actor("redaktor", "redaktor"), "leder")
    unlock(demo_engine, ADMIN, "leder")
    unlock(demo_engine, ADMIN, "klient:10.0.0.1")
    assert locks_frame(demo_engine, now=NOW).is_empty()
    assert login(demo_engine, "leder", "laget-demo", client_address="10.0.0.1", policy=FAST, now=NOW)


def test_unknown_user_and_overlong_password_are_just_wrong(demo_engine):
    with pytest.raises(ValidationError, match="^Feil brukernavn eller passord.$"):
        login(demo_engine, "finnes-ikke", "laget-demo", policy=FAST)
    with pytest.raises(ValidationError, match="^Feil brukernavn eller passord.$"):
        login(demo_engine, "leder", "x" * 100, policy=FAST)


def test_password_over_72_bytes_gets_a_norwegian_message(demo_engine):
    with pytest.raises(ValidationError, match="høyst 72 byte"):
        add_user(demo_engine, ADMIN, username="kari", name="Kari", role="leser", password="å" * 37)
    with pytest.raises(ValidationError, match="høyst 72 byte"):
        set_password(demo_engine, ADMIN, "leder", "a" * 73)
    add_user(demo_engine, ADMIN, username="kari", name="Kari", role="leser", password="a" * 72)


def test_a_tampered_cookie_is_refused():
    value = sign("abc", "k" * 32)
    assert unsign(value, "k" * 32) == "abc"
    assert unsign(value, "x" * 32) is None
    assert unsign("abd" + value[3:], "k" * 32) is None
    assert unsign(None, "k" * 32) is None


def test_local_login_can_be_turned_off_only_from_an_oidc_session(demo_engine):
    with pytest.raises(ValidationError, match="OpenID Connect selv"):
        set_local_login(demo_engine, ADMIN, False, "lokal")
    with pytest.raises(AccessDenied):
        set_local_login(demo_engine, Actor("leder", "leser"), False, "oidc")
    local = start_session(demo_engine, "leder", "lokal")
    oidc = start_session(demo_engine, "admin", "oidc")
    set_local_login(demo_engine, ADMIN, False, "oidc")
    assert not local_login_enabled(demo_engine)
    assert check(demo_engine, local) is None, "password sessions end when password sign-in is turned off"
    assert check(demo_engine, oidc) is not None
    with pytest.raises(AccessDenied, match="slått av"):
        login(demo_engine, "leder", "laget-demo", policy=FAST)
    set_local_login(demo_engine, ADMIN, True, "lokal")
    assert login(demo_engine, "leder", "laget-demo", policy=FAST)


def test_oidc_users_are_created_once_and_never_collide_with_local_ones(demo_engine):
    kw = {"provider": "entra", "subject": "https://login.example/t|abc", "name": "Leder Lokal",
          "email": "leder@kommune.no", "preferred": "leder"}
    actor = provision_oidc_user(demo_engine, role="redaktor", **kw)
    assert actor.username == "entra:leder" and actor.role == "redaktor"
    again = provision_oidc_user(demo_engine, role="redaktor", **kw)
    assert again == actor
    users = users_frame(demo_engine)
    assert users.filter(users["username"] == "entra:leder")["sign_in"][0] == "OpenID Connect"
    assert users.filter(users["username"] == "leder")["role"][0] == "leser", "the local leder is untouched"
    other = provision_oidc_user(demo_engine, role="leser", **{**kw, "subject": "https://login.example/t|zzz"})
    assert other.username == "entra:leder-2"
    token = start_session(demo_engine, "entra:leder", "oidc", token="oidc:same-sign-in")
    assert start_session(demo_engine, "entra:leder", "oidc", token="oidc:same-sign-in") == token, "a second tab"
    assert provision_oidc_user(demo_engine, role="admin", **kw).role == "admin"
    assert check(demo_engine, token) is None, "a new role from the token ends the old sessions"
    with pytest.raises(ValidationError, match="OpenID Connect"):
        set_password(demo_engine, ADMIN, "entra:leder", "hemmelig-1")
    with pytest.raises(ValidationError):
        login(demo_engine, "entra:leder", "", policy=FAST)
    update_user(demo_engine, ADMIN, "entra:leder", active=False)
    with pytest.raises(AccessDenied, match="deaktivert"):
        provision_oidc_user(demo_engine, role="admin", **kw)
    with pytest.raises(NotFound):
        update_user(demo_engine, ADMIN, "finnes-ikke", role="leser")
