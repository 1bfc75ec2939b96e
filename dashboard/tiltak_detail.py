"""One tiltak in detail: its description, history with undo, editing of name/level, archive and restore;
and the form that adds a new tiltak."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.context import PageContext
from dashboard.state import bound
from dashboard.tables import grid
from dashboard.ui import current_meeting_id, flash
from data_access import formatting as fmt
from data_access.changelog import ACTION_LABELS, FIELD_LABELS, log_frame, readable
from data_access.permissions import Permission
from data_access.tiltak_writes import (
    TiltakChange,
    TiltakValidationError,
    UndoRefused,
    create_tiltak,
    save_changes,
    set_archived,
    undo_change,
)
from data_access.validation import ValidationError
from data_access.vocabulary import STATUS_LABELS


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
    st.markdown(f"**{row['name']}** · {row['level_label']} · {row['status_label']}"
                + (" · *arkivert*" if row["archived"] else ""))
    st.write(row["description"] or "Ingen beskrivelse.")
    editor = ctx.can(Permission.EDIT_TILTAK)
    if editor:
        status_form(ctx, row)
        _edit_form(ctx, row, levels, factors)
    log = log_frame(ctx.engine, entity="tiltak", entity_ids=[chosen], limit=200)
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
                try:
                    undo_change(ctx.engine, ctx.actor, change_id, group_meeting_id=current_meeting_id(ctx))
                    flash("Endringen er angret (og angringen er logget).")
                    st.rerun()
                except (UndoRefused, ValidationError, PermissionError) as exc:
                    st.error(str(exc))


def status_form(ctx: PageContext, row: dict) -> None:
    """Status, status note and next step of one tiltak in a plain form: the keyboard and screen-reader way to do
    what the grid does, through the same write path with the version the user saw (so conflicts still show)."""
    statuses = list(STATUS_LABELS)
    seen_key = f"_status_seen_{row['id']}"
    seen = st.session_state.setdefault(seen_key, row["version"])  # the version the form was opened on
    with st.form(f"status_{row['id']}_{seen}"):
        st.markdown(f"**Status og neste steg for «{row['name']}»**")
        status = st.selectbox("Status", statuses, index=statuses.index(row["status"]), format_func=STATUS_LABELS.get)
        note = st.text_area("Statusnotat", value=row["status_note"] or "", max_chars=1000)
        next_step = st.text_input("Neste steg", value=row["next_step"] or "", max_chars=1000)
        saved = st.form_submit_button("Lagre status")
    if not saved:
        return
    fields = {"status": status, "status_note": note, "next_step": next_step}
    try:
        result = save_changes(ctx.engine, ctx.actor, ctx.plan_id, [TiltakChange(row["id"], seen, fields)],
                              group_meeting_id=current_meeting_id(ctx))
    except TiltakValidationError as exc:
        for e in exc.errors:
            st.error(e.message)
        return
    except PermissionError as exc:
        st.error(str(exc))
        return
    st.session_state.pop(seen_key, None)  # next time the form opens on the stored version
    if result.conflicts:
        st.warning(result.conflicts[0].message() + " Skjemaet viser nå det som er lagret; gjør endringen på nytt.")
        return
    flash(f"«{row['name']}»: {result.summary().lower()}.")
    st.rerun()


def choose_and_edit_status(ctx: PageContext, tiltak: pl.DataFrame, key: str) -> None:
    """Pick one tiltak by name and edit its status in a form (the alternative to an editable grid)."""
    if tiltak.is_empty():
        return
    names = dict(zip(tiltak["id"].to_list(), tiltak["name"].to_list(), strict=True))
    chosen = st.selectbox("Endre ett tiltak med skjema", list(names), format_func=names.get, index=None,
                          key=f"status_pick_{key}", placeholder="Velg tiltak (alternativ til tabellen)")
    if chosen is not None:
        status_form(ctx, tiltak.filter(pl.col("id") == chosen).row(0, named=True))


def _edit_form(ctx: PageContext, row: dict, levels: pl.DataFrame, factors: list[str]) -> None:
    level_labels = dict(zip(levels["slug"].to_list(), levels["label"].to_list(), strict=True))
    with st.form(f"edit_{row['id']}_{row['version']}"):
        name = st.text_input("Navn", value=row["name"], max_chars=200)
        description = st.text_area("Beskrivelse", value=row["description"], max_chars=4000)
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
        try:
            result = save_changes(ctx.engine, ctx.actor, ctx.plan_id, [TiltakChange(row["id"], row["version"], fields)],
                                  group_meeting_id=current_meeting_id(ctx))
        except TiltakValidationError as exc:
            for e in exc.errors:
                st.error(e.message)
            return
        if result.conflicts:
            st.warning(result.conflicts[0].message() + " Last siden på nytt og prøv igjen.")
            return
        flash(result.summary())
        st.rerun()
    if toggled:
        conflict = set_archived(ctx.engine, ctx.actor, row["id"], row["version"], not row["archived"],
                                group_meeting_id=current_meeting_id(ctx))
        if conflict:
            st.warning(conflict.message())
            return
        flash(f"«{row['name']}» er {'gjenopprettet' if row['archived'] else 'arkivert'}.")
        st.rerun()


def new_tiltak_form(ctx: PageContext, levels: pl.DataFrame, services: list[str], factors: list[str]) -> None:
    level_labels = dict(zip(levels["slug"].to_list(), levels["label"].to_list(), strict=True))
    with st.form("new_tiltak"):
        name = st.text_input("Navn", max_chars=200)
        description = st.text_area("Beskrivelse", max_chars=4000)
        c1, c2 = st.columns(2)
        level = c1.selectbox("Nivå", list(level_labels), format_func=level_labels.get)
        status = c2.selectbox("Status", list(STATUS_LABELS), index=1, format_func=STATUS_LABELS.get)
        chosen = c1.multiselect("Ansvar", services)
        next_evaluation = c2.date_input("Neste evaluering", value=None, format="DD.MM.YYYY")
        factor = st.selectbox("Beskyttelsesfaktor", factors, index=None) if factors else None
        next_step = st.text_input("Neste steg", max_chars=1000)
        submitted = st.form_submit_button("Legg til tiltak")
    if submitted:
        try:
            create_tiltak(ctx.engine, ctx.actor, ctx.plan_id, level=level, name=name, description=description,
                          status=status, services=chosen, next_step=next_step, next_evaluation=next_evaluation,
                          protective_factor=factor, group_meeting_id=current_meeting_id(ctx))
        except TiltakValidationError as exc:
            for e in exc.errors:
                st.error(e.message)
        except PermissionError as exc:
            st.error(str(exc))
        else:
            flash(f"«{name.strip()}» er lagt til under {level_labels[level].lower()}.")
            st.rerun()
