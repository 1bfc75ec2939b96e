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


def test_five_failures_lock_the_username_only_from_that_address(demo_engine):
    for _ in range(4):
        _fail(demo_engine, client="10.0.0.1")
    with pytest.raises(AccessDenied, match="sperret her til kl. 09:15"):
        login(demo_engine, "leder", "feil", client_address="10.0.0.1", policy=FAST, now=NOW)
    with pytest.raises(AccessDenied, match="For mange mislykkede innlogginger fra denne maskinen"):
        login(demo_engine, "leder", "laget-demo", client_address="10.0.0.1", policy=FAST,
              now=NOW + timedelta(minutes=14))
    assert login(demo_engine, "leder", "laget-demo", client_address="10.9.9.9", policy=FAST, now=NOW), \
        "the real user elsewhere is not locked out"
    token, _ = login(demo_engine, "leder", "laget-demo", client_address="10.0.0.1", policy=FAST,
                     now=NOW + timedelta(minutes=15, seconds=1))
    assert check(demo_engine, token, now=NOW + timedelta(minutes=16))


def test_nobody_can_lock_out_the_admin(demo_engine):
    """Issue 17.2: five wrong passwords in 14 s used to lock «admin» from every address for 15 minutes."""
    policy = Policy(delay_base=0.5)  # the defaults: doubling from half a second, never beyond a minute
    assert login(demo_engine, "admin", "laget-demo", client_address="10.1.1.1", policy=policy,
                 now=NOW - timedelta(days=2)), "the admin's usual machine"
    for i in range(40):  # a botnet: one guess a second, each from its own address
        _fail(demo_engine, username="admin", client=f"198.51.100.{i}", now=NOW + timedelta(seconds=i), policy=policy)
    for i in range(6):  # one address, again and again: it locks the admin out from there only
        with pytest.raises((ValidationError, AccessDenied)):
            login(demo_engine, "admin", "feil", client_address="203.0.113.9", policy=policy,
                  now=NOW + timedelta(seconds=100 + 61 * i))
    assert locks_frame(demo_engine, now=NOW + timedelta(seconds=500)).select(
        "username", "client_address").rows() == [("admin", "203.0.113.9")]
    last = NOW + timedelta(seconds=100 + 61 * 4)  # the fifth failure from there, which locked it
    assert login(demo_engine, "admin", "laget-demo", client_address="10.1.1.1", policy=policy,
                 now=last + timedelta(seconds=10)), "from an address the admin signed in from lately: no wait"
    with pytest.raises(AccessDenied, match="Vent 50 sekunder"):
        login(demo_engine, "admin", "laget-demo", client_address="10.2.2.2", policy=policy,
              now=last + timedelta(seconds=10))
    assert login(demo_engine, "admin", "laget-demo", client_address="10.2.2.2", policy=policy,
                 now=last + timedelta(seconds=60)), "from a new address: a wait of at most a minute, then in"


def test_the_username_wide_wait_slows_guesses_from_many_addresses(demo_engine):
    policy = Policy(delay_base=1, delay_max=8)
    for i, seconds in enumerate((0, 1, 3, 7)):  # each guess right after the previous wait (1, 2, 4 s)
        _fail(demo_engine, username="leder", client=f"198.51.100.{i}", now=NOW + timedelta(seconds=seconds),
              policy=policy)
    with pytest.raises(AccessDenied, match="Vent 8 sekunder"):  # 1·2³ = 8, the cap
        login(demo_engine, "leder", "feil", client_address="198.51.100.99", policy=policy,
              now=NOW + timedelta(seconds=7))
    for i in range(4, 12):
        _fail(demo_engine, username="leder", client=f"198.51.100.{i}", now=NOW + timedelta(seconds=7 + 8 * (i - 3)),
              policy=policy)
    with pytest.raises(AccessDenied, match="Vent 8 sekunder"):
        login(demo_engine, "leder", "feil", client_address="198.51.100.99", policy=policy,
              now=NOW + timedelta(seconds=7 + 8 * 8))
    assert locks_frame(demo_engine, now=NOW + timedelta(minutes=2)).is_empty(), "a wait, never a lock"


def test_old_failures_are_forgotten_after_a_day(demo_engine):
    for _ in range(4):
        _fail(demo_engine)
    _fail(demo_engine, now=NOW + timedelta(days=1, minutes=1))
    assert locks_frame(demo_engine, now=NOW + timedelta(days=1, minutes=1)).is_empty()


def test_one_address_guessing_many_usernames_is_slowed_not_locked(demo_engine):
    policy = Policy(delay_base=1)
    for i, name in enumerate(("a1", "a2", "a3")):
        _fail(demo_engine, username=name, client="192.0.2.7", now=NOW + timedelta(seconds=i * 10), policy=policy)
    with pytest.raises(AccessDenied, match="Vent 4 sekunder"):
        login(demo_engine, "a4", "feil", client_address="192.0.2.7", policy=policy, now=NOW + timedelta(seconds=20))
    assert login(demo_engine, "leder", "laget-demo", client_address="192.0.2.8", policy=policy,
                 now=NOW + timedelta(seconds=20)), "other addresses are not slowed"
    assert locks_frame(demo_engine, now=NOW + timedelta(seconds=20)).is_empty()


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
    assert locked.select("username", "client_address").rows() == [("leder", "10.0.0.1")]
    with pytest.raises(AccessDenied):
        unlock(demo_engine, Actor("redaktor", "redaktor"), "leder")
    unlock(demo_engine, ADMIN, "leder")
    assert locks_frame(demo_engine, now=NOW).is_empty()
    assert login(demo_engine, "leder", "laget-demo", client_address="10.0.0.1", policy=FAST, now=NOW)
    for _ in range(5):
        _fail(demo_engine, client="10.0.0.2")
    unlock(demo_engine, ADMIN, "par:leder@10.0.0.2")
    assert locks_frame(demo_engine, now=NOW).is_empty()


def test_failed_logins_of_the_last_day_are_counted_for_the_admin(demo_engine):
    from dashboard.cli import format_users
    from data_access.reads.sessions import failed_logins_frame

    _fail(demo_engine, username="admin", client="198.51.100.1", now=NOW - timedelta(days=1, minutes=1))
    for i in range(6):
        _fail(demo_engine, username="admin", client=f"198.51.100.{i % 3}", now=NOW + timedelta(minutes=i))
    _fail(demo_engine, username="finnes-ikke", now=NOW)
    failed = failed_logins_frame(demo_engine, now=NOW + timedelta(hours=1))
    assert failed.rows() == [("admin", 6, 3, NOW + timedelta(minutes=5)), ("finnes-ikke", 1, 1, NOW)]
    text = format_users(users_frame(demo_engine), failed)
    assert "Mislykket siste døgn" in text and "«admin» har 6 mislykkede innlogginger siste døgn" in text


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


def test_a_very_long_username_is_just_wrong(demo_engine):
    """Typed at the login form by anyone: the failure counters' keys must still fit their column (PostgreSQL)."""
    for name in ("x" * 10_000, "admin" + "x" * 200):
        with pytest.raises(ValidationError, match="^Feil brukernavn eller passord.$"):
            login(demo_engine, name, "laget-demo", client_address="10.0.0.1", policy=FAST, now=NOW)
