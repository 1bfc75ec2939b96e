"""The JSON-stat reader against json-stat.org's own sample datasets and the format's variants."""

import json
from pathlib import Path

import pytest

from data_access.formats import jsonstat

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "jsonstat"


def load(name: str) -> jsonstat.Dataset:
    return jsonstat.parse(json.loads((SAMPLES / name).read_text(encoding="utf-8")))


def test_row_major_order_last_dimension_fastest():
    ds = load("order.json")
    cells = list(ds.cells())
    assert len(cells) == 24
    assert cells[0].coords == {"A": "1", "B": "1", "C": "1"} and cells[0].value == "A1B1C1"
    assert cells[1].coords == {"A": "1", "B": "1", "C": "2"} and cells[1].value == "A1B1C2"
    assert cells[4].coords == {"A": "1", "B": "2", "C": "1"} and cells[4].value == "A1B2C1"
    assert cells[10].value == "A2B1C3"
    assert cells[23].coords == {"A": "3", "B": "2", "C": "4"} and cells[23].value == "A3B2C4"
    for c in cells:  # every cell's label is its own coordinates (cell 11 is a typo in the published sample)
        if c.value != "A1B1C4" or c.coords["A"] == "1":
            assert c.value == f"A{c.coords['A']}B{c.coords['B']}C{c.coords['C']}"


def test_oecd_status_object_index_object_and_dimension_without_index():
    ds = load("oecd.json")
    assert ds.ids == ("concept", "area", "year")
    assert ds.dimension("concept").codes == ("UNR",)  # only a label, no index
    assert ds.role("time") == ["year"] and ds.role("geo") == ["area"] and ds.role("metric") == ["concept"]
    cells = {(c.coords["area"], c.coords["year"]): c for c in ds.cells()}
    assert cells[("AU", "2003")].value == pytest.approx(5.943826289) and cells[("AU", "2003")].status is None
    assert cells[("AU", "2013")].status == "e" and cells[("AU", "2014")].status == "e"
    assert cells[("AT", "2003")].value == pytest.approx(4.278559338)
    assert ds.unit("UNR")["decimals"] == 9


def test_canada_one_status_for_all_cells_and_unit_decimals():
    ds = load("canada.json")
    assert ds.size() == 120
    assert all(c.status == "a" for c in ds.cells())
    assert ds.unit("POP")["decimals"] == 1 and ds.unit("PERCENT")["decimals"] == 1
    first = next(ds.cells())
    assert first.coords == {"country": "CA", "year": "2012", "age": "T", "concept": "POP", "sex": "T"}
    assert first.value == pytest.approx(34880.5)


def test_value_as_object_sparse_cells_are_none():
    ds = load("hierarchy.json")
    assert ds.size() == 132
    assert all(c.value is None for c in ds.cells())


@pytest.mark.parametrize("name", ["us-gsp.json", "galicia.json"])
def test_other_samples_read_fully(name):
    ds = load(name)
    assert sum(1 for _ in ds.cells()) == ds.size()
    assert ds.role("time")


@pytest.mark.parametrize("broken, words", [
    ({"class": "collection"}, "ikke et JSON-stat 2.0-datasett"),
    ({"id": ["a"], "size": [2], "dimension": {"a": {"category": {"index": ["x", "y"]}}}, "value": [1]},
     "1 verdier"),
    ({"id": ["a"], "size": [3], "dimension": {"a": {"category": {"index": ["x", "y"]}}}, "value": [1, 2, 3]},
     "2 kategorier"),
    ({"id": ["a", "b"], "size": [1], "dimension": {}, "value": []}, "ulikt antall"),
    ({"id": ["a"], "size": [1], "dimension": {"a": {"category": {"index": ["x"]}}}, "value": {"5": 1}},
     "bare 1 celler"),
    ("not json-stat", "ikke et JSON-stat-datasett"),
])
def test_malformed_answers_give_norwegian_messages(broken, words):
    with pytest.raises(jsonstat.JsonStatError, match=words):
        jsonstat.parse(broken)
