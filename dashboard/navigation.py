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


# Reminder e-mails and README link ``/oversikt``, but Streamlit serves the default page at ``/`` only: a hidden page
# at ``/oversikt`` sends the user on to ``/`` with the same query string. The default page itself reserves a path
# nobody links to (Streamlit requires one).
FRONT_ALIAS = "oversikt"
FRONT_RESERVED = "forside-standard"


def streamlit_pages(specs: list[PageSpec], *, icons: bool = True) -> list:
    """The st.Page objects for ``specs``, plus the hidden ``/oversikt`` alias of the default page."""
    import streamlit as st

    pages = [st.Page(p.path, title=p.title, icon=p.icon if icons else None, default=p.default,
                     url_path=FRONT_RESERVED if p.default and p.url_path == FRONT_ALIAS else p.url_path)
             for p in specs]
    front = next((page for page, spec in zip(pages, specs, strict=True) if spec.default), None)
    if front is not None:
        def to_front() -> None:
            st.switch_page(front, query_params=st.query_params.to_dict())

        pages.append(st.Page(to_front, title=front.title, url_path=FRONT_ALIAS, visibility="hidden"))
    return pages


def hold_requested_page() -> None:
    """Before login: resolve the address against every page (hidden, not run), so the requested page and its
    query string are still the current ones when login reruns the app; the user lands where the link pointed."""
    import streamlit as st

    st.navigation(streamlit_pages(PAGES + PUBLIC_PAGES, icons=False),
                  position="hidden")  # the public pages stay reachable from here


def pages_for(actor: Actor) -> list[PageSpec]:
    return [p for p in PAGES if p.needs is None or can(actor, p.needs)]
