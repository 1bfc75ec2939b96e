"""Tilgjengelighetserklæring for the public page (no login)."""

import streamlit as st

from dashboard.accessibility import show_public_statement
from dashboard.public_ui import public_nav

public_nav(st.query_params.get("plan"))
st.title("Tilgjengelighetserklæring for den offentlige siden")
show_public_statement()
