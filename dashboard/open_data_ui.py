"""Where a released plan's open data lives: the stable addresses, shown to staff (and usable on the public page)."""

from __future__ import annotations

import streamlit as st

from dashboard.context import PageContext
from data_access.formats.open_data import LICENSE_NAME, LICENSE_URL, file_names, plan_url
from data_access.reads.public import released_plan


def open_data_links(ctx: PageContext, plan_key: str) -> None:
    """The files of the plan at their fixed addresses, or why there are none yet."""
    st.header("Åpne data")
    plan = ctx.read(released_plan, plan_key)
    if plan is None:
        st.caption("Planen publiseres som åpne data (CSV og JSON under NLOD 2.0) når en administrator gjør den "
                   "offentlig under Administrasjon. Da får den faste adresser under /apne-data/.")
        return
    base = plan_url(ctx.settings.base_url, plan.key)
    st.caption(f"Faste adresser som kan lenkes til og hentes av maskiner, uten innlogging. Lisens: "
               f"[{LICENSE_NAME}]({LICENSE_URL}). Beskrivelse for data.norge.no (DCAT-AP-NO): "
               f"[dcat.jsonld]({base}dcat.jsonld). Kolonnene er forklart i plan.json og i README.")
    st.markdown("\n".join(f"- [{name}]({base}{name})" for name in file_names(plan)))
