"""Net changes from the change log: what a meeting (or a period) decided, not every keystroke on the way.

A group that types a wrong date, undoes it and types the right one decided one thing. Per entity and field the
net change is the value before the first entry → the value after the last, left out when they are equal (so
an undone change disappears). One *save* is the entries one unit of work logged for one entity: same entity,
same time stamp, same user, same action; it is what «Angre» undoes as a whole. Pure (polars only).
"""

from __future__ import annotations

import polars as pl

CREATE_ACTIONS = ("create", "import")
NET_SCHEMA = {"entity": pl.String, "entity_id": pl.Int64, "field": pl.String, "old_value": pl.String,
              "new_value": pl.String, "first_at": pl.Datetime, "last_at": pl.Datetime, "names": pl.List(pl.String)}


def _blank(col: str) -> pl.Expr:
    return pl.col(col).fill_null("")


def net_changes(log: pl.DataFrame) -> pl.DataFrame:
    """Per (entity, entity_id, field): first old → last new, oldest first, only where the value really changed.

    Entries that create an entity are left out (see ``created``); ``names`` are the people who saved changes.
    """
    edits = log.filter(~pl.col("action").is_in(CREATE_ACTIONS) & pl.col("field").is_not_null()).sort("at", "id")
    if edits.is_empty():
        return pl.DataFrame(schema=NET_SCHEMA)
    who = pl.coalesce(pl.col("name"), pl.col("username"))
    net = (edits.group_by("entity", "entity_id", "field", maintain_order=True)
           .agg(pl.col("old_value").first(), pl.col("new_value").last(), pl.col("at").first().alias("first_at"),
                pl.col("at").last().alias("last_at"), who.unique(maintain_order=True).alias("names")))
    return net.filter(_blank("old_value") != _blank("new_value")).select(list(NET_SCHEMA)).cast(NET_SCHEMA)


def created(log: pl.DataFrame, entity: str = "tiltak") -> list[int]:
    """Ids of the entities created in ``log``, oldest first."""
    part = log.filter((pl.col("entity") == entity) & pl.col("action").is_in(CREATE_ACTIONS)).sort("at", "id")
    return part["entity_id"].unique(maintain_order=True).to_list()


SAVE_KEYS = ("entity", "entity_id", "at", "username", "action")


def saves(log: pl.DataFrame) -> pl.DataFrame:
    """The log grouped into saves, newest first: the save's keys, its entry ``ids`` and ``fields`` (as logged)."""
    if log.is_empty():
        return log.select(*SAVE_KEYS).with_columns(pl.lit([], pl.List(pl.Int64)).alias("ids"),
                                                   pl.lit([], pl.List(pl.String)).alias("fields"))
    return (log.sort("at", "id", descending=True)
            .group_by(*SAVE_KEYS, maintain_order=True)
            .agg(pl.col("id").alias("ids"), pl.col("field").alias("fields"),
                 pl.col("name").first(), pl.col("old_value").alias("old_values"),
                 pl.col("new_value").alias("new_values"), pl.col("undo_of_id").alias("undo_of_ids")))
