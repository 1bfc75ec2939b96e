"""No address can make a page show a traceback (issue 17.5).

Every page, for every role that sees it (and the login page), is opened with hostile query strings: huge and
impossible dates, negative and huge ids, words where numbers belong, unicode, very long values, repeated keys.
Each must draw the page with its defaults and a Norwegian notice, never an exception element or a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.navigation import PAGES, pages_for
from data_access.domain.permissions import Actor
from tests.app.conftest import APP, session_token, texts

ROOT = Path(__file__).resolve().parents[2]
ROLES = {"admin": "admin", "redaktor": "redaktor", "slt": "planlegger", "leder": "leser"}


def _params() -> list[str]:
    """Every query parameter a page reads (found in the code, so a new one is covered too)."""
    code = "\n".join(p.read_text(encoding="utf-8") for d in ("dashboard", "pages") for p in (ROOT / d).glob("*.py"))
    found = set(re.findall(r'param="([a-z_]+)"', code)) | set(re.findall(r'bind\("\w+", "([a-z_]+)"', code))
    return sorted(found | {"fra", "til"})


PARAMS = _params()
LONG = "9" * 5_000
HOSTILE: dict[str, dict[str, list[str]]] = {
    "9999-12-31": {p: ["9999-12-31"] for p in PARAMS},
    "huge dates": {**{p: ["99999"] for p in PARAMS}, "fra": ["9999-12-30"], "til": ["9999-12-31"]},
    "earliest date": {p: ["0001-01-01"] for p in PARAMS},
    "period backwards": {"fra": ["2026-03-31"], "til": ["2026-01-01"]},
    "negative ids": {p: ["-1"] for p in PARAMS},
    "huge ids": {p: ["99999999999999999999999999"] for p in PARAMS},
    "not numbers": {p: ["abc", "' OR 1=1 --"] for p in PARAMS},
    "markup": {p: ["<script>alert(1)</script>", "**fet** [lenke](https://example.org)"] for p in PARAMS},
    "unicode": {p: ["١٢", "２０２６-01-01", "ÆØÅ\u202e\u200b", "𝟙", "🎉", "\x00"] for p in PARAMS},
    "very long": {p: [LONG, "x" * 100_000] for p in PARAMS},
    "repeated keys": {p: ["1", "2", "1", "i_gang", "universell", "2026-01-01"] * 20 for p in PARAMS},
    "empty": {p: [""] for p in PARAMS},
}
TRACE = re.compile(r"Traceback|File \"|\.py\b|Error:|Exception|line \d+", re.IGNORECASE)


def _cases() -> list[tuple[str | None, str]]:
    cases: list[tuple[str | None, str]] = [(None, "login")]
    for user, role in ROLES.items():
        cases += [(user, p.file.removesuffix(".py")) for p in pages_for(Actor(user, role))]
    return cases


def _title(page: str) -> str:
    return next(p.title for p in PAGES if p.file == f"{page}.py")


@pytest.mark.parametrize("user, page", _cases(), ids=lambda v: str(v))
def test_hostile_query_strings_never_show_a_traceback(app_env, user, page):
    at = AppTest.from_file(str(APP), default_timeout=60)
    if user:
        from dashboard.login_state import SESSION_KEY

        at.session_state[SESSION_KEY] = session_token(app_env, user)
    at.run()
    if user:
        at.switch_page(str(Path("..") / "pages" / f"{page}.py")).run()
    for name, query in HOSTILE.items():
        at.query_params.clear()
        at.query_params.update(query)
        at.run()
        shown = texts(at)
        assert not at.exception, (name, [e.message for e in at.exception])
        assert not TRACE.search("\n".join(e.value for e in at.error)), (name, [e.value for e in at.error])
        assert "Traceback" not in shown, name
        if user:
            assert _title(page) in [t.value for t in at.title], (name, "the page itself is still drawn")
        else:
            assert [t for t in at.text_input if t.label == "Brukernavn"], (name, "the login form is still there")


def test_a_refused_value_is_named_in_a_norwegian_notice(open_page):
    at = open_page("leder", "endringslogg")
    at.query_params.update({"fra": "2026-01-01", "til": "9999-12-31"})
    at.run()
    assert not at.exception
    notice = "\n".join(i.value for i in at.info)
    assert "Adressen har en verdi for «Periode» som Laget ikke kan bruke («9999-12-31»)" in notice.replace("\\", "")
    assert "til" not in at.query_params or at.query_params["til"] != "9999-12-31", "the address is put right"


def test_a_long_value_is_cut_short_in_the_notice(open_page):
    at = open_page("leder", "tiltak")
    at.query_params["status"] = "x" * 100_000
    at.run()
    notice = "\n".join(i.value for i in at.info)
    assert "«Status»" in notice and "…" in notice and len(notice) < 400
