"""Two things Streamlit has no setting for, done in the browser: the page language and the phone sidebar.

- ``<html lang="en">`` is fixed in Streamlit's page; Laget's text is Norwegian bokmål, so screen readers must be
  told ``lang="nb"`` (WCAG 3.1.1).
- On a phone the sidebar covers the page and stays open after a page is chosen; it is closed when the page
  changes and the window is narrower than Streamlit's mobile breakpoint.
The script runs again only when the page changes (the element's HTML names the page).
"""

from __future__ import annotations

from html import escape

import streamlit as st

MOBILE_WIDTH = 768  # Streamlit's breakpoint for the overlay sidebar


# Static, so that the reverse proxy's Content-Security-Policy can allow exactly this script by its hash
# (deploy/nginx/laget.conf; tests/unit/test_csp.py keeps the two in step). The page it runs for is read from
# the element just before it, which differs per page, so Streamlit draws the element (and runs the script) anew
# when the page changes.
SCRIPT = f"""
document.documentElement.lang = "nb";
(function () {{
  const marks = document.querySelectorAll("[data-laget-page]");
  const page = marks.length ? marks[marks.length - 1].getAttribute("data-laget-page") : "";
  const before = window.__lagetPage;
  window.__lagetPage = page;
  if (before === page || window.innerWidth >= {MOBILE_WIDTH}) return;  // also on the first page shown: harmless
  const close = () => {{
    const sidebar = document.querySelector('[data-testid="stSidebar"]');
    const box = sidebar && sidebar.getBoundingClientRect();
    const button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (box && box.width > 0 && box.right > 0 && button) button.click();
  }};
  close();
  setTimeout(close, 300);
}})();
"""


def script(page_key: str) -> str:
    return f'<span data-laget-page="{escape(page_key)}" hidden></span><script>{SCRIPT}</script>'


# On a phone the toolbar of a table or chart (search, download, fullscreen) is drawn over its column headings at
# the first touch; the page's own Excel buttons do the download, so below the breakpoint it is not shown.
PHONE_STYLE = (f"<style>@media (max-width: {MOBILE_WIDTH - 1}px) {{ [data-testid='stElementToolbar'] "
               "{ display: none !important; } }</style>")


def page_behaviour(page_key: str) -> None:
    st.html(script(page_key), unsafe_allow_javascript=True, width="content")
    st.html(PHONE_STYLE)
