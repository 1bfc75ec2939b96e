"""Stable addresses for open data, served beside the Streamlit app: ``/apne-data/<plan>/tiltak.csv`` and friends.

A Streamlit page cannot answer with a raw file at a fixed address, and ``server.enableStaticServing`` serves
only files on one machine's disk. Streamlit (1.5x and later) serves the app with Starlette; ``install`` adds
these routes to the ones Streamlit builds (``create_streamlit_routes``), before the server starts, so every
replica answers the same from the shared database. ``laget run`` installs them; ``tests/e2e/test_open_data.py``
checks that they still take effect after a Streamlit upgrade.

No login: only a plan whose public view is on is served (``reads.public.released_plan``), and only its released
parts; any other plan key answers 404, the same as one that does not exist.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from html import escape

from config.settings import Settings
from data_access.db.bootstrap import prepared_engine
from data_access.domain.plans import kommune_title
from data_access.formats.dcat import catalog
from data_access.formats.open_data import LICENSE_NAME, LICENSE_URL, file_names, open_file, plan_url
from data_access.reads.public import released_plan, released_plans

PREFIX = "apne-data"
NOT_FOUND = "Fant ingen offentlige data her. Planen finnes ikke, er ikke offentlig, eller delen er ikke frigitt."
HEADERS = {"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=300",
           "X-Content-Type-Options": "nosniff"}
JSONLD = "application/ld+json; charset=utf-8"
LOG = logging.getLogger("laget")


def _dcat_bytes(doc: dict) -> bytes:
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def answer(settings: Settings, plan_key: str | None, name: str) -> tuple[int, bytes, str]:
    """(status, body, media type) for one request; blocking (database reads), run it in a thread."""
    engine = prepared_engine(settings)  # a brand-new database may meet this before any page run
    base = settings.base_url
    if plan_key is None:  # the catalogue of every released plan
        plans = [p for p in (released_plan(engine, k) for k in released_plans(engine)["key"].to_list()) if p]
        doc = catalog(plans, base, settings.publisher_orgnr, settings.open_data_contact,
                      catalog_url=f"{base}/{PREFIX}/katalog.jsonld")
        return 200, _dcat_bytes(doc), JSONLD
    plan = released_plan(engine, plan_key)
    if plan is None:
        return 404, NOT_FOUND.encode(), "text/plain; charset=utf-8"
    if name == "dcat.jsonld":
        doc = catalog([plan], base, settings.publisher_orgnr, settings.open_data_contact,
                      catalog_url=plan_url(base, plan.key) + "dcat.jsonld")
        return 200, _dcat_bytes(doc), JSONLD
    if name == "":
        return 200, _index(plan.name, plan.kommune, file_names(plan)).encode(), "text/html; charset=utf-8"
    found = open_file(plan, name, base)
    if found is None:
        return 404, NOT_FOUND.encode(), "text/plain; charset=utf-8"
    return 200, found.body, found.media_type


def _index(name: str, kommune: str, files: list[str]) -> str:
    items = "".join(f'<li><a href="{escape(f)}">{escape(f)}</a></li>' for f in [*files, "dcat.jsonld"])
    return (f'<!doctype html><html lang="nb"><meta charset="utf-8"><title>Åpne data – {escape(name)}</title>'
            f"<h1>Åpne data: {escape(name)}</h1><p>{escape(kommune_title(kommune))}. Lisens: "
            f'<a href="{LICENSE_URL}">{escape(LICENSE_NAME)}</a>.</p><ul>{items}</ul></html>')


def routes(get_settings: Callable[[], Settings], base_path: str = "") -> list:
    """Starlette routes under ``/<base_path>/apne-data/``; ``get_settings`` is asked once per request."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import Response
    from starlette.routing import Route

    async def serve(request) -> Response:
        key = request.path_params.get("plan")
        name = request.path_params.get("name", "")
        try:
            status, body, media = await run_in_threadpool(answer, get_settings(), key, name)
        except Exception:
            LOG.exception("Open data %s/%s failed", key, name)
            status, body, media = 503, "Åpne data er ikke tilgjengelige akkurat nå. Prøv igjen senere.".encode(), \
                "text/plain; charset=utf-8"
        headers = dict(HEADERS)
        if status == 200 and name and name != "dcat.jsonld" and not name.endswith(".json"):
            headers["Content-Disposition"] = f'inline; filename="{key}-{name}"'
        return Response(body, status_code=status, media_type=media, headers=headers)

    root = "/" + "/".join(p for p in (base_path.strip("/"), PREFIX) if p)
    return [Route(f"{root}/katalog.jsonld", serve, methods=["GET", "HEAD"]),
            Route(f"{root}/{{plan}}/", serve, methods=["GET", "HEAD"]),
            Route(f"{root}/{{plan}}/{{name}}", serve, methods=["GET", "HEAD"])]


def install() -> None:
    """Add the routes to the Starlette app Streamlit builds; call before the server starts (``laget run``)."""
    from streamlit import config
    from streamlit.web.server.starlette import starlette_app

    original = starlette_app.create_streamlit_routes
    if getattr(original, "laget_open_data", False):
        return

    def with_open_data(runtime):
        from dashboard.context import current_settings

        return [*routes(current_settings, config.get_option("server.baseUrlPath") or ""), *original(runtime)]

    with_open_data.laget_open_data = True  # type: ignore[attr-defined]
    starlette_app.create_streamlit_routes = with_open_data
