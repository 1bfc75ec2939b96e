"""The one way a page keeps a choice: in the address (query string) and in the session.

A widget bound with ``bind`` starts from the link (``?status=i_gang&status=planlagt``), else from what the user
last chose in this session (Streamlit drops a widget's state when its page is not shown, and clears the query
string when the page changes), else from its default; every change is written back to the address. So a link
pasted in a meeting invitation opens the same view, and filters survive a trip to another page.

The address is input anyone can write. Every value read from it is checked here, in one place: a value that is
not one of the options, not a number or date Laget can use (``?til=9999-12-31``), a reversed period, or a
second value for a single choice is left out with a Norwegian notice that names the choice, and the page goes
on with its default; the address is rewritten to what is shown. Nothing in it can reach the user as a
traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import streamlit as st

from data_access.domain.markup import escape_markdown

KEEP = "_keep_"
# Dates a link may name: wide enough for any plan, narrow enough that date arithmetic (a day after the end of a
# period) never leaves Python's range. Date pickers get the same bounds.
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
SHOWN_CHARS = 40  # of a refused value in the notice


def _encode(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _decode(raw: list[str], options: Sequence | None, multi: bool, kind: Callable | None) -> Any:
    """Turn the address's strings back into option values; unknown values are dropped."""
    return _decode_checked(raw, options, multi, kind)[0]


def _decode_checked(raw: list[str], options: Sequence | None, multi: bool,
                    kind: Callable | None) -> tuple[Any, list[str]]:
    """(the values the address asks for, the strings left out): only known options, only values ``kind``
    accepts (within ``EARLIEST``–``LATEST`` for dates), and for a single choice only the first good one (pure)."""
    values, refused = [], []
    lookup = {_encode(o): o for o in options} if options is not None else {}
    for r in raw:
        if options is not None:
            ok, value = r in lookup, lookup.get(r)
        elif kind is bool:
            ok, value = r in {"0", "1"}, r == "1"
        elif kind is not None:
            try:
                value = kind(r)
            except (ValueError, TypeError, OverflowError):
                ok, value = False, None
            else:
                ok = not isinstance(value, date) or EARLIEST <= value <= LATEST
        else:
            ok, value = True, r
        if ok:
            values.append(value)
        else:
            refused.append(r)
    if multi:
        return values, refused
    return (values[0] if values else None), refused + [_encode(v) for v in values[1:]]


def url_value(param: str, *, options: Sequence | None = None, kind: Callable | None = None, multi: bool = False,
              label: str | None = None):
    """The value the address asks for, or None / [] when it asks for nothing (valid values only); with
    ``label``, a value that was left out is said in a notice naming that choice."""
    raw = st.query_params.get_all(param)
    if not raw:
        return [] if multi else None
    value, refused = _decode_checked(raw, options, multi, kind)
    if refused and label:
        refused_notice(label, refused)
    return value


def refused_notice(label: str, refused: Sequence[str]) -> None:
    """The one notice for values in the address that Laget cannot use: which choice, which value, and that the
    page shows its default instead. The value is shown literally and cut short."""
    shown = ", ".join(f"«{v[:SHOWN_CHARS]}{'…' if len(v) > SHOWN_CHARS else ''}»" for v in list(refused)[:3])
    more = f" og {len(refused) - 3} til" if len(refused) > 3 else ""
    st.info(escape_markdown(f"Adressen har en verdi for «{label}» som Laget ikke kan bruke ({shown}{more}). Den er "
                            "hoppet over, og siden viser standardvalget i stedet."), icon=":material/link_off:")


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
         kind: Callable | None = None, label: str | None = None) -> str:
    """Prepare ``st.session_state[key]`` for a widget and return ``key``; pass ``on_change=changed, args=(...)``.

    Order: the address, else the session's last choice, else ``default``; values not among ``options`` are
    dropped (an old link to a removed service does not break the page), with a notice naming ``label``.
    """
    asked = url_value(param, options=options, kind=kind, multi=multi, label=label or param)
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


def bind_range(key: str, params: tuple[str, str], default: tuple[date, date], label: str) -> str:
    """Like ``bind`` for a date range widget (``st.date_input`` with a pair and ``EARLIEST``/``LATEST`` as its
    bounds): two parameters, ISO dates; a date out of bounds or a period that ends before it starts is left out
    with a notice."""
    asked = tuple(url_value(p, kind=date.fromisoformat, label=label) for p in params)
    if all(asked) and asked[0] > asked[1]:
        refused_notice(label, [f"{asked[0].isoformat()} – {asked[1].isoformat()}"])
        asked = (None, None)
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
          options: Sequence | None = None, multi: bool = False, kind: Callable | None = None, **kwargs):
    """Draw ``widget`` (st.selectbox, st.multiselect, st.toggle, …) bound to the query parameter ``param``."""
    bind(key, param, default=default, options=options, multi=multi, kind=kind, label=label)
    if options is not None:
        args = (options, *args)
    return widget(label, *args, key=key, on_change=changed, args=(key, param, default), **kwargs)
