"""Login through streamlit-authenticator, with the users read from the database."""

from __future__ import annotations

import streamlit as st
import streamlit_authenticator as stauth
from sqlalchemy import Engine

from config.settings import Settings
from data_access.permissions import Actor
from data_access.users import credentials, get_actor

# The library draws the form name as an h3; the page gives it an h1 and an h2 above (WCAG heading order).
LOGIN_FIELDS = {"Form name": "Med konto i Laget", "Username": "Brukernavn", "Password": "Passord", "Login": "Logg inn"}


def _authenticator(engine: Engine, settings: Settings, key: str) -> stauth.Authenticate:
    return stauth.Authenticate(credentials(engine), settings.cookie_name, key, settings.cookie_expiry_days,
                               auto_hash=False, login_sleep_time=settings.login_delay_seconds)


def login(engine: Engine, settings: Settings, cookie_key: str) -> tuple[Actor | None, stauth.Authenticate]:
    """Show the login form until a known, active user is logged in; return that user as an Actor."""
    authenticator = _authenticator(engine, settings, cookie_key)
    if not st.session_state.get("authentication_status"):
        st.title("Laget")
        st.caption("Oppfølging av planen for forebygging av omsorgssvikt og atferdsvansker")
        st.header("Logg inn")
    try:
        authenticator.login(location="main", fields=LOGIN_FIELDS, max_login_attempts=None)
    except Exception:  # the library raises English errors; the user gets a Norwegian one
        st.error("Innloggingen mislyktes. Prøv igjen.")
        return None, authenticator
    status = st.session_state.get("authentication_status")
    if status is False:
        st.error("Feil brukernavn eller passord.")
        return None, authenticator
    if not status:
        st.info("Logg inn med brukernavnet og passordet du har fått av administratoren.")
        from dashboard.accessibility import show_statement

        with st.expander("Tilgjengelighetserklæring"):
            show_statement()
        return None, authenticator
    actor = get_actor(engine, st.session_state.get("username"))
    if actor is None:
        st.error("Brukeren finnes ikke lenger eller er deaktivert.")
        st.session_state["authentication_status"] = None
    return actor, authenticator
