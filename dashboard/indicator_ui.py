"""Indicator cards, detail view and the editors' forms for the Indikatorer page."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from dashboard.charts import NUMBER_FORMAT, indicator_chart
from dashboard.context import PageContext
from dashboard.tables import grid, readable_table
from dashboard.ui import example_badge, flash
from data_access import formatting as fmt
from data_access.changelog import data_token
from data_access.db import get_engine
from data_access.indicator_status import BAD, GOOD, NEUTRAL, Judgement, overview, status
from data_access.indicator_writes import create_indicator, delete_value, set_value, update_indicator
from data_access.indicators import indicators_frame, values_frame
from data_access.validation import ValidationError
from data_access.vocabulary import BETTER, GEOS, UNITS

BADGE_COLORS = {GOOD: "green", NEUTRAL: "orange", BAD: "red"}


@st.cache_data(max_entries=16, show_spinner=False)
def _indicator_data(url: str, plan_id: int, token: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    engine = get_engine(url)
    indicators = indicators_frame(engine, plan_id)
    values = values_frame(engine, plan_id)
    return indicators, values, overview(indicators, values)


def indicator_data(ctx: PageContext) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(indicators, values, overview) at the current data version, shared by all sessions."""
    return _indicator_data(ctx.settings.database_url, ctx.plan_id, data_token(ctx.engine, ctx.plan_id))


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
    return values.sort("period_order", "geo").select(
        pl.col("period").alias("Periode"), pl.col("geo").replace_strict(GEOS, default="").alias("Geografi"),
        pl.col("geo_name").alias("Sted"),
        pl.col("value").map_elements(lambda v: fmt.value(v, unit), return_dtype=pl.String).fill_null(fmt.MISSING)
        .alias("Verdi"),
        pl.when(pl.col("is_example")).then(pl.lit("Eksempeldata")).otherwise(pl.lit("")).alias("Merknad"))


def badges(*judgements: Judgement, example: bool = False) -> str:
    """Status words as coloured badges on one line (the word carries the meaning, the colour helps)."""
    parts = [f":{BADGE_COLORS.get(j.color, 'gray')}-badge[{j.label}]" for j in judgements]
    if example:
        parts.append(":orange-badge[:material/science: Eksempeldata]")
    return " ".join(parts)


def sparkline(values: pl.DataFrame) -> alt.Chart:
    data = values.filter(pl.col("geo").is_in(["kommune", "land"]) & pl.col("value").is_not_null())
    order = data.sort("period_order")["period"].unique(maintain_order=True).to_list()
    return alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("period:O", sort=order, axis=None), y=alt.Y("value:Q", axis=None, scale=alt.Scale(zero=False)),
        color=alt.Color("geo:N", scale=alt.Scale(domain=["kommune", "land"], range=["#1565c0", "#9e9e9e"]),
                        legend=None),
        strokeDash=alt.StrokeDash("is_example:N", scale=alt.Scale(domain=[False, True], range=[[1, 0], [4, 3]]),
                                  legend=None),
        tooltip=[alt.Tooltip("period:N", title="Periode"), alt.Tooltip("geo_name:N", title="Sted"),
                 alt.Tooltip("value:Q", title="Verdi", format=NUMBER_FORMAT)],
    ).properties(height=70).configure(locale=fmt.VEGA_LOCALE)


def card(ind: dict, values: pl.DataFrame) -> None:
    st_ = status(values, ind["better"], ind["target_value"])
    with st.container(border=True):
        st.markdown(f"**{ind['name']}**")
        change = "" if st_.change is None else f" ({fmt.change(st_.change, ind['unit'])})"
        st.markdown(f"{fmt.value(st_.latest_value, ind['unit'])}{change} · {st_.latest_period or 'ingen data'}")
        st.markdown(badges(st_.trend, st_.vs_target, st_.vs_land, example=bool(values["is_example"].any())))
        if values.height:
            st.altair_chart(sparkline(values), width="stretch")
            readable_table(value_rows(values, ind["unit"]), f"Verdier for {ind['name']}", row_header="Periode",
                           label="Les tallene som tabell")


def detail(ind: dict, values: pl.DataFrame) -> None:
    unit = UNITS.get(ind["unit"], ind["unit"])
    st.header(ind["name"])
    target = f" · Mål: {fmt.value(ind['target_value'], ind['unit'])} innen {fmt.year(ind['target_year'])}" \
        if ind["target_value"] is not None else ""
    st.caption(f"Enhet: {unit} · {BETTER.get(ind['better'], '')} · Kilde: {ind['source'] or 'ikke oppgitt'}"
               f"{target}" + (f" · Gjelder nivå: {ind['level']}" if ind["level"] else "")
               + (f" · Knyttet til tiltaket «{ind['tiltak']}»" if ind["tiltak"] else ""))
    if ind["description"]:
        st.write(ind["description"])
    if values["is_example"].any():
        example_badge()
        st.caption("Stiplede linjer og trekanter er eksempeldata, ikke offisielle tall.")
    if values.filter(pl.col("value").is_not_null()).is_empty():
        st.info("Ingen verdier ennå.")
    else:
        st.altair_chart(indicator_chart(values, unit, ind["target_value"]), width="stretch")
    table = values.sort("period_order", "geo").select(
        pl.col("period").alias("Periode"), pl.col("geo").replace_strict(GEOS, default="").alias("Geografi"),
        pl.col("geo_name").alias("Sted"),
        pl.col("value").map_elements(lambda v: fmt.value(v, ind["unit"]), return_dtype=pl.String).fill_null(fmt.MISSING)
        .alias("Verdi"), pl.col("source").alias("Kilde"),
        pl.when(pl.col("is_example")).then(pl.lit("Eksempeldata")).otherwise(pl.lit("")).alias("Merknad"))
    grid(table, caption=f"Verdier for {ind['name']}")


def _run(action, success: str) -> None:
    try:
        result = action()
    except (ValidationError, PermissionError, ValueError) as exc:
        st.error(str(exc))
    else:
        flash(success if not isinstance(result, str) else f"{success} ({result}).")
        st.rerun()


def value_form(ctx: PageContext, ind: dict) -> None:
    with st.form(f"value_{ind['id']}"):
        st.markdown("**Legg til eller rett en verdi**")
        c1, c2, c3 = st.columns(3)
        period = c1.text_input("Periode", placeholder="2024, 2023/24 eller 2020–2022")
        geo = c2.selectbox("Geografi", list(GEOS), format_func=GEOS.get)
        value = c3.number_input("Verdi", value=None, step=0.01, format="%.2f")
        c4, c5 = st.columns(2)
        geo_name = c4.text_input("Sted", placeholder=ctx.plan["kommune"])
        source = c5.text_input("Kilde", placeholder="F.eks. SSB tabell 09588")
        example = st.checkbox("Eksempeldata (ikke offisielt tall)")
        save = st.form_submit_button("Lagre verdi")
        remove = st.form_submit_button("Slett verdien for perioden og geografien")
    if save:
        _run(lambda: set_value(ctx.engine, ctx.actor, ind["id"], period=period, geo=geo, value=value,
                               geo_name=geo_name or (ctx.plan["kommune"] if geo == "kommune" else ""), source=source,
                               is_example=example), "Verdien er lagret")
    if remove:
        _run(lambda: delete_value(ctx.engine, ctx.actor, ind["id"], period.strip(), geo), "Verdien er slettet.")


def registry_form(ctx: PageContext, ind: dict | None, level_labels: dict[str, str],
                  tiltak_names: dict[int, str]) -> None:
    """Edit one indicator's registry fields, or create a new indicator when ``ind`` is None."""
    ind = ind or {}
    units, betters = list(UNITS), list(BETTER)
    with st.form(f"registry_{ind.get('id', 'new')}"):
        name = st.text_input("Navn", value=ind.get("name", ""), max_chars=200)
        description = st.text_area("Kort beskrivelse", value=ind.get("description", ""), max_chars=2000)
        c1, c2, c3 = st.columns(3)
        unit = c1.selectbox("Enhet", units, index=units.index(ind.get("unit", "percent")), format_func=UNITS.get)
        better = c2.selectbox("Retning", betters, index=betters.index(ind.get("better", "lower")),
                              format_func=BETTER.get)
        source = c3.text_input("Kilde", value=ind.get("source", ""), max_chars=300)
        c4, c5, c6 = st.columns(3)
        target = c4.number_input("Mål (verdi)", value=ind.get("target_value"), step=0.1)
        year = c5.number_input("Målår", value=ind.get("target_year"), step=1, min_value=2000, max_value=2100)
        levels = ["", *level_labels]
        current = next((k for k, v in level_labels.items() if v == ind.get("level")), "")
        level = c6.selectbox("Knyttet til nivå", levels, index=levels.index(current),
                             format_func=lambda s: level_labels.get(s, "Ingen"))
        tiltak_ids = [0, *tiltak_names]
        tiltak_id = st.selectbox("Knyttet til tiltak", tiltak_ids,
                                 index=tiltak_ids.index(ind.get("tiltak_id") or 0) if (ind.get("tiltak_id") or 0)
                                 in tiltak_ids else 0, format_func=lambda i: tiltak_names.get(i, "Ingen"))
        submitted = st.form_submit_button("Lagre indikator" if ind else "Legg til indikator")
    if submitted:
        fields = {"name": name, "description": description, "unit": unit, "better": better, "source": source,
                  "target_value": target, "target_year": year, "level": level or None, "tiltak": tiltak_id or None}
        if ind:
            _run(lambda: update_indicator(ctx.engine, ctx.actor, ind["id"], fields), "Indikatoren er lagret.")
        else:
            _run(lambda: create_indicator(ctx.engine, ctx.actor, ctx.plan_id, **fields), "Indikatoren er lagt til.")
