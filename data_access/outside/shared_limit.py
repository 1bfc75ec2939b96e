"""The SSB/FHI request limit shared by every process: the token bucket of ``RateLimiter`` kept in the database.

Per process (``st.cache_resource``) each replica, the nightly job and the command line had a bucket of their
own, so two replicas sent SSB twice its published 30 requests a minute. Here taking a token is one short
transaction on the bucket's row (PostgreSQL: ``SELECT … FOR UPDATE``; SQLite: ``BEGIN IMMEDIATE``); waiting for
the next token happens outside it, so no transaction is held while sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Engine, select

from data_access.db.models import RateBucket
from data_access.db.uow import UnitOfWork
from data_access.domain.permissions import Actor
from data_access.outside.source_client import DeadlinePassed

LIMITER = Actor("system", "admin", "Forespørselsgrense")  # book-keeping of the request limit, not user data


class SharedRateLimiter:
    """``rate`` requests per ``per`` seconds for ``service`` across all processes on one database; the same
    ``acquire`` as ``RateLimiter``."""

    def __init__(self, engine: Engine, service: str, rate: int, per: float = 60.0,
                 clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep) -> None:
        self.engine, self.service = engine, service
        self.capacity, self.per, self.clock, self.sleep = float(rate), per, clock, sleep

    def _take(self) -> float | None:
        """None when a token was taken; else the seconds until the next one is free (0: try again now)."""
        with UnitOfWork(self.engine, LIMITER, None, None) as uow:
            row = uow.s.scalars(select(RateBucket).where(RateBucket.service == self.service)
                                .with_for_update()).one_or_none()
            now = self.clock()
            if row is None:
                taken = uow.insert_new(RateBucket(service=self.service, tokens=self.capacity - 1, updated=now))
                return None if taken else 0.0
            tokens = min(self.capacity, row.tokens + max(0.0, now - row.updated) * self.capacity / self.per)
            row.updated = max(now, row.updated)
            if tokens >= 1:
                row.tokens = tokens - 1
                return None
            row.tokens = tokens
            return (1 - tokens) * self.per / self.capacity

    def acquire(self, limit: float | None = None) -> float:
        """Take one token, sleeping until one is free; returns the seconds waited. ``DeadlinePassed`` when the
        wait would be longer than ``limit`` seconds (what is left of a deadline)."""
        waited = 0.0
        while (pause := self._take()) is not None:
            if limit is not None and waited + pause > limit:
                raise DeadlinePassed
            self.sleep(pause)
            waited += pause
        return waited


def shared_limiters(engine: Engine, sleep: Callable[[float], None] = time.sleep) -> dict[str, SharedRateLimiter]:
    """SSB's published limit (30 a minute) and the same for FHI, for ``SourceClient(limiters=…)``."""
    return {service: SharedRateLimiter(engine, service, 30, 60.0, sleep=sleep) for service in ("SSB", "FHI")}
