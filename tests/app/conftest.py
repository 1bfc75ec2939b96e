"""AppTest helpers: run the real entry point against a fresh demo database, logged in as a role."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.login_state import SESSION_KEY

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboard" / "app.py"
USERS = {"admin": "Administrator (demo)", "redaktor": "Redaktør i implementeringsgruppa (demo)",
         "slt": "SLT-koordinator (demo)", "leder": "Kommunalsjef (demo)"}


@pytest.fixture(autouse=True)
def no_pandas_round_trip(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No page may make Streamlit convert a polars frame through pandas: ``to_pandas`` waits on polars' thread pool
    while holding the GIL, one half of the deadlock that froze the server (issue 23). Pages hand Streamlit Arrow."""
    calls: list[str] = []
    original = pl.DataFrame.to_pandas

    def spy(self: pl.DataFrame, *args, **kwargs):
        calls.append("".join(traceback.format_stack()[-14:-1]))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pl.DataFrame, "to_pandas", spy)
    yield
    if calls:
        pytest.fail("polars DataFrame.to_pandas called while a page ran:\n" + calls[0], pytrace=False)


@pytest.fixture
def app_env(sqlite_demo_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", sqlite_demo_url)
    monkeypatch.setenv("LAGET_LOGIN_DELAY", "0")
    monkeypatch.delenv("LAGET_COOKIE_KEY", raising=False)
    return sqlite_demo_url


@pytest.fixture
def open_page(app_env: str) -> Callable[..., AppTest]:
    """``open_page(user, "tiltak")`` returns an AppTest that has rendered that page for that user."""

    def _open(username: str | None, page: str | None = None, plan_key: str | None = None) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=30)
        if username:
            at.session_state[SESSION_KEY] = session_token(app_env, username)
        at.run()
        if plan_key:
            from data_access.db.engine import get_engine
            from data_access.reads.plans import plans_frame

            plans = plans_frame(get_engine(app_env))
            at.session_state["plan_id"] = plans.filter(plans["key"] == plan_key)["id"][0]
            at.run()
        if page:
            at.switch_page(str(Path("..") / "pages" / f"{page}.py"))
            at.run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    return _open


def session_token(url: str, username: str, method: str = "lokal") -> str:
    """A live server-side session for ``username``, as a password login would create it."""
    from data_access.db.engine import get_engine
    from data_access.writes.sessions import start_session

    return start_session(get_engine(url), username, method)


def texts(at: AppTest) -> str:
    """Everything a person reads on the page, as one string."""
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success",
                                  "warning", "error") for e in getattr(at, kind)]
    parts += [str(m.label) + " " + str(m.value) for m in at.metric]
    parts += [e.label for e in at.expander]
    return "\n".join(str(p) for p in parts)


def editors(at: AppTest) -> list:
    """The editable grids (st.data_editor); AppTest lists them among the dataframes."""
    return [d for d in at.dataframe if d.proto.editing_mode != 0]
