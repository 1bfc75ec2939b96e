"""Editing tiltak: permissions, validation, optimistic concurrency, history and undo, on both backends."""

from datetime import date

import polars as pl
import pytest
from sqlalchemy import func, select

from data_access.db.changelog import log_frame
from data_access.db.engine import session_scope
from data_access.db.models import ChangeLog
from data_access.db.uow import Change
from data_access.domain.errors import ConflictError, ValidationError
from data_access.domain.permissions import Actor
from data_access.reads.plans import plans_frame
from data_access.reads.tiltak import tiltak_frame
from data_access.writes.tiltak import create_tiltak, save_changes, set_archived, undo_change

KARI = Actor("redaktor", "redaktor", "Kari")
OLA = Actor("admin", "admin", "Ola")
LEDER = Actor("leder", "leser")
VALID_FNR = "01010012356"  # synthetic; control digits valid by the mod-11 rule


def _stange(engine):
    plan_id = plans_frame(engine).filter(pl.col("key") == "stange-2023-2026")["id"][0]
    return plan_id, tiltak_frame(engine, plan_id)


def _row(engine, plan_id, tiltak_id):
    return tiltak_frame(engine, plan_id, include_archived=True).filter(pl.col("id") == tiltak_id).row(0, named=True)


def _log_count(engine):
    with session_scope(engine) as s:
        return s.scalar(select(func.count(ChangeLog.id)))


def test_reader_cannot_write_whatever_the_ui_does(demo_engine):
    plan_id, tiltak = _stange(demo_engine)
    t = tiltak.row(0, named=True)
    with pytest.raises(PermissionError, match="har ikke tilgang"):
        save_changes(demo_engine, LEDER, plan_id, [Change(t["id"], t["version"], {"status": "avsluttet"})])
    with pytest.raises(PermissionError):
        create_tiltak(demo_engine, LEDER, plan_id, level="universell", name="Nytt")
    with pytest.raises(PermissionError):
        set_archived(demo_engine, LEDER, t["id"], t["version"], True)
    assert _row(demo_engine, plan_id, t["id"])["status"] == t["status"]


def test_save_updates_fields_bumps_version_and_logs_old_and_new(demo_engine):
    plan_id, tiltak = _stange(demo_engine)
    t = tiltak.row(0, named=True)
    result = save_changes(demo_engine, KARI, plan_id, [Change(t["id"], t["version"], {
        "status": "Under revidering", "next_step": "Ny plan i januar", "services": ["PPT"],
        "next_evaluation": "15.03.2027"})])
    assert result.saved == [t["id"]] and not result.conflicts
    after = _row(demo_engine, plan_id, t["id"])
    assert after["status"] == "under_revidering" and after["next_step"] == "Ny plan i januar"
    assert after["services"] == ["PPT"] and after["next_evaluation"] == date(2027, 3, 15)
    assert after["version"] == t["version"] + 1 and after["updated_by"] == "redaktor"
    log = log_frame(demo_engine, entity="tiltak", entity_ids=[t["id"]])
    by_field = {r["field"]: r for r in log.iter_rows(named=True)}
    assert by_field["status"]["old_value"] == t["status"] and by_field["status"]["new_value"] == "under_revidering"
    assert by_field["next_evaluation"]["new_value"] == "2027-03-15"
    assert {r["username"] for r in log.iter_rows(named=True)} == {"redaktor"}


def test_unchanged_values_write_nothing(demo_engine):
    plan_id, tiltak = _stange(demo_engine)
    t = tiltak.row(0, named=True)
    before = _log_count(demo_engine)
    result = save_changes(demo_engine, KARI, plan_id, [Change(t["id"], t["version"], {
        "status": t["status_label"], "status_note": t["status_note"]})])
    assert result.saved == [] and _log_count(demo_engine) == before
    assert _row(demo_engine, plan_id, t["id"])["version"] == t["version"]


def test_second_save_of_same_version_is_refused_and_shows_theirs(demo_engine):
    """Two browsers read version v; Ola saves first; Kari's save is refused, her other edit goes through."""
    plan_id, tiltak = _stange(demo_engine)
    a, b = tiltak.row(0, named=True), tiltak.row(1, named=True)
    first = save_changes(demo_engine, OLA, plan_id, [Change(a["id"], a["version"], {"status": "avsluttet"})])
    assert first.saved == [a["id"]]
    second = save_changes(demo_engine, KARI, plan_id, [
        Change(a["id"], a["version"], {"status": "planlagt", "next_step": "Kari sitt steg"}),
        Change(b["id"], b["version"], {"next_step": "Går gjennom"}),
    ])
    assert second.saved == [b["id"]], "edits to other tiltak in the same save go through"
    [conflict] = second.conflicts
    assert conflict.entity_id == a["id"] and conflict.theirs["status"] == "avsluttet"
    assert conflict.changed_by == "admin" and "endret av admin" in conflict.message()
    assert _row(demo_engine, plan_id, a["id"])["status"] == "avsluttet", "nothing overwritten silently"
    assert _row(demo_engine, plan_id, b["id"])["next_step"] == "Går gjennom"
    again = save_changes(demo_engine, KARI, plan_id, [conflict.reapply()])
    assert again.saved == [a["id"]]
    after = _row(demo_engine, plan_id, a["id"])
    assert after["status"] == "planlagt" and after["next_step"] == "Kari sitt steg"


def test_compare_and_set_holds_when_version_changes_between_read_and_write(demo_engine):
    """The version check is in the UPDATE itself, not only in Python."""
    from sqlalchemy import update

    from data_access.db.models import Tiltak

    plan_id, tiltak = _stange(demo_engine)
    t = tiltak.row(2, named=True)
    with session_scope(demo_engine) as s:  # someone else's write that bypasses our Python check
        s.execute(update(Tiltak).where(Tiltak.id == t["id"]).values(version=Tiltak.version + 1))
    result = save_changes(demo_engine, KARI, plan_id, [Change(t["id"], t["version"], {"next_step": "x"})])
    assert result.conflicts and not result.saved


@pytest.mark.parametrize("fields, field", [
    ({"name": "  "}, "name"),
    ({"status": "Nesten ferdig"}, "status"),
    ({"next_evaluation": "31.02.2026"}, "next_evaluation"),
    ({"next_evaluation": "i morgen"}, "next_evaluation"),
    ({"status_note": "x" * 1001}, "status_note"),
    ({"next_step": f"Ring mor til barn {VALID_FNR}"}, "next_step"),
    ({"next_step": f"Gjelder {VALID_FNR[:6]} {VALID_FNR[6:]}"}, "next_step"),
    ({"services": ["Finnes ikke"]}, "services"),
])
def test_bad_input_saves_nothing_at_all(demo_engine, fields, field):
    plan_id, tiltak = _stange(demo_engine)
    a, b = tiltak.row(0, named=True), tiltak.row(1, named=True)
    before = _log_count(demo_engine)
    with pytest.raises(ValidationError) as err:
        save_changes(demo_engine, KARI, plan_id, [Change(b["id"], b["version"], {"next_step": "OK"}),
                                                  Change(a["id"], a["version"], fields)])
    assert err.value.errors[0].field == field and err.value.errors[0].row == a["name"]
    assert _log_count(demo_engine) == before
    assert _row(demo_engine, plan_id, b["id"])["next_step"] == b["next_step"], "the good row is not saved either"


def test_personal_number_message_is_norwegian(demo_engine):
    plan_id, tiltak = _stange(demo_engine)
    t = tiltak.row(0, named=True)
    with pytest.raises(ValidationError, match="fødselsnummer"):
        save_changes(demo_engine, KARI, plan_id, [Change(t["id"], t["version"], {"status_note": VALID_FNR})])


def test_create_archive_restore_never_delete(demo_engine):
    plan_id, tiltak = _stange(demo_engine)
    new_id = create_tiltak(demo_engine, KARI, plan_id, level="selektiv", name="Foreldreveiledning ICDP",
                           status="planlagt")
    active = tiltak_frame(demo_engine, plan_id)
    assert active.filter(pl.col("level") == "selektiv").height == 7
    row = _row(demo_engine, plan_id, new_id)
    assert set_archived(demo_engine, KARI, new_id, row["version"], True) is None
    assert new_id not in tiltak_frame(demo_engine, plan_id)["id"].to_list()
    archived = _row(demo_engine, plan_id, new_id)
    assert archived["archived"]
    assert set_archived(demo_engine, KARI, new_id, archived["version"], False) is None
    assert new_id in tiltak_frame(demo_engine, plan_id)["id"].to_list()
    actions = log_frame(demo_engine, entity="tiltak", entity_ids=[new_id])["action"].to_list()
    assert actions == ["restore", "archive", "create"]
    with pytest.raises(ValidationError):
        create_tiltak(demo_engine, KARI, plan_id, level="selektiv", name="")


def test_undo_restores_old_value_and_is_logged(demo_engine):
    plan_id, tiltak = _stange(demo_engine)
    t = tiltak.row(0, named=True)
    save_changes(demo_engine, KARI, plan_id, [Change(t["id"], t["version"], {"status": "avsluttet"})])
    log = log_frame(demo_engine, entity="tiltak", entity_ids=[t["id"]])
    entry = log.filter(pl.col("field") == "status").row(0, named=True)
    undo_change(demo_engine, OLA, entry["id"])
    after = _row(demo_engine, plan_id, t["id"])
    # undoing a status also puts back the note that went with it (here: cleared by the new-status rule)
    assert (after["status"], after["status_note"]) == (t["status"], t["status_note"])
    newest = log_frame(demo_engine, entity="tiltak", entity_ids=[t["id"]]).row(0, named=True)
    assert newest["action"] == "undo" and newest["undo_of_id"] == entry["id"] and newest["username"] == "admin"
    with pytest.raises(ConflictError):  # the field has changed again since the first change
        undo_change(demo_engine, OLA, entry["id"])
    with pytest.raises(PermissionError):
        undo_change(demo_engine, LEDER, newest["id"])
