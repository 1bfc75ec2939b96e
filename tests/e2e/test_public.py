"""The public page in a logged-out Chromium: exactly the released fields reach the browser, never an internal one.

A sentinel is planted in every internal field (``domain.public.NEVER_RELEASED``, plus an arena's leader and
participants when only the arenas are released, and another plan that is not public). The page is loaded once,
every tiltak opened, and both what the page shows and every websocket frame the browser received are searched:
a sentinel may not appear in either, while the released values must. Then axe-core and a 390 px phone.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select, update

from data_access.db.engine import make_engine, session_scope
from data_access.db.models import (
    ActionItem,
    Arena,
    ChangeLog,
    Contact,
    GroupMeeting,
    Indicator,
    IndicatorSource,
    Meeting,
    Plan,
    PublicComment,
    Service,
    Tiltak,
    User,
)
from data_access.domain.permissions import Actor
from data_access.domain.public import NEVER_RELEASED
from data_access.writes.public import set_release
from tests.e2e.axe import axe_violations, describe
from tests.e2e.conftest import free_port, running_app, wait_idle

pytestmark = pytest.mark.e2e
KEY = "stange-2023-2026"
PARTS = {"arenas", "indicators", "changes", "comments"}  # everything but the arenas' roles
# field -> sentinel; letters only, so the personal-data guard has nothing to say about them
SENTINELS = {name: f"ZQXSENTINEL{''.join(c for c in name.upper() if c.isalpha())}" for name in NEVER_RELEASED}
SENTINELS |= {"arenas.leader (ikke frigitt)": "ZQXSENTINELARENALEADER",
              "arenas.participants (ikke frigitt)": "ZQXSENTINELARENAPARTICIPANT",
              "tiltak.name (plan som ikke er offentlig)": "ZQXSENTINELOTHERPLAN"}
APPROVED = "Ungdomsrådet liker dette tiltaket godt."


def _plant(url: str) -> dict[str, str]:
    """Write every sentinel where staff would have written it; returns released values the page must show."""
    engine = make_engine(url)
    now = datetime.now()
    with session_scope(engine) as s:
        plan = s.scalar(select(Plan).where(Plan.key == KEY))
        t = s.scalars(select(Tiltak).where(Tiltak.plan_id == plan.id).order_by(Tiltak.id)).first()
        t.status_note, t.next_step = SENTINELS["tiltak.status_note"], SENTINELS["tiltak.next_step"]
        t.updated_by = SENTINELS["tiltak.updated_by"]
        arena = s.scalars(select(Arena).where(Arena.plan_id == plan.id).order_by(Arena.id)).first()
        arena.leader = SENTINELS["arenas.leader (ikke frigitt)"]
        arena.participants = [SENTINELS["arenas.participants (ikke frigitt)"], "Skole"]
        s.add(Meeting(arena_id=arena.id, planned_date=date(now.year, 3, 3), date=date(now.year, 3, 3),
                      state="avholdt", note=SENTINELS["meetings.note"]))
        gm = GroupMeeting(plan_id=plan.id, meeting_date=date(now.year, 2, 2),
                          participants=SENTINELS["group_meetings.participants"], started_by="redaktor",
                          started_at=now, ended_at=now, minutes_md=SENTINELS["group_meetings.minutes_md"])
        s.add(gm)
        service = s.scalars(select(Service).order_by(Service.id)).first()
        s.add(ActionItem(plan_id=plan.id, text=SENTINELS["action_items.text"], service_id=service.id,
                         responsible_person=SENTINELS["action_items.responsible_person"],
                         deadline=date(now.year, 12, 1), tiltak_id=t.id, created_by="redaktor", created_at=now))
        s.add(Contact(tiltak_id=t.id, name=SENTINELS["contacts.name"],
                      email=f"{SENTINELS['contacts.email'].lower()}@kommune.no", updated_by="admin", updated_at=now))
        s.add(User(username=SENTINELS["users.username"].lower(), name=SENTINELS["users.name"], role="redaktor",
                   password_hash="x", created_at=now))
        s.add(ChangeLog(at=now, username=SENTINELS["change_log.username"], plan_id=plan.id, entity="tiltak",
                        entity_id=t.id, action="update", field="status", old_value="planlagt", new_value="i_gang"))
        indicator = s.scalars(select(Indicator).where(Indicator.plan_id == plan.id).order_by(Indicator.id)).first()
        s.execute(update(IndicatorSource).where(IndicatorSource.indicator_id == indicator.id)
                  .values(last_error=SENTINELS["indicator_sources.last_error"]))
        if s.get(IndicatorSource, indicator.id) is None:
            s.add(IndicatorSource(indicator_id=indicator.id, kind="ssb", definition={},
                                  last_error=SENTINELS["indicator_sources.last_error"]))
        for text, state in ((SENTINELS["public_comments.text (venter/avvist)"], "venter"),
                            (SENTINELS["public_comments.text (venter/avvist)"] + "AVVIST", "avvist"),
                            (APPROVED, "godkjent")):
            s.add(PublicComment(plan_id=plan.id, tiltak_id=t.id, text=text, state=state, created_at=now))
        other = s.scalars(select(Tiltak).join(Plan).where(Plan.key != KEY)).first()
        other.name = SENTINELS["tiltak.name (plan som ikke er offentlig)"]
        shown = {"tiltak": t.name, "description": t.description.split(".")[0],
                 "service": t.services[0].name if t.services else "", "arena": arena.name,
                 "purpose": arena.purpose, "indicator": indicator.name, "comment": APPROVED,
                 "change": "Status endret fra Planlagt til I gang", "kommune": plan.kommune}
    set_release(engine, Actor("admin", "admin"), plan.id, is_public=True, parts=PARTS, seen_version=0)
    engine.dispose()
    return shown


@pytest.fixture(scope="module")
def public_app(templates, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("public")
    url = templates.sqlite_copy("demo", tmp / "public.db")
    shown = _plant(url)
    with running_app(url, tmp, free_port()) as running:
        yield running, shown


def _open(browser, url: str, viewport: dict | None = None):
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 1000}, locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(30_000)
    return context, page


def _load_everything(page, url: str) -> list[str]:
    """Load the public page logged out, open every tiltak; every websocket frame received, as text."""
    frames: list[str] = []

    def on_ws(ws) -> None:
        ws.on("framereceived", lambda payload: frames.append(
            payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload))

    page.on("websocket", on_ws)
    page.goto(url)
    page.get_by_role("heading", name="Tiltakene i planen").wait_for()
    wait_idle(page)
    page.get_by_role("heading", name="Si hva du mener").wait_for()
    for summary in page.locator('[data-testid="stExpander"] summary').all():
        summary.click()
    wait_idle(page)
    return frames


@pytest.fixture(scope="module")
def received(public_app, browser):
    running, shown = public_app
    context, page = _open(browser, running.url)
    try:
        frames = _load_everything(page, f"{running.url}/offentlig?plan={KEY}")
        html = page.content()
        text = page.inner_text("body")
        other_frames = []
        page.on("websocket", lambda ws: ws.on("framereceived", lambda p: other_frames.append(
            p.decode("utf-8", "replace") if isinstance(p, bytes) else p)))
        page.goto(f"{running.url}/offentlig?plan=bamble")
        page.get_by_role("heading", name="Fant ikke planen").wait_for()
        wait_idle(page)
        html += page.content()
        yield {"html": html, "text": text, "frames": "\n".join(frames + other_frames)}
    finally:
        context.close()


def test_every_internal_field_has_a_sentinel() -> None:
    assert set(NEVER_RELEASED) <= set(SENTINELS)


@pytest.mark.parametrize("field", list(SENTINELS))
def test_internal_field_never_reaches_a_logged_out_browser(received, field) -> None:
    sentinel = SENTINELS[field]
    assert sentinel.lower() not in received["html"].lower(), f"{field} is on the public page"
    assert sentinel.lower() not in received["frames"].lower(), f"{field} was sent to the browser"


def test_logged_out_browser_sees_the_released_fields(public_app, received) -> None:
    _, shown = public_app
    for what, value in shown.items():
        if value:
            assert value in received["text"], f"{what} «{value}» is not shown"
    assert "Hvor tjenestene møtes" in received["text"] and "Utviklingen i tall" in received["text"]
    assert shown["tiltak"] in received["frames"] and APPROVED in received["frames"]  # the frames were captured
    for staff in ("Innlogget som", "Logg inn", "Oversikt", "Møtemodus", "Endringslogg", "Statusnotat"):
        assert staff not in received["text"], staff


def test_public_page_passes_axe_and_links_its_statement(public_app, browser) -> None:
    running, _ = public_app
    context, page = _open(browser, running.url)
    try:
        page.goto(f"{running.url}/offentlig?plan={KEY}")
        page.get_by_role("heading", name="Si hva du mener").wait_for()
        wait_idle(page)
        found = axe_violations(page)
        assert not found, describe(found)
        assert page.evaluate("document.documentElement.lang") == "nb"
        page.get_by_role("link", name="Tilgjengelighetserklæring").click()
        page.get_by_role("heading", name="Tilgjengelighetserklæring for den offentlige siden").wait_for()
        wait_idle(page)
        found = axe_violations(page)
        assert not found, describe(found)
        assert "Logg inn" not in page.inner_text("body")
    finally:
        context.close()


def test_phone_reads_the_public_page_without_sideways_scrolling(public_app, browser, tmp_path) -> None:
    running, shown = public_app
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nb-NO", is_mobile=True,
                                         has_touch=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        _load_everything(page, f"{running.url}/offentlig?plan={KEY}")
        page.screenshot(path=str(tmp_path / "public-phone.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page is {width} px wide on a 390 px phone"
        assert shown["tiltak"] in page.inner_text("body")
    finally:
        context.close()
