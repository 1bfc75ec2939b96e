"""Indicator cards, detail view and the editors' forms for the Indikatorer page."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.context import PageContext, last_good
from dashboard.tables import grid, readable_html
from dashboard.ui import attempt, chart, conflict_panel, example_badge, per_version, plain, snapshot
from data_access.db.engine import get_engine
from data_access.domain import formatting as fmt
from data_access.domain.fields import INDICATOR, INDICATOR_VALUE
from data_access.domain.frames import python_column
from data_access.domain.indicator_status import BAD, GOOD, NEUTRAL, WORSE, Judgement, needs_attention, overview, status
from data_access.domain.markup import escape_markdown
from data_access.domain.vocabulary import BETTER, GEOS, UNITS
from data_access.formats.chart_specs import indicator_chart, trend_chart
from data_access.reads.indicators import indicators_frame, values_frame
from data_access.writes.indicators import create_indicator, delete_value, set_value, update_indicator

BADGE_COLORS = {GOOD: "green", NEUTRAL: "orange", BAD: "red"}


@st.cache_data(max_entries=16, show_spinner=False)
def _indicator_data(url: str, plan_id: int, token: tuple) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    engine = get_engine(url)
    indicators = indicators_frame(engine, plan_id)
    values = values_frame(engine, plan_id)
    return indicators, values, overview(indicators, values)


def indicator_data(ctx: PageContext) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(indicators, values, overview) at the current data version, shared by all sessions."""
    from data_access.db.changelog import data_version

    return _indicator_data(ctx.settings.database_url, ctx.plan_id, ctx.version or last_good(data_version, ctx.engine))

def overview_table(table: pl.DataFrame, indicators: pl.DataFrame) -> pl.DataFrame:
    """The Tabell tab: values and changes as Norwegian text with their unit (percentage points for percent)."""
    units = dict(zip(indicators["id"].to_list(), indicators["unit"].to_list(), strict=True))
    return table.with_columns(
        pl.Series("Siste verdi", [fmt.value(v, units.get(i, "")) for i, v in zip(table["id"], table["Siste verdi"],
                                                                                  strict=True)], dtype=pl.String),
        pl.Series("Endring", [fmt.change(v, units.get(i, "")) for i, v in zip(table["id"], table["Endring"],
                                                                              strict=True)], dtype=pl.String),
        pl.col("Siste periode").fill_null(fmt.MISSING),
        pl.when(pl.col("Eksempeldata")).then(pl.lit("Ja")).otherwise(pl.lit("Nei")).alias("Eksempeldata"))


def value_rows(values: pl.DataFrame, unit: str) -> pl.DataFrame:
    """A chart's values as rows people read: period, place and the formatted value (with missing as «–»)."""
    rows = values.sort("period_order", "geo")
    return rows.select(
        pl.col("period").alias("Periode"), pl.col("geo").replace_strict(GEOS, default="").alias("Geografi"),
        pl.col("geo_name").alias("Sted"), python_column(rows, "Verdi", lambda v: fmt.value(v, unit), "value"),
        pl.when(pl.col("is_example")).then(pl.lit("Eksempeldata")).otherwise(pl.lit("")).alias("Merknad"))


def badges(*judgements: Judgement, example: bool = False) -> str:
    """Status words as coloured badges on one line (the word carries the meaning, the colour helps)."""
    parts = [f":{BADGE_COLORS.get(j.color, 'gray')}-badge[{j.label}]" for j in judgements]
    if example:
        parts.append(":orange-badge[:material/science: Eksempeldata]")
    return " ".join(parts)


def card(ind: dict, values: pl.DataFrame) -> None:
    st_ = per_version(lambda: status(values, ind["better"], ind["target_value"]), "status", ind["id"])
    with st.container(border=True):
        st.markdown(f"**{plain(ind['name'])}**")
        change = "" if st_.change is None else f" ({fmt.change(st_.change, ind['unit'])})"
        st.markdown(f"{fmt.value(st_.latest_value, ind['unit'])}{change} · {st_.latest_period or 'ingen data'}")
        example = bool(values["is_example"].any()) or _example_target(ind)
        st.markdown(badges(st_.trend, st_.vs_target, st_.vs_land, example=example))
        if values.height:
            chart(lambda: trend_chart(values), "trend", ind["id"], width="stretch")
            # built once per data version: sorting and formatting every card's rows was a third of a rerun
            st.html(per_version(lambda: readable_html(value_rows(values, ind["unit"]), f"Verdier for {ind['name']}",
                                                      row_header="Periode", label="Les tallene som tabell"),
                                "value_table", ind["id"]))


def attention(ctx: PageContext, indicators: pl.DataFrame, table: pl.DataFrame, *, limit: int = 8) -> None:
    """The indicators worse than the period before or than landet, each a link to its detail view (issue 20.3):
    the first thing a leader asks about the figures, on Oversikt and at the top of Indikatorer."""
    from dashboard.navigation import PAGES_DIR

    worse = needs_attention(table)
    if indicators.is_empty():
        return
    if worse.is_empty():
        st.success("Ingen indikatorer er verre enn forrige periode eller enn landet.", icon=":material/check_circle:")
        return
    units = dict(zip(indicators["id"].to_list(), indicators["unit"].to_list(), strict=True))
    st.caption(f"{fmt.number(worse.height)} av {fmt.number(table.height)} indikatorer er verre enn forrige periode "
               "eller enn landet.")
    for row in worse.head(limit).iter_rows(named=True):
        with st.container(border=True, gap="small"):
            st.page_link(str(PAGES_DIR / "indikatorer.py"), label=plain(row["Indikator"]),
                         icon=":material/trending_down:",
                         query_params={"plan": str(ctx.plan_id), "indikator": str(row["id"])})
            words = [f":red-badge[{label}]" for label in (row["Utvikling"], row["Mot landet"]) if label in WORSE]
            if row["Eksempeldata"]:
                words.append(":orange-badge[:material/science: Eksempeldata]")
            value = fmt.value(row["Siste verdi"], units.get(row["id"], ""))
            st.markdown(f"{value} · {plain(row['Siste periode'] or '–')} · {' '.join(words)}")
    if worse.height > limit:
        st.caption(f"… og {fmt.number(worse.height - limit)} til under Indikatorer.")


def _example_target(ind: dict) -> bool:
    return ind.get("target_value") is not None and bool(ind.get("target_is_example"))


def target_text(ind: dict) -> str:
    """«Mål: 85 % innen 2026», with «(Eksempeldata)» when the plan does not state the target."""
    if ind.get("target_value") is None:
        return ""
    text = f"Mål: {fmt.value(ind['target_value'], ind['unit'])} innen {fmt.year(ind['target_year'])}"
    return text + (" (Eksempeldata)" if _example_target(ind) else "")


def detail(ind: dict, values: pl.DataFrame) -> None:
    unit = UNITS.get(ind["unit"], ind["unit"])
    st.header(plain(ind["name"]))
    target = f" · {target_text(ind)}" if ind["target_value"] is not None else ""
    st.caption(plain(f"Enhet: {unit} · {BETTER.get(ind['better'], '')} · Kilde: {ind['source'] or 'ikke oppgitt'}"
                     f"{target}" + (f" · Gjelder nivå: {ind['level']}" if ind["level"] else "")
                     + (f" · Knyttet til tiltaket «{ind['tiltak']}»" if ind["tiltak"] else "")))
    if ind["description"]:
        st.markdown(plain(ind["description"]))
    if values["is_example"].any() or _example_target(ind):
        example_badge()
    if values["is_example"].any():
        st.caption("Stiplede linjer og trekanter er eksempeldata, ikke offisielle tall.")
    if _example_target(ind):
        st.caption("Målet står ikke i planen; det er eksempeldata.")
    if values.filter(pl.col("value").is_not_null()).is_empty():
        st.info("Ingen verdier ennå.")
    else:
        chart(lambda: indicator_chart(values, unit, ind["target_value"], _example_target(ind)), "indicator", ind["id"],
              unit, ind["target_value"], _example_target(ind), width="stretch")
    rows = values.sort("period_order", "geo")
    table = rows.select(
        pl.col("period").alias("Periode"), pl.col("geo").replace_strict(GEOS, default="").alias("Geografi"),
        pl.col("geo_name").alias("Sted"),
        python_column(rows, "Verdi", lambda v, m: fmt.value(v, ind["unit"], marker=m), "value", "marker"),
        pl.col("source").alias("Kilde"),
        pl.when(pl.col("is_example")).then(pl.lit("Eksempeldata"))
        .when(pl.col("marker").is_not_null()).then(pl.lit("Mangler i kilden: ") + pl.col("marker"))
        .otherwise(pl.lit("")).alias("Merknad"))
    grid(table, caption=f"Verdier for {ind['name']}")


def import_preview(planned: list, indicator_name: str, existing: pl.DataFrame | None = None, unit: str = "") -> None:
    """The preview of values about to be written: the same table for a CSV import and a fetch from SSB/FHI.

    With the indicator's stored values (``existing``), each row says whether it is new, replaces a value Laget
    holds (and which), or is unchanged; replaced values are also counted above the table, never silent."""
    from data_access.formats.indicator_import import against_existing

    what = escape_markdown(f"{len(planned)} verdier til «{indicator_name}»", inline=True)
    st.markdown(f"**Forhåndsvisning:** {what}")
    held = existing.iter_rows(named=True) if existing is not None else []
    effects = against_existing(planned, held)
    replaced = [(r, e) for r, e in zip(planned, effects, strict=True) if e.kind == "erstatter"]
    new = sum(e.kind == "ny" for e in effects)
    same = len(effects) - new - len(replaced)
    if existing is not None:
        summary = f"{new} nye verdier, {len(replaced)} erstatter verdier som finnes i Laget, {same} er like."
        if replaced:
            listed = "; ".join(f"{r.period} {GEOS[r.geo].lower()}: {_old_text(e, unit)} blir "
                               f"{fmt.value(r.value, unit) if r.value is not None else fmt.MISSING}"
                               for r, e in replaced[:10])
            more = f" og {len(replaced) - 10} til" if len(replaced) > 10 else ""
            st.warning(plain(f"Importen erstatter {len(replaced)} "
                             f"{'verdi' if len(replaced) == 1 else 'verdier'} som finnes i Laget fra før: "
                             f"{listed}{more}. Se kolonnen «Nå i Laget»."), icon=":material/warning:")
        st.caption(summary)
    kinds = {"ny": "Ny", "erstatter": "Erstatter", "uendret": "Uendret"}
    grid(pl.DataFrame({"Periode": [r.period for r in planned],
                       "Geografi": [GEOS[r.geo] for r in planned], "Sted": [r.geo_name for r in planned],
                       "Verdi": [fmt.value(r.value, "") if r.value is not None else fmt.MISSING for r in planned],
                       "Merknad": [fmt.missing(r.marker) if r.value is None and r.marker else "" for r in planned],
                       "Regionkode": [r.region_code or "" for r in planned],
                       "Endring": [kinds[e.kind] if existing is not None else "" for e in effects],
                       "Nå i Laget": [_old_text(e, "") if e.kind != "ny" else "" for e in effects]},
                      schema={"Periode": pl.String, "Geografi": pl.String, "Sted": pl.String, "Verdi": pl.String,
                              "Merknad": pl.String, "Regionkode": pl.String, "Endring": pl.String,
                              "Nå i Laget": pl.String}),
         caption=f"Forhåndsvisning av verdiene til {indicator_name}")


def _old_text(effect, unit: str) -> str:
    text = fmt.value(effect.old_value, unit, marker=effect.old_marker)
    return f"{text} (eksempeldata)" if effect.old_example else text


def value_form(ctx: PageContext, ind: dict, values: pl.DataFrame) -> None:
    key = f"values_{ind['id']}"
    versions = {f"{r['period']}|{r['geo']}": r["version"] for r in values.iter_rows(named=True)}
    seen = snapshot(key, {"version": hash(tuple(sorted(versions.items()))), "versions": versions})["versions"]
    with st.form(f"value_{ind['id']}"):
        st.markdown("**Legg til eller rett en verdi**")
        c1, c2, c3 = st.columns(3)
        period = c1.text_input("Periode", placeholder="2024, 2023/24 eller 2020–2022")
        geo = c2.selectbox("Geografi", list(GEOS), format_func=GEOS.get)
        value = c3.number_input("Verdi", value=None, step=0.01, format="%.2f")
        c4, c5 = st.columns(2)
        geo_name = c4.text_input("Sted", placeholder=ctx.plan["kommune"],
                                 max_chars=INDICATOR_VALUE.max_chars("geo_name"))
        source = c5.text_input("Kilde", placeholder="F.eks. SSB tabell 09588",
                               max_chars=INDICATOR_VALUE.max_chars("source"))
        example = st.checkbox("Eksempeldata (ikke offisielt tall)")
        save = st.form_submit_button("Lagre verdi")
        remove = st.form_submit_button("Slett verdien for perioden og geografien")
    label = _period_label(period)
    version = seen.get(f"{label}|{geo}", 0)
    place = geo_name or (ctx.plan["kommune"] if geo == "kommune" else "")
    if save:
        attempt(lambda: set_value(ctx.engine, ctx.actor, ind["id"], period=period, geo=geo, value=value,
                                  version=version, geo_name=place, source=source, is_example=example),
                lambda result: f"Verdien er lagret ({result}).", conflicts=key)
    if remove:
        attempt(lambda: delete_value(ctx.engine, ctx.actor, ind["id"], label, geo, version=version),
                "Verdien er slettet.", conflicts=key)
    conflict_panel(key, lambda c: set_value(ctx.engine, ctx.actor, ind["id"], period=period, geo=geo,
                                            version=c.current_version, geo_name=place, **c.yours),
                   labels=INDICATOR_VALUE.label)


def _period_label(text: str) -> str:
    from data_access.domain.periods import PeriodError, parse_period

    try:
        return parse_period(text.strip()).label
    except PeriodError:
        return text.strip()


def registry_form(ctx: PageContext, ind: dict | None, level_labels: dict[str, str],
                  tiltak_names: dict[int, str]) -> None:
    """Edit one indicator's registry fields, or create a new indicator when ``ind`` is None."""
    key = f"registry_{ind['id']}" if ind else "registry_new"
    ind = snapshot(key, ind) if ind else {}
    units, betters = list(UNITS), list(BETTER)
    with st.form(f"registry_{ind.get('id', 'new')}_{ind.get('version', 0)}"):
        name = st.text_input("Navn", value=ind.get("name", ""), max_chars=INDICATOR.max_chars("name"))
        description = st.text_area("Kort beskrivelse", value=ind.get("description", ""),
                                   max_chars=INDICATOR.max_chars("description"))
        c1, c2, c3 = st.columns(3)
        unit = c1.selectbox("Enhet", units, index=units.index(ind.get("unit", "percent")), format_func=UNITS.get)
        better = c2.selectbox("Retning", betters, index=betters.index(ind.get("better", "lower")),
                              format_func=BETTER.get)
        source = c3.text_input("Kilde", value=ind.get("source", ""), max_chars=INDICATOR.max_chars("source"))
        c4, c5, c6 = st.columns(3)
        target = c4.number_input("Mål (verdi)", value=ind.get("target_value"), step=0.1)
        year = c5.number_input("Målår", value=ind.get("target_year"), step=1, min_value=2000, max_value=2100)
        levels = ["", *level_labels]
        current = next((k for k, v in level_labels.items() if v == ind.get("level")), "")
        level = c6.selectbox("Knyttet til nivå", levels, index=levels.index(current),
                             format_func=lambda s: level_labels.get(s, "Ingen"))
        target_example = st.checkbox("Målet er eksempeldata (står ikke i planen)",
                                     value=bool(ind.get("target_is_example")))
        tiltak_ids = [0, *tiltak_names]
        tiltak_id = st.selectbox("Knyttet til tiltak", tiltak_ids,
                                 index=tiltak_ids.index(ind.get("tiltak_id") or 0) if (ind.get("tiltak_id") or 0)
                                 in tiltak_ids else 0, format_func=lambda i: tiltak_names.get(i, "Ingen"))
        submitted = st.form_submit_button("Lagre indikator" if ind else "Legg til indikator")
    if submitted:
        fields = {"name": name, "description": description, "unit": unit, "better": better, "source": source,
                  "target_value": target, "target_year": year,
                  "target_is_example": target_example, "level": level or None, "tiltak": tiltak_id or None}
        if ind:
            attempt(lambda: update_indicator(ctx.engine, ctx.actor, ind["id"], fields, version=ind["version"]),
                    "Indikatoren er lagret.", conflicts=key)
        else:
            attempt(lambda: create_indicator(ctx.engine, ctx.actor, ctx.plan_id, **fields), "Indikatoren er lagt til.")
    if ind:
        conflict_panel(key, lambda c: update_indicator(ctx.engine, ctx.actor, ind["id"], c.yours,
                                                       version=c.current_version), labels=INDICATOR.label)
