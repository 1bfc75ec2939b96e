"""In a real browser: chart axes and the Tabell tab use Norwegian numbers (Vega-Lite config.locale)."""

import re

import pytest

from tests.e2e.conftest import goto_page, login, wait_idle

pytestmark = pytest.mark.e2e


def test_indicator_chart_axes_use_decimal_comma(page, app_url):
    login(page, app_url, "leder")
    goto_page(page, "Indikatorer", page.locator("h1").filter(has_text="Indikatorer").first)
    page.get_by_role("tab", name="Detaljer").click()
    wait_idle(page)
    panel = page.get_by_role("tabpanel", name="Detaljer")
    panel.locator('[data-testid="stVegaLiteChart"] text').first.wait_for()
    labels = panel.locator('[data-testid="stVegaLiteChart"] .role-axis-label text').all_text_contents()
    numbers = [t for t in labels if re.fullmatch(r"[−\-]?[\d\u00a0 ]+([.,]\d+)?", t)]
    assert numbers, labels
    assert not any(re.search(r"\d\.\d", t) for t in numbers), numbers
    assert any(re.search(r"\d,\d", t) for t in numbers), numbers  # the demo values give ticks like 8,5
