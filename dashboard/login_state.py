"""The login's own state in the browser session (token, notices, cookie flags) and the client's address.

The lowest piece of the dashboard's sign-in: the entry point, the login form (``dashboard.auth``), the OIDC
sign-in (``dashboard.oidc``) and the one error display (``dashboard.ui``) all use it, and it uses none of them.
"""

from __future__ import annotations

import streamlit as st

SESSION_KEY = "_laget_session"
NOTICE_KEY = "_laget_login_notice"
ERROR_KEY = "_laget_login_error"
SET_COOKIE_KEY = "_laget_set_cookie"
CLEAR_COOKIE_KEY = "_laget_clear_cookie"


def forwarded_client(direct: str | None, forwarded: list[str], trusted_proxies: int) -> str | None:
    """The client's address behind ``trusted_proxies`` reverse proxies (pure).

    Every proxy appends the address it got the request from to X-Forwarded-For, so only the right-most
    ``trusted_proxies`` entries were written by proxies we trust; the client writes whatever it likes to the
    left of them. The client is therefore the entry ``trusted_proxies`` from the right (the last one behind a
    single nginx). With 0 proxies, without the header, or when that entry is not an IP address, the
    connection's own address is used. Several X-Forwarded-For headers count as one list, in order.
    """
    if trusted_proxies <= 0:
        return direct
    entries = [e.strip() for value in forwarded for e in value.split(",") if e.strip()]
    if not entries:
        return direct
    return _ip(entries[max(0, len(entries) - trusted_proxies)]) or direct


def _ip(value: str) -> str | None:
    """An address as a proxy may write it ("203.0.113.7", "203.0.113.7:5123", "[2001:db8::1]:443"), normalised."""
    import ipaddress

    host = value.strip()
    if host.startswith("[") and "]" in host:
        host = host[1:host.index("]")]
    elif host.count(":") == 1:
        host = host.split(":")[0]
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


def client_info(trusted_proxies: int = 0) -> tuple[str | None, str]:
    """The client's address (for the failed-login limits) and a short description for the session row.

    Behind a reverse proxy every connection comes from the proxy; ``LAGET_TRUSTED_PROXIES`` says how many
    proxies stand in front, and the address is read from X-Forwarded-For counting from the right
    (``forwarded_client``). Only set it behind such proxies: without one, clients could name any address.
    """
    try:
        address = st.context.ip_address
        headers = st.context.headers
        agent = headers.get("User-Agent", "") or ""
        forwarded = headers.get_all("X-Forwarded-For")
    except Exception:  # noqa: BLE001 - no request context
        address, agent, forwarded = None, "", []
    address = address if isinstance(address, str) else None  # AppTest's context is a mock
    forwarded = [f for f in forwarded if isinstance(f, str)] if isinstance(forwarded, list) else []
    address = forwarded_client(address, forwarded, trusted_proxies)
    return address, f"{address or '?'} {agent}"[:300]


def forget(notice: str | None = None) -> None:
    """Drop this browser session's token and clear the cookie on the next render of the login page."""
    st.session_state.pop(SESSION_KEY, None)
    st.session_state[CLEAR_COOKIE_KEY] = True
    if notice:
        st.session_state[NOTICE_KEY] = notice
