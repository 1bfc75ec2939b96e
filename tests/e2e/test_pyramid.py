"""In a real browser: log in as a leader and read the Stange pyramid."""

import pytest

from tests.e2e.conftest import goto_page, login, wait_idle

pytestmark = pytest.mark.e2e


def test_leader_sees_pyramid_counts(page, app_url, tmp_path):
    login(page, app_url, "leder")
    goto_page(page, "Tiltak", page.locator('[data-testid="stVegaLiteChart"]').first)
    for label in ("Universell (30 tiltak)", "Selektiv (6 tiltak)", "Indikativ (4 tiltak)"):
        page.get_by_text(label).first.wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stVegaLiteChart\"] text')]"
        ".some(t => t.textContent.includes('30 tiltak'))")
    texts = page.locator('[data-testid="stVegaLiteChart"] text').all_text_contents()
    assert any("Universell (grønn): 30 tiltak" in t for t in texts)
    assert any("Selektiv (gul): 6 tiltak" in t for t in texts)
    assert any("Indikativ (rød): 4 tiltak" in t for t in texts)
    page.screenshot(path=str(tmp_path / "pyramid.png"), full_page=True)
    assert page.get_by_text("Traceback").count() == 0


def test_wrong_password_in_browser(page, app_url):
    page.goto(app_url)
    page.wait_for_selector('[data-testid="stApp"]')
    page.get_by_label("Brukernavn").fill("leder")
    page.get_by_label("Passord").fill("feil")
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_text("Feil brukernavn eller passord.").wait_for()


def test_click_on_a_tier_filters_and_sets_the_level_list(page, app_url):
    login(page, app_url, "leder")
    goto_page(page, "Tiltak", page.locator('[data-testid="stVegaLiteChart"]').first)
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.locator("text", has_text="Selektiv (gul)").first.wait_for()
    box = chart.locator("text", has_text="Selektiv (gul)").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] + 4)
    page.get_by_text("Viser bare").first.wait_for()
    page.wait_for_function("() => location.search.includes('niva=selektiv')")
    wait_idle(page)
    level_list = page.locator('[data-testid="stSelectbox"]').filter(has_text="Vis nivå")
    shown = level_list.inner_text() + " " + " ".join(i.input_value() for i in level_list.locator("input").all())
    assert "Selektiv" in shown, shown
    assert page.get_by_text("Universell (30 tiltak)").count() == 0
