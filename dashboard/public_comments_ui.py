"""Staff side of the public page: the administrator's release switch, and the ungdomsråd's comments for the group.

``release_section`` (Administrasjon) switches the plan's public view on or off and chooses the released parts;
what is internal by nature has no switch (``domain.public.NEVER_RELEASED`` is listed so the admin knows).
``comments_agenda`` (Møtemodus) shows the comments waiting for moderation and the approved ones per tiltak, with
«Godkjenn»/«Avvis» for those who may moderate. Only approved comments are ever shown on the public page.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.context import PageContext
from dashboard.ui import attempt, plain
from data_access.domain import formatting as fmt
from data_access.domain.permissions import Permission
from data_access.domain.public import COMMENT_STATES, NEVER_RELEASED, NEVER_RELEASED_WORDS, PARTS
from data_access.reads.arenas import arenas_frame
from data_access.reads.public import comments_frame, release_settings
from data_access.writes.public import moderate_comment, set_release


def public_address(ctx: PageContext) -> str:
    return f"{ctx.settings.base_url}/offentlig?plan={ctx.plan['key']}"


def release_section(ctx: PageContext) -> None:
    """«Offentlig side» for the chosen plan: on/off and the parts released; a save is one compare-and-set."""
    st.header("Offentlig side")
    settings = ctx.read(release_settings, ctx.plan_id)
    st.write("Den offentlige siden viser planen uten innlogging: pyramiden, hvert tiltak med status og "
             "ansvarlig tjeneste, og de delene du slår på under. Statusnotater, møtenotater, referater, "
             "oppfølgingspunkter, kontaktpersoner og navn på personer vises aldri.")
    if settings.is_public:
        st.success(f"Planen er offentlig på {public_address(ctx)}", icon=":material/public:")
    else:
        st.info("Planen er ikke offentlig.", icon=":material/public_off:")
    key = f"release_{ctx.plan_id}_{settings.version}"
    with st.form(key):
        on = st.toggle("Vis planen på den offentlige siden", value=settings.is_public)
        chosen = {part for part, label in PARTS.items()
                  if st.checkbox(label, value=part in settings.parts, key=f"{key}_{part}")}
        saved = st.form_submit_button("Lagre innstillingene for den offentlige siden")
    if "arena_roles" in PARTS:
        with st.expander("Se hva som står i Leder og Deltakere på møtearenaene"):
            arenas = ctx.read(arenas_frame, ctx.plan_id)
            st.caption("Slå bare på «Leder og deltakere» når feltene inneholder roller og tjenester, ikke navn.")
            for a in arenas.iter_rows(named=True):
                st.text(f"{a['name']}: leder {a['leader'] or fmt.MISSING}; deltakere "
                        f"{', '.join(a['participants']) or fmt.MISSING}")
    with st.expander("Dette vises aldri på den offentlige siden"):
        st.markdown("\n".join(f"- {plain(NEVER_RELEASED_WORDS[field])}: {plain(why)}"
                               for field, why in NEVER_RELEASED.items()))
    if saved:
        attempt(lambda: set_release(ctx.engine, ctx.actor, ctx.plan_id, is_public=on, parts=chosen,
                                    seen_version=settings.version),
                "Innstillingene for den offentlige siden er lagret.")


def comments_agenda(ctx: PageContext) -> None:
    """«Kommentarer fra den offentlige siden»: waiting ones first, with moderation buttons, then approved ones."""
    comments = ctx.read(comments_frame, ctx.plan_id)
    if comments.is_empty():
        return
    waiting = comments.filter(pl.col("state") == "venter")
    st.header(f"Kommentarer fra den offentlige siden ({waiting.height} venter)")
    st.caption("Kommentarene er skrevet av ungdomsrådet eller andre på den offentlige siden, uten navn. Bare "
               "godkjente kommentarer vises der. Avvis kommentarer med navn eller opplysninger om enkeltpersoner.")
    may = ctx.can(Permission.MODERATE_COMMENTS)
    shown = comments.filter(pl.col("state") != "avvist").sort("state", "tiltak", "created_at",
                                                              descending=[True, False, False])  # venter first
    for row in shown.iter_rows(named=True):
        with st.container(border=True):
            st.markdown(f"**{plain(row['tiltak'])}** · {fmt.day(row['created_at'])} · "
                        f"{COMMENT_STATES[row['state']]}")
            st.text(row["text"])
            if may:
                c1, c2, _ = st.columns([1, 1, 3])
                ident = f"{row['id']}_{row['version']}"
                if row["state"] != "godkjent" and c1.button("Godkjenn", key=f"approve_{ident}"):
                    attempt(lambda r=row: moderate_comment(ctx.engine, ctx.actor, r["id"], r["version"], "godkjent"),
                            "Kommentaren er godkjent og vises på den offentlige siden.")
                if c2.button("Avvis" if row["state"] == "venter" else "Skjul igjen", key=f"reject_{ident}"):
                    attempt(lambda r=row: moderate_comment(ctx.engine, ctx.actor, r["id"], r["version"], "avvist"),
                            "Kommentaren er avvist og vises ikke.")
