"""Every line chart says which line is which and does not exaggerate (issue 20.2): a legend for place and for
example data (dashed), and a y-axis from zero. The report uses the same specs, so it is covered too."""

import polars as pl
import pytest

from data_access.formats.chart_specs import indicator_chart, trend_chart

VALUES = pl.DataFrame({
    "geo": ["kommune", "kommune", "land", "land"], "is_example": [False, True, False, False],
    "value": [8.4, 9.1, 10.2, 10.0], "period": ["2023", "2024", "2023", "2024"],
    "period_order": [2023, 2024, 2023, 2024], "geo_name": ["Stange", "Stange", "Landet", "Landet"],
    "source": ["SSB"] * 4})


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


@pytest.mark.parametrize("build", [lambda: indicator_chart(VALUES, "prosent", 10.5), lambda: trend_chart(VALUES)],
                         ids=["detail", "card"])
def test_line_charts_have_legends_and_start_at_zero(build):
    spec = build().to_dict()
    lines = [layer for layer in _layers(spec) if "line" in str(layer.get("mark"))]
    assert lines
    for layer in lines:
        enc = layer["encoding"]
        assert enc["color"].get("legend", {}) is not None, "which line is kommune and which is landet"
        assert enc["strokeDash"].get("legend", {}) is not None, "what a dashed line means"
        assert enc["y"].get("scale", {}).get("zero", True) is True, "the y-axis starts at zero"
    text = str(spec)
    assert "Kommune" in text and "Landet" in text and "Eksempeldata" in text
    # Vega-Lite's ARIA descriptions of axes and legends are English; the marks keep theirs (axe wants them)
    assert spec["config"]["axis"]["aria"] is False and spec["config"]["legend"]["aria"] is False
