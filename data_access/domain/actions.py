"""Oppfølgingspunkter (action items): who does what by when, carried from one group meeting to the next.

This part holds the rules (pure); the module docstring of ``data_access/writes/actions.py`` tells the rest.
"""

from __future__ import annotations

from datetime import date

import polars as pl

ACTION_SCHEMA = {
    "id": pl.Int64, "plan_id": pl.Int64, "text": pl.String, "service": pl.String,
    "responsible_person": pl.String, "deadline": pl.Date, "tiltak_id": pl.Int64, "tiltak_name": pl.String,
    "opened_meeting_id": pl.Int64, "created_by": pl.String, "created_at": pl.Datetime,
    "closed_at": pl.Datetime, "closed_by": pl.String, "closed_meeting_id": pl.Int64,
}


def responsible(service: str | None, person: str | None) -> str:
    """«Tjeneste (person)», either alone, or «–»."""
    service, person = (service or "").strip(), (person or "").strip()
    if service and person:
        return f"{service} ({person})"
    return service or person or "–"


def overdue_actions(actions: pl.DataFrame, today: date) -> pl.DataFrame:
    """Open actions whose deadline has passed (forsinket)."""
    return actions.filter(pl.col("closed_at").is_null() & (pl.col("deadline") < today)).sort("deadline")


def for_service(actions: pl.DataFrame, service: str) -> pl.DataFrame:
    return actions.filter(pl.col("service") == service)


def late_per_service(tiltak: pl.DataFrame, actions: pl.DataFrame, today: date) -> pl.DataFrame:
    """Per service: forsinket tiltak (evaluation date passed) and forsinket actions (deadline passed).

    Only services with something forsinket are listed, most first. A tiltak shared by two services counts
    for both; an action counts for its responsible service (or «Uten tjeneste» when only a person is named).
    """
    late_tiltak = (tiltak.filter(pl.col("next_evaluation").is_not_null() & (pl.col("next_evaluation") < today)
                                 & (pl.col("status") != "avsluttet"))
                   .explode("services").drop_nulls("services")
                   .group_by(pl.col("services").alias("Tjeneste")).agg(pl.len().alias("Forsinkede tiltak")))
    late_actions = (overdue_actions(actions, today)
                    .with_columns(pl.col("service").fill_null("Uten tjeneste").alias("Tjeneste"))
                    .group_by("Tjeneste").agg(pl.len().alias("Forsinkede oppfølgingspunkter")))
    schema = {"Tjeneste": pl.String, "Forsinkede tiltak": pl.UInt32, "Forsinkede oppfølgingspunkter": pl.UInt32}
    if late_tiltak.is_empty() and late_actions.is_empty():
        return pl.DataFrame(schema=schema)
    return (late_tiltak.join(late_actions, on="Tjeneste", how="full", coalesce=True)
            .with_columns(pl.col("Forsinkede tiltak", "Forsinkede oppfølgingspunkter").fill_null(0))
            .select(list(schema)).cast(schema)
            .sort(pl.col("Forsinkede tiltak") + pl.col("Forsinkede oppfølgingspunkter"), "Tjeneste",
                  descending=[True, False]))
