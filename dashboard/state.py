"""The one way a page keeps a choice: in the address (query string) and in the session.

A widget bound with ``bind`` starts from the link (``?status=i_gang&status=planlagt``), else from what the user
last chose in this session (Streamlit drops a widget's state when its page is not shown, and clears the query
string when the page changes), else from its default; every change is written back to the address. So a link
pasted in a meeting invitation opens the same view, and filters survive a trip to another page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import streamlit as st

KEEP = "_keep_"


def _encode(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _decode(raw: list[str], options: Sequence | None, multi: bool, kind: type | None) -> Any:
    """Turn the address's strings back into option values; unknown values are dropped."""
    if options is not None:
        lookup = {_encode(o): o for o in options}
        values = [lookup[r] for r in raw if r in lookup]
    elif kind is bool:
        values = [r == "1" for r in raw if r in {"0", "1"}]
    elif kind is not None:
        values = []
        for r in raw:
            try:
                values.append(kind(r))
            except ValueError:
                continue
    else:
        values = list(raw)
    if multi:
        return values
    return values[0] if values else None


def url_value(param: str, *, options: Sequence | None = None, kind: type | None = None, multi: bool = False):
    """The value the address asks for, or None / [] when it asks for nothing (valid values only)."""
    raw = st.query_params.get_all(param)
    return _decode(raw, options, multi, kind) if raw else ([] if multi else None)


def set_url_value(param: str, value: Any, default: Any = None) -> None:
    """Write a choice to the address; the default (or nothing) removes the parameter to keep links short."""
    if value is None or value == default or value == []:
        if param in st.query_params:
            del st.query_params[param]
        return
    encoded = [_encode(v) for v in value] if isinstance(value, list | tuple) else _encode(value)
    if (st.query_params.get_all(param) if isinstance(encoded, list) else st.query_params.get(param)) != encoded:
        st.query_params[param] = encoded


def remembered(key: str, default: Any = None) -> Any:
    return st.session_state.get(KEEP + key, default)


def remember(key: str, value: Any) -> None:
    st.session_state[KEEP + key] = value


def bind(key: str, param: str, *, default: Any = None, options: Sequence | None = None, multi: bool = False,
         kind: type | None = None) -> str:
    """Prepare ``st.session_state[key]`` for a widget and return ``key``; pass ``on_change=changed, args=(...)``.

    Order: the address, else the session's last choice, else ``default``; values not among ``options`` are
    dropped (an old link to a removed service does not break the page).
    """
    asked = url_value(param, options=options, kind=kind, multi=multi)
    known = st.session_state.get(key, remembered(key, default))
    value = asked if (asked or asked is False) else known
    if options is not None:
        value = [v for v in (value or []) if v in options] if multi else (value if value in options else default)
    st.session_state[key] = value
    remember(key, value)
    set_url_value(param, value, default)
    return key


def changed(key: str, param: str, default: Any = None) -> None:
    """on_change callback: keep the new choice in the session and in the address."""
    value = st.session_state.get(key)
    remember(key, value)
    set_url_value(param, value, default)


def bind_range(key: str, params: tuple[str, str], default: tuple[date, date]) -> str:
    """Like ``bind`` for a date range widget (``st.date_input`` with a pair): two parameters, ISO dates."""
    asked = tuple(url_value(p, kind=date.fromisoformat) for p in params)
    known = st.session_state.get(key, remembered(key, default))
    value = asked if all(asked) else tuple(known)
    st.session_state[key] = value
    remember(key, value)
    range_changed(key, params, default)
    return key


def range_changed(key: str, params: tuple[str, str], default: tuple[date, date]) -> None:
    value = tuple(st.session_state.get(key) or ())
    if len(value) != 2:  # the user has picked only the start so far
        return
    remember(key, value)
    for param, day, fallback in zip(params, value, default, strict=True):
        set_url_value(param, day, fallback)


def changed_and_reset(key: str, param: str, default: Any, counter: str) -> None:
    """on_change for a widget that also mirrors a chart selection: keep the choice and give the chart a new key,
    so the chart's old selection does not override what was chosen with the keyboard."""
    changed(key, param, default)
    st.session_state[counter] = st.session_state.get(counter, 0) + 1


def bound(widget: Callable, label: str, *args, key: str, param: str, default: Any = None,
          options: Sequence | None = None, multi: bool = False, kind: type | None = None, **kwargs):
    """Draw ``widget`` (st.selectbox, st.multiselect, st.toggle, …) bound to the query parameter ``param``."""
    bind(key, param, default=default, options=options, multi=multi, kind=kind)
    if options is not None:
        args = (options, *args)
    return widget(label, *args, key=key, on_change=changed, args=(key, param, default), **kwargs)
