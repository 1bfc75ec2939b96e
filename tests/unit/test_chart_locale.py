"""Every chart carries the Norwegian number and time locale, so axes and tooltips read 5,1 and 1 000."""

from datetime import date

import polars as pl

from dashboard.calendar_charts import month_grid, year_wheel
from data_access.formats.chart_specs import indicator_chart, pyramid_chart, pyramid_data

LEVELS = pl.DataFrame({"slug": ["universell", "selektiv", "indikativ"], "label": ["U", "S", "I"],
                       "sort_order": [1, 2, 3]})
TILTAK = pl.DataFrame({"level": ["universell"], "status_label": ["I gang"], "status_order": [3]})
VALUES = pl.DataFrame({"geo": ["kommune"], "is_example": [False], "value": [11.3], "period": ["2024"],
                       "period_order": [2024], "geo_name": ["Stange"], "source": ["SSB"]})
MEETINGS = pl.DataFrame({"date": [date(2026, 3, 3)], "level": ["kommune"], "arena": ["Politiråd"],
                         "state": ["planlagt"]})


def test_every_chart_has_the_norwegian_locale():
    charts = [pyramid_chart(pyramid_data(TILTAK, LEVELS)), indicator_chart(VALUES, "prosent", 10.5),
              year_wheel(MEETINGS, 2026), month_grid(MEETINGS, 2026, 3)]
    for chart in charts:
        locale = chart.to_dict()["config"]["locale"]
        assert locale["number"]["decimal"] == "," and locale["number"]["thousands"] == "\u00a0"
        assert locale["time"]["months"][0] == "januar"
    spec = indicator_chart(VALUES, "prosent", 10.5).to_dict()
    assert "Mål: 10,5" in str(spec)
