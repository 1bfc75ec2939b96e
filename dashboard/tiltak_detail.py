"""One tiltak in detail: its description, history with undo, editing of name/level, archive and restore;
and the form that adds a new tiltak."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.context import PageContext
from dashboard.state import bound
from dashboard.tables import grid
from dashboard.tiltak_editor import reapply, save_one
from dashboard.ui import attempt, conflict_panel, plain, snapshot
from data_access.db.changelog import ACTION_LABELS, FIELD_LABELS, log_frame, readable
from data_access.db.uow import Change
from data_access.domain import formatting as fmt
from data_access.domain.fields import TILTAK
from data_access.domain.permissions import Permission
from data_access.domain.vocabulary import STATUS_LABELS
from data_access.writes.tiltak import create_tiltak, set_archived, undo_change


def history_table(log: pl.DataFrame) -> pl.DataFrame:
    return pl.DataFrame({
        "Tidspunkt": [fmt.moment(t) for t in log["at"]],
        "Hvem": [n or u for n, u in zip(log["name"], log["username"], strict=True)],
        "Handling": [ACTION_LABELS.get(a, a) for a in log["action"]],
        "Felt": [FIELD_LABELS.get(f or "", f or "") for f in log["field"]],
        "Fra": [readable(f, v) for f, v in zip(log["field"], log["old_value"], strict=True)],
        "Til": [readable(f, v) for f, v in zip(log["field"], log["new_value"], strict=True)],
        "Møte": [fmt.day(d) if d else "" for d in log["meeting_date"]],
    }, schema={k: pl.String for k in ("Tidspunkt", "Hvem", "Handling", "Felt", "Fra", "Til", "Møte")})


def tiltak_detail(ctx: PageContext, tiltak: pl.DataFrame, levels: pl.DataFrame, factors: list[str]) -> None:
    if tiltak.is_empty():
        return
    names = dict(zip(tiltak["id"].to_list(), tiltak["name"].to_list(), strict=True))
    chosen = bound(st.selectbox, "Velg tiltak", key="detail_tiltak", param="tiltak", options=list(names),
                   format_func=names.get, placeholder="Velg et tiltak for å se beskrivelse og historikk")
    if chosen is None:
        return
    row = tiltak.filter(pl.col("id") == chosen).row(0, named=True)
    st.markdown(f"**{plain(row['name'])}** · {plain(row['level_label'])} · {plain(row['status_label'])}"
                + (" · *arkivert*" if row["archived"] else ""))
    st.markdown(plain(row["description"] or "Ingen beskrivelse."))
    _follow_up(ctx, row)
    editor = ctx.can(Permission.EDIT_TILTAK)
    if editor:
        status_form(ctx, row)
        _edit_form(ctx, row, levels, factors)
    log = ctx.read(log_frame, entity="tiltak", entity_ids=[chosen], limit=200)
    st.markdown("**Historikk**")
    if log.is_empty():
        st.caption("Ingen endringer er registrert.")
        return
    grid(history_table(log), caption="Historikk for tiltaket")
    if editor:
        options = {r["id"]: f"{fmt.moment(r['at'])} · {FIELD_LABELS.get(r['field'] or '', r['field'] or '')}: "
                   f"{readable(r['field'], r['old_value'])} → {readable(r['field'], r['new_value'])}"
                   for r in log.iter_rows(named=True) if r["action"] != "create"}
        if options:
            c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
            change_id = c1.selectbox("Angre en endring", list(options), format_func=options.get,
                                     key=f"undo_pick_{chosen}")
            if c2.button("Angre", key=f"undo_{chosen}"):
                attempt(lambda: undo_change(ctx.engine, ctx.actor, change_id),
                        "Endringen er angret (og angringen er logget).")


def status_form(ctx: PageContext, row_now: dict) -> None:
    """Status, status note and next step of one tiltak in a plain form: the keyboard and screen-reader way to do
    what the grid does, through the same write path with the version the user saw (so conflicts still show)."""
    key = f"status_{row_now['id']}"
    row = snapshot(key, row_now)
    statuses = list(STATUS_LABELS)
    with st.form(f"status_{row['id']}_{row['version']}"):
        st.markdown(f"**Status og neste steg for «{plain(row['name'])}»**")
        status = st.selectbox("Status", statuses, index=statuses.index(row["status"]), format_func=STATUS_LABELS.get)
        note = st.text_area("Statusnotat", value=row["status_note"] or "", max_chars=TILTAK.max_chars("status_note"))
        next_step = st.text_input("Neste steg", value=row["next_step"] or "", max_chars=TILTAK.max_chars("next_step"))
        saved = st.form_submit_button("Lagre status")
    if saved:
        fields = {"status": status, "status_note": note, "next_step": next_step}
        attempt(lambda: save_one(ctx, Change(row["id"], row["version"], fields)),
                lambda summary: f"«{row['name']}»: {summary.lower()}.", conflicts=key)
    conflict_panel(key, lambda c: reapply(ctx, c), labels=TILTAK.label)


def choose_and_edit_status(ctx: PageContext, tiltak: pl.DataFrame, key: str) -> None:
    """Pick one tiltak by name and edit its status in a form (the alternative to an editable grid)."""
    if tiltak.is_empty():
        return
    names = dict(zip(tiltak["id"].to_list(), tiltak["name"].to_list(), strict=True))
    chosen = st.selectbox("Endre ett tiltak med skjema", list(names), format_func=names.get, index=None,
                          key=f"status_pick_{key}", placeholder="Velg tiltak (alternativ til tabellen)")
    if chosen is not None:
        status_form(ctx, tiltak.filter(pl.col("id") == chosen).row(0, named=True))


def _follow_up(ctx: PageContext, row: dict) -> None:
    """The tiltak's contact person and its open action items."""
    from datetime import date

    from dashboard.contact_ui import contact_form
    from data_access.reads.actions import actions_frame, actions_table
    from data_access.reads.contacts import tiltak_contacts

    contact = ctx.read(tiltak_contacts, ctx.plan_id).get(row["id"])
    st.caption(plain(f"Kontaktperson: {contact[0]} ({contact[1]})") if contact
               else "Kontaktperson: ikke egen (kontaktpersonene til de ansvarlige tjenestene gjelder)")
    contact_form(ctx, tiltak_id=row["id"], current=contact)
    actions = ctx.read(actions_frame, ctx.plan_id, open_only=True, tiltak_id=row["id"])
    if actions.height:
        st.markdown(f"**Åpne oppfølgingspunkter ({actions.height})**")
        grid(actions_table(actions, date.today()), caption="Åpne oppfølgingspunkter for tiltaket")


def _edit_form(ctx: PageContext, row_now: dict, levels: pl.DataFrame, factors: list[str]) -> None:
    key = f"tiltak_{row_now['id']}"
    row = snapshot(key, row_now)
    level_labels = dict(zip(levels["slug"].to_list(), levels["label"].to_list(), strict=True))
    with st.form(f"edit_{row['id']}_{row['version']}"):
        name = st.text_input("Navn", value=row["name"], max_chars=TILTAK.max_chars("name"))
        description = st.text_area("Beskrivelse", value=row["description"], max_chars=TILTAK.max_chars("description"))
        c1, c2 = st.columns(2)
        level = c1.selectbox("Nivå", list(level_labels), index=list(level_labels).index(row["level"]),
                             format_func=level_labels.get)
        factor = None
        if factors:
            current = row["protective_factor"]
            factor = c2.selectbox("Beskyttelsesfaktor", factors,
                                  index=factors.index(current) if current in factors else None)
        b1, b2 = st.columns([1, 1])
        saved = b1.form_submit_button("Lagre")
        toggled = b2.form_submit_button("Gjenopprett" if row["archived"] else "Arkiver")
    if saved:
        fields = {"name": name, "description": description, "level": level}
        if factors:
            fields["protective_factor"] = factor
        attempt(lambda: save_one(ctx, Change(row["id"], row["version"], fields)), lambda summary: summary,
                conflicts=key)
    if toggled:
        attempt(lambda: set_archived(ctx.engine, ctx.actor, row["id"], row["version"], not row["archived"]),
                f"«{row['name']}» er {'gjenopprettet' if row['archived'] else 'arkivert'}.", conflicts=key)
    conflict_panel(key, lambda c: reapply(ctx, c) if "archived" not in c.yours else set_archived(
        ctx.engine, ctx.actor, c.entity_id, c.current_version, c.yours["archived"]), labels=TILTAK.label)


def new_tiltak_form(ctx: PageContext, levels: pl.DataFrame, services: list[str], factors: list[str]) -> None:
    level_labels = dict(zip(levels["slug"].to_list(), levels["label"].to_list(), strict=True))
    with st.form("new_tiltak"):
        name = st.text_input("Navn", max_chars=TILTAK.max_chars("name"))
        description = st.text_area("Beskrivelse", max_chars=TILTAK.max_chars("description"))
        c1, c2 = st.columns(2)
        level = c1.selectbox("Nivå", list(level_labels), format_func=level_labels.get)
        status = c2.selectbox("Status", list(STATUS_LABELS), index=1, format_func=STATUS_LABELS.get)
        chosen = c1.multiselect("Ansvar", services)
        next_evaluation = c2.date_input("Neste evaluering", value=None, format="DD.MM.YYYY")
        factor = st.selectbox("Beskyttelsesfaktor", factors, index=None) if factors else None
        next_step = st.text_input("Neste steg", max_chars=TILTAK.max_chars("next_step"))
        submitted = st.form_submit_button("Legg til tiltak")
    if submitted:
        attempt(lambda: create_tiltak(ctx.engine, ctx.actor, ctx.plan_id, level=level, name=name,
                                      description=description, status=status, services=chosen,
                                      next_step=next_step, next_evaluation=next_evaluation, protective_factor=factor),
                f"«{name.strip()}» er lagt til under {level_labels[level].lower()}.")
