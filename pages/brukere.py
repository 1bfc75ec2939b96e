"""Brukere: the administrator adds users, sets roles and passwords."""

import streamlit as st

from dashboard.context import page_context
from data_access.permissions import ROLES
from data_access.users import add_user, set_password, set_role, users_frame

ctx = page_context()
st.title("Brukere")
users = users_frame(ctx.engine)
st.dataframe(users.rename({"username": "Brukernavn", "name": "Navn", "email": "E-post", "role": "Rolle",
                           "active": "Aktiv"}), hide_index=True, width="stretch")

with st.form("add_user", clear_on_submit=True):
    st.subheader("Ny bruker")
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
    st.subheader("Endre rolle eller passord")
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
