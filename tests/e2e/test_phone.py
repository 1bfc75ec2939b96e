"""On a 390×844 phone: the sidebar closes after choosing a page, pyramid labels fit their tiers, and the tiltak
grids show name, status and responsible service without scrolling sideways."""

import pytest

from dashboard.tiltak_editor import COLUMN_WIDTHS
from tests.e2e.conftest import goto_page, login, wait_idle

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


def _sidebar_open(page) -> bool:
    box = page.locator('[data-testid="stSidebar"]').bounding_box()
    return bool(box and box["width"] > 0 and box["x"] + box["width"] > 0)


def _open_sidebar(page) -> None:
    if not _sidebar_open(page):
        page.locator('[data-testid="stExpandSidebarButton"]').first.click()
        page.wait_for_function("() => document.querySelector('[data-testid=\"stSidebar\"]')"
                               ".getBoundingClientRect().right > 0")


@pytest.mark.parametrize("username", ["leder", "redaktor"])
def test_phone_layout(browser, app_url, tmp_path, username):
    context = browser.new_context(viewport=PHONE, locale="nb-NO", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        login(page, app_url, username)
        wait_idle(page)
        assert not _sidebar_open(page), "the sidebar starts closed on a phone"
        _open_sidebar(page)
        assert _sidebar_open(page)
        goto_page(page, "Tiltak", page.locator("h1").filter(has_text="Tiltak"))
        page.wait_for_function("() => document.querySelector('[data-testid=\"stSidebar\"]')"
                               ".getBoundingClientRect().right <= 0", timeout=5_000)
        page.wait_for_function("() => [...document.querySelectorAll('[data-testid=\"stVegaLiteChart\"] text')]"
                               ".some(t => t.textContent.includes('tiltak'))")
        page.screenshot(path=str(tmp_path / f"phone-{username}.png"), full_page=True)

        labels = page.evaluate("""() => {
            const chart = document.querySelector('[data-testid="stVegaLiteChart"]');
            const bars = [...chart.querySelectorAll('.mark-rect path')].map(p => p.getBoundingClientRect());
            return [...chart.querySelectorAll('.mark-text text')].map(t => {
                const b = t.getBoundingClientRect(), mid = b.top + b.height / 2;
                const bar = bars.find(r => r.top <= mid && mid <= r.bottom);
                return {text: t.textContent, left: b.left, right: b.right,
                        barLeft: bar ? bar.left : null, barRight: bar ? bar.right : null};
            });
        }""")
        assert len(labels) == 6, labels
        for label in labels:
            assert label["barLeft"] is not None, label
            assert label["barLeft"] - 1 <= label["left"] and label["right"] <= label["barRight"] + 1, \
                f"«{label['text']}» does not fit its tier: {label}"

        grid = page.locator('[data-testid="stDataFrame"]').first
        grid.scroll_into_view_if_needed()
        width = grid.bounding_box()["width"]
        first_three = COLUMN_WIDTHS["Tiltak"] + COLUMN_WIDTHS["Status"] + COLUMN_WIDTHS["Ansvar"]
        assert first_three <= width, f"name, status and responsible need {first_three} px, the grid has {width}"
        grid.locator("th, [role='columnheader']").first.wait_for(state="attached")  # drawn a moment after the grid
        headers = grid.locator("th, [role='columnheader']").all_text_contents()
        assert headers[:3] == ["Tiltak", "Status", "Ansvar"], headers
    finally:
        context.close()
