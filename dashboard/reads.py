"""Read queries cached per data version: one cheap version query per rerun, then the same frames again.

``data_version`` changes on every logged write (and when a group meeting starts or ends), so a cached
frame is never older than the last write, also when another user wrote it. The cache is shared by all
sessions of the process: the frames depend only on the database, and polars frames are not changed in place.

After a write, a read that does not depend on what was written keeps its frame (one query asks the change
log what changed), and the tiltak frame re-reads only the changed tiltak: the rerun after a save costs the
same whatever the size of the plan.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import polars as pl
from sqlalchemy import Engine

from data_access.db.changelog import changes_between
from data_access.db.engine import get_engine
from data_access.reads.arenas import arenas_frame
from data_access.reads.group_meetings import meetings_frame, open_meeting
from data_access.reads.plans import levels_frame, plans_frame, protective_factors_frame, services_frame
from data_access.reads.tiltak import tiltak_frame

T = TypeVar("T")
MAX_ENTRIES = 256
GROUP_MEETINGS = "group_meetings"  # not in the change log; version[1:] tells when they changed
# Which change-log entities each read depends on; reads not listed are read again after any write.
DEPENDS: dict[Callable[..., Any], frozenset[str]] = {
    tiltak_frame: frozenset({"tiltak", "plan"}),
    plans_frame: frozenset({"plan"}),
    levels_frame: frozenset({"plan"}),
    services_frame: frozenset({"plan"}),
    protective_factors_frame: frozenset({"plan"}),
    arenas_frame: frozenset({"arena", "plan"}),
    open_meeting: frozenset({GROUP_MEETINGS}),
    meetings_frame: frozenset({GROUP_MEETINGS}),
}
_cache: OrderedDict[Hashable, Any] = OrderedDict()
_latest: OrderedDict[Hashable, tuple[tuple, Any]] = OrderedDict()  # read -> (version, value), newest version
_lock = threading.Lock()


def _hashable(value: Any) -> Hashable:
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_hashable(v) for v in (sorted(value) if isinstance(value, set | frozenset) else value))
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    return value


def cached_read(url: str, version: tuple, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(engine, *args, **kwargs)`` for the database at ``url``, computed once per data version."""
    name = f"{fn.__module__}.{fn.__qualname__}"
    read = (url, name, _hashable(args), _hashable(kwargs))
    return memo((version, *read), lambda: _refresh(url, version, read, fn, args, kwargs))


def _refresh(url: str, version: tuple, read: Hashable, fn: Callable[..., T], args: tuple, kwargs: dict) -> T:
    engine = get_engine(url)
    with _lock:
        old = _latest.get(read)
    value = None
    if old is not None and fn in DEPENDS and old[0] < version:
        value = _carry_forward(engine, url, old[0], version, fn, old[1], args, kwargs)
    if value is None:
        value = fn(engine, *args, **kwargs)
    with _lock:
        _latest[read] = (version, value)
        _latest.move_to_end(read)
        while len(_latest) > MAX_ENTRIES:
            _latest.popitem(last=False)
    return value


def _carry_forward(engine: Engine, url: str, old: tuple, new: tuple, fn: Callable[..., Any], value: Any,
                   args: tuple, kwargs: dict) -> Any:
    """The old value if nothing it depends on changed, the tiltak frame patched, or None to read again."""
    depends = DEPENDS[fn]
    if old[1:] != new[1:] and GROUP_MEETINGS in depends:
        return None
    changes = memo(("changes", url, old[0], new[0]), lambda: changes_between(engine, old[0], new[0]))
    relevant = [c for c in changes if c[0] in depends]
    if not relevant:
        return value
    if fn is tiltak_frame:
        return _patch_tiltak(engine, value, relevant, args, kwargs)
    return None


def _patch_tiltak(engine: Engine, frame: pl.DataFrame, changes: list[tuple], args: tuple,
                  kwargs: dict) -> pl.DataFrame | None:
    """Re-read only the tiltak whose fields changed; rows that appear, vanish or move level mean a full read."""
    if any(c[0] != "tiltak" or c[2] not in ("update", "undo") or c[3] in ("level", "archived") for c in changes):
        return None
    ids = sorted({c[1] for c in changes})
    positions = dict(zip(frame["id"].to_list(), range(frame.height), strict=True))
    if any(i not in positions for i in ids):
        return None
    fresh = tiltak_frame(engine, *args, **kwargs, ids=ids)
    if fresh.height != len(ids):
        return None
    pos = pl.col("id").replace_strict(positions, return_dtype=pl.Int64).alias("_pos")
    return pl.concat([frame.filter(~pl.col("id").is_in(ids)).with_columns(pos), fresh.with_columns(pos)]) \
        .sort("_pos").drop("_pos")


def memo(key: Hashable, build: Callable[[], T]) -> T:
    """``build()`` once per key (the key must hold everything the value depends on, e.g. the data version)."""
    key = _hashable(key)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    value = build()
    with _lock:
        _cache[key] = value
        while len(_cache) > MAX_ENTRIES:
            _cache.popitem(last=False)
    return value


def clear() -> None:
    with _lock:
        _cache.clear()
        _latest.clear()
