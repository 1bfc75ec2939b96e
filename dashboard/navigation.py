"""Which pages each role sees. Hiding a page is a courtesy; data_access still refuses the write."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from data_access.domain.permissions import Actor, Permission, can

PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"


@dataclass(frozen=True)
class PageSpec:
    file: str
    title: str
    icon: str
    url_path: str
    needs: Permission | None = None
    default: bool = False

    @property
    def path(self) -> str:
        return str(PAGES_DIR / self.file)


PAGES: list[PageSpec] = [
    PageSpec("oversikt.py", "Oversikt", ":material/dashboard:", "oversikt", default=True),
    PageSpec("tiltak.py", "Tiltak", ":material/change_history:", "tiltak"),
    PageSpec("tjenester.py", "Per tjeneste", ":material/apartment:", "tjenester"),
    PageSpec("dekning.py", "Dekningskart", ":material/grid_on:", "dekningskart"),
    PageSpec("motemodus.py", "Møtemodus", ":material/groups:", "motemodus", needs=Permission.RUN_GROUP_MEETING),
    PageSpec("endringslogg.py", "Endringslogg", ":material/history:", "endringslogg"),
    PageSpec("motekalender.py", "Møtekalender", ":material/calendar_month:", "motekalender"),
    PageSpec("indikatorer.py", "Indikatorer", ":material/monitoring:", "indikatorer"),
    PageSpec("rapport.py", "Rapport", ":material/summarize:", "rapport"),
    PageSpec("importer.py", "Importer tall", ":material/upload_file:", "importer", needs=Permission.EDIT_INDICATORS),
    PageSpec("brukere.py", "Administrasjon", ":material/admin_panel_settings:", "administrasjon",
             needs=Permission.MANAGE_USERS),
    PageSpec("tilgjengelighet.py", "Tilgjengelighetserklæring", ":material/accessibility:", "tilgjengelighet"),
]

# Reachable without login (``dashboard.public_app``): never a staff page, and with their own minimal navigation.
PUBLIC_PAGES: list[PageSpec] = [
    PageSpec("offentlig.py", "Planen for forebygging – offentlig side", ":material/public:", "offentlig"),
    PageSpec("offentlig_tilgjengelighet.py", "Tilgjengelighetserklæring – offentlig side", ":material/accessibility:",
             "offentlig-tilgjengelighet"),
]


def hold_requested_page() -> None:
    """Before login: resolve the address against every page (hidden, not run), so the requested page and its
    query string are still the current ones when login reruns the app; the user lands where the link pointed."""
    import streamlit as st

    st.navigation([st.Page(p.path, title=p.title, url_path=p.url_path, default=p.default)
                   for p in PAGES + PUBLIC_PAGES], position="hidden")  # the public pages stay reachable from here


def pages_for(actor: Actor) -> list[PageSpec]:
    return [p for p in PAGES if p.needs is None or can(actor, p.needs)]
