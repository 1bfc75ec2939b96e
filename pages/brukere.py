"""Administrasjon: the administrator manages users (roles, passwords) and plans."""

import polars as pl
import streamlit as st

from dashboard.context import page_context
from dashboard.tables import grid
from dashboard.ui import flash
from data_access import formatting as fmt
from data_access.permissions import ROLES
from data_access.plans import create_plan, plans_frame
from data_access.users import add_user, set_password, set_role, users_frame
from data_access.validation import ValidationError

ctx = page_context()
st.title("Administrasjon")
st.header("Brukere")
users = users_frame(ctx.engine)
grid(users.rename({"username": "Brukernavn", "name": "Navn", "email": "E-post", "role": "Rolle",
                           "active": "Aktiv"}), caption="Brukere")

with st.form("add_user", clear_on_submit=True):
    st.header("Ny bruker")
    c1, c2 = st.columns(2)
    username = c1.text_input("Brukernavn")
    name = c2.text_input("Navn")
    role = c1.selectbox("Rolle", list(ROLES), format_func=ROLES.get)
    password = c2.text_input("Passord (minst 8 tegn)", type="password")
    if st.form_submit_button("Legg til"):
        try:
            add_user(ctx.engine, ctx.actor, username=username, name=name, role=role, password=password)
            st.toast(f"Brukeren «{username}» er lagt til.")
            st.rerun()
        except (ValueError, PermissionError) as exc:
            st.error(str(exc))

with st.form("change_user"):
    st.header("Endre rolle eller passord")
    names = users["username"].to_list()
    who = st.selectbox("Bruker", names)
    c1, c2, c3 = st.columns(3)
    new_role = c1.selectbox("Ny rolle", list(ROLES), format_func=ROLES.get)
    active = c2.checkbox("Aktiv", value=True)
    new_password = c3.text_input("Nytt passord (tomt = uendret)", type="password")
    if st.form_submit_button("Lagre"):
        try:
            set_role(ctx.engine, ctx.actor, who, new_role, active)
            if new_password:
                set_password(ctx.engine, ctx.actor, who, new_password)
            st.toast(f"«{who}» er oppdatert.")
            st.rerun()
        except (ValueError, PermissionError) as exc:
            st.error(str(exc))

st.divider()
st.header("Planer")
grid(plans_frame(ctx.engine).select(
    pl.col("kommune").alias("Kommune"), pl.col("name").alias("Plan"),
    pl.col("start_year").cast(pl.String).fill_null(fmt.MISSING).alias("Fra"),
    pl.col("end_year").cast(pl.String).fill_null(fmt.MISSING).alias("Til"),
    pl.col("uses_protective_factors").alias("Beskyttelsesfaktorer"),
    pl.col("is_demo").alias("Demo")), caption="Planer")
with st.form("new_plan", clear_on_submit=True):
    st.markdown("**Ny plan** – for en kommune som vil følge opp sin egen plan")
    c1, c2 = st.columns(2)
    plan_name = c1.text_input("Navn på planen", placeholder="Plan for forebygging av omsorgssvikt og …")
    kommune = c2.text_input("Kommune")
    c3, c4 = st.columns(2)
    start_year = c3.number_input("Fra år", value=None, min_value=2000, max_value=2100, step=1)
    end_year = c4.number_input("Til år", value=None, min_value=2000, max_value=2100, step=1)
    l1, l2, l3 = st.columns(3)
    labels = {"universell": l1.text_input("Navn på grønt nivå", value="Universell"),
              "selektiv": l2.text_input("Navn på gult nivå", value="Selektiv"),
              "indikativ": l3.text_input("Navn på rødt nivå", value="Indikativ")}
    factors = st.text_area("Beskyttelsesfaktorer (én per linje, tomt hvis planen ikke bruker dem)")
    if st.form_submit_button("Opprett plan"):
        try:
            create_plan(ctx.engine, ctx.actor, name=plan_name, kommune=kommune,
                        start_year=int(start_year) if start_year else None,
                        end_year=int(end_year) if end_year else None, level_labels=labels,
                        protective_factors=factors.splitlines())
            st.cache_data.clear()
            flash(f"Planen for {kommune.strip()} er opprettet. Velg den i menyen til venstre.")
            st.rerun()
        except (ValidationError, PermissionError) as exc:
            st.error(str(exc))
