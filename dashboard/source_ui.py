"""Indicators fetched from SSB and FHI on the Indikatorer page: source form with «Test», «Hent nye tall»,
freshness per indicator and the failures of the last fetch."""

from __future__ import annotations

import json

import polars as pl
import streamlit as st

from dashboard.context import PageContext
from dashboard.indicator_ui import import_preview, indicator_data
from dashboard.tables import grid
from dashboard.ui import flash, plain, show_error
from data_access.domain.catalogue import KOMMUNER, UNCHECKED, entries, entry, matching
from data_access.domain.catalogue import definition as catalogue_definition
from data_access.domain.errors import LagetError
from data_access.domain.frames import python_column
from data_access.domain.validation import format_date
from data_access.domain.vocabulary import UNITS
from data_access.outside.sources import KINDS, SourceError, definition_from_form, definition_to_form
from data_access.writes.sources import plan_regions, preview, refresh, save_source, set_region_codes


@st.cache_resource(show_spinner=False)
def _client(settings, _engine):
    """One client (its connection pool) per process and settings; the request limit (SSB: 30 a minute) lives in
    the database, shared with the other replicas and the nightly job; deadlines are per thread, so two
    sessions fetching at once do not share them."""
    from data_access.writes.sources import client_from_settings

    return client_from_settings(settings, _engine)


def client(ctx: PageContext):
    return _client(ctx.settings, ctx.engine)


def _when(value) -> str:
    return f"{format_date(value)} kl. {value:%H:%M}" if value is not None else "aldri"


def source_row(sources: pl.DataFrame, indicator_id: int) -> dict | None:
    part = sources.filter(pl.col("indicator_id") == indicator_id)
    return part.row(0, named=True) if part.height else None


def attempt_text(src: dict) -> str:
    """«Sist forsøkt 07.12.2026 kl. 03:10 feilet» when the last try failed (only editors get ``last_error``)."""
    return f"Sist forsøkt {_when(src['last_fetched_at'])} feilet" if src["last_error"] else ""


def freshness(src: dict | None) -> None:
    """Source, last good fetch, latest period held and «nye tall» for one indicator (detail view); a failed
    last try is said as such («Sist forsøkt … feilet»), never as «Sist hentet» (editors only)."""
    if src is None:
        st.caption("Tallene hentes ikke automatisk (ingen SSB- eller FHI-kilde er satt opp).")
        return
    held = src["latest_period"] or "ingen"
    text = (f"Hentes fra {src['label']} · Sist hentet: {_when(src['last_ok_at'])} · "
            f"Siste periode i Laget: {held}")
    if src["latest_source_period"]:
        text += f" · Siste periode hos kilden: {src['latest_source_period']}"
    st.caption(text)
    if src["new_figures"]:
        st.markdown(":blue-badge[:material/update: Nye tall] Kilden har en nyere periode enn Laget har.")
    if src["last_error"]:
        st.error(plain(f"{attempt_text(src)}: {src['last_error']}"), icon=":material/error:")


def failures(sources: pl.DataFrame) -> None:
    """The indicators whose last fetch failed, listed at the top of Indikatorer."""
    failed = sources.filter(pl.col("last_error").is_not_null())
    if failed.height:
        st.warning(f"Siste henting fra SSB/FHI feilet for {failed.height} "
                   f"{'indikator' if failed.height == 1 else 'indikatorer'}; tallene deres er ikke endret:",
                   icon=":material/warning:")
        grid(failed.select(pl.col("name").alias("Indikator"), pl.col("label").alias("Kilde"),
                           pl.col("last_error").alias("Feil")), caption="Indikatorer som ikke kunne hentes")


def sources_table(sources: pl.DataFrame) -> None:
    """Every fetched indicator with its last good fetch; editors also see the failed tries and why."""
    if sources.is_empty():
        return
    st.markdown("**Automatisk henting fra SSB og FHI**")
    columns = [
        pl.col("name").alias("Indikator"), pl.col("label").alias("Kilde"),
        python_column(sources, "Sist hentet", _when, "last_ok_at"),
        pl.col("latest_period").fill_null("–").alias("Siste periode i Laget"),
        pl.col("latest_source_period").fill_null("–").alias("Siste periode hos kilden"),
        pl.when(pl.col("new_figures")).then(pl.lit("Nye tall")).otherwise(pl.lit("")).alias("Nye tall")]
    if sources["last_error"].is_not_null().any():  # only an editor's read carries the errors
        columns += [pl.Series("Sist forsøkt", [attempt_text(r) for r in sources.iter_rows(named=True)],
                              dtype=pl.String),
                    pl.col("last_error").fill_null("").alias("Feil ved siste henting")]
    grid(sources.select(columns), caption="Automatisk henting fra SSB og FHI")


def refresh_button(ctx: PageContext, sources: pl.DataFrame) -> None:
    """«Hent nye tall»: every indicator of the plan with a source, each all or nothing."""
    if sources.is_empty():
        return
    if st.button("Hent nye tall", icon=":material/cloud_download:",
                 help="Henter tall fra SSB og FHI for indikatorene som har kilde. Feiler én, lagres ingenting for "
                      "den, men de andre hentes."):
        try:
            with st.spinner("Henter tall fra SSB og FHI …"):
                outcomes = refresh(ctx.engine, ctx.actor, client(ctx), plan_key=ctx.plan["key"])
        except LagetError as exc:
            show_error(exc)
            return
        ok = [o for o in outcomes if o.ok]
        flash(f"Hentet {len(ok)} av {len(outcomes)} indikatorer. "
              + " ".join(f"{o.name}: {o.message}" for o in ok),
              icon=":material/check_circle:" if len(ok) == len(outcomes) else ":material/warning:")
        st.rerun()


def _kommune_options(ctx: PageContext) -> dict[str, str]:
    """The plan's own kommune first (its codes, earlier ones included, are used), then the known kommuner."""
    plan_codes = ctx.read(plan_regions, ctx.plan_id).get("kommune", [])
    options = {plan_codes[0]: f"{plan_codes[0]} {ctx.plan['kommune']} (planens kommune)"} if plan_codes else {}
    options |= {code: f"{code} {name}" for code, name in KOMMUNER.items() if code not in options}
    return options


def catalogue_form(ctx: PageContext, ind: dict, src: dict | None) -> None:
    """Pick an indicator from the catalogue and a kommune: no PxWebApi codes to type. «Test» fetches and shows the
    preview without saving; an entry whose codes were never checked against an answer from the source says so."""
    stored = json.loads(src["definition"]) if src else {}
    current = matching(src["kind"], stored) if src else None
    keys = [e.key for e in entries()]
    st.caption("Velg hva som skal hentes og for hvilken kommune. Koder og tabellnummer kommer fra katalogen; "
               "under «Avansert» kan du skrive dem selv.")
    key = st.selectbox("Indikator fra katalogen", keys, index=keys.index(current.key) if current else None,
                       format_func=lambda k: entry(k).label, placeholder="Velg indikator",
                       key=f"catalogue_entry_{ind['id']}")
    if key is None:
        return
    chosen = entry(key)
    st.caption(plain(chosen.describe()))
    if not chosen.fetchable:
        st.info(plain(f"Laget kan ikke hente dette automatisk. {chosen.origin}"), icon=":material/info:")
        return
    if not chosen.verified:
        st.warning(plain(f"{UNCHECKED} mot et svar fra kilden. {chosen.origin} Trykk «Test» og se på "
                         "forhåndsvisningen før du lagrer."), icon=":material/help:")
    options = _kommune_options(ctx)
    codes = list(options)
    c1, c2 = st.columns(2)
    picked = c1.selectbox("Kommune", codes, format_func=options.get, key=f"catalogue_kommune_{ind['id']}")
    other = c2.text_input("Annen kommune (kommunenummer, fire sifre)", key=f"catalogue_other_{ind['id']}",
                          placeholder="F.eks. 3401")
    b1, b2 = st.columns(2)
    test = b1.button("Test", icon=":material/science:", key=f"catalogue_test_{ind['id']}")
    save = b2.button("Lagre kilde", type="primary", key=f"catalogue_save_{ind['id']}")
    if not (test or save):
        return
    plan_codes = ctx.read(plan_regions, ctx.plan_id).get("kommune", [])
    try:
        raw = catalogue_definition(chosen, other.strip() or picked, plan_codes)
    except LagetError as exc:
        show_error(exc)
        return
    _test_or_save(ctx, ind, chosen.kind, raw, test, better=chosen.better)


def _test_or_save(ctx: PageContext, ind: dict, kind: str | None, raw: dict | None, test: bool,
                  better: str | None = None) -> None:
    """«Test»: fetch and show the preview, nothing saved; «Lagre kilde»: save the definition."""
    try:
        if test:
            with st.spinner("Henter fra kilden …"):
                fetched = preview(ctx.engine, client(ctx), ind["id"], kind, raw)
            st.success(plain(f"Hentet fra {fetched.definition.label}: {len(fetched.parsed.rows)} rader. Verdi: "
                             f"«{fetched.parsed.value_label}». Siste periode hos kilden: "
                             f"{fetched.latest_source_period or 'ukjent'}. Ingenting er lagret ennå."))
            held = indicator_data(ctx)[1]
            import_preview(fetched.planned, ind["name"], held.filter(pl.col("indicator_id") == ind["id"]),
                           ind["unit"])
            return
        changed = save_source(ctx.engine, ctx.actor, ind["id"], kind, raw, better=better)
    except SourceError as exc:  # may quote the server's own words: shown literally
        st.error(plain(f"Testen feilet: {exc}"), icon=":material/error:")
        return
    except LagetError as exc:
        show_error(exc)
        return
    flash("Kilden er lagret." if changed else "Ingen endringer i kilden.")
    st.rerun()


def source_form(ctx: PageContext, ind: dict, src: dict | None) -> None:
    """Edit an indicator's SSB/FHI source with its own codes (Avansert); «Test» fetches and shows the import
    preview without saving."""
    kinds = ["", *KINDS]
    stored = json.loads(src["definition"]) if src else {}
    form = definition_to_form(stored)
    units = ["", *UNITS]
    with st.form(f"source_{ind['id']}"):
        c1, c2, c3 = st.columns(3)
        kind = c1.selectbox("Kilde", kinds, index=kinds.index(src["kind"]) if src else 0,
                            format_func=lambda k: KINDS.get(k, "Ingen automatisk henting"))
        table = c2.text_input("Tabell", value=form["table"], placeholder="SSB: 12944 · FHI: 175")
        fhi_source = c3.text_input("FHI-kilde", value=form["source"], placeholder="Bare FHI, f.eks. nokkel")
        values = st.text_area("Verdikoder (én per linje: variabel=kode)", value=form["values"],
                              placeholder="Alder=00-17\nContentsCode=EUskalaSeksti")
        c4, c5, c6 = st.columns(3)
        time = c4.text_input("Tidsutvalg (SSB)", value=form["time"], placeholder="* (alle år)")
        unit = c5.selectbox("Enhet", units, index=units.index(stored.get("unit", "")),
                            format_func=lambda u: UNITS.get(u, "Som indikatoren"))
        decimals = c6.text_input("Desimaler", value=str(stored.get("decimals", "")), placeholder="Som kilden")
        regions = st.text_area("Regionkoder (valgfritt; ellers planens)", value=form["regions"],
                               placeholder="kommune=3413,0417\nfylke=34,04\nland=0")
        c7, c8 = st.columns(2)
        region_dim = c7.text_input("Regionvariabel", value=form["region_dim"], placeholder="SSB: Region · FHI: GEO")
        time_dim = c8.text_input("Tidsvariabel", value=form["time_dim"], placeholder="SSB: Tid · FHI: AAR")
        b1, b2 = st.columns(2)
        test = b1.form_submit_button("Test", icon=":material/science:", key=f"advanced_test_{ind['id']}")
        save = b2.form_submit_button("Lagre kilde", type="primary", key=f"advanced_save_{ind['id']}")
    if not (test or save):
        return
    if test and not kind:
        st.info("Velg SSB eller FHI for å teste.")
        return
    try:
        raw = definition_from_form(table=table, source=fhi_source, values=values, time=time, regions=regions,
                                   unit=unit or None, decimals=decimals, region_dim=region_dim,
                                   time_dim=time_dim) if kind else None
    except LagetError as exc:
        show_error(exc)
        return
    _test_or_save(ctx, ind, kind or None, raw, test)


def region_codes_form(ctx: PageContext) -> None:
    """The plan's official region codes, current first and earlier after (admin)."""
    codes = ctx.read(plan_regions, ctx.plan_id)
    with st.form("region_codes"):
        st.caption("Nåværende kode først, tidligere koder etter, skilt med komma. Tall fra en tidligere kode "
                   "brukes for perioder der den nåværende ikke har tall.")
        c1, c2, c3 = st.columns(3)
        kommune = c1.text_input("Kommunenummer", value=",".join(codes.get("kommune", [])), placeholder="3413,0417")
        fylke = c2.text_input("Fylkesnummer", value=",".join(codes.get("fylke", [])), placeholder="34,04")
        land = c3.text_input("Landet", value=",".join(codes.get("land", [])), placeholder="0")
        submitted = st.form_submit_button("Lagre regionkoder")
    if submitted:
        try:
            set_region_codes(ctx.engine, ctx.actor, ctx.plan_id, {"kommune": kommune, "fylke": fylke, "land": land})
        except LagetError as exc:
            show_error(exc)
        else:
            flash("Regionkodene er lagret.")
            st.rerun()
