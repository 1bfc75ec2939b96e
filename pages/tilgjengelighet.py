"""Tilgjengelighetserklæring: what Laget meets of WCAG 2.1 AA and what it does not (every role)."""

import streamlit as st

from dashboard.accessibility import show_statement

st.title("Tilgjengelighetserklæring")
show_statement()
