"""User text is shown literally on every page: a link, an image or HTML typed into a tiltak, an indicator or
the minutes never becomes a live link, a loaded image or markup.

Every element that Streamlit renders as Markdown (markdown, captions, alerts, headers, expander and tab labels,
toasts) is parsed with markdown-it-py; none may hold a link, image or HTML token, and the evil text must be
there, literally."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from markdown_it import MarkdownIt

from data_access.db.engine import get_engine
from data_access.db.uow import Change
from data_access.domain.permissions import Actor
from data_access.reads.indicators import indicators_frame
from data_access.reads.plans import plans_frame
from data_access.reads.tiltak import tiltak_frame
from data_access.writes.group_meetings import end_meeting, start_meeting
from data_access.writes.indicators import update_indicator
from data_access.writes.tiltak import create_tiltak, save_changes

RED = Actor("redaktor", "redaktor")
LINK, IMAGE, SCRIPT = "[x](https://evil)", "![](https://evil/x.png)", "<script>alert(1)</script>"
EVIL = f"{LINK} {IMAGE} {SCRIPT}"
MD = MarkdownIt("commonmark", {"linkify": True}).enable(["table", "strikethrough", "linkify"])
MD.linkify.set({"fuzzy_link": False})
MARKDOWN_KINDS = ("title", "header", "subheader", "markdown", "caption", "info", "success", "warning", "error",
                  "toast", "expander", "tab")


def bodies(at) -> list[str]:
    """The Markdown source of every element Streamlit renders as Markdown."""
    out = []
    for kind in MARKDOWN_KINDS:
        for element in at.get(kind):
            out.append(str(element.label if kind in {"expander", "tab"} else element.value))
    return out


def rendered(body: str) -> tuple[set[str], str]:
    tokens = [t for b in MD.parse(body) for t in [b, *(b.children or [])]]
    return {t.type for t in tokens}, " ".join(t.content for t in tokens if t.type in {"text", "code_inline"})


def assert_literal(at, *expected: str) -> None:
    seen = ""
    for body in bodies(at):
        kinds, text = rendered(body)
        assert not kinds & {"link_open", "image", "html_inline", "html_block"}, body
        seen += " " + text
    for text in expected:
        assert text in seen, f"{text!r} is not shown literally"


@pytest.fixture
def evil(app_env):
    """Stange with a tiltak, an indicator and ended minutes full of Markdown and HTML."""
    engine = get_engine(app_env)
    plan_id = plans_frame(engine).filter(pl.col("key") == "stange-2023-2026")["id"][0]
    meeting_id = start_meeting(engine, RED, plan_id, date.today(), f"SLT {EVIL}")
    tiltak_id = create_tiltak(engine, RED, plan_id, level="universell", name=f"Tiltak {LINK}",
                              description=f"Beskrivelse {IMAGE}\n{SCRIPT}", status="planlagt")
    row = tiltak_frame(engine, plan_id).filter(pl.col("id") == tiltak_id).row(0, named=True)
    save_changes(engine, RED, plan_id, [Change(tiltak_id, row["version"], {"status_note": f"Notat {EVIL}"})])
    names = dict(zip(*tiltak_frame(engine, plan_id).select("id", "name").to_dict(as_series=False).values(),
                     strict=True))
    end_meeting(engine, RED, meeting_id, names, summary=f"Oppsummering {EVIL}")
    ind = indicators_frame(engine, plan_id).row(0, named=True)
    update_indicator(engine, RED, ind["id"], {"name": f"Indikator {LINK}", "description": f"Om {IMAGE} {SCRIPT}",
                                              "source": f"Kilde {LINK}"}, version=ind["version"])
    return {"tiltak_id": tiltak_id, "indicator_id": ind["id"]}


def test_tiltak_detail_shows_name_and_description_literally(open_page, evil):
    at = open_page("redaktor", "tiltak")
    at.selectbox(key="detail_tiltak").set_value(evil["tiltak_id"]).run()
    assert not at.exception
    assert_literal(at, f"Tiltak {LINK}", f"Beskrivelse {IMAGE}", SCRIPT)


def test_indicator_card_and_detail_show_text_literally(open_page, evil):
    at = open_page("leder", "indikatorer")
    at.selectbox(key="ind_detail").set_value(evil["indicator_id"]).run()
    assert not at.exception
    assert_literal(at, f"Indikator {LINK}", f"Om {IMAGE} {SCRIPT}", f"Kilde {LINK}")


def test_minutes_show_text_literally(open_page, evil):
    at = open_page("redaktor", "motemodus")
    assert_literal(at, f"SLT {EVIL}", f"Oppsummering {EVIL}", f"Tiltak {LINK}", f"Notat {EVIL}")


def test_every_page_is_free_of_user_links(open_page, evil):
    for page in ("oversikt", "tiltak", "tjenester", "endringslogg", "motekalender", "indikatorer", "motemodus"):
        at = open_page("redaktor" if page == "motemodus" else "leder", page)
        assert_literal(at)


def _errors_and_toasts() -> None:
    import streamlit as st

    from dashboard.ui import flash, show_error, show_flashes
    from data_access.domain.errors import ValidationError

    show_error(ValidationError("«Navn» [x](https://evil) ![](https://evil/x.png) <script>alert(1)</script>"))
    flash("«[x](https://evil)» er lagt til.")
    show_flashes()
    st.caption("ferdig")


def test_show_error_and_toasts_are_literal():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_errors_and_toasts).run()
    assert not at.exception and at.error and at.toast
    assert_literal(at, f"«Navn» {EVIL}", f"«{LINK}» er lagt til.")
