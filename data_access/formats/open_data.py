"""Open data: a released plan as CSV and JSON files under NLOD 2.0, with stable column names.

Only what ``reads.public.released_plan`` returns is written, so the files never hold more than the public page
shows: the tiltak always, arenas and indicator values only when the plan's administrator has released them.
The column names are ASCII snake_case in Norwegian and do not change between versions (``COLUMNS`` is the data
dictionary, also in ``plan.json`` and in README); values are machine-readable: dates ISO 8601, decimal point,
lists as JSON arrays (in CSV joined with «; »), UTF-8 without BOM, comma-separated with a header row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

import polars as pl

from data_access.domain.public import ReleasedPlan
from data_access.domain.vocabulary import ARENA_LEVELS, UNITS

LICENSE_NAME = "Norsk lisens for offentlige data (NLOD) 2.0"
LICENSE_URL = "https://data.norge.no/nlod/no/2.0"
LIST_SEP = "; "
EXAMPLE_WORD = "eksempeldata"

# file stem -> column -> (type, meaning); the order is the file's column order
COLUMNS: dict[str, dict[str, tuple[str, str]]] = {
    "tiltak": {
        "plan": ("tekst", "planens nøkkel (samme som i adressen)"),
        "tiltak_id": ("heltall", "tiltakets faste nummer i Laget"),
        "navn": ("tekst", "tiltakets navn"),
        "beskrivelse": ("tekst", "hva tiltaket er"),
        "niva": ("tekst", "forebyggingsnivå: universell, selektiv eller indikativ"),
        "niva_navn": ("tekst", "planens eget navn på nivået"),
        "status": ("tekst", "ikke_startet, planlagt, i_gang, under_revidering eller avsluttet"),
        "status_navn": ("tekst", "statusen i ord"),
        "ansvar": ("liste", "ansvarlige tjenester"),
        "beskyttelsesfaktor": ("tekst", "beskyttelsesfaktoren planen plasserer tiltaket under (kan være tom)"),
    },
    "arenaer": {
        "plan": ("tekst", "planens nøkkel"),
        "arena_id": ("heltall", "møtearenaens faste nummer i Laget"),
        "navn": ("tekst", "møtearenaens navn"),
        "niva": ("tekst", "kommune, tjeneste eller individ"),
        "niva_navn": ("tekst", "nivået i ord"),
        "formal": ("tekst", "agenda og målsetting"),
        "hyppighet": ("tekst", "hvor ofte arenaen møtes, slik planen sier det"),
        "ny_arena": ("sann/usann", "arenaen er ny i planen"),
        "startdato": ("dato", "første møte (ÅÅÅÅ-MM-DD), tom om ukjent"),
        "sluttdato": ("dato", "siste møte (ÅÅÅÅ-MM-DD), tom om ukjent"),
        "leder": ("tekst", "lederrollen; tom når kommunen ikke har frigitt roller"),
        "deltakere": ("liste", "deltakende roller og tjenester; tom når kommunen ikke har frigitt roller"),
    },
    "indikatorverdier": {
        "plan": ("tekst", "planens nøkkel"),
        "indikator_id": ("heltall", "indikatorens faste nummer i Laget"),
        "indikator_nokkel": ("tekst", "indikatorens nøkkel"),
        "indikator": ("tekst", "indikatorens navn"),
        "enhet": ("tekst", "prosent, antall eller per 1 000"),
        "periode": ("tekst", "perioden verdien gjelder, f.eks. 2024 eller 2023-2024"),
        "geo": ("tekst", "kommune, fylke eller land"),
        "geo_navn": ("tekst", "navnet på området"),
        "verdi": ("desimaltall", "verdien (desimalpunktum); tom når kilden ikke oppgir tall"),
        "kilde": ("tekst", "hvor verdien kommer fra"),
        "eksempeldata": ("sann/usann", "sann: eksempeldata, ikke offisielle tall"),
        "merknad": ("tekst", "«eksempeldata» eller kildens markering for manglende tall (f.eks. .. eller :)"),
    },
}
TITLES = {"tiltak": "Tiltak", "arenaer": "Møtearenaer", "indikatorverdier": "Indikatorverdier"}


@dataclass(frozen=True)
class OpenFile:
    body: bytes
    media_type: str


def tables(plan: ReleasedPlan) -> dict[str, pl.DataFrame]:
    """The released tables with the open-data columns; a part that is not released is left out."""
    t = plan.tiltak
    out = {"tiltak": pl.DataFrame({
        "plan": [plan.key] * t.height, "tiltak_id": t["id"], "navn": t["name"], "beskrivelse": t["description"],
        "niva": t["level"], "niva_navn": t["level_label"], "status": t["status"], "status_navn": t["status_label"],
        "ansvar": t["services"], "beskyttelsesfaktor": t["protective_factor"]})}
    if plan.arenas is not None:
        a = plan.arenas
        out["arenaer"] = pl.DataFrame({
            "plan": [plan.key] * a.height, "arena_id": a["id"], "navn": a["name"], "niva": a["level"],
            "niva_navn": a["level"].replace_strict(ARENA_LEVELS, default=None, return_dtype=pl.String),
            "formal": a["purpose"], "hyppighet": a["frequency_text"], "ny_arena": a["is_new"],
            "startdato": a["start_date"], "sluttdato": a["end_date"], "leder": a["leader"],
            "deltakere": a["participants"]})
    if plan.indicators is not None and plan.indicator_values is not None:
        ind = plan.indicators.select(
            pl.col("id").alias("indikator_id"), pl.col("key").alias("indikator_nokkel"),
            pl.col("name").alias("indikator"), pl.col("unit").replace_strict(UNITS, default=None).alias("enhet"),
            pl.col("source").alias("_indikator_kilde"))
        v = plan.indicator_values.join(ind, left_on="indicator_id", right_on="indikator_id", how="inner",
                                       maintain_order="left")
        out["indikatorverdier"] = v.select(
            pl.lit(plan.key).alias("plan"), pl.col("indicator_id").alias("indikator_id"), "indikator_nokkel",
            "indikator", "enhet", pl.col("period").alias("periode"), "geo", pl.col("geo_name").alias("geo_navn"),
            pl.col("value").alias("verdi"),
            pl.when(pl.col("source") != "").then(pl.col("source")).otherwise(pl.col("_indikator_kilde"))
            .alias("kilde"),
            pl.col("is_example").fill_null(False).alias("eksempeldata"),
            pl.when(pl.col("is_example")).then(pl.lit(EXAMPLE_WORD))
            .otherwise(pl.col("marker").fill_null("")).alias("merknad"))
    return {name: frame.select(list(COLUMNS[name])) for name, frame in out.items()}


def csv_bytes(frame: pl.DataFrame) -> bytes:
    lists = [n for n, dtype in frame.schema.items() if isinstance(dtype, pl.List)]
    flat = frame.with_columns(pl.col(n).list.join(LIST_SEP) for n in lists)
    return flat.write_csv(date_format="%Y-%m-%d", datetime_format="%Y-%m-%dT%H:%M:%S").encode("utf-8")


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and value != value:  # NaN is not JSON
        return None
    return value


def records(frame: pl.DataFrame) -> list[dict]:
    return [{k: _plain(v) for k, v in row.items()} for row in frame.iter_rows(named=True)]


def json_bytes(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def plan_document(plan: ReleasedPlan, base_url: str) -> dict:
    """Everything released, with the licence, the data dictionary and the demo/example markings."""
    parts = tables(plan)
    doc = {
        "plan": {"nokkel": plan.key, "navn": plan.name, "kommune": plan.kommune, "periode": plan.period or None,
                 "demodata": plan.is_demo, "sist_endret": _plain(plan.updated_at),
                 "adresse": plan_url(base_url, plan.key)},
        "lisens": {"navn": LICENSE_NAME, "url": LICENSE_URL,
                   "kreditering": f"Inneholder data under {LICENSE_NAME}, tilgjengeliggjort av {plan.kommune} "
                                  "kommune."},
        "merknad": (("Demodata bygd på kommunens plandokument; tall merket «eksempeldata» er ikke offisielle. "
                     if plan.is_demo else "") + "Bare det kommunen har frigitt for offentligheten er med."),
        "kolonner": {name: {col: {"type": typ, "beskrivelse": text} for col, (typ, text) in cols.items()}
                     for name, cols in COLUMNS.items() if name in parts},
    }
    for name, frame in parts.items():
        doc[name] = records(frame)
    if plan.indicators is not None:
        doc["indikatorer"] = [
            {"indikator_id": r["id"], "nokkel": r["key"], "navn": r["name"], "beskrivelse": r["description"],
             "enhet": UNITS.get(r["unit"], r["unit"]), "bedre_er": {"lower": "lavere", "higher": "høyere"}.get(
                 r["better"], r["better"]), "kilde": r["source"], "mal": r["target_value"],
             "malaar": r["target_year"], "mal_eksempeldata": bool(r["target_is_example"]), "niva": r["level"],
             "oppdatert": _plain(r["as_of"])}
            for r in plan.indicators.iter_rows(named=True)]
    return doc


def plan_url(base_url: str, key: str) -> str:
    return f"{base_url.rstrip('/')}/apne-data/{key}/"


def file_names(plan: ReleasedPlan) -> list[str]:
    """The files this plan publishes, in the order the DCAT description lists them."""
    names = ["plan.json"]
    for name in tables(plan):
        names += [f"{name}.csv", f"{name}.json"]
    return names


def open_file(plan: ReleasedPlan, name: str, base_url: str) -> OpenFile | None:
    """The file ``name`` of a released plan, or None when the plan does not publish it (not released)."""
    if name == "plan.json":
        return OpenFile(json_bytes(plan_document(plan, base_url)), "application/json; charset=utf-8")
    stem, _, ext = name.rpartition(".")
    frame = tables(plan).get(stem)
    if frame is None or ext not in ("csv", "json"):
        return None
    if ext == "csv":
        return OpenFile(csv_bytes(frame), "text/csv; charset=utf-8; header=present")
    return OpenFile(json_bytes(records(frame)), "application/json; charset=utf-8")
