"""The Rapport page in the browser: a reader clicks the buttons and gets a real PDF and a real Word file,
generated on the click."""

import zipfile
from pathlib import Path

import pytest

from tests.e2e.conftest import goto_page, login, new_page, wait_idle

pytestmark = pytest.mark.e2e


def _leader_downloads_the_pdf(browser, app):
    """A leader on Rapport presses «Last ned PDF»: (the page, the download)."""
    page = new_page(browser)
    login(page, app.url, "leder")
    goto_page(page, "Rapport", page.get_by_text("Last ned PDF"))
    wait_idle(page)
    with page.expect_download(timeout=60_000) as pdf:
        page.get_by_role("button", name="Last ned PDF").click()
    return page, pdf


def test_reader_downloads_pdf_and_word(browser, app):
    page, pdf = _leader_downloads_the_pdf(browser, app)
    data = Path(pdf.value.path()).read_bytes()
    assert data.startswith(b"%PDF") and pdf.value.suggested_filename.startswith("statusrapport-stange-")
    wait_idle(page)
    with page.expect_download(timeout=60_000) as word:
        page.get_by_role("button", name="Last ned Word").click()
    with zipfile.ZipFile(word.value.path()) as z:
        assert "word/document.xml" in z.namelist()
    assert word.value.suggested_filename.endswith(".docx")
    page.context.close()


def test_report_meeting_figures_and_points_say_what_they_mean(browser, app, tmp_path):
    """Issue 19 point 4 in the PDF a politician reads: «ikke registrert» when no meeting is marked held, what
    «Møtearenaer» counts, and changes of percentages in percentage points, as on the screen."""
    import re
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) is not installed")
    page, pdf = _leader_downloads_the_pdf(browser, app)
    text = subprocess.run(["pdftotext", str(pdf.value.path()), "-"], check=True, capture_output=True,
                          text=True).stdout
    flat = " ".join(text.split())
    assert "ikke registrert / " in flat and "0 / " not in flat.split("Møter avholdt / planlagt hittil")[1][:40]
    assert "Møtearenaer i planen" in flat and "19 (" in flat and "med faste møter i perioden" in flat
    assert "prosentpoeng" in flat and not re.search(r"[+−]\d+(,\d+)? %", flat)
    page.context.close()
