"""Backup and restore of the whole database to one portable file, and the way to move SQLite → PostgreSQL.

The file is gzip-compressed JSON lines: a header line (format, format version, alembic revision, created at,
row count per table), then one line per row, ``{"t": table, "r": {column: value}}``, table by table in
foreign-key order and row by row in primary-key order, so the same data always gives the same lines.
Every table of ``models.Base.metadata`` is included, so a table added later is backed up without changes here.
Dates and times are ISO 8601 text; everything else is plain JSON.

A backup never changes the database it reads: it refuses a database that is not at this version's schema
revision (``laget db upgrade`` first, or back up with the Laget version the database belongs to) instead of
migrating it, so an operator's copy taken before an upgrade really is of the old database.

A restore first reads and checks the whole file against the schema (``_Checker``: header, every table, every
row and column with the types, lengths and nullability of the SQLAlchemy models, duplicate keys, dangling
foreign keys) before it touches the target, because SQLite stores ``"abc"`` in an INTEGER column without a word
and the damage only shows later, on a page or in ``laget export``. Every fault is a ``ValidationError`` naming
the line, table, row and column. Only then does it migrate the empty target, refuse a database that holds any
row, insert everything in one transaction (all or nothing), check the row counts and move PostgreSQL's id
sequences past the restored ids. A kommune's database is a few megabytes, so the checked rows are held in
memory between the check and the insert.
"""

from __future__ import annotations

import gzip
import json
import math
import zlib
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    String,
    Table,
    UniqueConstraint,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.exc import DataError, IntegrityError

from data_access.db.engine import reading, upgrade
from data_access.db.models import Base
from data_access.db.uow import UnitOfWork
from data_access.domain.errors import ValidationError
from data_access.domain.permissions import Actor, Permission, require

FORMAT = "laget-backup"
FORMAT_VERSION = 1
BATCH = 1000
NOTHING = "Ingenting er gjenopprettet."
INT_RANGE = (-(2**31), 2**31 - 1)  # PostgreSQL INTEGER; SQLite would take more and the pages would not


RESTORER = Actor("gjenoppretting", "admin", "Gjenoppretting (system)")


def head_revision(engine: Engine) -> str:
    """The alembic revision this version of Laget migrates to (one head); reads the scripts, not the database."""
    from alembic.script import ScriptDirectory

    from data_access.db.engine import alembic_config

    return ",".join(sorted(ScriptDirectory.from_config(alembic_config(engine)).get_heads()))


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: no Laget schema at all), read without migrating anything."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return ",".join(sorted(MigrationContext.configure(conn).get_current_heads())) or None


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def _encode(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _rows(s, table: Table) -> Iterator[dict[str, Any]]:
    order = list(table.primary_key.columns) or list(table.columns)
    for row in s.execute(select(table).order_by(*order)).mappings():
        yield {k: _encode(v) for k, v in row.items()}


def _require_current(engine: Engine) -> str:
    """The database's revision, which must be this version's: a backup reads, it never migrates."""
    ours, theirs = head_revision(engine), current_revision(engine)
    if theirs is None:
        raise ValidationError("Databasen har ingen tabeller fra Laget, så det er ingenting å ta sikkerhetskopi av. "
                              "Sjekk DATABASE_URL.", field="database")
    if theirs != ours:
        raise ValidationError(
            f"Databasen har skjemaversjon «{theirs}», men denne versjonen av Laget bruker «{ours}». Ta "
            "sikkerhetskopien med den versjonen av Laget som databasen hører til, eller kjør «laget db upgrade» "
            "først. Databasen er ikke endret.", field="database")
    return theirs


def backup(engine: Engine, actor: Actor, out: IO[bytes], *, now: datetime | None = None) -> dict[str, int]:
    """Write the whole database to ``out`` (a binary file object); returns the row count per table.

    The database is read as it is: one at another schema revision is refused, never migrated."""
    require(actor, Permission.MANAGE_USERS)  # the file holds every user's password hash
    revision = _require_current(engine)
    tables = _tables()
    with reading(engine) as s:  # one read transaction: a consistent snapshot on PostgreSQL
        if engine.dialect.name == "postgresql":
            s.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        counts = {t.name: s.scalar(select(func.count()).select_from(t)) or 0 for t in tables}
        header = {"format": FORMAT, "format_version": FORMAT_VERSION, "alembic_revision": revision,
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


# reading --------------------------------------------------------------------------------------------------
class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``json.loads`` keeps the last of two equal keys without a word; a backup never has two."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _json(raw: bytes, line: int) -> Any:
    try:
        return json.loads(raw, object_pairs_hook=_no_duplicates)
    except _DuplicateKey as exc:
        raise ValidationError(f"Linje {line} i sikkerhetskopien har feltet «{exc.key}» to ganger. {NOTHING}",
                              field="file") from None
    except RecursionError:
        raise ValidationError(f"Linje {line} i sikkerhetskopien er nøstet for dypt til å være en rad fra Laget. "
                              f"{NOTHING}", field="file") from None
    except ValueError:  # JSONDecodeError and UnicodeDecodeError
        raise ValidationError(f"Linje {line} i sikkerhetskopien er ikke gyldig JSON (filen er ødelagt). {NOTHING}",
                              field="file") from None


def _read(source: IO[bytes]) -> tuple[dict, Iterator[tuple[int, Any]]]:
    """The header, checked, and the rest of the lines as (line number, parsed JSON)."""
    try:
        gz = gzip.GzipFile(fileobj=source, mode="rb")
        first = gz.readline()
    except (OSError, EOFError, zlib.error) as exc:
        raise ValidationError("Filen er ikke en sikkerhetskopi fra Laget (kan ikke leses som gzip). "
                              f"{NOTHING}", field="file") from exc
    header = _json(first, 1) if first.strip() else None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValidationError(f"Filen er ikke en sikkerhetskopi fra Laget. {NOTHING}", field="file")
    if header.get("format_version") != FORMAT_VERSION:
        raise ValidationError(f"Sikkerhetskopien har filformat {header.get('format_version')}, men denne "
                              f"versjonen av Laget leser format {FORMAT_VERSION}. {NOTHING}", field="file")

    def lines() -> Iterator[tuple[int, Any]]:
        n = 1
        try:
            for n, raw in enumerate(gz, start=2):  # noqa: B007 (n names the broken line below)
                if raw.strip():
                    yield n, _json(raw, n)
        except (OSError, EOFError, zlib.error) as exc:
            raise ValidationError(f"Sikkerhetskopien er ødelagt eller ufullstendig etter linje {n}. {NOTHING}",
                                  field="file") from exc

    return header, lines()


# checking -------------------------------------------------------------------------------------------------
def _kind(column) -> str:
    """The JSON shape a column's values have in a backup (Boolean and DateTime before Integer and Date)."""
    t = column.type
    for cls, kind in ((Boolean, "bool"), (Integer, "int"), (Float, "float"), (DateTime, "datetime"),
                      (Date, "date"), (String, "str"), (JSON, "json")):
        if isinstance(t, cls):
            return kind
    return "json"


KIND_WORDS = {"bool": "sann/usann (true/false)", "int": "et helt tall", "float": "et tall",
              "datetime": "et tidspunkt (ÅÅÅÅ-MM-DDTtt:mm:ss)", "date": "en dato (ÅÅÅÅ-MM-DD)", "str": "tekst"}


def _problem(column, kind: str, value: Any) -> tuple[str | None, Any]:
    """(what is wrong, None) or (None, the value as the database takes it)."""
    if value is None:
        return (None, None) if column.nullable else ("mangler verdi, men kan ikke være tom", None)
    if kind == "bool":
        return (None, value) if isinstance(value, bool) else (f"må være {KIND_WORDS[kind]}", None)
    if kind == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            return f"må være {KIND_WORDS[kind]}", None
        return (None, value) if INT_RANGE[0] <= value <= INT_RANGE[1] else ("er et for stort tall", None)
    if kind == "float":
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
            return f"må være {KIND_WORDS[kind]}", None
        return None, value
    if kind in {"date", "datetime"}:
        parse = datetime.fromisoformat if kind == "datetime" else date.fromisoformat
        try:
            if isinstance(value, str):
                return None, parse(value)
        except ValueError:
            pass
        return f"må være {KIND_WORDS[kind]}", None
    if kind == "str":
        if not isinstance(value, str):
            return f"må være {KIND_WORDS[kind]}", None
        if "\x00" in value:
            return "har et NUL-tegn, som ingen database tar imot", None
        length = column.type.length
        if length and len(value) > length:
            return f"har {len(value)} tegn, men kan ha høyst {length}", None
        return None, value
    return None, value  # JSON: any JSON value


class _Checker:
    """Checks a backup's rows against the models before anything is written; raises ``ValidationError``.

    Holds what the later rows and the end of the file are checked against: the primary keys and unique values
    seen per table (duplicates) and the values every foreign key points at (dangling references)."""

    def __init__(self, tables: dict[str, Table]) -> None:
        self.tables = tables
        self.kinds = {name: {c.name: _kind(c) for c in t.columns} for name, t in tables.items()}
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in tables}
        self.lines: dict[str, list[int]] = {name: [] for name in tables}
        # (table, columns) → values seen; the primary key and every unique constraint or unique column
        self.unique: dict[tuple[str, tuple[str, ...]], set[tuple]] = {}
        for name, t in tables.items():
            keys = [tuple(c.name for c in t.primary_key.columns)]
            keys += [tuple(c.name for c in con.columns) for con in t.constraints if isinstance(con, UniqueConstraint)]
            keys += [(c.name,) for c in t.columns if c.unique]
            keys += [tuple(c.name for c in ix.columns) for ix in t.indexes
                     if ix.unique and not any(ix.dialect_options[d].get("where") is not None
                                              for d in ("sqlite", "postgresql"))]
            for key in dict.fromkeys(k for k in keys if k):
                self.unique[(name, key)] = set()
        # every (referenced table, column) a foreign key points at, with the values that exist there
        self.targets: dict[tuple[str, str], set[Any]] = {}
        for t in tables.values():
            for fk in t.foreign_keys:
                self.targets.setdefault((fk.column.table.name, fk.column.name), set())

    def where(self, table: str, line: int, row: dict[str, Any] | None, column: str | None = None) -> str:
        pk = [c.name for c in self.tables[table].primary_key.columns] if table in self.tables else []
        ident = ", ".join(f"{k} {row.get(k)!r}" for k in pk if isinstance(row, dict) and k in row)
        place = f"Linje {line} i sikkerhetskopien, tabellen «{table}», raden" + (f" med {ident}" if ident else "")
        return place + (f", kolonnen «{column}»" if column else "")

    def add(self, line: int, item: Any) -> None:
        if not isinstance(item, dict) or not isinstance(item.get("t"), str) or not isinstance(item.get("r"), dict) \
                or set(item) - {"t", "r"}:
            raise ValidationError(f"Linje {line} i sikkerhetskopien er ikke en rad fra Laget "
                                  f'(ventet {{"t": tabell, "r": {{kolonne: verdi}}}}). {NOTHING}', field="file")
        name, raw = item["t"], item["r"]
        table = self.tables.get(name)
        if table is None:
            raise ValidationError(f"Linje {line} i sikkerhetskopien: tabellen «{name}» finnes ikke i denne "
                                  f"versjonen av Laget. {NOTHING}", field="file")
        kinds = self.kinds[name]
        unknown = sorted(set(raw) - set(kinds))
        if unknown:
            raise ValidationError(f"{self.where(name, line, raw, unknown[0])}: denne versjonen av Laget kjenner "
                                  f"ikke kolonnen. {NOTHING}", field=unknown[0])
        row: dict[str, Any] = {}
        for column in table.columns:
            if column.name not in raw:
                raise ValidationError(f"{self.where(name, line, raw, column.name)}: kolonnen mangler. {NOTHING}",
                                      field=column.name)
            problem, value = _problem(column, kinds[column.name], raw[column.name])
            if problem:
                raise ValidationError(f"{self.where(name, line, raw, column.name)}: verdien "
                                      f"{_shown(raw[column.name])} {problem}. {NOTHING}", field=column.name)
            row[column.name] = value
        for (tname, key), seen in self.unique.items():
            if tname != name:
                continue
            values = tuple(raw[k] for k in key)
            if any(v is None for v in values):
                continue
            if values in seen:
                raise ValidationError(f"{self.where(name, line, raw, ', '.join(key))}: verdien står allerede på en "
                                      f"annen rad ({', '.join(map(_shown, values))}), men må være unik. {NOTHING}",
                                      field=key[0])
            seen.add(values)
        for (tname, cname), values in self.targets.items():
            if tname == name:
                values.add(raw[cname])
        self.rows[name].append(row)
        self.lines[name].append(line)

    def check_references(self) -> None:
        """Every foreign key must point at a row in the file (checked at the end: rows may come in any order)."""
        for name, table in self.tables.items():
            fks = [(fk.parent.name, fk.column.table.name, fk.column.name) for fk in table.foreign_keys]
            for row, line in zip(self.rows[name], self.lines[name], strict=True):
                for col, target, target_col in fks:
                    value = row[col]
                    if value is not None and value not in self.targets[(target, target_col)]:
                        raise ValidationError(
                            f"{self.where(name, line, row, col)}: peker på {target_col} {value!r} i tabellen "
                            f"«{target}», men den raden finnes ikke i sikkerhetskopien. {NOTHING}", field=col)


def _shown(value: Any) -> str:
    text_ = json.dumps(value, ensure_ascii=False)
    return text_ if len(text_) <= 40 else text_[:37] + "…"


def _check_header(header: dict, tables: dict[str, Table], ours: str) -> dict[str, int]:
    if header.get("alembic_revision") != ours:
        raise ValidationError(
            f"Sikkerhetskopien er fra skjemaversjon «{header.get('alembic_revision')}», men denne versjonen av "
            f"Laget bruker «{ours}». Gjenopprett med samme versjon av Laget som tok kopien (og oppgrader etterpå). "
            f"{NOTHING}", field="file")
    counts = header.get("tables")
    if not isinstance(counts, dict) or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0
                                               for n in counts.values()):
        raise ValidationError(f"Overskriften i sikkerhetskopien mangler antall rader per tabell. {NOTHING}",
                              field="file")
    unknown = set(counts) - set(tables)
    if unknown:
        raise ValidationError(f"Sikkerhetskopien har tabeller denne versjonen av Laget ikke kjenner: "
                              f"{', '.join(sorted(unknown))}. {NOTHING}", field="file")
    missing = set(tables) - set(counts)
    if missing:
        raise ValidationError(f"Sikkerhetskopien mangler tabellene {', '.join(sorted(missing))} (en kopi fra "
                              f"Laget har alle). {NOTHING}", field="file")
    return counts


def check_backup(engine: Engine, source: IO[bytes]) -> _Checker:
    """Read the whole file and check it against the schema; writes nothing. Raises ``ValidationError``."""
    header, lines = _read(source)
    tables = {t.name: t for t in _tables()}
    expected = _check_header(header, tables, head_revision(engine))
    checker = _Checker(tables)
    for line, item in lines:
        checker.add(line, item)
    got = {name: len(rows) for name, rows in checker.rows.items()}
    if got != expected:
        wrong = sorted(name for name in tables if got[name] != expected[name])
        raise ValidationError(
            "Sikkerhetskopien er ufullstendig: antall rader stemmer ikke med overskriften (" +
            ", ".join(f"{name}: {got[name]} av {expected[name]}" for name in wrong) + f"). {NOTHING}", field="file")
    checker.check_references()
    return checker


# restoring ------------------------------------------------------------------------------------------------
def _reset_sequences(s, tables: list[Table]) -> None:
    for table in tables:
        column = table.autoincrement_column
        if column is None:
            continue
        s.execute(text(f"SELECT setval(pg_get_serial_sequence(:t, :c), COALESCE(MAX({column.name}), 1), "
                       f"MAX({column.name}) IS NOT NULL) FROM {table.name}"), {"t": table.name, "c": column.name})


def restore(engine: Engine, actor: Actor, source: IO[bytes]) -> dict[str, int]:
    """Load a backup into an empty database of either kind; all or nothing. Returns the rows per table.

    The whole file is checked before the target is touched (not even migrated), so a damaged backup leaves a
    new database exactly as it was."""
    require(actor, Permission.MANAGE_USERS)
    checker = check_backup(engine, source)
    upgrade(engine)
    try:
        return _insert_all(engine, checker)
    except (IntegrityError, DataError) as exc:  # a rule only the database knows (e.g. a partial unique index)
        raise ValidationError("Sikkerhetskopien kan ikke legges inn i denne databasen (en rad bryter en regel i "
                              f"databasen: {type(exc.orig).__name__}). {NOTHING}", field="file") from exc


def _insert_all(engine: Engine, checker: _Checker) -> dict[str, int]:
    tables = checker.tables
    with UnitOfWork(engine, RESTORER, None, None) as uow:
        s = uow.s
        filled = [name for name, t in tables.items() if s.scalar(select(func.count()).select_from(t))]
        if filled:
            raise ValidationError(f"Databasen er ikke tom (tabellene {', '.join(filled)} har rader). Gjenopprett "
                                  f"bare til en ny, tom database. {NOTHING}", field="database")
        for name, table in tables.items():  # foreign-key order
            rows = checker.rows[name]
            for start in range(0, len(rows), BATCH):
                s.execute(table.insert(), rows[start:start + BATCH])
        if engine.dialect.name == "postgresql":
            _reset_sequences(s, list(tables.values()))
    return {name: len(rows) for name, rows in checker.rows.items()}


def restore_from_file(engine: Engine, actor: Actor, path: Path) -> dict[str, int]:
    with path.open("rb") as f:
        return restore(engine, actor, f)
