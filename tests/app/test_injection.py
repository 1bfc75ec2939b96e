"""Markdown injection, everywhere: every free-text field of the Stange demo holds a payload of Markdown links,
images, HTML, a bare URL, bold and a Streamlit colour directive, and no page for any role renders a live link or
an image to evil.example. Every Markdown body a page sends (markdown, captions, alerts, headers, toasts, expander
and tab labels, widget labels, help texts and radio options) is parsed with markdown-it-py, linkify on, as
Streamlit's GFM renderer would read it."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from markdown_it import MarkdownIt

from data_access.db.engine import get_engine
from data_access.db.uow import Change
from data_access.domain.meetings import MeetingUpdate
from data_access.domain.permissions import Actor
from data_access.reads.arenas import arenas_frame
from data_access.reads.group_year import group_arena
from data_access.reads.indicators import indicators_frame
from data_access.reads.plans import plans_frame
from data_access.reads.tiltak import tiltak_frame
from data_access.writes.actions import add_action
from data_access.writes.arenas import update_arena
from data_access.writes.contacts import set_contact
from data_access.writes.indicators import update_indicator
from data_access.writes.meetings import update_meeting
from data_access.writes.tiltak import save_changes
from tests.app.conftest import USERS

ADMIN = Actor("admin", "admin", "Admin")
PAYLOADS = ["[klikk](https://evil.example)", "![x](https://evil.example/p.png)", "<img src=x>",
            "https://evil.example", "**fet**", ":red[x]"]
PAYLOAD = " ".join(PAYLOADS)
MD = MarkdownIt("commonmark", {"linkify": True}).enable(["table", "strikethrough", "linkify"])
MD.linkify.set({"fuzzy_link": False})
TEXT_KINDS = ("title", "header", "subheader", "markdown", "caption", "info", "success", "warning", "error", "toast")
LABEL_KINDS = ("expander", "tab")
WIDGETS = ("button", "checkbox", "toggle", "radio", "selectbox", "multiselect", "text_input", "text_area",
           "number_input", "date_input", "slider", "select_slider", "download_button", "color_picker",
           "time_input", "button_group")


def _p(text: str, limit: int = 10_000) -> str:
    return (f"{text} {PAYLOAD}")[:limit]


def bodies(at) -> list[tuple[str, str]]:
    """(where, Markdown source) of everything on the page that Streamlit renders as Markdown."""
    out = []
    for kind in TEXT_KINDS:
        out += [(kind, str(e.value)) for e in at.get(kind)]
    for kind in LABEL_KINDS:
        out += [(kind, str(e.label)) for e in at.get(kind)]
    for kind in WIDGETS:
        for w in at.get(kind):
            out += [(f"{kind} label", str(getattr(w, "label", "") or ""))]
            out += [(f"{kind} help", str(getattr(w, "help", "") or ""))]
            if kind == "radio":
                out += [("radio option", str(o)) for o in w.options]
    return out


def live(body: str) -> list[str]:
    """Links and images to evil.example, and raw HTML, that ``body`` would render."""
    found = []
    for block in MD.parse(body):
        for t in [block, *(block.children or [])]:
            href = str(t.attrGet("href") or t.attrGet("src") or "")
            if t.type in {"link_open", "image"} and "evil.example" in href:
                found.append(f"{t.type} {href}")
            if t.type in {"html_inline", "html_block"} and "<img" in t.content:
                found.append(f"{t.type} {t.content}")
    return found


def assert_inert(at, where: str) -> None:
    bad = [(kind, body[:200], hits) for kind, body in bodies(at) if (hits := live(body))]
    assert not bad, f"{where}: {bad}"


@pytest.fixture
def poisoned(app_env):
    """Every free-text field of Stange (and the contacts of its services) holds the payload."""
    engine = get_engine(app_env)
    plan_id = plans_frame(engine).filter(pl.col("key") == "stange-2023-2026")["id"][0]
    tiltak = tiltak_frame(engine, plan_id)
    changes = [Change(r["id"], r["version"], {"name": _p(f"Tiltak {i}", 200), "description": _p("Beskrivelse"),
                                              "status_note": _p("Notat"), "next_step": _p("Neste")})
               for i, r in enumerate(tiltak.head(12).iter_rows(named=True))]
    save_changes(engine, ADMIN, plan_id, changes)
    first = tiltak.row(0, named=True)
    set_contact(engine, ADMIN, tiltak_id=first["id"], name=_p("Kari", 150), email="kari@stange.kommune.no")
    for service in sorted({s for r in tiltak.iter_rows(named=True) for s in r["services"]})[:6]:
        set_contact(engine, ADMIN, service=service, name=_p("Per", 150), email="per@stange.kommune.no")
    group = group_arena(engine, plan_id)
    for r in arenas_frame(engine, plan_id).iter_rows(named=True):
        update_arena(engine, ADMIN, r["id"], r["version"], {
            "name": _p(f"Arena {r['name']}", 200), "purpose": _p("Formål"), "leader": _p("Leder", 200),
            "participants": [p.replace(",", "") for p in PAYLOADS]})
    if group is not None:
        update_meeting(engine, ADMIN, MeetingUpdate(group["id"], date.today() + timedelta(days=7), 0,
                                                    note=_p("Notat", 500)))
    for r in indicators_frame(engine, plan_id).iter_rows(named=True):
        update_indicator(engine, ADMIN, r["id"], {"name": _p(f"Indikator {r['id']}", 200),
                                                  "description": _p("Om"), "source": _p("Kilde", 300)},
                         version=r["version"])
    add_action(engine, ADMIN, plan_id, text=_p("Gjøre"), person=_p("Ola", 150),
               deadline=date.today() - timedelta(days=1), tiltak_id=first["id"])
    return {"tiltak_id": first["id"]}


@pytest.mark.parametrize("user", list(USERS))
def test_no_page_renders_a_link_or_image_from_user_text(open_page, poisoned, user):
    at = open_page(user)
    pages = at.session_state["_laget_pages"]
    assert len(pages) >= 6
    from dashboard.navigation import PAGES

    files = {p.title: p.file.removesuffix(".py") for p in PAGES}
    for title in pages:
        at = open_page(user, files[title])
        assert_inert(at, f"{user} / {title}")
        if title == "Tiltak" and at.selectbox(key="detail_tiltak") is not None:
            at.selectbox(key="detail_tiltak").set_value(poisoned["tiltak_id"]).run()
            assert not at.exception
            assert_inert(at, f"{user} / Tiltak / detalj")


def test_the_two_named_places_show_their_text_literally(open_page, poisoned):
    at = open_page("redaktor", "tiltak")
    at.selectbox(key="detail_tiltak").set_value(poisoned["tiltak_id"]).run()
    contact = [c.value for c in at.caption if "Kontaktperson" in c.value]
    assert contact and not live(contact[0]), contact
    at = open_page("redaktor", "motemodus")
    notices = [e.value for kind in ("info", "success") for e in at.get(kind) if "Arena" in e.value]
    assert notices and not any(live(n) for n in notices), notices
