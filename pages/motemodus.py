"""Møtemodus: run a meeting of the implementation group through a proposed agenda, then the minutes."""

from datetime import date

import polars as pl
import streamlit as st

from dashboard.context import page_context
from dashboard.tiltak_detail import choose_and_edit_status
from dashboard.tiltak_editor import tiltak_grid
from dashboard.ui import cached_pdf, flash, plan_header
from data_access.group_meetings import (
    changed_since_last_meeting,
    end_meeting,
    meetings_frame,
    open_meeting,
    propose_agenda,
    start_meeting,
)
from data_access.plans import services_frame
from data_access.tiltak import tiltak_frame
from data_access.validation import ValidationError, format_date

ctx = page_context()
plan_header(ctx, "Møtemodus")
meeting = open_meeting(ctx.engine, ctx.plan_id)
tiltak = tiltak_frame(ctx.engine, ctx.plan_id)
names = dict(zip(tiltak["id"].to_list(), tiltak["name"].to_list(), strict=True))

if meeting is None:
    st.write("Start et møte i implementeringsgruppa. Laget foreslår en agenda, og alle endringer som lagres "
             "mens møtet pågår, kommer med i referatet.")
    with st.form("start_meeting"):
        meeting_date = st.date_input("Møtedato", value=date.today(), format="DD.MM.YYYY")
        participants = st.text_area("Deltakere (tjenester og roller, ikke opplysninger om barn)",
                                    placeholder="SLT-koordinator, stab oppvekst, skole, barnehage, PPT, "
                                                "helsestasjon, barnevern, NAV")
        if st.form_submit_button("Start møtet", type="primary"):
            try:
                start_meeting(ctx.engine, ctx.actor, ctx.plan_id, meeting_date, participants)
                flash("Møtet er startet.")
                st.rerun()
            except (ValidationError, PermissionError) as exc:
                st.error(str(exc))
else:
    st.success(f"Møte {format_date(meeting['meeting_date'])} pågår · Deltakere: {meeting['participants'] or '–'}")
    agenda = propose_agenda(tiltak, changed_since_last_meeting(ctx.engine, ctx.plan_id), date.today(),
                            ctx.settings.stale_months)
    services = services_frame(ctx.engine)["name"].to_list()
    sections = [("Evalueringsdatoen er passert", agenda.overdue, "overdue"),
                (f"Ikke endret på {ctx.settings.stale_months} måneder", agenda.stale, "stale"),
                ("Endret siden forrige møte", agenda.changed, "changed")]
    for title, part, key in sections:
        with st.expander(f"{title} ({part.height})", expanded=part.height > 0):
            if part.is_empty():
                st.caption("Ingen tiltak her.")
            else:
                tiltak_grid(ctx, part, key=f"agenda_{meeting['id']}_{key}", services=services)
    agenda_ids = pl.concat([agenda.overdue["id"], agenda.stale["id"], agenda.changed["id"]]).unique()
    choose_and_edit_status(ctx, tiltak.filter(pl.col("id").is_in(agenda_ids.implode())), key="agenda")
    with st.form("end_meeting"):
        summary = st.text_area("Oppsummering til referatet (valgfritt)")
        if st.form_submit_button("Avslutt møtet og lag referat", type="primary"):
            try:
                end_meeting(ctx.engine, ctx.actor, meeting["id"], names, summary)
                flash("Møtet er avsluttet, og referatet er lagret.")
                st.rerun()
            except (ValidationError, PermissionError) as exc:
                st.error(str(exc))

st.header("Referater")
past = meetings_frame(ctx.engine, ctx.plan_id).filter(pl.col("ended_at").is_not_null())
if past.is_empty():
    st.caption("Ingen avsluttede møter ennå.")
for m in past.iter_rows(named=True):
    with st.expander(f"Møte {format_date(m['meeting_date'])}"):
        st.markdown(m["minutes_md"])
        stem = f"referat-{m['meeting_date']:%Y-%m-%d}"
        c1, c2 = st.columns(2)
        c1.download_button("Last ned Markdown", m["minutes_md"], file_name=f"{stem}.md", mime="text/markdown",
                           key=f"md_{m['id']}")
        c2.download_button("Last ned PDF", cached_pdf(m["minutes_md"], f"Referat {format_date(m['meeting_date'])}"),
                           file_name=f"{stem}.pdf", mime="application/pdf", key=f"pdf_{m['id']}")
