"""The benchmark's per-replica CPU budget (benchmarks/cpu_cap.py), on a folder laid out as cgroup v1 and v2."""

from pathlib import Path

import pytest

from benchmarks.cpu_cap import cpu_capped, quota_us, throttled_seconds


def test_quota_is_the_share_of_each_period():
    assert quota_us(0.5) == 50_000
    assert quota_us(2) == 200_000
    assert quota_us(0.001) == 1_000  # the kernel's floor
    with pytest.raises(ValueError):
        quota_us(0)


def _v1(root: Path) -> Path:
    (root / "cpu").mkdir()
    (root / "cpu" / "cpu.cfs_quota_us").write_text("-1")
    (root / "cpu" / "cgroup.procs").write_text("")
    return root / "cpu"


def test_v1_each_pid_gets_a_group_of_its_own_and_goes_back_after(tmp_path):
    base = _v1(tmp_path)
    with cpu_capped([101, 202], 0.5, root=tmp_path) as groups:
        assert len(groups) == 2
        assert [g.parent for g in groups] == [base, base]
        assert [(g / "cgroup.procs").read_text() for g in groups] == ["101", "202"]
        assert {(g / "cpu.cfs_quota_us").read_text() for g in groups} == {"50000"}
        (groups[0] / "cpu.stat").write_text("nr_periods 10\nnr_throttled 2\nthrottled_time 1500000000\n")
        assert throttled_seconds(groups[0]) == 1.5
    assert (base / "cgroup.procs").read_text() == "202"  # moved back (a plain file keeps the last pid written)


def test_v2_writes_cpu_max(tmp_path):
    (tmp_path / "cgroup.controllers").write_text("cpuset cpu io memory pids")
    (tmp_path / "cgroup.procs").write_text("")
    with cpu_capped([7], 1.5, root=tmp_path) as (group,):
        assert (group / "cpu.max").read_text() == "150000 100000"
        (group / "cpu.stat").write_text("usage_usec 10\nthrottled_usec 250000\n")
        assert throttled_seconds(group) == 0.25


def test_no_cpu_controller_says_so(tmp_path):
    with pytest.raises(SystemExit, match="no cgroup CPU controller"), cpu_capped([1], 0.5, root=tmp_path):
        pass
