"""`laget run` started from `/` (as a systemd unit or the image would) looks like the app and passes axe: the
Streamlit settings travel with the package instead of being read from the working folder (issue 18.2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.axe import axe_violations, describe
from tests.e2e.conftest import free_port, goto_page, laget_run, login

pytestmark = pytest.mark.e2e


@pytest.fixture
def from_root(templates, tmp_path):
    db_url = templates.sqlite_copy("demo", tmp_path / "anywhere.db")
    with laget_run(db_url, Path("/"), free_port(), tmp_path / "laget.log", {"HOME": str(tmp_path)}) as running:
        yield running.url


def test_laget_run_from_the_root_folder_keeps_theme_and_contrast(page, from_root):
    login(page, from_root, "admin")
    color = page.evaluate("getComputedStyle(document.querySelector('[data-testid=\"stApp\"]')).color")
    assert color == "rgb(11, 12, 12)", f"the packaged theme is missing: text colour {color}"
    for link, ready in (("Oversikt", "Oversikt"), ("Tiltak", "Tiltak")):
        goto_page(page, link, page.get_by_role("heading", name=ready).first)
        contrast = [v for v in axe_violations(page) if v["id"] == "color-contrast"]
        assert not contrast, f"{link}:\n{describe(contrast)}"
