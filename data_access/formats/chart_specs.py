"""Vega-Lite chart specs (altair), built from polars frames without Streamlit.

The app shows them with ``st.altair_chart`` and the yearly report renders the very same specs to PNG with
vl-convert (``png``), so the report and the screen agree.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from data_access.domain import formatting as fmt
from data_access.domain.vocabulary import LEVEL_COLOR_WORDS, LEVEL_COLORS, STATUS_COLORS, STATUS_LABELS

# Less steep than 3:2:1 so the top tier's label («Indikativ (rød): 4 tiltak») fits inside it on a 390 px phone.
TIER_WIDTH = {"universell": 3.0, "selektiv": 2.4, "indikativ": 1.85}
TEXT_COLOR = {"universell": "white", "selektiv": "black", "indikativ": "white"}
NUMBER_FORMAT = ",.2~f"  # d3: thousands grouped, up to two decimals; the locale makes it 1 234,5


def norsk(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Norwegian numbers and dates on axes, legends and tooltips (``config.locale``). Axes and legends get no ARIA
    description, which Vega-Lite writes in English («… with 3 values»); the marks keep theirs (field names and
    values, in Norwegian), and every chart has its numbers as a table beside it."""
    return chart.configure(locale=fmt.VEGA_LOCALE).configure_axis(aria=False).configure_legend(aria=False)


def pyramid_data(tiltak: pl.DataFrame, levels: pl.DataFrame) -> pl.DataFrame:
    """One row per level: its size in the pyramid, colour, count and status breakdown as text."""
    rows = []
    for level in levels.iter_rows(named=True):
        part = tiltak.filter(pl.col("level") == level["slug"])
        by_status = (part.group_by("status_label", "status_order").agg(pl.len().alias("n"))
                     .sort("status_order"))
        status_text = " · ".join(f"{r['status_label']} {r['n']}" for r in by_status.iter_rows(named=True))
        width = TIER_WIDTH[level["slug"]]
        rows.append({
            "level": level["slug"], "label": level["label"], "tier": level["sort_order"],
            "x0": -width / 2, "x1": width / 2, "count": part.height,
            "color": LEVEL_COLORS[level["slug"]], "text_color": TEXT_COLOR[level["slug"]],
            "title": f"{level['label']} ({LEVEL_COLOR_WORDS[level['slug']]}): {part.height} tiltak",
            "statuses": status_text or "Ingen tiltak",
        })
    return pl.DataFrame(rows)


def pyramid_chart(data: pl.DataFrame, selectable: bool = False) -> alt.Chart:
    """Three tiers, universell widest at the bottom; every tier carries its name, count and statuses."""
    base = alt.Chart(data)
    y = alt.Y("tier:O", sort="descending", axis=None, scale=alt.Scale(paddingInner=0.08))
    bars = base.mark_bar(cornerRadius=4).encode(
        x=alt.X("x0:Q", axis=None, scale=alt.Scale(domain=[-1.51, 1.51])), x2="x1:Q", y=y,
        color=alt.Color("color:N", scale=None, legend=None),
        tooltip=[alt.Tooltip("title:N", title="Nivå"), alt.Tooltip("statuses:N", title="Status")],
    )
    if selectable:
        pick = alt.selection_point(fields=["level"], name="niva", on="click")
        bars = bars.add_params(pick).encode(opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)))
    title = base.mark_text(fontSize=14, fontWeight="bold", dy=-9).encode(
        x=alt.datum(0), y=y, text="title:N", color=alt.Color("text_color:N", scale=None))
    detail = base.mark_text(fontSize=12, dy=11).encode(
        x=alt.datum(0), y=y, text="statuses:N", color=alt.Color("text_color:N", scale=None))
    return norsk((bars + title + detail).properties(height=330))


def status_pyramid_data(tiltak: pl.DataFrame, levels: pl.DataFrame) -> pl.DataFrame:
    """One row per level and status: the tier's share of the pyramid split by status, for the front page."""
    rows = []
    for level in levels.iter_rows(named=True):
        part = tiltak.filter(pl.col("level") == level["slug"])
        width = TIER_WIDTH[level["slug"]]
        counts = {slug: part.filter(pl.col("status") == slug).height for slug in STATUS_LABELS}
        statuses = " · ".join(f"{STATUS_LABELS[s]} {n}" for s, n in counts.items() if n) or "Ingen tiltak"
        left = -width / 2
        for slug, label in STATUS_LABELS.items():
            n = counts[slug]
            share = width * n / part.height if part.height else 0.0
            rows.append({"level": level["slug"], "tier": level["sort_order"], "status": label, "n": n,
                         "x0": left, "x1": left + share, "mid": left + share / 2,
                         "text_color": "white" if slug in ("i_gang", "avsluttet") else "black",
                         "title": f"{level['label']}: {part.height} tiltak", "statuses": statuses})
            left += share
        if not part.height:
            rows.append({"level": level["slug"], "tier": level["sort_order"], "status": "Ingen tiltak", "n": 0,
                         "x0": -width / 2, "x1": width / 2, "mid": 0.0, "text_color": "black",
                         "title": f"{level['label']}: 0 tiltak", "statuses": statuses})
    return pl.DataFrame(rows)


def status_pyramid_chart(data: pl.DataFrame) -> alt.Chart:
    """The pyramid of the front page: each tier split by status colour, its name and count above it and the
    statuses in words below it (issue 20.3). Positions are in data units, so the text keeps its distance to the
    bars at any height (the legend below takes its share of the height)."""
    domain = [*STATUS_LABELS.values(), "Ingen tiltak"]
    colors = [*STATUS_COLORS.values(), "#ffffff"]
    at = alt.Chart(data).transform_calculate(mid_y="3 * datum.tier - 1.5")
    y_scale = alt.Scale(domain=[0.3, 8.9], nice=False)
    segments = at.transform_calculate(y0="datum.mid_y - 0.45", y1="datum.mid_y + 0.45")
    bars = segments.mark_bar(stroke="#0b0c0c", strokeWidth=0.5).encode(
        x=alt.X("x0:Q", axis=None, scale=alt.Scale(domain=[-1.51, 1.51])), x2="x1:Q",
        y=alt.Y("y0:Q", axis=None, scale=y_scale), y2="y1:Q",
        color=alt.Color("status:N", scale=alt.Scale(domain=domain, range=colors),
                        legend=None),  # the page draws the legend as text below (a Vega legend overlapped on phones)
        tooltip=[alt.Tooltip("title:N", title="Nivå"), alt.Tooltip("status:N", title="Status"),
                 alt.Tooltip("n:Q", title="Tiltak")])
    numbers = at.transform_filter("datum.n > 0 && datum.x1 - datum.x0 > 0.12").mark_text(
        fontSize=12, fontWeight="bold").encode(x="mid:Q", y=alt.Y("mid_y:Q", scale=y_scale), text="n:Q",
                                               color=alt.Color("text_color:N", scale=None))
    tiers = at.transform_aggregate(title="min(title)", statuses="min(statuses)", mid_y="min(mid_y)",
                                   groupby=["tier"]).transform_calculate(above="datum.mid_y + 1.0",
                                                                         below="datum.mid_y - 0.95")
    title = tiers.mark_text(fontSize=14, fontWeight="bold", color="#0b0c0c").encode(
        x=alt.datum(0), y=alt.Y("above:Q", scale=y_scale), text="title:N")
    words = tiers.mark_text(fontSize=11, color="#0b0c0c").encode(
        x=alt.datum(0), y=alt.Y("below:Q", scale=y_scale), text="statuses:N")
    return norsk((bars + numbers + title + words).properties(height=340))


GEO_LABELS = {"kommune": "Kommune", "fylke": "Fylke", "land": "Landet"}
# Below the plot, so a 390 px phone keeps the plot's width; the title says what the line style means.
LEGEND = alt.Legend(orient="bottom", direction="horizontal", title=None, labelLimit=160)
DATATYPE = ["Oppgitt tall", "Eksempeldata"]


def trend_chart(values: pl.DataFrame) -> alt.Chart:
    """The small trend line on each indicator card: kommune and landet, example values dashed, from zero, with a
    legend saying which line is which (issue 20.2)."""
    data = values.filter(pl.col("geo").is_in(["kommune", "land"]) & pl.col("value").is_not_null()).with_columns(
        pl.col("geo").replace_strict(GEO_LABELS, default=pl.col("geo")).alias("Geografi"),
        pl.when(pl.col("is_example")).then(pl.lit(DATATYPE[1])).otherwise(pl.lit(DATATYPE[0])).alias("Datatype"))
    order = data.sort("period_order")["period"].unique(maintain_order=True).to_list()
    return norsk(alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("period:O", sort=order, axis=None),
        y=alt.Y("value:Q", scale=alt.Scale(zero=True),
                axis=alt.Axis(title=None, tickCount=2, format=NUMBER_FORMAT, grid=False, labelFontSize=10)),
        color=alt.Color("Geografi:N", scale=alt.Scale(domain=["Kommune", "Landet"], range=["#1565c0", "#616161"]),
                        legend=alt.Legend(orient="bottom", direction="horizontal", title=None, labelFontSize=11,
                                          symbolType="stroke")),
        strokeDash=alt.StrokeDash("Datatype:N", scale=alt.Scale(domain=DATATYPE, range=[[1, 0], [4, 3]]),
                                  legend=alt.Legend(orient="bottom", direction="horizontal", title=None,
                                                    labelFontSize=11, symbolType="stroke")),
        detail="Geografi:N",
        tooltip=[alt.Tooltip("period:N", title="Periode"), alt.Tooltip("geo_name:N", title="Sted"),
                 alt.Tooltip("value:Q", title="Verdi", format=NUMBER_FORMAT), alt.Tooltip("Datatype:N")],
    ).properties(height=70))


def indicator_chart(values: pl.DataFrame, unit_label: str, target: float | None = None,
                    target_is_example: bool = False) -> alt.Chart:
    """Kommune against fylke and land; example values are dashed and say so in legend and tooltip."""
    data = values.with_columns(
        pl.col("geo").replace_strict(GEO_LABELS, default=pl.col("geo")).alias("Geografi"),
        pl.when(pl.col("is_example")).then(pl.lit("Eksempeldata")).otherwise(pl.lit("Oppgitt tall"))
        .alias("Datatype"),
    ).filter(pl.col("value").is_not_null())
    order = data.sort("period_order")["period"].unique(maintain_order=True).to_list()
    base = alt.Chart(data).encode(
        x=alt.X("period:O", sort=order, title="Periode"),
        # from zero: a y-axis starting at 8 made a small change look dramatic (issue 20.2)
        y=alt.Y("value:Q", title=unit_label, scale=alt.Scale(zero=True), axis=alt.Axis(format=NUMBER_FORMAT)),
        color=alt.Color("Geografi:N", sort=list(GEO_LABELS.values()), legend=LEGEND,
                        scale=alt.Scale(domain=list(GEO_LABELS.values()), range=["#1565c0", "#8e24aa", "#616161"])),
        tooltip=[alt.Tooltip("Geografi:N"), alt.Tooltip("geo_name:N", title="Sted"),
                 alt.Tooltip("period:N", title="Periode"),
                 alt.Tooltip("value:Q", title="Verdi", format=NUMBER_FORMAT),
                 alt.Tooltip("source:N", title="Kilde"), alt.Tooltip("Datatype:N")],
    )
    lines = base.mark_line(strokeWidth=2).encode(
        strokeDash=alt.StrokeDash("Datatype:N", scale=alt.Scale(domain=DATATYPE, range=[[1, 0], [5, 4]]),
                                  legend=LEGEND),
        detail="Geografi:N")
    points = base.mark_point(filled=True, size=60).encode(
        shape=alt.Shape("Datatype:N", scale=alt.Scale(domain=["Oppgitt tall", "Eksempeldata"],
                                                      range=["circle", "triangle"]), legend=None))
    layers = lines + points
    if target is not None:
        label = f"Mål: {fmt.number(target)}" + (" (eksempeldata)" if target_is_example else "")
        rule = alt.Chart(pl.DataFrame({"target": [target], "label": [label]})).mark_rule(
            strokeDash=[2, 2], color="#2e7d32").encode(y="target:Q", tooltip=[alt.Tooltip("label:N", title="Mål")])
        layers = layers + rule
    return norsk(layers.properties(height=260))


NB_FORMAT = {"decimal": ",", "thousands": " ", "grouping": [3], "currency": ["", " kr"]}  # d3 has no nb-NO


def png(chart: alt.TopLevelMixin | dict, *, width: int | None = None, scale: float = 2.0) -> bytes:
    """The chart as PNG via vl-convert (bundled Vega, no browser, no network)."""
    import vl_convert as vlc

    spec = chart if isinstance(chart, dict) else chart.to_dict()
    if width is not None:
        spec = {**spec, "width": width}
    return vlc.vegalite_to_png(spec, scale=scale, format_locale=NB_FORMAT)
