"""A report, an export and the minutes each read one snapshot: one transaction, and a save that lands half-way
through is either wholly in them or not at all (issue 21)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from sqlalchemy import event

import data_access.formats.excel_export as excel_export
import data_access.reads.report as report_module
from data_access.db.uow import Change
from data_access.domain.permissions import Actor
from data_access.formats.excel_export import plan_frames
from data_access.formats.plan_workbook import TILTAK
from data_access.reads.plans import plans_frame
from data_access.reads.report import build_report, make_period
from data_access.reads.tiltak import tiltak_frame
from data_access.writes.group_meetings import end_meeting, start_meeting
from data_access.writes.tiltak import save_changes

EDITOR = Actor("redaktor", "redaktor", "Redaktør")


def _plan_id(engine) -> int:
    return plans_frame(engine).filter(pl.col("key") == "stange-2023-2026")["id"][0]


class Transactions:
    """Counts the transactions an engine begins."""

    def __init__(self, engine) -> None:
        self.count = 0
        event.listen(engine, "begin", self._begin)

    def _begin(self, _conn) -> None:
        self.count += 1


def _save_during(engine, monkeypatch, module, name: str, plan_id: int) -> None:
    """Make ``module.name`` save a new status for «Fritidskassa» from another connection right after it read."""
    original = getattr(module, name)

    def read_then_someone_saves(*args, **kwargs):
        result = original(*args, **kwargs)
        row = tiltak_frame(engine, plan_id).filter(pl.col("name") == "Fritidskassa").row(0, named=True)
        save_changes(engine, EDITOR, plan_id, [Change(row["id"], row["version"], {"status": "avsluttet"})])
        return result

    monkeypatch.setattr(module, name, read_then_someone_saves)


def test_the_report_is_one_transaction(demo_engine) -> None:
    plan_id = _plan_id(demo_engine)
    counter = Transactions(demo_engine)
    build_report(demo_engine, period=make_period(date.today().year), plan_id=plan_id)
    assert counter.count == 1


def test_the_report_does_not_see_a_save_made_while_it_reads(demo_engine, monkeypatch) -> None:
    plan_id = _plan_id(demo_engine)
    before = tiltak_frame(demo_engine, plan_id).filter(pl.col("name") == "Fritidskassa")["status_label"][0]
    _save_during(demo_engine, monkeypatch, report_module, "levels_frame", plan_id)
    report = build_report(demo_engine, period=make_period(date.today().year), plan_id=plan_id)
    shown = {line.name: line.status for section in report.level_sections for line in section.tiltak}
    assert shown["Fritidskassa"] == before != "Avsluttet"
    after = tiltak_frame(demo_engine, plan_id).filter(pl.col("name") == "Fritidskassa")["status_label"][0]
    assert after == "Avsluttet", "the save itself went through"


def test_the_plan_export_reads_one_snapshot(demo_engine, monkeypatch) -> None:
    plan_id = _plan_id(demo_engine)
    counter = Transactions(demo_engine)
    plan_frames(demo_engine, plan_id, date.today().year)
    assert counter.count == 1
    _save_during(demo_engine, monkeypatch, excel_export, "levels_frame", plan_id)
    sheets = plan_frames(demo_engine, plan_id, date.today().year)
    assert sheets[TILTAK].filter(pl.col("name") == "Fritidskassa")["status"][0] != "Avsluttet"


@pytest.mark.parametrize("with_change", [False, True])
def test_ending_a_meeting_is_one_transaction_with_its_minutes(demo_engine, with_change: bool) -> None:
    plan_id = _plan_id(demo_engine)
    meeting_id = start_meeting(demo_engine, EDITOR, plan_id, date.today(), "SLT-koordinator, PPT")
    if with_change:
        row = tiltak_frame(demo_engine, plan_id).filter(pl.col("name") == "Fritidskassa").row(0, named=True)
        save_changes(demo_engine, EDITOR, plan_id, [Change(row["id"], row["version"], {"status": "avsluttet"})])
    counter = Transactions(demo_engine)
    end_meeting(demo_engine, EDITOR, meeting_id, {}, summary="Kort møte")
    assert counter.count == 1


def test_the_plan_import_preview_reads_one_snapshot(demo_engine) -> None:
    from data_access.formats.excel_export import plan_workbook
    from data_access.writes.plan_import import preview

    plan_id = _plan_id(demo_engine)
    book = plan_workbook(demo_engine, plan_id, date.today().year)
    counter = Transactions(demo_engine)
    preview(demo_engine, book, plan_id=plan_id)
    assert counter.count == 1
