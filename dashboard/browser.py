"""Two things Streamlit has no setting for, done in the browser: the page language and the phone sidebar.

- ``<html lang="en">`` is fixed in Streamlit's page; Laget's text is Norwegian bokmål, so screen readers must be
  told ``lang="nb"`` (WCAG 3.1.1).
- On a phone the sidebar covers the page and stays open after a page is chosen; it is closed when the page
  changes and the window is narrower than Streamlit's mobile breakpoint.
The script is part of the element's HTML, so it runs again only when the page changes.
"""

from __future__ import annotations

import json

import streamlit as st

MOBILE_WIDTH = 768  # Streamlit's breakpoint for the overlay sidebar


def script(page_key: str) -> str:
    return f"""<script>
document.documentElement.lang = "nb";
(function () {{
  const page = {json.dumps(page_key)};
  const before = window.__lagetPage;
  window.__lagetPage = page;
  if (before === undefined || before === page || window.innerWidth >= {MOBILE_WIDTH}) return;
  const close = () => {{
    const sidebar = document.querySelector('[data-testid="stSidebar"]');
    const box = sidebar && sidebar.getBoundingClientRect();
    const button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (box && box.width > 0 && box.right > 0 && button) button.click();
  }};
  close();
  setTimeout(close, 300);
}})();
</script>"""


def page_behaviour(page_key: str) -> None:
    st.html(script(page_key), unsafe_allow_javascript=True, width="content")
