"""Offentlig side: the plan as the kommune has released it, for citizens and the ungdomsråd (no login)."""

import streamlit as st

from dashboard.context import page_context
from dashboard.open_data_ui import open_data_links
from dashboard.public_ui import NOT_FOUND, plan_list, public_nav, read_plan, show_plan

ctx = page_context()
plan_key = st.query_params.get("plan")
public_nav(plan_key)
if not plan_key:
    plan_list(ctx)
elif (plan := read_plan(ctx, plan_key)) is None:
    st.title("Fant ikke planen")
    st.info(NOT_FOUND)
else:
    show_plan(ctx, plan)
    open_data_links(ctx, plan.key)
