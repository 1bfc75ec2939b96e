"""unique names: tiltak, arenas and indicators per plan, services in the whole database, case and spacing ignored

Adds ``name_key`` (the name with case and runs of whitespace folded) with a unique constraint, so two imports or
two people adding the same tiltak at once cannot both store it. Names that already collide are not merged (that
could join two tiltak's histories): every row but the oldest is renamed «Navn (2)», «Navn (3)» …, its version
bumped and the rename written to the change log as the user «system», and each rename is logged as a warning.

Revision ID: 0009_unique_names
Revises: 0008_access
"""

import logging
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0009_unique_names"
down_revision = "0008_access"
branch_labels = None
depends_on = None

# table -> (the columns the name is unique within, the longest name, the change log's entity, has a version)
TABLES = {
    "tiltak": (("plan_id",), 200, "tiltak", True),
    "arenas": (("plan_id",), 200, "arena", True),
    "indicators": (("plan_id",), 200, "indicator", True),
    "services": ((), 150, "service", False),
}
log = logging.getLogger("alembic.runtime.migration")


def _key(name: str | None) -> str:
    """Frozen copy of ``validation.name_key`` as it was when this migration was written."""
    return " ".join(str(name or "").split()).casefold()


def _fill(conn: sa.Connection, table: str) -> None:
    scope, longest, entity, versioned = TABLES[table]
    t = sa.table(table, sa.column("id"), sa.column("name"), sa.column("name_key"), *map(sa.column, scope),
                 *([sa.column("version")] if versioned else []))
    changes = sa.table("change_log", *map(sa.column, ("at", "username", "plan_id", "entity", "entity_id", "action",
                                                      "field", "old_value", "new_value")))
    rows = conn.execute(sa.select(t.c.id, t.c.name, *(t.c[c] for c in scope)).order_by(t.c.id)).all()
    taken = {(*r[2:], _key(r.name)) for r in rows}
    seen: set[tuple] = set()
    now = datetime.now()
    for r in rows:
        where = tuple(r[2:])
        name, key = r.name, _key(r.name)
        if (*where, key) in seen:  # a later row with a name an older one has: give it a free name
            n = 2
            while True:
                suffix = f" ({n})"
                name = f"{r.name[:longest - len(suffix)]}{suffix}"
                key = _key(name)
                if (*where, key) not in taken:
                    break
                n += 1
            taken.add((*where, key))
            log.warning("%s %s: «%s» heter nå «%s» (navnet fantes fra før)", table, r.id, r.name, name)
            conn.execute(sa.insert(changes).values(at=now, username="system",
                                                   plan_id=r.plan_id if scope else None, entity=entity,
                                                   entity_id=r.id, action="update", field="name", old_value=r.name,
                                                   new_value=name))
        seen.add((*where, key))
        values = {"name": name, "name_key": key} | ({"version": t.c.version + 1} if name != r.name and versioned
                                                    else {})
        conn.execute(sa.update(t).where(t.c.id == r.id).values(**values))


def upgrade() -> None:
    conn = op.get_bind()
    sqlite = conn.dialect.name == "sqlite"
    for table, (scope, _, _, _) in TABLES.items():
        # SQLite cannot make a column NOT NULL without rebuilding the table, and rebuilding a table others refer
        # to would, with foreign keys on, cascade-delete what refers to it; there the column gets an empty default
        op.add_column(table, sa.Column("name_key", sa.String(600), nullable=not sqlite,
                                       server_default="" if sqlite else None))
        _fill(conn, table)
        if not sqlite:
            op.alter_column(table, "name_key", existing_type=sa.String(600), nullable=False)
        op.create_index(f"uq_{table}_name_key", table, [*scope, "name_key"], unique=True)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_index(f"uq_{table}_name_key", table_name=table)
        op.drop_column(table, "name_key")
