"""The pieces of Møtemodus: the changes of this meeting with undo, walking the agenda tiltak by tiltak,
action items, ending with a preview, and the minutes' downloads. Every write goes through data_access."""

from __future__ import annotations

import zlib
from datetime import date

import polars as pl
import streamlit as st

from dashboard.context import PageContext
from dashboard.factor_ui import factor_tags
from dashboard.tables import grid
from dashboard.tiltak_detail import history_table
from dashboard.tiltak_editor import reapply, save_one
from dashboard.ui import attempt, conflict_panel, download, flash, forget_snapshot, plain, show_error, snapshot
from data_access.db.changelog import FIELD_LABELS, log_frame, readable
from data_access.db.uow import Change
from data_access.domain.errors import LagetError
from data_access.domain.fields import ACTION, TILTAK
from data_access.domain.net_changes import created, net_changes, saves
from data_access.domain.validation import format_date
from data_access.domain.vocabulary import STATUS_LABELS
from data_access.formats.minutes import from_json, to_docx, to_markdown
from data_access.formats.minutes_pdf import blocks_pdf, minutes_pdf
from data_access.reads.actions import actions_table
from data_access.reads.group_meetings import OTHER_ENTITIES, minutes_for, net_text
from data_access.writes.actions import add_action, set_closed
from data_access.writes.group_meetings import end_meeting
from data_access.writes.tiltak import undo_save

KEYS = {"prev": "Alt+P", "next": "Alt+N", "save": "Mod+Enter"}


def _who(r: dict) -> str:
    return r["name"] or r["username"]


def _save_text(save: dict) -> str:
    """One save of a tiltak in words: «Neste steg: a → b; Status: I gang → Avsluttet»."""
    if save["action"] == "create":
        return "nytt tiltak"
    parts = []
    for field, old, new in zip(save["fields"], save["old_values"], save["new_values"], strict=True):
        if field == "archived":
            parts.append("arkivert" if new == "ja" else "gjenopprettet")
        else:
            parts.append(f"{FIELD_LABELS.get(field or '', field or '')}: {readable(field, old, '(tomt)')} → "
                         f"{readable(field, new, '(tomt)')}")
    return ("Angret – " if save["action"] == "undo" else "") + "; ".join(parts)


def _other_text(r: dict, action_texts: dict[int, str]) -> str:
    if r["entity"] == "action":
        text = action_texts.get(r["entity_id"], "")
        what = {"create": "åpnet", "update": "lukket", "restore": "åpnet igjen"}.get(r["action"], r["action"])
        return f"Oppfølgingspunkt {what}: «{text}» ({_who(r)})"
    kind = OTHER_ENTITIES.get(r["entity"], r["entity"])
    return f"{kind} {r['entity_id']}: {_save_text(r)} ({_who(r)})"


def _undo(ctx: PageContext, save: dict) -> None:
    if save["entity"] != "tiltak":
        set_closed(ctx.engine, ctx.actor, save["entity_id"], False)
        return
    undo_save(ctx.engine, ctx.actor, min(save["ids"]))
    forget_snapshot(f"walk_{save['entity_id']}")  # the walk's form shows the tiltak as the undo left it


def _undo_button(ctx: PageContext, save: dict, where, key: str) -> None:
    if where.button("Angre", key=key, icon=":material/undo:"):
        attempt(lambda: _undo(ctx, save), "Lagringen er angret (og angringen står i loggen).")


def meeting_changes(ctx: PageContext, meeting_id: int, names: dict[int, str], actions: pl.DataFrame) -> None:
    """The meeting's changes per tiltak: the net change (what the minutes will say), and each save, newest
    first, with one undo per save (all fields saved together). Other changes (actions, calendar) follow."""
    log = ctx.read(log_frame, group_meeting_id=meeting_id)
    on_tiltak = log.filter(pl.col("entity") == "tiltak")
    st.header(f"Endringer i dette møtet ({on_tiltak['entity_id'].n_unique()} tiltak)")
    if log.is_empty():
        st.caption("Ingen endringer er lagret i møtet ennå. Endringer fra alle sider kommer med her mens møtet pågår.")
        return
    undone = set(log["undo_of_id"].drop_nulls().to_list())
    net = net_changes(on_tiltak)
    new_ids = set(created(on_tiltak))
    all_saves = saves(log)
    for tiltak_id in on_tiltak["entity_id"].unique(maintain_order=True).to_list():
        with st.container(border=True):
            st.markdown(f"**{plain(names.get(tiltak_id, f'Tiltak {tiltak_id}'))}**")
            mine = net.filter(pl.col("entity_id") == tiltak_id)
            result = (["Nytt tiltak opprettet"] if tiltak_id in new_ids else []) + [
                net_text(r) for r in mine.iter_rows(named=True)]
            st.caption(plain("I referatet: " + ("; ".join(result) if result
                                                 else "ingen endring (det som ble endret, er angret)")))
            for save in all_saves.filter((pl.col("entity") == "tiltak") & (pl.col("entity_id") == tiltak_id)) \
                    .iter_rows(named=True):
                c1, c2, c3 = st.columns([1, 8, 2], vertical_alignment="center")
                c1.caption(f"{save['at']:%H:%M}")
                c2.text(f"{_save_text(save)} ({_who(save)})")
                if all(i in undone for i in save["ids"]):
                    c3.caption("angret")
                elif save["action"] != "create":
                    _undo_button(ctx, save, c3, f"undo_save_{min(save['ids'])}")
    rest = log.filter(pl.col("entity") != "tiltak")
    if rest.height:
        st.markdown("**Andre endringer**")
        texts = dict(zip(actions["id"].to_list(), actions["text"].to_list(), strict=True))
        for save in saves(rest).iter_rows(named=True):
            c1, c2, c3 = st.columns([1, 8, 2], vertical_alignment="center")
            c1.caption(f"{save['at']:%H:%M}")
            first = {**save, "field": save["fields"][0]}
            c2.text(_other_text(first, texts))
            if all(i in undone for i in save["ids"]):
                c3.caption("angret")
            elif save["entity"] == "action" and save["action"] == "update":
                _undo_button(ctx, save, c3, f"undo_save_{min(save['ids'])}")


WALK = "walk_id"  # the tiltak the walk shows, by id: a save that reorders or shrinks the agenda never moves it


def walk_order(meeting_id: int, ids: list[int], handled: list[int], alive: set[int]) -> list[int]:
    """The walk's list for this meeting: in the order it was first shown, new agenda items added at the end.

    A save can take a tiltak off the agenda (a new evaluation date, no longer untouched); it stays in the walk
    until the meeting ends, so the group sees what it saved and can correct it. ``handled``: tiltak changed in
    this meeting (the list a new browser session starts from); ``alive``: tiltak that still exist."""
    key = f"_walk_order_{meeting_id}"
    order = [i for i in st.session_state.get(key, []) if i in alive]
    order += [i for i in [*ids, *handled] if i not in order and i in alive]
    st.session_state[key] = order
    return order


def walk_agenda(ctx: PageContext, ids: list[int], tiltak: pl.DataFrame, meeting_id: int,
                reasons: dict[int, str], actions: pl.DataFrame, handled: list[int] | None = None) -> None:
    """One tiltak at a time, with its history beside it; Alt+N / Alt+P step, Ctrl+Enter saves.

    The walk holds on to the tiltak shown (by id), also when saving it takes it off the agenda."""
    st.header("Gå gjennom agendaen")
    names = dict(zip(tiltak["id"].to_list(), tiltak["name"].to_list(), strict=True))
    order = walk_order(meeting_id, ids, handled or [], set(names))
    if not order:
        st.caption("Agendaen er tom: ingen tiltak har passert evalueringsdatoen, står urørt eller er endret "
                   "siden forrige møte.")
        return
    current = st.session_state.get(WALK)
    if current not in order:
        current = order[0]
        st.session_state[WALK] = current
    pos = order.index(current)
    labels = {i: f"{n + 1} av {len(order)}: {names.get(i, '')}" for n, i in enumerate(order)}
    nav1, nav2, nav3 = st.columns([1, 4, 1], vertical_alignment="center")
    if nav1.button("Forrige", key="walk_prev", icon=":material/arrow_back:", shortcut=KEYS["prev"],
                   disabled=pos == 0):
        st.session_state[WALK] = order[pos - 1]
        st.rerun()
    # The key names the shown tiltak and every label: after a save that changes the list, the picker is drawn
    # anew on the tiltak shown, never left naming the one that was there before.
    signature = zlib.crc32("\x1f".join(labels.values()).encode())
    jump = nav2.selectbox("Tiltak på agendaen", order, index=pos, key=f"walk_jump_{meeting_id}_{current}_{signature}",
                          format_func=labels.get, label_visibility="collapsed")
    if jump != current:
        st.session_state[WALK] = jump
        st.rerun()
    if nav3.button("Neste", key="walk_next", icon=":material/arrow_forward:", shortcut=KEYS["next"],
                   disabled=pos >= len(order) - 1):
        st.session_state[WALK] = order[pos + 1]
        st.rerun()
    st.caption(f"Tastatur: {KEYS['next']} neste, {KEYS['prev']} forrige, Ctrl+Enter lagrer skjemaet.")
    row = tiltak.filter(pl.col("id") == current).row(0, named=True)
    if current not in ids:
        st.info(plain(f"«{row['name']}» er ikke lenger på agendaen etter det som er lagret i møtet (neste "
                      f"evaluering {format_date(row['next_evaluation']) or '–'}, status {row['status_label']}). "
                      "Det blir stående i listen til møtet er slutt, så dere kan se og rette det som ble lagret."))
    left, right = st.columns([3, 2])
    with left:
        st.text(f"{row['name']} · {row['level_label']} · {row['status_label']}")
        why = reasons.get(row["id"]) or "behandlet i dette møtet"
        st.caption(plain(f"På agendaen fordi: {why} · Ansvar: "
                         f"{', '.join(row['services']) or '–'} · Neste evaluering: "
                         f"{format_date(row['next_evaluation']) or '–'}"))
        _walk_form(ctx, row, meeting_id)
        factor_tags(ctx, row)
        mine = actions.filter(pl.col("tiltak_id") == row["id"])
        if mine.height:
            st.markdown("**Åpne oppfølgingspunkter for tiltaket**")
            grid(actions_table(mine, date.today()), caption="Åpne oppfølgingspunkter for tiltaket")
    with right:
        st.markdown("**Historikk**")
        log = log_frame(ctx.engine, entity="tiltak", entity_ids=[row["id"]], limit=20)
        if log.is_empty():
            st.caption("Ingen endringer er registrert.")
        else:
            grid(history_table(log).select("Tidspunkt", "Hvem", "Felt", "Til"), caption="Historikk for tiltaket")


def _walk_form(ctx: PageContext, row: dict, meeting_id: int) -> None:
    row = snapshot(f"walk_{row['id']}", row)  # the version the user sees is the one the save sends
    conflict_panel(f"walk_{row['id']}", lambda c: reapply(ctx, c), labels=TILTAK.label)
    statuses = list(STATUS_LABELS)
    with st.form(f"walk_{row['id']}_{row['version']}"):
        status = st.selectbox("Status", statuses, index=statuses.index(row["status"]), format_func=STATUS_LABELS.get)
        note = st.text_area("Statusnotat", value=row["status_note"], max_chars=TILTAK.max_chars("status_note"),
                            help="Ny status krever et nytt statusnotat.")
        next_step = st.text_input("Neste steg", value=row["next_step"], max_chars=TILTAK.max_chars("next_step"))
        evaluation = st.date_input("Neste evaluering", value=row["next_evaluation"], format="DD.MM.YYYY")
        saved = st.form_submit_button("Lagre tiltaket", type="primary", shortcut=KEYS["save"])
    if not saved:
        return
    fields = {k: v for k, v, old in (("status", status, row["status"]), ("status_note", note, row["status_note"]),
                                     ("next_step", next_step, row["next_step"]),
                                     ("next_evaluation", evaluation, row["next_evaluation"])) if v != old}
    if "status" in fields and ("status_note" not in fields or not note.strip()):
        st.error(f"Du endret status til «{STATUS_LABELS[status]}». Skriv et nytt statusnotat som forklarer "
                 "den nye statusen, og lagre igjen.")
        return
    if not fields:
        st.info("Ingen endringer å lagre.")
        return
    key = f"walk_{row['id']}"
    attempt(lambda: save_one(ctx, Change(row["id"], row["version"], fields)),
            lambda summary: f"«{row['name']}»: {summary}.", conflicts=key)


def action_form(ctx: PageContext, tiltak: pl.DataFrame, services: list[str], meeting_id: int,
                default_tiltak: int | None = None) -> None:
    names = dict(zip(tiltak["id"].to_list(), tiltak["name"].to_list(), strict=True))
    with st.form("new_action", clear_on_submit=True):
        text = st.text_input("Hva skal gjøres", max_chars=ACTION.max_chars("text"))
        c1, c2, c3 = st.columns(3)
        service = c1.selectbox("Ansvarlig tjeneste", services, index=None, placeholder="Velg tjeneste")
        person = c2.text_input("eller ansvarlig person", max_chars=ACTION.max_chars("responsible_person"),
                               help="Navn på en ansatt, aldri et barn.")
        deadline = c3.date_input("Frist", value=None, format="DD.MM.YYYY")
        ids = list(names)
        about = st.selectbox("Gjelder tiltak (valgfritt)", ids, format_func=names.get, placeholder="Ingen",
                             index=ids.index(default_tiltak) if default_tiltak in ids else None)
        added = st.form_submit_button("Legg til oppfølgingspunkt")
    if added:
        attempt(lambda: add_action(ctx.engine, ctx.actor, ctx.plan_id, text=text, deadline=deadline, service=service,
                                   person=person, tiltak_id=about), "Oppfølgingspunktet er lagt til.")


def open_actions(ctx: PageContext, actions: pl.DataFrame, meeting_id: int | None, *, closable: bool) -> None:
    """Open actions as a table, and a close button per action for those who may."""
    if actions.is_empty():
        st.caption("Ingen åpne oppfølgingspunkter.")
        return
    grid(actions_table(actions, date.today()), caption="Åpne oppfølgingspunkter")
    if not closable:
        return
    labels = {r["id"]: f"{format_date(r['deadline'])} · {r['text']}" for r in actions.iter_rows(named=True)}
    c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
    chosen = c1.selectbox("Lukk et oppfølgingspunkt som er gjort", list(labels), format_func=labels.get,
                          key="close_action_pick")
    if c2.button("Lukk", key="close_action"):
        attempt(lambda: set_closed(ctx.engine, ctx.actor, chosen, True), "Oppfølgingspunktet er lukket.")


END_FLAG = "_end_dialog_open"


def _close_end_dialog() -> None:
    st.session_state.pop(END_FLAG, None)


def end_meeting_button(ctx: PageContext, meeting_id: int, summary: str) -> None:
    """The end button opens the preview; the dialog stays open (across reruns) until confirmed or dismissed."""
    if st.button("Avslutt møtet og lag referat …", type="primary", key="end_meeting"):
        st.session_state[END_FLAG] = meeting_id
    if st.session_state.get(END_FLAG) == meeting_id:
        end_dialog(ctx, meeting_id, summary)


@st.dialog("Avslutt møtet", width="large", on_dismiss=_close_end_dialog)
def end_dialog(ctx: PageContext, meeting_id: int, summary: str) -> None:
    """Show the minutes as they will be stored, and end only on confirmation."""
    try:
        preview = to_markdown(minutes_for(ctx.engine, meeting_id, summary))
    except LagetError as exc:
        show_error(exc)
        return
    st.caption("Slik blir referatet. Møtet avsluttes først når du bekrefter.")
    with st.container(height=420, border=True):
        st.markdown(preview)
    c1, c2 = st.columns(2)
    if c1.button("Bekreft og avslutt møtet", type="primary", key="confirm_end"):
        try:
            end_meeting(ctx.engine, ctx.actor, meeting_id, summary=summary)
        except LagetError as exc:
            show_error(exc)
            return
        st.session_state.pop(WALK, None)
        _close_end_dialog()
        flash("Møtet er avsluttet, og referatet er lagret.")
        st.rerun()
    if c2.button("Avbryt", key="cancel_end"):
        _close_end_dialog()
        st.rerun()


def minutes_downloads(meeting: dict) -> None:
    stem = f"referat-{meeting['meeting_date']:%Y-%m-%d}"
    title = f"Referat {format_date(meeting['meeting_date'])}"
    blocks = from_json(meeting.get("minutes_json"))
    c1, c2, c3 = st.columns(3)
    download("Last ned som tekstfil", lambda: meeting["minutes_md"], file_name=f"{stem}.md", mime="text/markdown",
             key=f"md_{meeting['id']}", where=c1)
    download("Last ned PDF", lambda: blocks_pdf(blocks, title) if blocks else minutes_pdf(meeting["minutes_md"], title),
             file_name=f"{stem}.pdf", mime="application/pdf", key=f"pdf_{meeting['id']}", where=c2)
    if blocks:
        download("Last ned Word", lambda: to_docx(blocks, title), file_name=f"{stem}.docx", key=f"docx_{meeting['id']}",
                 mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document", where=c3)
