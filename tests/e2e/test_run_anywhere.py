"""`laget run` started from `/` (as a systemd unit or the image would) looks like the app and passes axe: the
Streamlit settings travel with the package instead of being read from the working folder (issue 18.2)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.e2e.axe import axe_violations, describe
from tests.e2e.conftest import ROOT, free_port, goto_page, login

pytestmark = pytest.mark.e2e


@pytest.fixture
def from_root(templates, tmp_path):
    db_url = templates.sqlite_copy("demo", tmp_path / "anywhere.db")
    port = free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "LAGET_LOGIN_DELAY": "0", "HOME": str(tmp_path),
           "PYTHONPATH": str(ROOT)}
    env.pop("LAGET_COOKIE_KEY", None)
    log = open(tmp_path / "laget.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([sys.executable, "-m", "dashboard.cli", "run", "--server.port", str(port),
                             "--server.address=127.0.0.1", "--server.headless=true"],
                            cwd="/", env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("laget run did not start:\n" + (tmp_path / "laget.log").read_text())
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(15)
        log.close()


def test_laget_run_from_the_root_folder_keeps_theme_and_contrast(page, from_root):
    login(page, from_root, "admin")
    color = page.evaluate("getComputedStyle(document.querySelector('[data-testid=\"stApp\"]')).color")
    assert color == "rgb(11, 12, 12)", f"the packaged theme is missing: text colour {color}"
    for link, ready in (("Oversikt", "Oversikt"), ("Tiltak", "Tiltak")):
        goto_page(page, link, page.get_by_role("heading", name=ready).first)
        contrast = [v for v in axe_violations(page) if v["id"] == "color-contrast"]
        assert not contrast, f"{link}:\n{describe(contrast)}"
