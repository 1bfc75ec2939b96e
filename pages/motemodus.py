"""Møtemodus: run a meeting of the implementation group through its agenda, then the minutes."""

from datetime import date

import polars as pl
import streamlit as st

from dashboard.context import page_context
from dashboard.meeting_ui import (
    WALK,
    action_form,
    end_meeting_button,
    meeting_changes,
    minutes_downloads,
    open_actions,
    walk_agenda,
)
from dashboard.public_comments_ui import comments_agenda
from dashboard.tiltak_detail import choose_and_edit_status
from dashboard.tiltak_editor import tiltak_grid
from dashboard.ui import attempt, plain, plan_header
from data_access.db.changelog import log_frame
from data_access.domain.fields import GROUP_MEETING
from data_access.domain.group_meetings import propose_agenda
from data_access.domain.group_year import propose
from data_access.domain.markup import defang_markdown
from data_access.domain.permissions import Permission
from data_access.domain.validation import format_date
from data_access.reads.actions import actions_frame
from data_access.reads.arenas import arenas_frame
from data_access.reads.group_meetings import changed_since_last_meeting, meetings_frame, open_meeting
from data_access.reads.group_year import group_arena, planned_group_dates
from data_access.reads.plans import services_frame
from data_access.reads.tiltak import tiltak_frame
from data_access.writes.group_meetings import start_meeting
from data_access.writes.group_year import set_group_arena

ctx = page_context()
plan_header(ctx, "Møtemodus")
today = date.today()
meeting = ctx.read(open_meeting, ctx.plan_id)
tiltak = ctx.read(tiltak_frame, ctx.plan_id)
names = dict(zip(tiltak["id"].to_list(), tiltak["name"].to_list(), strict=True))
arena = ctx.read(group_arena, ctx.plan_id)
planned = ctx.read(planned_group_dates, ctx.plan_id, today.year, today.year + 1)
proposed = propose(planned, today)
actions = ctx.read(actions_frame, ctx.plan_id, open_only=True)

if meeting is None:
    if arena is None:
        st.info("Planen har ingen møtearena for implementeringsgruppa i møtekalenderen, så Laget kjenner ikke "
                "gruppas planlagte møter.")
    elif proposed == today:
        st.success(plain(f"I dag er det planlagt møte i {arena['name']}."))
    elif proposed:
        st.info(plain(f"Neste planlagte møte i {arena['name']} er {format_date(proposed)}. Starter du et møte i "
                      "dag, står det i referatet at møtet ble holdt på en annen dag enn planlagt."))
    else:
        st.info(plain(f"{arena['name']} har ingen planlagte møter framover i møtekalenderen."))
    st.write("Start et møte i implementeringsgruppa. Laget foreslår en agenda, og alle endringer som lagres "
             "mens møtet pågår – fra alle sider – kommer med i referatet.")
    with st.form("start_meeting"):
        c1, c2 = st.columns([1, 2])
        meeting_date = c1.date_input("Møtedato", value=today, format="DD.MM.YYYY")
        chair = c2.text_input("Møteleder", value=(arena or {}).get("leader") or "SLT-koordinator",
                              max_chars=GROUP_MEETING.max_chars("chair"),
                              help="Den som leder møtet (SLT-koordinatoren leder implementeringsgruppa). Står i "
                                   "referatet; det trenger ikke være den som er innlogget.")
        participants = st.text_area("Deltakere (tjenester og roller, ikke opplysninger om barn)",
                                    max_chars=GROUP_MEETING.max_chars("participants"),
                                    placeholder="SLT-koordinator, stab oppvekst, skole, barnehage, PPT, "
                                                "helsestasjon, barnevern, NAV")
        if st.form_submit_button("Start møtet", type="primary"):
            attempt(lambda: start_meeting(ctx.engine, ctx.actor, ctx.plan_id, meeting_date, participants,
                                                  chair),
                    "Møtet er startet.")
else:
    st.success(f"Møte {format_date(meeting['meeting_date'])} pågår · Møteleder: {plain(meeting['chair'] or '–')} · "
               f"Deltakere: {plain(meeting['participants'] or '–')}")
    if meeting["meeting_date"] != today:
        st.warning(f"Møtet er datert {format_date(meeting['meeting_date'])}, ikke i dag ({format_date(today)}).")
    elif planned and today not in planned:
        st.caption(f"Møtet holdes på en annen dag enn gruppas planlagte møter"
                   f"{f' (neste planlagte: {format_date(proposed)})' if proposed else ''}.")
    agenda = propose_agenda(tiltak, ctx.read(changed_since_last_meeting, ctx.plan_id), today,
                            ctx.settings.stale_months)
    with_actions = [i for i in actions["tiltak_id"].drop_nulls().unique(maintain_order=True).to_list()
                    if i in names]
    ids = agenda.ids + [i for i in with_actions if i not in agenda.ids]
    reasons: dict[int, str] = {}
    for part, why in ((agenda.overdue, "evalueringsdatoen er passert"),
                      (agenda.stale, f"ikke endret på {ctx.settings.stale_months} måneder"),
                      (agenda.changed, "endret siden forrige møte")):
        for i in part["id"].to_list():
            reasons[i] = f"{reasons[i]}, {why}" if i in reasons else why
    for i in with_actions:
        reasons[i] = f"{reasons[i]}, åpent oppfølgingspunkt" if i in reasons else "åpent oppfølgingspunkt"

    tab_walk, tab_changes, tab_actions, tab_grid = st.tabs(
        ["Agenda – tiltak for tiltak", "Endringer i dette møtet", f"Oppfølgingspunkter ({actions.height})",
         "Agenda som tabell"])
    handled = ctx.read(log_frame, group_meeting_id=meeting["id"]).filter(pl.col("entity") == "tiltak")
    with tab_walk:
        walk_agenda(ctx, ids, tiltak, meeting["id"], reasons, actions,
                    handled=handled["entity_id"].unique(maintain_order=True).to_list())
    with tab_changes:
        meeting_changes(ctx, meeting["id"], names, ctx.read(actions_frame, ctx.plan_id))
    with tab_actions:
        st.header("Åpne oppfølgingspunkter")
        open_actions(ctx, actions, meeting["id"], closable=True)
        st.header("Nytt oppfølgingspunkt")
        action_form(ctx, tiltak, ctx.read(services_frame)["name"].to_list(), meeting["id"],
                    default_tiltak=st.session_state.get(WALK))
    with tab_grid:
        services = ctx.read(services_frame)["name"].to_list()
        sections = [("Evalueringsdatoen er passert", agenda.overdue, "overdue"),
                    (f"Ikke endret på {ctx.settings.stale_months} måneder", agenda.stale, "stale"),
                    ("Endret siden forrige møte", agenda.changed, "changed")]
        for title, part, key in sections:
            with st.expander(f"{title} ({part.height})", expanded=False):
                if part.is_empty():
                    st.caption("Ingen tiltak her.")
                else:
                    if key == "overdue" and part["next_evaluation_is_example"].any():
                        st.caption(":material/science: Evalueringsdatoene står ikke i planen; de er eksempeldata.")
                    tiltak_grid(ctx, part, key=f"agenda_{meeting['id']}_{key}", services=services)
        choose_and_edit_status(ctx, tiltak.filter(pl.col("id").is_in(ids)), key="agenda")
    st.divider()
    summary = st.text_area("Oppsummering til referatet (valgfritt)", key=f"summary_{meeting['id']}",
                           max_chars=GROUP_MEETING.max_chars("summary"))
    end_meeting_button(ctx, meeting["id"], summary)

comments_agenda(ctx)  # the ungdomsråd's comments from the public page, moderated here

if ctx.can(Permission.EDIT_ARENAS):
    with st.expander("Gruppas møtearena i kalenderen"):
        arenas = ctx.read(arenas_frame, ctx.plan_id)
        labels = dict(zip(arenas["id"].to_list(), arenas["name"].to_list(), strict=True))
        if labels:
            ids_ = list(labels)
            chosen = st.selectbox("Arena", ids_, format_func=labels.get,
                                  index=ids_.index(arena["id"]) if arena and arena["id"] in ids_ else None)
            if st.button("Bruk som implementeringsgruppas arena", key="set_group_arena") and chosen is not None:
                attempt(lambda: set_group_arena(ctx.engine, ctx.actor, ctx.plan_id, chosen),
                        f"«{labels[chosen]}» er nå implementeringsgruppas arena.")

st.header("Referater")
past = ctx.read(meetings_frame, ctx.plan_id).filter(pl.col("ended_at").is_not_null())
if past.is_empty():
    st.caption("Ingen avsluttede møter ennå.")
for m in past.iter_rows(named=True):
    with st.expander(f"Møte {format_date(m['meeting_date'])}"):
        st.markdown(defang_markdown(m["minutes_md"]))  # minutes stored before escaping may hold raw links
        minutes_downloads(m)
