"""The small form that sets the contact person of a service or a tiltak (redaktør and admin)."""

from __future__ import annotations

import streamlit as st

from dashboard.context import PageContext
from dashboard.ui import attempt
from data_access.domain.fields import CONTACT
from data_access.domain.permissions import Permission
from data_access.writes.contacts import set_contact


def contact_form(ctx: PageContext, *, current: tuple[str, str] | None, service: str | None = None,
                 tiltak_id: int | None = None) -> None:
    if not ctx.can(Permission.EDIT_CONTACTS):
        return
    key = f"contact_{service or ''}_{tiltak_id or ''}"
    with st.expander("Endre kontaktperson"), st.form(key):
        st.caption("Bare ansatte (navn og jobb-e-post). Tøm begge feltene for å fjerne kontaktpersonen.")
        c1, c2 = st.columns(2)
        name = c1.text_input("Navn", value=current[0] if current else "", max_chars=CONTACT.max_chars("name"))
        email = c2.text_input("Jobb-e-post", value=current[1] if current else "", max_chars=CONTACT.max_chars("email"))
        saved = st.form_submit_button("Lagre kontaktperson")
    if saved:
        attempt(lambda: set_contact(ctx.engine, ctx.actor, name=name, email=email, service=service,
                                    tiltak_id=tiltak_id), "Kontaktpersonen er lagret.")
