"""Issue 20.5: the indicator catalogue covers the Stange plan's indicators and FHI's oppvekstprofil, every entry
has source, table, codes, unit and direction (or says what is missing), and `verified` means a recorded answer."""

import json
from pathlib import Path

import pytest

from data_access.domain.catalogue import definition, entries, entry
from data_access.domain.errors import ValidationError
from data_access.domain.vocabulary import BETTER, UNITS
from data_access.formats.jsonstat import parse
from data_access.outside.sources import check_layout, parse_definition, to_parsed

RECORDED = Path(__file__).resolve().parents[1] / "fixtures" / "jsonstat" / "catalogue"
STANGE_TOPICS = {"barnevern", "spesialundervisning", "skolefravær", "lavinntekt", "9A-saker", "gjennomføring vgs",
                 "Ungdata / Elevundersøkelsen", "kriminalitet"}


def test_the_stange_plans_indicators_and_the_oppvekstprofil_are_in_the_catalogue():
    assert {e.plan_topic for e in entries()} >= STANGE_TOPICS
    assert len([e for e in entries() if "oppvekstprofil" in e.name]) >= 5
    assert len({e.key for e in entries()}) == len(entries())


@pytest.mark.parametrize("e", entries(), ids=lambda e: e.key)
def test_every_entry_has_source_unit_direction_and_a_usable_definition(e):
    assert e.name and e.provider and e.origin
    assert e.unit in UNITS and e.better in BETTER
    assert e.kind in {"ssb", "fhi", None}
    if e.fetchable:
        raw = definition(e, "3413", ["3413", "0417"])
        defn = parse_definition(e.kind, raw)
        assert defn.table == e.table and defn.values == e.values and defn.unit == e.unit
    else:
        with pytest.raises(ValidationError, match="kan ikke hentes automatisk"):
            definition(e, "3413")


def test_verified_means_a_recorded_answer_is_here():
    """No entry is marked verified without a recorded answer of its table, and every recorded answer belongs to a
    verified entry (the other half is the parametrised test below)."""
    recorded = {p.stem for p in RECORDED.glob("*.json")}
    assert {e.key for e in entries() if e.verified} == recorded


@pytest.mark.parametrize("e", [e for e in entries() if e.verified], ids=lambda e: e.key)
def test_a_verified_entry_reads_its_recorded_answer_with_its_own_codes(e):  # pragma: no cover - none recorded yet
    ds = parse(json.loads((RECORDED / f"{e.key}.json").read_text(encoding="utf-8")))
    defn = parse_definition(e.kind, definition(e, "3413", ["3413"]))
    regions = {"kommune": list(ds.dimension(defn.region_dim).codes)}
    check_layout(defn, ds)
    parsed, _ = to_parsed(defn, ds, regions)
    assert parsed.rows and not parsed.errors


def test_label_names_the_table_as_an_editor_reads_it():
    assert entry("ssb-12944-antall").label == "Barn i lavinntekt (SSB 12944)"
    assert entry("udir-9a-saker").label == "Antall 9A-saker (Statsforvalteren)"


def test_kommune_is_four_digits_and_another_kommune_gets_its_own_regions():
    e = entry("ssb-12944-andel")
    assert "regions" not in definition(e, "3413", ["3413", "0417"]), "the plan's kommune keeps the plan's codes"
    assert definition(e, "4012", ["3413"])["regions"] == {"kommune": ["4012"], "land": ["0"]}
    for bad in ("341", "34133", "34x3", ""):
        with pytest.raises(ValidationError, match="fire sifre"):
            definition(e, bad, ["3413"])
