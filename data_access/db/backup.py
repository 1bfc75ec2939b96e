"""Backup and restore of the whole database to one portable file, and the way to move SQLite → PostgreSQL.

The file is gzip-compressed JSON lines: a header line (format, format version, alembic revision, created at,
row count per table), then one line per row, ``{"t": table, "r": {column: value}}``, table by table in
foreign-key order and row by row in primary-key order, so the same data always gives the same lines.
Every table of ``models.Base.metadata`` is included, so a table added later is backed up without changes here.
Dates and times are ISO 8601 text; everything else is plain JSON.

A restore migrates the target to the newest schema, refuses a database that holds any row and a backup from
another schema revision, inserts everything in one transaction (all or nothing), checks the row counts and
moves PostgreSQL's id sequences past the restored ids.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Date, DateTime, Engine, String, Table, func, select, text
from sqlalchemy.exc import DataError, IntegrityError

from data_access.db.engine import session_scope, upgrade
from data_access.db.models import Base
from data_access.domain.errors import ValidationError
from data_access.domain.permissions import Actor, Permission, require

FORMAT = "laget-backup"
FORMAT_VERSION = 1
BATCH = 1000


def head_revision(engine: Engine) -> str:
    """The alembic revision this version of Laget migrates to (one head)."""
    from alembic.script import ScriptDirectory

    from data_access.db.engine import alembic_config

    return ",".join(sorted(ScriptDirectory.from_config(alembic_config(engine)).get_heads()))


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def _encode(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _decoder(table: Table):
    kinds = {c.name: ("datetime" if isinstance(c.type, DateTime) else "date" if isinstance(c.type, Date) else "")
             for c in table.columns}

    def decode(row: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for name, value in row.items():
            if name not in kinds:
                raise ValidationError(f"Sikkerhetskopien har en kolonne «{name}» i tabellen «{table.name}» som "
                                      "denne versjonen av Laget ikke kjenner.", field="file")
            if value is not None and kinds[name] == "datetime":
                value = datetime.fromisoformat(value)
            elif value is not None and kinds[name] == "date":
                value = date.fromisoformat(value)
            out[name] = value
        return out

    return decode


def _rows(s, table: Table) -> Iterator[dict[str, Any]]:
    order = list(table.primary_key.columns) or list(table.columns)
    for row in s.execute(select(table).order_by(*order)).mappings():
        yield {k: _encode(v) for k, v in row.items()}


def backup(engine: Engine, actor: Actor, out: IO[bytes], *, now: datetime | None = None) -> dict[str, int]:
    """Write the whole database to ``out`` (a binary file object); returns the row count per table."""
    require(actor, Permission.MANAGE_USERS)  # the file holds every user's password hash
    tables = _tables()
    with session_scope(engine) as s:  # one read transaction: a consistent snapshot on PostgreSQL
        if engine.dialect.name == "postgresql":
            s.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        counts = {t.name: s.scalar(select(func.count()).select_from(t)) or 0 for t in tables}
        header = {"format": FORMAT, "format_version": FORMAT_VERSION, "alembic_revision": head_revision(engine),
                  "created_at": (now or datetime.now()).isoformat(timespec="seconds"), "tables": counts}
        with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as gz:
            gz.write((json.dumps(header, ensure_ascii=False) + "\n").encode())
            for table in tables:
                for row in _rows(s, table):
                    gz.write((json.dumps({"t": table.name, "r": row}, ensure_ascii=False) + "\n").encode())
    return counts


def backup_to_file(engine: Engine, actor: Actor, path: Path) -> dict[str, int]:
    """Write to ``path`` through a temporary file, so a failed backup never leaves half a file behind."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with tmp.open("wb") as f:
            counts = backup(engine, actor, f)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return counts


def _read(source: IO[bytes]) -> tuple[dict, Iterator[dict]]:
    try:
        gz = gzip.GzipFile(fileobj=source, mode="rb")
        first = gz.readline()
        header = json.loads(first) if first else {}
    except (OSError, EOFError, ValueError) as exc:
        raise ValidationError("Filen er ikke en sikkerhetskopi fra Laget (kan ikke leses som gzip/JSON).",
                              field="file") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValidationError("Filen er ikke en sikkerhetskopi fra Laget.", field="file")
    if header.get("format_version") != FORMAT_VERSION:
        raise ValidationError(f"Sikkerhetskopien har filformat {header.get('format_version')}, men denne "
                              f"versjonen av Laget leser format {FORMAT_VERSION}.", field="file")

    def lines() -> Iterator[dict]:
        try:
            for n, line in enumerate(gz, start=2):
                if line.strip():
                    yield json.loads(line) | {"_line": n}
        except (OSError, EOFError, ValueError) as exc:
            raise ValidationError("Sikkerhetskopien er ødelagt eller ufullstendig. Ingenting er gjenopprettet.",
                                  field="file") from exc

    return header, lines()


def _check_lengths(table: Table, row: dict[str, Any], line: int) -> None:
    """PostgreSQL enforces VARCHAR lengths, SQLite does not: name the row instead of a raw DataError."""
    for column in table.columns:
        value = row.get(column.name)
        if isinstance(column.type, String) and column.type.length and isinstance(value, str) \
                and len(value) > column.type.length:
            raise ValidationError(
                f"Linje {line} i sikkerhetskopien: «{column.name}» i tabellen «{table.name}» har {len(value)} tegn, "
                f"men kan ha høyst {column.type.length}. Rett verdien i den gamle databasen og ta en ny kopi. "
                "Ingenting er gjenopprettet.", field=column.name)


def _reset_sequences(s, tables: list[Table]) -> None:
    for table in tables:
        column = table.autoincrement_column
        if column is None:
            continue
        s.execute(text(f"SELECT setval(pg_get_serial_sequence(:t, :c), COALESCE(MAX({column.name}), 1), "
                       f"MAX({column.name}) IS NOT NULL) FROM {table.name}"), {"t": table.name, "c": column.name})


def restore(engine: Engine, actor: Actor, source: IO[bytes]) -> dict[str, int]:
    """Load a backup into an empty database of either kind; all or nothing. Returns the rows per table."""
    require(actor, Permission.MANAGE_USERS)
    header, lines = _read(source)
    upgrade(engine)
    ours = head_revision(engine)
    if header.get("alembic_revision") != ours:
        raise ValidationError(
            f"Sikkerhetskopien er fra skjemaversjon «{header.get('alembic_revision')}», men denne versjonen av "
            f"Laget bruker «{ours}». Gjenopprett med samme versjon av Laget som tok kopien (og oppgrader etterpå). "
            "Ingenting er gjenopprettet.", field="file")
    tables = {t.name: t for t in _tables()}
    unknown = set(header.get("tables", {})) - set(tables)
    if unknown:
        raise ValidationError(f"Sikkerhetskopien har tabeller denne versjonen av Laget ikke kjenner: "
                              f"{', '.join(sorted(unknown))}. Ingenting er gjenopprettet.", field="file")
    try:
        return _insert_all(engine, header, lines, tables)
    except (IntegrityError, DataError) as exc:
        raise ValidationError("Sikkerhetskopien kan ikke legges inn i denne databasen (en rad bryter en regel i "
                              f"databasen: {type(exc.orig).__name__}). Ingenting er gjenopprettet.",
                              field="file") from exc


def _insert_all(engine: Engine, header: dict, lines: Iterator[dict], tables: dict[str, Table]) -> dict[str, int]:
    decoders = {name: _decoder(t) for name, t in tables.items()}
    counts = dict.fromkeys(tables, 0)
    with session_scope(engine) as s:
        filled = [name for name, t in tables.items() if s.scalar(select(func.count()).select_from(t))]
        if filled:
            raise ValidationError(f"Databasen er ikke tom (tabellene {', '.join(filled)} har rader). Gjenopprett "
                                  "bare til en ny, tom database. Ingenting er gjenopprettet.", field="database")
        batch: list[dict] = []
        current: Table | None = None
        for item in lines:
            table = tables.get(item.get("t", ""))
            if table is None:
                raise ValidationError(f"Linje {item['_line']} i sikkerhetskopien: ukjent tabell «{item.get('t')}».",
                                      field="file")
            if current is not None and table is not current and batch:
                s.execute(current.insert(), batch)
                batch = []
            current = table
            row = decoders[table.name](item["r"])
            _check_lengths(table, row, item["_line"])
            batch.append(row)
            counts[table.name] += 1
            if len(batch) >= BATCH:
                s.execute(table.insert(), batch)
                batch = []
        if current is not None and batch:
            s.execute(current.insert(), batch)
        expected = {name: int(n) for name, n in header.get("tables", {}).items()}
        if {k: v for k, v in counts.items() if v or k in expected} != expected:
            raise ValidationError("Sikkerhetskopien er ufullstendig: antall rader stemmer ikke med overskriften. "
                                  "Ingenting er gjenopprettet.", field="file")
        if engine.dialect.name == "postgresql":
            _reset_sequences(s, list(tables.values()))
    return counts


def restore_from_file(engine: Engine, actor: Actor, path: Path) -> dict[str, int]:
    with path.open("rb") as f:
        return restore(engine, actor, f)
