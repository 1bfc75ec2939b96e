"""axe-core on every page for every role: no violation of impact moderate or higher (WCAG 2.1 AA)."""

import pytest

from dashboard.navigation import PAGES
from tests.e2e.axe import axe_violations, describe
from tests.e2e.conftest import goto_page, wait_idle

pytestmark = pytest.mark.e2e
ROLES = {"leder": "leser", "redaktor": "redaktor", "slt": "planlegger", "admin": "admin"}


@pytest.mark.parametrize("username", list(ROLES))
def test_every_page_passes_axe(page, app_url, username):
    page.goto(app_url)
    page.get_by_label("Brukernavn").wait_for()
    wait_idle(page)
    found = axe_violations(page)
    assert not found, "login page:\n" + describe(found)
    assert page.evaluate("document.documentElement.lang") == "nb"
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill("laget-demo")
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_text("Innlogget som").wait_for()
    wait_idle(page)
    failures = {}
    titles = [p.title for p in PAGES]
    for title in titles:
        link = page.get_by_role("link", name=title, exact=True)
        if link.count() == 0:
            continue
        goto_page(page, title, page.locator("h1").filter(has_text=title))
        page.wait_for_timeout(500)
        found = axe_violations(page)
        if found:
            failures[title] = describe(found)
    assert not failures, "\n\n".join(f"== {t} ==\n{d}" for t, d in failures.items())
