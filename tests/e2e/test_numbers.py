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
    # The axis starts at zero (issue 20.2), so its ticks are whole numbers; the decimals are in the tooltips.
    points = panel.locator('[data-testid="stVegaLiteChart"] .mark-symbol path')
    tooltip = page.locator("#vg-tooltip-element")
    shown: list[str] = []
    for i in range(min(points.count(), 12)):
        points.nth(i).hover(force=True)
        page.wait_for_timeout(150)
        if tooltip.count() and tooltip.is_visible():
            shown += re.findall(r"Verdi\s*([−\-]?\d[\d\u00a0 ]*(?:[.,]\d+)?)", tooltip.inner_text())
    assert shown, "no tooltip with a value"
    assert not any(re.search(r"\d\.\d", v) for v in shown), shown
    assert any(re.search(r"\d,\d", v) for v in shown), shown  # the demo values include 8,5 and 11,3
