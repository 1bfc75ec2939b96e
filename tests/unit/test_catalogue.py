"""Issue 20.5: the indicator catalogue covers the Stange plan's indicators and FHI's oppvekstprofil, every entry
has source, table, codes, unit and direction (or says what is missing), and `verified` means a recorded answer."""

import json
from pathlib import Path

import pytest

from data_access.domain.catalogue import definition, entries, entry
from data_access.domain.errors import ValidationError
from data_access.domain.vocabulary import BETTER, UNITS
from data_access.formats.jsonstat import parse
from data_access.outside.sources import check_layout, fhi_body, parse_definition, ssb_body, to_parsed

RECORDED = Path(__file__).resolve().parents[1] / "fixtures" / "jsonstat" / "catalogue"
QUERIES = RECORDED / "queries"  # public queries the provider answered, or a table's published variables
FHI_EXAMPLE = RECORDED.parent / "fhi-readme-example.json"  # FHI Open API README, verbatim
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


def _query(e) -> dict:
    return json.loads((QUERIES / f"{e.kind}-{e.table}.json").read_text(encoding="utf-8"))


FETCHABLE = [e for e in entries() if e.fetchable]


def test_every_entry_with_codes_has_a_public_source_for_them():
    """No table and codes in the catalogue without a recorded query or description of that table beside them."""
    assert len(FETCHABLE) >= 7
    assert [e.key for e in FETCHABLE if not (QUERIES / f"{e.kind}-{e.table}.json").exists()] == []
    assert {e.plan_topic for e in FETCHABLE} >= {"lavinntekt", "barnevern", "Ungdata / Elevundersøkelsen"}


@pytest.mark.parametrize("e", [e for e in FETCHABLE if e.kind == "fhi"], ids=lambda e: e.key)
def test_fhi_request_names_every_dimension_and_code_of_the_answered_query(e):
    """FHI wants every dimension of a table in a /data body, so the answered query lists them all: Laget's body
    for the entry must name the same dimensions and pick codes the query used (Bamble 4012 and the country too)."""
    recorded = {d["code"]: d["values"] for d in _query(e)["dimensions"]}
    defn = parse_definition(e.kind, definition(e, "4012", ["3413"]))
    body = fhi_body(defn, defn.regions)
    mine = {d["code"]: d["values"] for d in body["dimensions"]}
    assert set(mine) == set(recorded)
    for dim, code in e.values.items():
        assert code in recorded[dim], f"{dim}={code}"
    assert set(mine[e.region_dim]) <= set(recorded[e.region_dim])


@pytest.mark.parametrize("e", [e for e in FETCHABLE if e.kind == "ssb"], ids=lambda e: e.key)
def test_ssb_request_names_the_published_variables_and_codes(e):
    recorded = _query(e)["variables"]
    defn = parse_definition(e.kind, definition(e, "3413", ["3413"]))
    body = ssb_body(defn, {"kommune": ["3413"]})
    assert {s["variableCode"] for s in body["selection"]} == set(recorded)
    for dim, code in e.values.items():
        assert code in recorded[dim], f"{dim}={code}"


def test_the_fhi_open_api_example_answer_is_read_by_laget():
    """FHI's published answer layout (status "", role.time and role.geo null, AAR as 2020_2020) through Laget's
    own reader and source definition: the shape every FHI entry's answer will have."""
    ds = parse(json.loads(FHI_EXAMPLE.read_text(encoding="utf-8")))
    defn = parse_definition("fhi", {"source": "nokkel", "table": "1",
                                    "values": {"KJONN": "0", "ALDER": "0", "MEASURE_TYPE": "BEFVEKST_ANT"}})
    parsed, _ = to_parsed(defn, ds, {"kommune": ["03"], "fylke": ["30"]})
    assert [(r.region_code, r.period.label, r.value) for r in parsed.rows] == [
        ("03", "2020", 3516), ("03", "2021", 2817), ("30", "2020", 11219), ("30", "2021", 16846)]
    assert not parsed.errors


def test_the_demo_fetches_with_the_codes_of_a_catalogue_entry():
    """The demo's live indicators use the catalogue's codes, so the two cannot drift apart (they did: the demo kept
    12944's old ContentsCodes after the catalogue was corrected)."""
    demo = Path(__file__).resolve().parents[2] / "data_access" / "db" / "demo"
    fetches = [i["fetch"] for f in sorted(demo.glob("*.json"))
               for i in json.loads(f.read_text(encoding="utf-8"))["indicators"] if i.get("fetch")]
    assert fetches
    catalogue = {(e.kind, e.table, tuple(sorted(e.values.items()))) for e in entries() if e.fetchable}
    for f in fetches:
        assert (f["kind"], f["table"], tuple(sorted(f["values"].items()))) in catalogue, f
