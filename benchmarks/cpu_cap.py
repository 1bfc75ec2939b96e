"""Give each replica a CPU budget of its own, as it would have on its own core or in a container with ``cpus:``.

On a small machine every replica, nginx, PostgreSQL and the load client share the same cores, so adding a
replica adds no capacity and "two replicas hold twice the load" cannot be seen. A cgroup CPU quota per replica
(``cfs_quota_us`` in cgroup v1, ``cpu.max`` in v2) makes each replica's budget fixed, whatever else runs: then
the question is whether Laget itself scales out (the database, the sessions, the sticky routing), which is what
the figure is for. Needs root (or a delegated cgroup); ``cpu_capped`` says so when it cannot.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

CGROUP = Path("/sys/fs/cgroup")
PERIOD_US = 100_000


def quota_us(cores: float, period_us: int = PERIOD_US) -> int:
    """The CFS quota per period for ``cores`` CPUs (0.5 → half of every period); at least 1 ms, as the kernel asks."""
    if not 0 < cores <= 64:
        raise ValueError(f"cores must be in (0, 64], not {cores}")
    return max(1_000, round(cores * period_us))


def _layout(root: Path) -> tuple[Path, str] | None:
    """(the folder to make groups in, "v1" or "v2"), or None when there is no CPU controller to use."""
    if (root / "cpu" / "cpu.cfs_quota_us").exists():
        return root / "cpu", "v1"
    controllers = root / "cgroup.controllers"
    if controllers.exists() and "cpu" in controllers.read_text().split():
        return root, "v2"
    return None


@contextmanager
def cpu_capped(pids: list[int], cores: float, root: Path = CGROUP) -> Iterator[list[Path]]:
    """Each process (all its threads) in a cgroup of its own limited to ``cores`` CPUs, until the block ends."""
    layout = _layout(root)
    if layout is None:
        raise SystemExit(f"no cgroup CPU controller under {root}: cannot give the replicas a CPU budget each")
    base, version = layout
    groups: list[Path] = []
    try:
        for pid in pids:
            group = base / f"laget-bench-{pid}-{uuid.uuid4().hex[:6]}"
            try:
                group.mkdir()
            except PermissionError as exc:
                raise SystemExit(f"cannot make a cgroup in {base} ({exc}): run as root to cap the replicas") from exc
            groups.append(group)
            if version == "v1":
                (group / "cpu.cfs_period_us").write_text(str(PERIOD_US))
                (group / "cpu.cfs_quota_us").write_text(str(quota_us(cores)))
            else:
                (group / "cpu.max").write_text(f"{quota_us(cores)} {PERIOD_US}")
            (group / "cgroup.procs").write_text(str(pid))
        yield groups
    finally:
        for group in groups:
            for pid in (group / "cgroup.procs").read_text().split() if group.exists() else []:
                with suppress(OSError):  # the process ended meanwhile
                    (base / "cgroup.procs").write_text(pid)
            with suppress(OSError):
                os.rmdir(group)


def throttled_seconds(group: Path) -> float:
    """How long the group's processes waited for their budget (cpu.stat), so a run can say the cap bit."""
    stat = dict(line.split() for line in (group / "cpu.stat").read_text().splitlines() if line.strip())
    if "throttled_time" in stat:  # v1, nanoseconds
        return int(stat["throttled_time"]) / 1e9
    return int(stat.get("throttled_usec", 0)) / 1e6
