"""OpenID Connect sign-in through Streamlit's ``st.login`` / ``st.user`` / ``st.logout``, under Laget's sessions.

Streamlit keeps the identity in its own cookie for up to 30 days. Laget does not trust that alone: each
sign-in (one ID token: issuer, subject, issued-at and nonce) becomes one row in ``auth_sessions`` with
Laget's lifetime and idle limit. When that row has ended (logout, expiry, new role, deactivation) the
identity cookie is worth nothing and the user must sign in at the provider again. The role comes from a
claim (``LAGET_OIDC_ROLE_CLAIM``) mapped by ``LAGET_OIDC_ROLE_MAP``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import streamlit as st
from sqlalchemy import Engine

from config.settings import Settings
from data_access.domain import sessions as sessions_domain
from data_access.domain.errors import AccessDenied, LagetError
from data_access.domain.sessions import SessionUser
from data_access.reads import sessions as sessions_reads
from data_access.reads.sessions import Policy
from data_access.writes import sessions as sessions_writes
from data_access.writes.users import provision_oidc_user

# Roles in order of precedence, when the token carries several.
ROLE_ORDER = ("admin", "redaktor", "planlegger", "leser")
FRESH_SIGN_IN = timedelta(minutes=5)  # an ID token older than this starts no new session


def providers() -> list[str]:
    """The OIDC providers configured under ``[auth]`` in secrets.toml ("default" when unnamed)."""
    try:
        auth = st.secrets.get("auth")
    except Exception:  # noqa: BLE001 - no secrets.toml
        return []
    if not auth:
        return []
    named = [k for k, v in auth.items() if isinstance(v, Mapping)]
    return named or (["default"] if "client_id" in auth else [])


def provider_label(provider: str) -> str:
    if provider == "default":
        return "kommunens konto"
    if provider.lower() in {"microsoft", "entra", "entraid", "azure"}:
        return "Microsoft (Entra ID)"
    return provider


def map_role(claims: Mapping, claim: str, role_map: Sequence[tuple[str, str]], default_leser: bool) -> str | None:
    """The Laget role for the token's claim values: the highest mapped one, else leser if allowed, else None."""
    values = claims.get(claim)
    if values is None:
        values = []
    elif isinstance(values, str):
        values = [values]
    mapping = dict(role_map)
    roles = {mapping[str(v)] for v in values if str(v) in mapping}
    for role in ROLE_ORDER:
        if role in roles:
            return role
    return "leser" if default_leser else None


def identity_token(claims: Mapping) -> str:
    """One value per sign-in at the provider: a new ID token has a new nonce and issued-at."""
    parts = [str(claims.get(k, "")) for k in ("provider", "iss", "sub", "iat", "nonce")]
    return "oidc:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def subject(claims: Mapping) -> str:
    return f"{claims.get('iss', '')}|{claims.get('sub', '')}"


def _claims() -> dict | None:
    try:
        if not st.user.is_logged_in:
            return None
        return st.user.to_dict()
    except Exception:  # noqa: BLE001 - no [auth] section: OIDC is not set up
        return None


def oidc_user(engine: Engine, settings: Settings, policy: Policy) -> SessionUser | None:
    """The user signed in through OIDC in this browser session, under Laget's session rules."""
    claims = _claims()
    if claims is None:
        return None
    from dashboard.login_state import NOTICE_KEY, SESSION_KEY

    token = identity_token(claims)
    user = sessions_writes.check(engine, token, policy)
    if user is not None:
        st.session_state[SESSION_KEY] = token
        return user
    if sessions_reads.known(engine, token) or _issued_at(claims) < datetime.now() - FRESH_SIGN_IN:
        st.session_state[NOTICE_KEY] = "Økten din er avsluttet. Logg inn på nytt."
        return None
    role = map_role(claims, settings.oidc_role_claim, settings.oidc_role_map, settings.oidc_default_leser)
    try:
        if role is None:
            raise AccessDenied("Du har ingen rolle i Laget. Be IT-avdelingen gi deg en rolle for Laget "
                               "(leser, redaktør, planlegger eller administrator) og logg inn på nytt.")
        provider = str(claims.get("provider", "default"))
        actor = provision_oidc_user(
            engine, provider=provider, subject=subject(claims), name=str(claims.get("name") or ""),
            email=str(claims.get("email") or ""), preferred=str(claims.get("preferred_username") or ""), role=role)
        from dashboard.login_state import client_info

        address, client = client_info(settings.trusted_proxies)
        sessions_writes.start_session(engine, actor.username, sessions_domain.OIDC, client=client, policy=policy,
                                      token=token, client_address=address)
    except LagetError as exc:
        from dashboard.login_state import ERROR_KEY

        st.session_state[ERROR_KEY] = str(exc)
        return None
    st.session_state[SESSION_KEY] = token
    return sessions_writes.check(engine, token, policy)


def _issued_at(claims: Mapping) -> datetime:
    try:
        return datetime.fromtimestamp(int(claims.get("iat")))
    except (TypeError, ValueError):
        return datetime.min


def oidc_buttons() -> bool:
    """A «Logg inn med …» button per provider; False when OIDC is not configured."""
    names = providers()
    for name in names:
        if st.button(f"Logg inn med {provider_label(name)}", key=f"oidc_{name}", type="primary"):
            st.login(None if name == "default" else name)
    if names and _claims() is not None and st.button("Bruk en annen konto", key="oidc_switch"):
        oidc_logout()  # the provider still remembers a refused or ended identity: let the user leave it
    return bool(names)


def oidc_logout() -> None:
    """Clear Streamlit's identity cookie and end the session at the provider (its end_session_endpoint)."""
    st.logout()
    st.stop()
