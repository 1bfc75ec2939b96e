"""Issue 20.6 on the page: the CSV import preview names the values Laget holds that it will replace."""

import io
from pathlib import Path

import pytest

from tests.app.conftest import texts

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"


class _Upload(io.BytesIO):
    name = "ssb_lavinntekt.csv"


@pytest.fixture
def csv_upload(monkeypatch):
    import streamlit as st

    data = (FIXTURES / "ssb_lavinntekt.csv").read_bytes()
    monkeypatch.setattr(st, "file_uploader", lambda *a, key=None, **k: _Upload(data) if key == "import_file" else None)


def test_preview_names_the_values_it_replaces(open_page, csv_upload):
    at = open_page("redaktor", "importer")
    from tests.app.test_sources import _indicator_id

    box = next(s for s in at.selectbox if s.label == "Indikator")
    box.set_value(_indicator_id(at, "Andel barn i lavinntektsfamilier")).run()
    assert not at.exception
    warning = next(w.value for w in at.warning if "Importen erstatter" in w.value)
    # the demo holds example values for Stange, Innlandet and the country 2019–2022: all twelve are replaced
    assert "Importen erstatter 12 verdier som finnes i Laget fra før" in warning
    assert "2019 kommune: 12,6 % (eksempeldata) blir 12,6 %" in warning
    preview = next(d.value for d in at.dataframe if "Nå i Laget" in d.value.columns)
    replaced = preview[preview["Endring"] == "Erstatter"]
    assert len(replaced) == 12
    assert "12,6 (eksempeldata)" in replaced["Nå i Laget"].to_list()
    assert set(preview[preview["Geografi"] == "Landet"]["Sted"]) == {"Hele landet"}
    assert "0 nye verdier, 12 erstatter verdier som finnes i Laget, 0 er like." in texts(at)
