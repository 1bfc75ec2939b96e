"""Importer tall: upload a CSV from SSB, FHI or Skoleporten, map it in a preview, then import all or nothing."""

import polars as pl
import streamlit as st

from dashboard.context import page_context
from dashboard.indicator_ui import import_preview, indicator_data
from dashboard.state import bound
from dashboard.tables import grid
from dashboard.ui import attempt, plain, plan_header
from data_access.domain.fields import INDICATOR_VALUE
from data_access.domain.vocabulary import GEOS
from data_access.formats.indicator_import import IndicatorImportError, parse_file, plan_import
from data_access.writes.indicators import import_values

ctx = page_context()
plan_header(ctx, "Importer tall")
st.write("Last opp en CSV-fil slik den lastes ned fra SSB statistikkbanken, FHI statistikkbank eller "
         "Skoleporten. Ingenting lagres før du har sett forhåndsvisningen og trykket «Importer».")
indicators, values, _ = indicator_data(ctx)
if indicators.is_empty():
    st.info("Legg til en indikator først (siden Indikatorer).")
    st.stop()
names = dict(zip(indicators["id"].to_list(), indicators["name"].to_list(), strict=True))
indicator_id = bound(st.selectbox, "Indikator", key="import_indicator", param="indikator", options=list(names),
                     default=next(iter(names)), format_func=names.get)
upload = st.file_uploader("CSV-fil (dra filen hit eller trykk «Last opp» for å velge den)", type=["csv", "txt"],
                          key="import_file", help="Streamlit viser knappen og slippfeltet på engelsk. Filen kan være "
                          "opptil 25 MB, som CSV eller TXT.")
if upload is None:
    st.stop()
try:
    parsed = parse_file(upload.getvalue(), upload.name)
except IndicatorImportError as exc:
    st.error(plain(f"Filen kan ikke leses: {exc}"))
    st.stop()
st.success(f"Gjenkjent som {dict(ssb='SSB', fhi='FHI', udir='Skoleporten')[parsed.format]}-fil med "
           f"{len(parsed.rows)} rader. Verdikolonne: «{plain(parsed.value_label)}».")
if parsed.errors:
    st.error(f"Filen har {len(parsed.errors)} feil og kan ikke importeres før de er rettet:")
    grid(pl.DataFrame({"Linje": [e.line_no for e in parsed.errors],
                               "Kolonne": [e.column for e in parsed.errors],
                               "Feil": [e.message for e in parsed.errors]}), caption="Feil i filen")
    st.stop()

st.header("Velg serier og geografi")
options = ["", *GEOS]
mapping: dict[str, str] = {}
for i, s in enumerate(parsed.series()):
    c1, c2 = st.columns([3, 1])
    c1.markdown(f"**{plain(s.key)}**  \n{s.rows} perioder ({s.first}–{s.last}), {s.rows - s.values} uten tall")
    mapping[s.key] = c2.selectbox("Geografi", options, index=options.index(s.geo_guess) if i < 3 else 0,
                                  format_func=lambda g: GEOS.get(g, "Ikke importer"), key=f"map_{i}")
source = st.text_input("Kilde som lagres med tallene", value=f"{dict(ssb='SSB', fhi='FHI', udir='Udir')[parsed.format]}"
                       f": {upload.name}", max_chars=INDICATOR_VALUE.max_chars("source"))
try:
    planned = plan_import(parsed, mapping, source)
except IndicatorImportError as exc:
    st.warning(plain(str(exc)))
    st.stop()
unit = indicators.filter(pl.col("id") == indicator_id)["unit"][0]
import_preview(planned, names[indicator_id], values.filter(pl.col("indicator_id") == indicator_id), unit)
if st.button("Importer", type="primary"):
    attempt(lambda: import_values(ctx.engine, ctx.actor, indicator_id, planned), lambda result: result.summary())
