"""The tiltak grid the implementation group edits in the meeting, with conflicts and errors shown.

The grid is drawn from a *snapshot* taken when editing starts, so the versions sent with a save are the
ones the user actually saw; a newer save by someone else then surfaces as a conflict, never as a silent
overwrite. Validation errors leave the grid untouched so no edit is lost.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.context import PageContext
from dashboard.editing import editor_changes
from dashboard.tables import grid, readable_table
from dashboard.ui import conflict_panel, flash, keep_errors, kept_errors, show_error
from data_access.db.uow import Change, Conflict
from data_access.domain import formatting as fmt
from data_access.domain.errors import ValidationError
from data_access.domain.fields import TILTAK
from data_access.domain.permissions import Permission
from data_access.domain.vocabulary import STATUS_LABELS
from data_access.writes.tiltak import save_changes

LABEL_TO_STATUS = {v: k for k, v in STATUS_LABELS.items()}
# Fixed widths put every column at a known place (e2e tests use it). Name, status and responsible service come
# first and fit together in a 390 px phone's grid (about 320 px inside an expander); the full name is in the
# HTML table under the grid and in «Tiltak i detalj».
COLUMN_WIDTHS = {"Tiltak": 136, "Status": 84, "Ansvar": 96, "Statusnotat": 220, "Neste steg": 220}


def display_frame(tiltak: pl.DataFrame) -> pl.DataFrame:
    """The columns the grid shows, with Norwegian headers, plus hidden id and version."""
    return tiltak.select(
        "id", "version", pl.col("name").alias("Tiltak"), pl.col("status_label").alias("Status"),
        pl.col("services").alias("Ansvar"), pl.col("status_note").alias("Statusnotat"),
        pl.col("next_step").alias("Neste steg"), pl.col("next_evaluation").alias("Neste evaluering"),
    )


def _generation(key: str) -> int:
    return st.session_state.setdefault(f"_gen_{key}", 0)


def reset(key: str) -> None:
    """Drop the snapshot and the grid's edits so the next run shows the database again."""
    st.session_state[f"_gen_{key}"] = _generation(key) + 1
    st.session_state.pop(f"_snap_{key}", None)


def save_one(ctx: PageContext, change: Change) -> str:
    """Save one tiltak; a conflict raises ``ConflictError`` so ``attempt`` keeps it for ``conflict_panel``."""
    result = save_changes(ctx.engine, ctx.actor, ctx.plan_id, [change])
    if result.conflicts:
        raise result.conflicts[0].error()
    return result.summary()


def reapply(ctx: PageContext, conflict: Conflict) -> str:
    """Save the user's change again on top of the other person's version (a new conflict raises again)."""
    return save_one(ctx, conflict.reapply())


def _save(ctx: PageContext, key: str, snapshot: pl.DataFrame, editor_key: str) -> None:
    """The save button's callback: it runs before the rerun the click starts, so that one rerun already
    shows the saved data (no second rerun); a refused save leaves the edits in the grid. It also runs before
    that rerun's session check, with the ``ctx`` of the run that drew the button: the write path reads the
    session and the role again itself (``UnitOfWork``) and refuses with ``SessionEnded`` when they are gone."""
    changes = editor_changes(snapshot, st.session_state.get(editor_key, {}))
    try:
        result = save_changes(ctx.engine, ctx.actor, ctx.plan_id, changes)
    except ValidationError as exc:
        keep_errors(key, [
            ValidationError("Ingenting er lagret. Rett opp feltene under; endringene dine står fortsatt i tabellen."),
            *(ValidationError(f"«{e.row}» – {e.message}" if e.row else e.message) for e in exc.errors)])
        return
    except Exception as exc:  # noqa: BLE001 - AccessDenied, SessionEnded, DatabaseFault …: the edits stay
        keep_errors(key, [exc])
        return
    st.session_state[f"_conflicts_{key}"] = result.conflicts
    reset(key)
    flash(result.summary(), icon=":material/check_circle:" if result.saved else ":material/warning:")


def tiltak_grid(ctx: PageContext, tiltak: pl.DataFrame, key: str, services: list[str]) -> None:
    """Show tiltak read-only, or as an editable grid with a save button for those who may edit."""
    shown_now = display_frame(tiltak)
    column_config = {
        "id": None, "version": None,
        "Tiltak": st.column_config.TextColumn("Tiltak", width=COLUMN_WIDTHS["Tiltak"]),
        "Neste evaluering": st.column_config.DateColumn("Neste evaluering", format="DD.MM.YYYY"),
        "Status": st.column_config.TextColumn("Status", width=COLUMN_WIDTHS["Status"]),
        "Ansvar": st.column_config.ListColumn("Ansvar", width=COLUMN_WIDTHS["Ansvar"]),
        "Statusnotat": st.column_config.TextColumn("Statusnotat", width=COLUMN_WIDTHS["Statusnotat"]),
        "Neste steg": st.column_config.TextColumn("Neste steg", width=COLUMN_WIDTHS["Neste steg"]),
    }
    caption = f"Tiltak ({len(shown_now)})"
    if not ctx.can(Permission.EDIT_TILTAK):
        grid(shown_now, caption=caption, column_config=column_config, row_header="Tiltak")
        return
    snap_key = f"_snap_{key}"
    if snap_key not in st.session_state:
        st.session_state[snap_key] = shown_now
    snapshot: pl.DataFrame = st.session_state[snap_key]
    rows_changed = snapshot["id"].to_list() != shown_now["id"].to_list()
    pending = editor_changes(snapshot, st.session_state.get(f"editor_{key}_{_generation(key)}", {}))
    if rows_changed and not pending:
        reset(key)  # the set of rows changed (filter, new or archived tiltak): start from the database
        snapshot = st.session_state.setdefault(snap_key, shown_now)
    elif rows_changed:
        st.warning("Tabellen viser fortsatt radene fra før du endret filter eller noen la til/arkiverte tiltak, "
                   "fordi du har endringer som ikke er lagret. Lagre dem eller trykk «Last inn på nytt».")
    # Not pinned: Tiltak and Status are already the first columns, and pinning in the editable grid kept a
    # phone's browser busy for seconds (tests/e2e/test_phone.py).
    column_config |= {
        "Tiltak": st.column_config.TextColumn("Tiltak", width=COLUMN_WIDTHS["Tiltak"], disabled=True),
        "Status": st.column_config.SelectboxColumn("Status", options=list(STATUS_LABELS.values()), required=True,
                                                   width=COLUMN_WIDTHS["Status"]),
        "Statusnotat": st.column_config.TextColumn("Statusnotat", max_chars=TILTAK.max_chars("status_note"),
                                                   width=COLUMN_WIDTHS["Statusnotat"]),
        "Ansvar": st.column_config.MultiselectColumn("Ansvar", options=services, width=COLUMN_WIDTHS["Ansvar"]),
        "Neste steg": st.column_config.TextColumn("Neste steg", max_chars=TILTAK.max_chars("next_step"),
                                                  width=COLUMN_WIDTHS["Neste steg"]),
        "Neste evaluering": st.column_config.DateColumn("Neste evaluering", format="DD.MM.YYYY"),
    }
    editor_key = f"editor_{key}_{_generation(key)}"
    st.data_editor(snapshot.to_arrow(),  # Arrow: pyarrow makes the pandas frame, not polars (issue 23)
                   hide_index=True, width="stretch", column_config=column_config, key=editor_key,
                   disabled=["id", "version", "Tiltak"], placeholder=fmt.MISSING, alt=f"{caption}, redigerbar")
    readable_table(shown_now.drop("id", "version"), caption, row_header="Tiltak")
    newer = shown_now.join(snapshot.select("id", pl.col("version").alias("seen")), on="id")
    if newer.filter(pl.col("version") != pl.col("seen")).height:
        st.caption(":material/sync_problem: Noen har lagret endringer i disse tiltakene siden du åpnet tabellen.")
    state = st.session_state.get(editor_key, {})
    changes = editor_changes(snapshot, state)
    if any("status" in c.fields and "status_note" not in c.fields for c in changes):
        st.caption(":material/info: Ny status uten nytt statusnotat tømmer det gamle notatet når du lagrer.")
    c1, c2, _ = st.columns([1, 1, 3])
    c1.button(f"Lagre endringer ({len(changes)})", key=f"save_{key}", type="primary", disabled=not changes,
              on_click=_save, args=(ctx, key, snapshot, editor_key))
    c2.button("Last inn på nytt", key=f"reload_{key}", help="Forkaster endringer som ikke er lagret",
              on_click=reset, args=(key,))
    for exc in kept_errors(key):
        show_error(exc)
    conflict_panel(key, lambda c: reapply(ctx, c), labels=TILTAK.label)
