"""The coverage map read and its writes (factor list, tags) on both backends, with permissions."""

import polars as pl
import pytest

from data_access.db.changelog import log_frame
from data_access.domain.coverage import DEFAULT_FACTORS
from data_access.domain.errors import AccessDenied, ValidationError
from data_access.domain.permissions import Actor
from data_access.reads.coverage import coverage_map, plan_factors
from data_access.reads.plans import plans_frame, protective_factors_frame
from data_access.reads.tiltak import tiltak_frame
from data_access.writes.factors import add_default_factors, add_factor, remove_factor, rename_factor, tag_tiltak

KARI = Actor("redaktor", "redaktor")
LEDER = Actor("leder", "leser")
# Bamble's plan files tiltak under every protective factor on every level, but under no risk factor
BAMBLE_RISK = [name for name, kind in DEFAULT_FACTORS if kind == "risiko"]


def _plan(engine, key):
    return plans_frame(engine).filter(pl.col("key") == key)["id"][0]


def test_bamble_map_names_the_risk_factor_cells_as_its_gaps(demo_engine):
    cmap = coverage_map(demo_engine, _plan(demo_engine, "bamble"))
    assert not cmap.is_default_list and len(cmap.factors) == 15
    assert {(c.factor.name, c.level) for c in cmap.gaps} == {(f, lv) for f in BAMBLE_RISK
                                                             for lv in ("universell", "selektiv", "indikativ")}
    assert "Rusmiddelbruk – Alle barn" in cmap.gap_lines()
    assert "Fadderordning for førsteklassinger" in cmap.cell("En venn og tilhørighet til et sosialt fellesskap",
                                                             "universell").tiltak
    # the Tiltak page's factor filter still offers only the plan's protective factors
    assert protective_factors_frame(demo_engine, _plan(demo_engine, "bamble")).height == 7


def test_stange_tags_a_tiltak_with_a_default_factor_and_the_gap_closes(demo_engine):
    plan_id = _plan(demo_engine, "stange-2023-2026")
    assert coverage_map(demo_engine, plan_id).is_default_list
    row = tiltak_frame(demo_engine, plan_id).row(0, named=True)
    with pytest.raises(AccessDenied):
        tag_tiltak(demo_engine, LEDER, plan_id, row["id"], ["Rusmiddelbruk"])
    with pytest.raises(ValidationError):
        tag_tiltak(demo_engine, KARI, plan_id, row["id"], ["Finnes ikke"])
    assert coverage_map(demo_engine, plan_id).is_default_list  # nothing stored by the refused writes
    tag_tiltak(demo_engine, KARI, plan_id, row["id"], ["Rusmiddelbruk", "God foreldreomsorg"])
    cmap = coverage_map(demo_engine, plan_id)
    assert not cmap.is_default_list and len(cmap.factors) == 15
    assert cmap.cell("Rusmiddelbruk", row["level"]).tiltak == (row["name"],)
    assert len(cmap.gaps) == 45 - 2
    logged = log_frame(demo_engine, entity="tiltak", entity_ids=[row["id"]]).filter(pl.col("field") == "factors")
    assert logged.height == 1
    tag_tiltak(demo_engine, KARI, plan_id, row["id"], ["God foreldreomsorg"])
    assert coverage_map(demo_engine, plan_id).cell("Rusmiddelbruk", row["level"]).is_gap


def test_factor_list_add_rename_remove(demo_engine):
    plan_id = _plan(demo_engine, "bamble")
    with pytest.raises(AccessDenied):
        add_factor(demo_engine, LEDER, plan_id, "Mobbing", "risiko")
    with pytest.raises(ValidationError):
        add_factor(demo_engine, KARI, plan_id, "god foreldreomsorg", "beskyttelse")  # same name, other case
    with pytest.raises(ValidationError):
        add_factor(demo_engine, KARI, plan_id, "Mobbing", "annet")
    new = add_factor(demo_engine, KARI, plan_id, "Mobbing", "risiko")
    rename_factor(demo_engine, KARI, plan_id, new, "Mobbing og utestenging")
    names = [f.name for f in plan_factors(demo_engine, plan_id)]
    assert names[-1] == "Mobbing og utestenging" and len(names) == 16
    venn = next(f for f in plan_factors(demo_engine, plan_id) if f.name.startswith("En venn"))
    remove_factor(demo_engine, KARI, plan_id, venn.id)
    cmap = coverage_map(demo_engine, plan_id)
    assert all(not f.name.startswith("En venn") for f in cmap.factors)
    assert tiltak_frame(demo_engine, plan_id).filter(pl.col("name") == "Fadderordning for førsteklassinger")[
        "protective_factor"][0] is None
    assert add_default_factors(demo_engine, KARI, plan_id) == 1  # «En venn …» again, nothing else
