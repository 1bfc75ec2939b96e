"""The SSB/FHI request limit holds across replicas (issue 18): two clients, as in two processes, share one
bucket in the database instead of each having 30 requests a minute of its own."""

from __future__ import annotations

import pytest

from config.settings import Settings
from data_access.outside.shared_limit import SharedRateLimiter
from data_access.outside.source_client import DeadlinePassed
from data_access.writes.sources import client_from_settings


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_two_replicas_share_one_bucket(demo_engine):
    clock = Clock()
    one = SharedRateLimiter(demo_engine, "SSB", 3, 60.0, clock=clock, sleep=clock.sleep)
    two = SharedRateLimiter(demo_engine, "SSB", 3, 60.0, clock=clock, sleep=clock.sleep)
    assert [one.acquire(), two.acquire(), one.acquire()] == [0.0, 0.0, 0.0]
    with pytest.raises(DeadlinePassed):
        two.acquire(limit=5)  # the bucket is empty for both: the next token is 20 s away
    assert two.acquire() == pytest.approx(20.0)  # sleeps for it, then takes it
    assert SharedRateLimiter(demo_engine, "FHI", 3, clock=clock, sleep=clock.sleep).acquire() == 0.0  # its own


def test_the_clients_of_the_app_the_job_and_the_command_share_the_limit(demo_engine):
    settings = Settings(ssb_api_url="http://127.0.0.1:9", fhi_api_url="http://127.0.0.1:9")
    first, second = client_from_settings(settings, demo_engine), client_from_settings(settings, demo_engine)
    try:
        for _ in range(30):
            first.limiters["SSB"].acquire()
        with pytest.raises(DeadlinePassed):
            second.limiters["SSB"].acquire(limit=0.5)
    finally:
        first.close()
        second.close()
