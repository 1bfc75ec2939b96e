"""Queries over tiltak. A constant number of queries whatever the number of tiltak (no N+1)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl
from sqlalchemy import Engine, select

from data_access.db import read_connection
from data_access.frames import to_frame
from data_access.models import Level, ProtectiveFactor, Service, Status, Tiltak, tiltak_services

TILTAK_SCHEMA = {
    "id": pl.Int64, "plan_id": pl.Int64, "level": pl.String, "level_label": pl.String, "level_order": pl.Int64,
    "name": pl.String, "description": pl.String, "status": pl.String, "status_label": pl.String,
    "status_order": pl.Int64, "status_note": pl.String, "next_step": pl.String, "next_evaluation": pl.Date,
    "next_evaluation_is_example": pl.Boolean,
    "protective_factor": pl.String, "version": pl.Int64, "archived": pl.Boolean, "updated_by": pl.String,
    "updated_at": pl.Datetime,
}


def tiltak_frame(engine: Engine, plan_id: int, *, include_archived: bool = False,
                 ids: Sequence[int] | None = None) -> pl.DataFrame:
    """All tiltak of a plan (or only ``ids``) with level, status and a ``services`` list column, in plan order.

    Read with Core rather than the ORM and joined in polars: 2,000 tiltak in a few milliseconds.
    """
    q = (select(Tiltak.id, Tiltak.plan_id, Level.slug, Level.label, Level.sort_order, Tiltak.name,
                Tiltak.description, Status.slug, Status.label, Status.sort_order, Tiltak.status_note,
                Tiltak.next_step, Tiltak.next_evaluation, Tiltak.next_evaluation_is_example, ProtectiveFactor.name,
                Tiltak.version,
                Tiltak.archived_at.is_not(None), Tiltak.updated_by, Tiltak.updated_at)
         .join(Level, Tiltak.level_id == Level.id).join(Status, Tiltak.status_id == Status.id)
         .outerjoin(ProtectiveFactor, Tiltak.protective_factor_id == ProtectiveFactor.id)
         .where(Tiltak.plan_id == plan_id).order_by(Level.sort_order, Tiltak.sort_order, Tiltak.id))
    if not include_archived:
        q = q.where(Tiltak.archived_at.is_(None))
    sq = (select(tiltak_services.c.tiltak_id, Service.name)
          .join(Service, Service.id == tiltak_services.c.service_id)
          .join(Tiltak, Tiltak.id == tiltak_services.c.tiltak_id)
          .where(Tiltak.plan_id == plan_id).order_by(tiltak_services.c.tiltak_id, Service.name))
    if ids is not None:
        q = q.where(Tiltak.id.in_(list(ids)))
        sq = sq.where(tiltak_services.c.tiltak_id.in_(list(ids)))
    with read_connection(engine) as conn:
        rows = conn.execute(q).all()
        links = conn.execute(sq).all()
    frame = to_frame(rows, TILTAK_SCHEMA)
    services = (pl.DataFrame(links, schema={"id": pl.Int64, "services": pl.String}, orient="row")
                .group_by("id", maintain_order=True).agg(pl.col("services")))
    return frame.join(services, on="id", how="left", maintain_order="left").with_columns(
        pl.col("services").fill_null(pl.lit([], dtype=pl.List(pl.String))))


def filter_tiltak(frame: pl.DataFrame, *, services: list[str] | None = None, statuses: list[str] | None = None,
                  levels: list[str] | None = None) -> pl.DataFrame:
    """Pure filtering used by the pages, so filters are tested without Streamlit."""
    if services:
        frame = frame.filter(pl.col("services").list.eval(pl.element().is_in(services)).list.any())
    if statuses:
        frame = frame.filter(pl.col("status").is_in(statuses))
    if levels:
        frame = frame.filter(pl.col("level").is_in(levels))
    return frame


def status_counts(frame: pl.DataFrame) -> list[tuple[str, int]]:
    """(status label, count) for every status in use, in the plan's status order; the counts sum to the total."""
    counts = frame.group_by("status_order", "status_label").agg(pl.len().alias("n")).sort("status_order")
    return list(zip(counts["status_label"].to_list(), counts["n"].to_list(), strict=True))


def overdue(frame: pl.DataFrame, today: date) -> pl.DataFrame:
    """Open tiltak whose next evaluation date has passed."""
    return (frame.filter(pl.col("next_evaluation").is_not_null() & (pl.col("next_evaluation") < today)
                         & (pl.col("status") != "avsluttet")).sort("next_evaluation"))


def service_overview(frame: pl.DataFrame, today: date | None = None) -> pl.DataFrame:
    """Per service: how many tiltak it owns (alone or shared), by status, and how many are overdue."""
    today = today or date.today()
    exploded = frame.explode("services").filter(pl.col("services").is_not_null())
    if exploded.is_empty():
        return pl.DataFrame()
    counts = (exploded.group_by("services", "status_label", "status_order").agg(pl.len().alias("n"))
              .sort("status_order")
              .pivot(on="status_label", index="services", values="n", sort_columns=False).fill_null(0))
    late = (exploded.filter(pl.col("next_evaluation").is_not_null() & (pl.col("next_evaluation") < today)
                            & (pl.col("status") != "avsluttet"))
            .group_by("services").agg(pl.len().alias("Evaluering passert")))
    total = exploded.group_by("services").agg(pl.len().alias("Tiltak"))
    return (total.join(counts, on="services").join(late, on="services", how="left")
            .with_columns(pl.col("Evaluering passert").fill_null(0)).rename({"services": "Tjeneste"})
            .sort("Tiltak", "Tjeneste", descending=[True, False]))
