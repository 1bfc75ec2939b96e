"""Login through streamlit-authenticator, with the users read from the database.

The library's cookie component is drawn only while nobody is logged in (and when logging out): once the
session is logged in, a rerun only checks that the user is still active, one indexed query.
"""

from __future__ import annotations

import contextlib

import streamlit as st
import streamlit_authenticator as stauth
from sqlalchemy import Engine

from config.settings import Settings
from data_access.changelog import version_and_actor
from data_access.permissions import Actor
from data_access.users import credentials, get_actor

LOGIN_FIELDS = {"Form name": "Logg inn", "Username": "Brukernavn", "Password": "Passord", "Login": "Logg inn"}


def _authenticator(engine: Engine, settings: Settings, key: str) -> stauth.Authenticate:
    return stauth.Authenticate(credentials(engine), settings.cookie_name, key, settings.cookie_expiry_days,
                               auto_hash=False, login_sleep_time=settings.login_delay_seconds)


def request_logout() -> None:
    """Button callback: the next run draws the cookie component once more, to delete the cookie."""
    st.session_state["_logout"] = True


def login(engine: Engine, settings: Settings, cookie_key: str) -> tuple[Actor | None, tuple | None]:
    """Show the login form until a known, active user is logged in; return that user as an Actor, and the
    data version when it was read in the same statement (a logged-in rerun: one statement in all)."""
    if st.session_state.get("authentication_status") and not st.session_state.get("_logout"):
        version, actor = version_and_actor(engine, st.session_state.get("username"))
        return _checked(actor), version
    authenticator = _authenticator(engine, settings, cookie_key)
    if st.session_state.pop("_logout", False) and st.session_state.get("authentication_status"):
        authenticator.logout(location="unrendered")  # draws the cookie component's delete
        st.session_state["_cookie_to_delete"] = True
    elif st.session_state.get("_cookie_to_delete"):
        _keep_deleting(authenticator, settings.cookie_name)
    if not st.session_state.get("authentication_status"):
        st.title("Laget")
        st.caption("Oppfølging av planen for forebygging av omsorgssvikt og atferdsvansker")
    try:
        authenticator.login(location="main", fields=LOGIN_FIELDS, max_login_attempts=None)
    except Exception:  # the library raises English errors; the user gets a Norwegian one
        st.error("Innloggingen mislyktes. Prøv igjen.")
        return None, None
    status = st.session_state.get("authentication_status")
    if status is False:
        st.error("Feil brukernavn eller passord.")
        return None, None
    if not status:
        st.info("Logg inn med brukernavnet og passordet du har fått av administratoren.")
        return None, None
    st.session_state.pop("_cookie_to_delete", None)
    return _checked(get_actor(engine, st.session_state.get("username"))), None


def _keep_deleting(authenticator: stauth.Authenticate, cookie_name: str) -> None:
    """Draw the delete again on every logged-out run until the next login: its component is mounted fresh at
    logout, and the rerun the cookie component's first answer starts must not unmount it before it has run."""
    manager = authenticator.cookie_controller.cookie_model.cookie_manager
    with contextlib.suppress(KeyError):  # the browser no longer sent it
        manager.delete(cookie_name)


def _checked(actor: Actor | None) -> Actor | None:
    if actor is None:
        st.error("Brukeren finnes ikke lenger eller er deaktivert.")
        st.session_state["authentication_status"] = None
    return actor
