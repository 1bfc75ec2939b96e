"""Run calls at the same moment, as replicas, editors or importers racing each other would."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def at_once(calls: Sequence[Callable[[], T]], timeout: float = 120) -> list[T | BaseException]:
    """Each call in a thread of its own, all released together by a barrier; in the calls' order, what each
    returned or the exception it raised (asserted on by the caller, so no error is lost in a thread)."""
    start = threading.Barrier(len(calls))
    outcomes: list[T | BaseException | None] = [None] * len(calls)

    def run(i: int, call: Callable[[], T]) -> None:
        start.wait()
        try:
            outcomes[i] = call()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return outcomes  # type: ignore[return-value]
