"""Who is signed in: a server-side session checked on every run (``data_access.sessions``).

The login cookie holds only a signed random token; the session row behind it decides. Local accounts use the
password form below; OIDC sign-in (``dashboard.oidc``) gets a session of its own from the same table. So
«Logg ut», a new password, a new role or deactivation end the session everywhere, and a copied cookie only
shows the login form again.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st
from sqlalchemy import Engine

from config.settings import Settings
from dashboard.context import PageContext, cached_cookie_key, in_fragment_rerun, last_good, page_context
from dashboard.login_state import (
    CLEAR_COOKIE_KEY,
    ERROR_KEY,
    NOTICE_KEY,
    SESSION_KEY,
    SET_COOKIE_KEY,
    client_info,
    forget,
)
from dashboard.ui import show_error, show_flashes
from data_access.domain import sessions as sessions_domain
from data_access.domain.errors import LagetError
from data_access.domain.sessions import SessionUser
from data_access.reads import sessions as sessions_reads
from data_access.writes import sessions as sessions_writes

# Static, so that the reverse proxy's Content-Security-Policy can allow exactly this script by its hash
# (deploy/nginx/laget.conf; tests/unit/test_csp.py keeps the two in step); the cookie comes from the element
# before it.
COOKIE_SCRIPT = """
document.querySelectorAll("[data-laget-cookie]").forEach(function (mark) {
  document.cookie = mark.getAttribute("data-laget-cookie") + "=" + mark.getAttribute("data-value")
    + "; path=/; max-age=" + mark.getAttribute("data-max-age") + "; SameSite=Strict"
    + (location.protocol === "https:" ? "; Secure" : "");
  mark.remove();
});
"""


def _cookie_script(name: str, value: str, max_age: int) -> None:
    """Set or clear the login cookie in the browser (Streamlit has no server-side cookie setter)."""
    from html import escape

    mark = (f'<span data-laget-cookie="{escape(name)}" data-value="{escape(value)}" data-max-age="{int(max_age)}" '
            'hidden></span>')
    st.html(f"{mark}<script>{COOKIE_SCRIPT}</script>", unsafe_allow_javascript=True)


def current_user(engine: Engine, settings: Settings, key: str) -> SessionUser | None:
    """The signed-in user of this run, from the session token in memory or in the cookie; None if none is live."""
    policy = sessions_reads.policy_from(settings)
    token = st.session_state.get(SESSION_KEY)
    if token is None and not st.session_state.get(CLEAR_COOKIE_KEY):
        token = sessions_domain.unsign(st.context.cookies.get(settings.cookie_name), key)
    if token is None:
        from dashboard.oidc import oidc_user

        return oidc_user(engine, settings, policy)
    user = last_good(sessions_writes.check, engine, token, policy)  # while the database is down: the last check
    if user is None:
        forget(notice="Økten din er avsluttet. Logg inn på nytt.")
        return None
    st.session_state[SESSION_KEY] = token
    return user


def login_page(engine: Engine, settings: Settings, key: str) -> None:
    """The login form (password and/or OIDC buttons); a successful login reruns the app."""
    from dashboard.oidc import oidc_buttons

    st.title("Laget")
    st.caption("Oppfølging av planen for forebygging av omsorgssvikt og atferdsvansker")
    if notice := st.session_state.pop(NOTICE_KEY, None):
        st.info(notice)
    if error := st.session_state.pop(ERROR_KEY, None):
        st.error(error, icon=":material/error:")
    if st.session_state.get(CLEAR_COOKIE_KEY):
        _cookie_script(settings.cookie_name, "", 0)
    if sessions_reads.local_login_enabled(engine):
        with st.form("login"):
            st.header("Logg inn")
            username = st.text_input("Brukernavn", autocomplete="username")
            password = st.text_input("Passord", type="password", autocomplete="current-password")
            submitted = st.form_submit_button("Logg inn")
        if submitted:
            address, client = client_info(settings.trusted_proxies)
            try:
                token, user = sessions_writes.login(engine, username, password, client_address=address, client=client,
                                             policy=sessions_reads.policy_from(settings))
            except LagetError as exc:
                show_error(exc)
            else:
                st.session_state[SESSION_KEY] = token
                st.session_state.pop(CLEAR_COOKIE_KEY, None)
                st.session_state[SET_COOKIE_KEY] = sessions_domain.sign(token, key)
                st.rerun()
        if not oidc_buttons():
            st.info("Logg inn med brukernavnet og passordet du har fått av administratoren.")
    elif not oidc_buttons():
        st.error("Innlogging med passord er slått av, og ingen OpenID Connect-innlogging er satt opp. "
                 "Kjør `laget auth local-login on` på tjeneren.")
    from dashboard.accessibility import show_statement

    with st.expander("Tilgjengelighetserklæring"):
        show_statement()


def store_cookie(settings: Settings) -> None:
    """Right after a password login: put the signed session token in the browser's cookie, once."""
    if value := st.session_state.pop(SET_COOKIE_KEY, None):
        _cookie_script(settings.cookie_name, value, int(settings.session_hours * 3600))


def logout(engine: Engine, user: SessionUser) -> None:
    """End every session of the user (all browsers), then the identity provider's too for OIDC users."""
    token = st.session_state.get(SESSION_KEY)
    sessions_writes.logout(engine, token)
    forget(notice="Du er logget ut.")
    if user.method == sessions_domain.OIDC:
        from dashboard.oidc import oidc_logout

        oidc_logout()
    st.rerun()


def sign_in(engine: Engine, settings: Settings, key: str) -> SessionUser:
    """The signed-in user, or the login page and a stop."""
    user = current_user(engine, settings, key)
    if user is None:
        from dashboard.browser import page_behaviour
        from dashboard.navigation import hold_requested_page

        login_page(engine, settings, key)
        hold_requested_page()  # after login, the page and query string the link asked for
        page_behaviour("login")
        st.stop()
    return user


def fresh_context() -> PageContext:
    """The page context for a fragment. A fragment reruns without the entry point, so its session check is made
    here: the session and the user's role are read again (with the data version, in one statement), and a
    session that has ended (logout, new role or password, deactivation, idle or absolute limit) reruns the
    whole app, which shows the login form. Queued toasts are shown."""

    ctx = page_context()
    if not in_fragment_rerun():
        return ctx
    user = current_user(ctx.engine, ctx.settings, last_good(cached_cookie_key, ctx.settings))
    if user is None:
        st.rerun()  # the whole app, not the fragment: the entry point shows the login form
    show_flashes()
    from data_access.db.changelog import data_version

    ctx = replace(ctx, actor=user.actor, sign_in_method=user.method,
                  version=user.version or last_good(data_version, ctx.engine))
    st.session_state["_laget_ctx"] = ctx
    return ctx
