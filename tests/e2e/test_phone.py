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

        grid.hover()  # a touch shows a grid's toolbar; on a phone it must not cover the headings (issue 20.2)
        page.wait_for_timeout(300)
        shown = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stElementToolbar"]')]
            .filter(e => { const b = e.getBoundingClientRect(); return b.width > 0 && b.height > 0; }).length""")
        assert shown == 0, f"{shown} table/chart toolbars drawn over the content on a phone"
    finally:
        context.close()


# English words that must not reach a user of the bokmål UI (issue 20.1): Streamlit's own front end, exception
# class names, jargon. Matched as whole words, case-insensitive, in the text, aria-labels, placeholders, titles.
ENGLISH = ["Page not found", "Upload", "per file", "Browse files", "Drag and drop", "Skip to main content",
           "Show/hide", "columns", "Download", "Search", "Fullscreen", "yyyy", "Help", "Choose", "Empty",
           "Link to heading", "Markdown", "Running", "Loading", "Close", "Clear", "Select", "No results",
           "View more", "View less", "Press Enter", "Copy", "Settings", "Deploy", "Rerun", "day", "month", "year",
           "Values", "Collapse", "Expand", "Open", "Show", "Hide", "Previous", "Next", "Submit", "Delete", "Cancel",
           "Add row", "Remove", "Date", "Time", "Page", "Sort", "Ascending", "Descending", "icon", "Don't"]
ENGLISH_RE = r"\b(" + "|".join(w.replace("/", r"\/") for w in ENGLISH) + r")\b|\b\w*(Error|Exception)\b"
ROLES = ["leder", "redaktor", "slt", "admin"]

# Text nodes (also in closed tabs and expanders) except those hidden from everyone (aria-hidden: an icon font's
# ligature such as «download»), plus the attributes screen readers and tooltips read.
SEEN = """() => {
    const parts = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const el = walker.currentNode.parentElement;
        if (!el || el.closest('[aria-hidden="true"], style, script, noscript')) continue;
        parts.push(walker.currentNode.textContent);
    }
    for (const el of document.querySelectorAll('*')) {
        for (const a of ['aria-label', 'placeholder', 'title', 'alt', 'aria-description', 'aria-roledescription',
                         'aria-placeholder', 'aria-valuetext'])
            if (el.getAttribute(a)) parts.push(el.getAttribute(a));
    }
    return parts.join('\\n');
}"""
WIDTH = """() => Math.max(document.documentElement.scrollWidth,
    ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"]')]
        .map(e => e.scrollWidth))"""


def english_words(text: str) -> list[str]:
    """The English words of the list found in ``text`` (pure)."""
    import re

    return sorted({m.group(0) for m in re.finditer(ENGLISH_RE, text, flags=re.IGNORECASE)})


def english_in_context(text: str) -> list[str]:
    """Each English word with the text around it, for a failure message that says where (pure)."""
    import re

    seen = {}
    for m in re.finditer(ENGLISH_RE, text, flags=re.IGNORECASE):
        seen.setdefault(m.group(0), text[max(0, m.start() - 30):m.end() + 30].replace("\n", " ⏎ "))
    return [f"{w} in «{c}»" for w, c in sorted(seen.items())]


def test_english_word_list_catches_the_reported_leaks():
    leaks = ("Page not found · Upload · 200MB per file • XLSX · Skip to main content · Show/hide columns · "
             "Download as CSV · Search · Fullscreen · dd.mm.yyyy · Help for Frist · Choose date · day, Frist · "
             "Empty · Link to heading · Fikk ikke kontakt (ConnectError) · Last ned Markdown")
    missed = [leak for leak in leaks.split(" · ") if not english_words(leak)]
    assert not missed, missed
    assert english_words("Oversikt · Tiltak i alt · Last ned som Excel · dd.mm.åååå · Søk · Fullskjerm") == []


def _visit(page, url: str, title: str) -> None:
    page.goto(url)
    page.locator("h1").filter(has_text=title).first.wait_for(timeout=30_000)
    wait_idle(page)
    for sel in ('[data-testid="stDataFrame"]', '[data-testid="stVegaLiteChart"]'):  # their toolbars show on hover
        first = page.locator(sel).first
        if first.count() and first.is_visible():
            first.hover()
            page.wait_for_timeout(150)


def test_every_page_for_every_role_is_norwegian_and_fits_a_phone(browser, app):
    """The sweep (issue 20): every page each role sees, at 390×844, has no English word from the list and no
    horizontal overflow. ``/oversikt`` (the address in README and reminder e-mails) is opened by its address."""
    from dashboard.navigation import PAGES

    app_url = app.url
    found: dict[str, list[str]] = {}
    wide: dict[str, int] = {}
    for username in ROLES:
        context = browser.new_context(viewport=PHONE, locale="nb-NO", is_mobile=True, has_touch=True)
        page = context.new_page()
        page.set_default_timeout(20_000)
        try:
            page.goto(app_url)
            page.get_by_label("Brukernavn").wait_for()
            wait_idle(page)
            if username == ROLES[0]:
                words = english_in_context(page.evaluate(SEEN))
                if words:
                    found["innlogging"] = words
            login(page, app_url, username)
            titles = page.evaluate("() => [...document.querySelectorAll('[data-testid=\"stSidebarNavLink\"]')]"
                                   ".map(a => a.textContent.trim())")
            for spec in PAGES:
                if not any(spec.title in t for t in titles):
                    continue
                _visit(page, f"{app_url}/{spec.url_path}", spec.title)
                where = f"{username} /{spec.url_path}"
                if words := english_in_context(page.evaluate(SEEN)):
                    found[where] = words
                if (width := page.evaluate(WIDTH)) > PHONE["width"]:
                    wide[where] = width
        finally:
            context.close()
    assert not found, ("English words:\n" + "\n".join(f"{w}: {v}" for w, v in found.items())
                       + "\n\nserver log:\n" + app.log.read_text()[-3000:])
    assert not wide, f"wider than {PHONE['width']} px: {wide}"


def test_first_screen_answers_the_question_and_old_addresses_work(browser, app_url):
    """On a 390×844 phone (issue 20.2): Oversikt's first screen shows how the plan is going (the pyramid),
    Indikatorer's which figures are worse; the plan's source comes after. ``/oversikt`` (README, reminder
    e-mails) opens the front page, and an unknown address says so in Norwegian (issue 20.1)."""
    context = browser.new_context(viewport=PHONE, locale="nb-NO", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        login(page, app_url, "leder")
        _visit(page, f"{app_url}/oversikt?plan=2", "Oversikt")  # plan 1, the default, is left out of the address
        assert page.evaluate("location.pathname") == "/", "/oversikt is sent on to the front page"
        assert page.evaluate("new URLSearchParams(location.search).get('plan')") == "2"
        pyramid = page.locator('[data-testid="stVegaLiteChart"]').first
        pyramid.wait_for()
        assert pyramid.bounding_box()["y"] < PHONE["height"] - 100, "the pyramid starts on the first screen"
        source = page.get_by_text("Kilde:").first
        assert source.bounding_box()["y"] > PHONE["height"], "the source line comes after the answer"

        _visit(page, f"{app_url}/indikatorer", "Indikatorer")
        worse = page.get_by_text("Verre enn forrige").first
        assert worse.bounding_box()["y"] + 20 < PHONE["height"], "a worse figure is on the first screen"

        page.goto(f"{app_url}/finnes-ikke")
        page.get_by_text("Fant ikke siden").first.wait_for()
        assert not english_words(page.evaluate(SEEN))
    finally:
        context.close()
