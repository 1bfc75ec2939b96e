"""Damaged backups: every one ends in a Norwegian message naming what is wrong, nothing is written (not even the
schema of a new database), and ``laget restore`` exits non-zero without a traceback. ``laget backup`` never
migrates the database it copies."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, inspect, select

from dashboard.cli import main
from data_access.db.backup import backup, current_revision, head_revision, restore
from data_access.db.engine import alembic_config, make_engine, session_scope
from data_access.db.models import Base
from data_access.domain.errors import ValidationError
from data_access.domain.users import SYSTEM

NOTHING = "Ingenting er gjenopprettet"
ENGLISH = ("Traceback", "Error:", "invalid", "Invalid", "expected", "object", "not supported", "line ")


@pytest.fixture(scope="module")
def good(tmp_path_factory, templates) -> bytes:
    path = tmp_path_factory.mktemp("backup") / "demo.db"
    engine = make_engine(templates.sqlite_copy("demo", path))
    out = io.BytesIO()
    backup(engine, SYSTEM, out)
    engine.dispose()
    return out.getvalue()


def _split(data: bytes) -> tuple[dict, list[dict]]:
    header, *rows = gzip.decompress(data).decode().splitlines()
    return json.loads(header), [json.loads(r) for r in rows]


def _join(header: object, rows: list[object] | list[str]) -> bytes:
    lines = [json.dumps(header)] + [r if isinstance(r, str) else json.dumps(r) for r in rows]
    return gzip.compress(("\n".join(lines) + "\n").encode())


def _rows(edit: Callable[[dict, list[dict]], None]) -> Callable[[bytes], bytes]:
    """A damage that edits the parsed header and rows in place."""
    def damage(data: bytes) -> bytes:
        header, rows = _split(data)
        edit(header, rows)
        return _join(header, rows)
    return damage


def _first(rows: list[dict], table: str) -> dict:
    return next(r for r in rows if r["t"] == table)


def _set(table: str, column: str, value: object) -> Callable[[bytes], bytes]:
    return _rows(lambda h, rows: _first(rows, table)["r"].__setitem__(column, value))


def _raw_line(text: str, count: bool = True) -> Callable[[bytes], bytes]:
    """Append one raw line (after the real rows)."""
    def damage(data: bytes) -> bytes:
        header, *rows = gzip.decompress(data).decode().splitlines()
        return gzip.compress(("\n".join([header, *rows, text]) + "\n").encode())
    return damage


def _dup_row(table: str, change: dict | None = None) -> Callable[[bytes], bytes]:
    def edit(header: dict, rows: list[dict]) -> None:
        copy = json.loads(json.dumps(_first(rows, table)))
        copy["r"].update(change or {})
        rows.append(copy)
        header["tables"][table] += 1
    return _rows(edit)


def _drop_header_table(h: dict, rows: list[dict]) -> None:
    del h["tables"]["app_meta"]


def _nested(depth: int) -> str:
    return '{"t": "app_meta", "r": {"key": "x", "value": ' + "[" * depth + "]" * depth + "}}"


DAMAGES: dict[str, Callable[[bytes], bytes]] = {
    "gzip cut in half": lambda d: d[: len(d) // 2],
    "gzip cut after 10 bytes": lambda d: d[:10],
    "gzip with a flipped byte": lambda d: d[:200] + bytes([d[200] ^ 0xFF]) + d[201:],
    "not gzip": lambda d: b"plan;kommune\nstange;Stange\n",
    "empty file": lambda d: b"",
    "empty gzip": lambda d: gzip.compress(b""),
    "header not json": lambda d: gzip.compress(b"{laget-backup\n"),
    "header a list": lambda d: _join(["laget-backup"], []),
    "header a number": lambda d: _join(3, []),
    "other format": _rows(lambda h, r: h.__setitem__("format", "noe-annet")),
    "format version 2": _rows(lambda h, r: h.__setitem__("format_version", 2)),
    "format version text": _rows(lambda h, r: h.__setitem__("format_version", "1")),
    "older schema revision": _rows(lambda h, r: h.__setitem__("alembic_revision", "0003_auth")),
    "revision missing": _rows(lambda h, r: h.pop("alembic_revision")),
    "tables not a dict": _rows(lambda h, r: h.__setitem__("tables", ["plans"])),
    "table count text": _rows(lambda h, r: h["tables"].__setitem__("plans", "2")),
    "table count negative": _rows(lambda h, r: h["tables"].__setitem__("app_meta", -1)),
    "unknown table in header": _rows(lambda h, r: h["tables"].__setitem__("hemmelig", 0)),
    "missing table in header": _rows(_drop_header_table),
    "rows missing at the end": _rows(lambda h, r: r.__delitem__(slice(-5, None))),
    "one row too many": _rows(lambda h, r: r.append({"t": "app_meta", "r": {"key": "ekstra", "value": "x"}})),
    "row line not json": _raw_line('{"t": "app_meta", "r": {"key": '),
    "row line not utf-8": lambda d: gzip.compress(gzip.decompress(d) + b'{"t": "app_meta", "r": {"key": "\xff"}}\n'),
    "row line a list": _raw_line('["app_meta", {"key": "x"}]'),
    "row line a number": _raw_line("42"),
    "row without r": _raw_line('{"t": "app_meta"}'),
    "row r a list": _raw_line('{"t": "app_meta", "r": ["x", "y"]}'),
    "row with an extra field": _raw_line('{"t": "app_meta", "r": {"key": "x", "value": "y"}, "x": 1}'),
    "row of an unknown table": _raw_line('{"t": "hemmelig", "r": {"id": 1}}'),
    "duplicate json key": _raw_line('{"t": "app_meta", "r": {"key": "x", "key": "y", "value": "z"}}'),
    "deeply nested json": _raw_line(_nested(100_000)),
    "unknown column": _set("tiltak", "hemmelig", 1),
    "missing column": _rows(lambda h, r: _first(r, "tiltak")["r"].pop("status_id")),
    "version abc": _set("tiltak", "version", "abc"),
    "version 1.5": _set("tiltak", "version", 1.5),
    "version true": _set("tiltak", "version", True),
    "id as text": _set("tiltak", "id", "7"),
    "integer too large": _set("tiltak", "sort_order", 2**40),
    "name too long": _set("tiltak", "name", "x" * 201),
    "name a number": _set("tiltak", "name", 12),
    "name null": _set("tiltak", "name", None),
    "name an object": _set("tiltak", "name", {"a": 1}),
    "nul character": _set("tiltak", "description", "før\x00etter"),
    "date in norwegian form": _set("tiltak", "next_evaluation", "31.12.2025"),
    "date as number": _set("tiltak", "next_evaluation", 20251231),
    "datetime as word": _set("tiltak", "archived_at", "i går"),
    "boolean as text": _set("arenas", "is_new", "ja"),
    "boolean as 1": _set("arenas", "is_new", 1),
    "float as text": _set("indicators", "target_value", "12,3"),
    "float NaN": _set("indicators", "target_value", float("nan")),
    "float Infinity": _set("indicators", "target_value", float("inf")),
    "duplicate primary key": _dup_row("tiltak"),
    "duplicate unique key": _dup_row("plans", {"id": 999}),
    "duplicate composite key": _dup_row("tiltak_services"),
    "dangling foreign key": _set("tiltak", "plan_id", 9999),
    "dangling link row": _set("tiltak_services", "service_id", 9999),
    "dangling nullable key": _set("tiltak", "protective_factor_id", 9999),
}


def _count(engine) -> int:
    with session_scope(engine) as s:
        names = set(inspect(s.connection()).get_table_names())
        return sum(s.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables
                   if t.name in names)


def test_there_are_many_kinds_of_damage():
    assert len(DAMAGES) >= 40


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_damaged_backup_is_refused_in_norwegian_and_writes_nothing(good, empty_engine, damage):
    broken = DAMAGES[damage](good)
    with pytest.raises(ValidationError) as caught:
        restore(empty_engine, SYSTEM, io.BytesIO(broken))
    message = str(caught.value)
    assert NOTHING in message, message
    assert not any(word in message for word in ENGLISH), message
    assert _count(empty_engine) == 0


def test_messages_name_table_row_and_column(good, empty_engine):
    with pytest.raises(ValidationError) as caught:
        restore(empty_engine, SYSTEM, io.BytesIO(DAMAGES["version abc"](good)))
    message = str(caught.value)
    tiltak = _first(_split(good)[1], "tiltak")["r"]
    assert "tabellen «tiltak»" in message and f"id {tiltak['id']}" in message and "kolonnen «version»" in message
    assert '"abc"' in message and "et helt tall" in message
    with pytest.raises(ValidationError, match=r"tabellen «tiltak».*kolonnen «plan_id».*9999.*«plans»"):
        restore(empty_engine, SYSTEM, io.BytesIO(DAMAGES["dangling foreign key"](good)))


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_cli_restore_exits_non_zero_without_traceback_and_leaves_the_new_file_empty(
        good, tmp_path, monkeypatch, capsys, damage):
    path = tmp_path / "skadet.backup.gz"
    path.write_bytes(DAMAGES[damage](good))
    target = tmp_path / "ny.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{target}")
    assert main(["restore", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("Feil: ") and NOTHING in captured.err, captured.err
    assert "Traceback" not in captured.err
    engine = make_engine(f"sqlite:///{target}")
    with engine.connect() as conn:
        assert inspect(conn).get_table_names() == [], "the new database is not even migrated"
    engine.dispose()


def test_the_good_backup_still_restores(good, empty_engine):
    counts = restore(empty_engine, SYSTEM, io.BytesIO(good))
    assert counts == _split(good)[0]["tables"]


def _old_database(path: Path) -> str:
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003_auth")
    engine.dispose()
    return url


def test_backup_never_migrates_the_database_it_copies(tmp_path, monkeypatch, capsys):
    url = _old_database(tmp_path / "gammel.db")
    engine = make_engine(url)
    assert current_revision(engine) == "0003_auth" != head_revision(engine)
    monkeypatch.setenv("DATABASE_URL", url)
    out = tmp_path / "gammel.backup.gz"
    assert main(["backup", str(out)]) == 1
    err = capsys.readouterr().err
    assert "skjemaversjon «0003_auth»" in err and "laget db upgrade" in err and "Traceback" not in err
    assert current_revision(engine) == "0003_auth", "the old database was left at its revision"
    assert not out.exists() and not (tmp_path / "gammel.backup.gz.tmp").exists()
    with pytest.raises(ValidationError, match="Databasen er ikke endret"):
        backup(engine, SYSTEM, io.BytesIO())
    assert current_revision(engine) == "0003_auth"
    engine.dispose()


def test_backup_of_a_database_without_laget_tables_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'tom.db'}")
    assert main(["backup", str(tmp_path / "x.gz")]) == 1
    assert "ingen tabeller fra Laget" in capsys.readouterr().err


def test_backup_header_carries_the_database_revision(demo_engine):
    out = io.BytesIO()
    backup(demo_engine, SYSTEM, out)
    assert _split(out.getvalue())[0]["alembic_revision"] == current_revision(demo_engine)
