"""The public page of one plan (``/offentlig?plan=<key>``): what the kommune has released, in plain language.

Everything shown comes from ``reads.public.released_plan`` (released fields only), read once per data version
and shared by every visitor (``dashboard.reads.cached_read``). User text is shown as text (``plain``), numbers and
dates the Norwegian way. Figures have their values as a table under them. Example data is labelled as such.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from dashboard.context import PageContext
from dashboard.navigation import PUBLIC_PAGES
from dashboard.tables import readable_table
from dashboard.ui import chart, plain, show_error
from data_access.db.changelog import readable
from data_access.domain import formatting as fmt
from data_access.domain.errors import LagetError
from data_access.domain.frames import python_column
from data_access.domain.plans import kommune_title
from data_access.domain.public import CHANGE_FIELDS, COMMENT_MAX, ReleasedPlan
from data_access.domain.vocabulary import ARENA_LEVELS, BETTER, EXAMPLE_LABEL, GEOS, LEVEL_COLOR_WORDS, UNITS
from data_access.formats.chart_specs import indicator_chart, pyramid_chart, pyramid_data
from data_access.reads.public import released_plan, released_plans

# What each level means, said plainly (klarspråk)
LEVEL_MEANING = {
    "universell": "for alle barn, unge og foreldre i kommunen",
    "selektiv": "for grupper av barn og familier som har større risiko for å få det vanskelig",
    "indikativ": "for barn og familier der det allerede er tegn på at noe er vanskelig",
}
ARENA_MEANING = {
    "kommune": "Her møtes ledere og politikere for å styre og samordne arbeidet.",
    "tjeneste": "Her møtes tjenestene for å samarbeide om gruppen av barn og unge de jobber med.",
    "individ": "Her samarbeider tjenestene rundt ett barn eller én familie, sammen med familien selv.",
}
NOT_FOUND = ("Vi fant ikke denne planen. Enten er adressen feil, eller kommunen har ikke gjort planen "
             "offentlig ennå.")
ACTION_WORDS = {"create": "Nytt tiltak", "import": "Nytt tiltak", "restore": "Tatt i bruk igjen"}


def page_link(index: int, label: str, plan_key: str | None) -> None:
    spec = PUBLIC_PAGES[index]
    st.page_link(st.Page(spec.path, title=spec.title, url_path=spec.url_path), label=label,
                 query_params={"plan": plan_key} if plan_key else None)


def public_nav(plan_key: str | None) -> None:
    """The public pages' own navigation: the plan and the accessibility statement, nothing of the staff pages."""
    with st.container(horizontal=True, gap="medium"):
        page_link(0, "Planen", plan_key)
        page_link(1, "Tilgjengelighetserklæring", plan_key)


def read_plan(ctx: PageContext, plan_key: str) -> ReleasedPlan | None:
    return ctx.read(released_plan, plan_key, today=date.today())


def plan_list(ctx: PageContext) -> None:
    """No plan in the address: the plans the kommune has made public, as links."""
    st.title("Planer for forebygging")
    plans = ctx.read(released_plans)
    if plans.is_empty():
        st.info("Ingen planer er gjort offentlige ennå.")
        return
    for p in plans.iter_rows(named=True):
        page_link(0, f"{kommune_title(p['kommune'])}: {p['name']}", p["key"])


def show_plan(ctx: PageContext, plan: ReleasedPlan) -> None:
    st.set_page_config(page_title=f"{kommune_title(plan.kommune)}: {plan.name}")  # WCAG 2.4.2: a title per page
    st.title(plain(plan.name))
    period = f" · {plan.period}" if plan.period and plan.period not in plan.name else ""
    updated = f" · Sist oppdatert {fmt.day(plan.updated_at)}" if plan.updated_at else ""
    st.caption(plain(f"{kommune_title(plan.kommune)}{period}{updated}"))
    if plan.is_demo:
        st.info(f"Dette er demodata bygd på kommunens plan. Tall og mål merket «{EXAMPLE_LABEL}» står ikke i "
                "planen.", icon=":material/info:")
    st.write("Barn og unge skal vokse opp i trygge hjem. Denne planen viser hva kommunen gjør for å forebygge at "
             "barn og familier får det så vanskelig at barnevernet må hjelpe. Her ser du hvert tiltak, hvem i "
             "kommunen som har ansvaret, og hvor langt tiltaket har kommet.")
    _pyramid(ctx, plan)
    _tiltak(plan)
    if plan.arenas is not None:
        _arenas(plan)
    if plan.indicators is not None and plan.indicator_values is not None:
        _indicators(ctx, plan)
    if "comments" in plan.parts:
        comment_form(ctx, plan)
    st.divider()
    st.caption(plain(f"Siden viser det {kommune_title(plan.kommune)} har valgt å publisere fra verktøyet kommunen "
                     "bruker til å følge opp planen. Spørsmål om planen kan sendes til kommunens postmottak."))


def _pyramid(ctx: PageContext, plan: ReleasedPlan) -> None:
    st.header("Tiltakene i planen")
    st.write("Tiltakene er ordnet i tre nivåer, som en pyramide. Det nederste nivået er for alle; jo høyere opp, "
             "jo færre barn gjelder tiltaket, og jo mer hjelp får hvert av dem.")
    tiers = pyramid_data(plan.tiltak, plan.levels)
    if plan.tiltak.height:
        chart(lambda: pyramid_chart(tiers), "public-pyramid", plan.key, width="stretch")
    readable_table(tiers.select(pl.col("label").alias("Nivå"), pl.col("count").alias("Tiltak"),
                                pl.col("statuses").alias("Status")), "Tiltak per nivå", row_header="Nivå",
                   label="Les tallene i pyramiden som tabell")


def _changes_text(plan: ReleasedPlan) -> dict[int, list[str]]:
    """This year's changes per tiltak as sentences: «12.03.2026: Status endret fra Planlagt til I gang»."""
    if plan.changes is None:
        return {}
    out: dict[int, list[str]] = {}
    for c in plan.changes.iter_rows(named=True):
        when = fmt.day(c["at"])
        if c["field"] in CHANGE_FIELDS:
            label = CHANGE_FIELDS[c["field"]]
            if c["field"] in {"name", "description"}:
                line = f"{label} er oppdatert"
            else:
                line = (f"{label} endret fra {readable(c['field'], c['old_value'])} til "
                        f"{readable(c['field'], c['new_value'])}")
        else:
            line = ACTION_WORDS.get(c["action"], "Endret")
        out.setdefault(c["tiltak_id"], []).append(f"{when}: {line}")
    return out


def _tiltak(plan: ReleasedPlan) -> None:
    changes = _changes_text(plan)
    comments: dict[int, list[dict]] = {}
    if plan.comments is not None:
        for c in plan.comments.iter_rows(named=True):
            comments.setdefault(c["tiltak_id"], []).append(c)
    for level in plan.levels.iter_rows(named=True):
        part = plan.tiltak.filter(pl.col("level") == level["slug"])
        st.subheader(plain(f"{level['label']} ({LEVEL_COLOR_WORDS.get(level['slug'], '')}): {part.height} tiltak"))
        st.caption(plain(f"{level['label']}: {LEVEL_MEANING.get(level['slug'], '')}."))
        if part.is_empty():
            st.write("Ingen tiltak på dette nivået.")
        for t in part.iter_rows(named=True):
            with st.expander(plain(f"{t['name']} – {t['status_label']}")):
                st.markdown(f"**Status:** {plain(t['status_label'])}")
                st.markdown(f"**Ansvar:** {plain(', '.join(t['services']) or fmt.MISSING)}")
                if t["protective_factor"]:
                    st.markdown(f"**Beskyttelsesfaktor:** {plain(t['protective_factor'])}")
                if t["description"]:
                    st.write(plain(t["description"]))
                if "changes" in plan.parts:
                    lines = changes.get(t["id"], [])
                    st.markdown("**Endret i år:** " + ("ingen endringer" if not lines else ""))
                    if lines:
                        st.markdown("\n".join(f"- {plain(line)}" for line in lines))
                for c in comments.get(t["id"], []):
                    st.markdown(f"**Kommentar {fmt.day(c['created_at'])}:** {plain(c['text'])}")


def _arenas(plan: ReleasedPlan) -> None:
    st.header("Hvor tjenestene møtes")
    st.write("Tjenestene samarbeider i faste møter på tre nivåer.")
    arenas = plan.arenas
    assert arenas is not None
    roles = "arena_roles" in plan.parts
    for slug, label in ARENA_LEVELS.items():
        part = arenas.filter(pl.col("level") == slug)
        if part.is_empty():
            continue
        st.subheader(label)
        st.caption(ARENA_MEANING[slug])
        for a in part.iter_rows(named=True):
            lines = [f"**{plain(a['name'])}**"]
            if a["purpose"]:
                lines.append(plain(a["purpose"]))
            if a["frequency_text"]:
                lines.append(plain(f"Hvor ofte: {a['frequency_text']}."))
            if roles and a["leader"]:
                lines.append(plain(f"Leder: {a['leader']}."))
            if roles and a["participants"]:
                lines.append(plain(f"Deltakere: {', '.join(a['participants'])}."))
            st.markdown("  \n".join(lines))


def _indicators(ctx: PageContext, plan: ReleasedPlan) -> None:
    st.header("Utviklingen i tall")
    st.write("Tallene viser hvordan det går med barn og unge i kommunen, sammenlignet med fylket og landet. "
             "Tallene kommer fra offentlig statistikk; kilden og datoen står ved hver figur.")
    values_all = plan.indicator_values
    assert plan.indicators is not None and values_all is not None
    for ind in plan.indicators.iter_rows(named=True):
        values = values_all.filter(pl.col("indicator_id") == ind["id"])
        unit = UNITS.get(ind["unit"], ind["unit"])
        st.subheader(plain(ind["name"]))
        if ind["description"]:
            st.write(plain(ind["description"]))
        example = bool(values["is_example"].any()) or (ind["target_value"] is not None and ind["target_is_example"])
        shown = values.filter(pl.col("value").is_not_null())
        latest = shown.sort("period_order")["period"].to_list()[-1] if shown.height else None
        when = [f"Siste tall gjelder {latest}"] if latest else []
        when += [f"oppdatert {fmt.day(ind['as_of'])}"] if ind["as_of"] else []
        st.caption(plain(" · ".join([f"Kilde: {ind['source'] or 'ikke oppgitt'}", *when, f"Enhet: {unit}",
                                     BETTER.get(ind["better"], "")])))
        if example:
            st.caption(plain(f"Tallene eller målet er {EXAMPLE_LABEL.lower()}."))
        if shown.is_empty():
            st.write("Ingen tall ennå.")
            continue
        target_example = bool(ind["target_is_example"])
        chart(lambda v=values, u=unit, t=ind["target_value"], e=target_example: indicator_chart(v, u, t, e),
              "public-indicator", ind["id"], unit, width="stretch")
        rows = values.sort("period_order", "geo")
        readable_table(rows.select(
            pl.col("period").alias("Periode"), pl.col("geo").replace_strict(GEOS, default="").alias("Geografi"),
            pl.col("geo_name").alias("Sted"),
            python_column(rows, "Verdi", lambda v, m, u=ind["unit"]: fmt.value(v, u, marker=m), "value", "marker"),
            pl.col("source").alias("Kilde"),
            pl.when(pl.col("is_example")).then(pl.lit("Eksempeldata")).otherwise(pl.lit("")).alias("Merknad")),
            f"Tall for {ind['name']}", row_header="Periode", label="Les tallene som tabell")


def comment_form(ctx: PageContext, plan: ReleasedPlan) -> None:
    """One comment form for the whole plan: choose the tiltak, write, send. Moderated before it is shown."""
    from dashboard.login_state import client_info
    from data_access.writes.public import post_comment

    st.header("Si hva du mener")
    st.write("Ungdomsrådet og andre kan kommentere tiltakene. Implementeringsgruppa, som følger opp planen, leser "
             "kommentarene på møtene sine. En kommentar vises her når den er godkjent.")
    st.write("Ikke skriv navn, fødselsnummer eller annet om enkeltpersoner. Vi lagrer bare teksten, ikke hvem "
             "du er.")
    if sent := st.session_state.pop("_public_sent", None):
        st.success(sent, icon=":material/check_circle:")
    names = dict(zip(plan.tiltak["id"].to_list(), plan.tiltak["name"].to_list(), strict=True))
    gen = st.session_state.get("_public_form", 0)
    with st.form(f"public_comment_{gen}"):
        tiltak_id = st.selectbox("Tiltak du vil kommentere", list(names), index=None, format_func=names.get,
                                 placeholder="Velg et tiltak")
        text = st.text_area("Kommentar", max_chars=COMMENT_MAX)
        submitted = st.form_submit_button("Send kommentaren", type="primary")
    if not submitted:
        return
    if tiltak_id is None:
        st.error("Velg tiltaket kommentaren gjelder.", icon=":material/error:")
        return
    address, _ = client_info(ctx.settings.trusted_proxies)
    try:
        post_comment(ctx.engine, plan.key, tiltak_id, text, address, limit=ctx.settings.public_comments_per_hour)
    except LagetError as exc:
        show_error(exc)
        return
    st.session_state["_public_form"] = gen + 1
    st.session_state["_public_sent"] = ("Takk! Kommentaren er sendt. Den vises her når implementeringsgruppa har "
                                        "godkjent den.")
    st.rerun()
