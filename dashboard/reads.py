"""Read queries cached per data version: one cheap version query per rerun, then the same frames again.

``data_version`` changes on every logged write (and when a group meeting starts or ends), so a cached
frame is never older than the last write, also when another user wrote it. The cache is shared by all
sessions of the process: the frames depend only on the database, and polars frames are not changed in place.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from data_access.db import get_engine

T = TypeVar("T")
MAX_ENTRIES = 256
_cache: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()


def _hashable(value: Any) -> Hashable:
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_hashable(v) for v in (sorted(value) if isinstance(value, set | frozenset) else value))
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    return value


def cached_read(url: str, version: Hashable, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(engine, *args, **kwargs)`` for the database at ``url``, computed once per data version."""
    key = (url, version, fn.__module__, fn.__qualname__, _hashable(args), _hashable(kwargs))
    return memo(key, lambda: fn(get_engine(url), *args, **kwargs))


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
