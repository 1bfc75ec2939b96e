"""The reverse proxy's Content-Security-Policy allows exactly the inline scripts the app sends (issue 17.4).

Streamlit runs an ``st.html`` script as an inline script, so the CSP must allow each by its hash. If a script
changes (or Streamlit's index.html does, after an upgrade), this test names the hash to put in
``deploy/nginx/laget.conf``.
"""

from __future__ import annotations

import base64
import hashlib
import re
import tomllib
from pathlib import Path

import streamlit

from dashboard.auth import COOKIE_SCRIPT
from dashboard.browser import SCRIPT

ROOT = Path(__file__).resolve().parents[2]
NGINX = ROOT / "deploy" / "nginx" / "laget.conf"


def csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def streamlit_inline_scripts() -> list[str]:
    page = (Path(streamlit.__file__).parent / "static" / "index.html").read_text(encoding="utf-8")
    return [s for s in re.findall(r"<script(?:\s[^>]*)?>(.*?)</script>", page, re.S) if s.strip()]


def policy() -> dict[str, list[str]]:
    """The CSP of deploy/nginx/laget.conf as directive → sources."""
    header = re.search(r'add_header Content-Security-Policy "([^"]+)" always;', NGINX.read_text()).group(1)
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in header.split(";")) if d}


def test_every_inline_script_is_allowed_by_its_hash_and_nothing_else_inline():
    wanted = [csp_hash(s) for s in [*streamlit_inline_scripts(), SCRIPT, COOKIE_SCRIPT]]
    scripts = policy()["script-src"]
    assert sorted(s for s in scripts if s.startswith("'sha256-")) == sorted(wanted), (
        "script-src in deploy/nginx/laget.conf should be: 'self' " + " ".join(wanted))
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts


def test_the_policy_forbids_framing_plugins_and_foreign_connections():
    csp = policy()
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert csp["default-src"] == ["'self'"] and csp["connect-src"] == ["'self'"]
    assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"]


def test_streamlit_is_told_to_hide_error_details_and_keep_its_protections():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none", "no traceback with file paths in the browser"
    assert config["server"]["enableXsrfProtection"] is True and config["server"]["enableCORS"] is True
    assert config["server"]["enableAgentApi"] is False and config["server"]["enableStaticServing"] is False
    upload = re.search(r"client_max_body_size (\d+)m;", NGINX.read_text()).group(1)
    assert int(upload) == config["server"]["maxUploadSize"], "nginx and Streamlit accept the same upload size"
