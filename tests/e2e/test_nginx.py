"""The deployment's reverse proxy, for real: nginx with deploy/nginx/laget.conf in front of `streamlit run`.

Debian's nginx serves TLS (a throw-away certificate) on a free loopback port; the tests check the security
headers, that Streamlit's metrics are refused through it (and only through it), that HTTP is sent to HTTPS, that
the client address comes from the proxy and not from a header the client wrote, and, in Chromium, that the
login page renders and works under the Content-Security-Policy without a single CSP violation (issue 17.4).

Locally the tests skip when nginx is missing (``apt-get install nginx``); with ``LAGET_E2E_REQUIRED=1`` (CI,
whose ``.ci/run`` installs it) they fail instead.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import re
import shutil
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, free_port, running_app, stop, wait_idle

pytestmark = pytest.mark.e2e
CONFIG = ROOT / "deploy" / "nginx" / "laget.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


@dataclass(frozen=True)
class Proxied:
    url: str  # https through nginx
    http_url: str  # plain http through nginx (redirects)
    direct_url: str  # Streamlit itself
    db_url: str


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with the cryptography package Streamlit's auth installs."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    crt, pem = folder / "laget.crt", folder / "laget.key"
    crt.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
    return crt, pem


def render(config: str, *, replicas: Path, https: int, http: int, crt: Path, key: Path) -> str:
    """The repository's file with only the deployment's own values replaced: ports, replicas, certificate."""
    out = config.replace("include /etc/nginx/laget-replicas.conf;", f"include {replicas};")
    out = out.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;")
    out = out.replace("listen 80;", f"listen 127.0.0.1:{http};")
    out = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", out)
    out = out.replace("/etc/nginx/certs/laget.crt", str(crt)).replace("/etc/nginx/certs/laget.key", str(key))
    assert str(replicas) in out and str(https) in out and str(http) in out, "the file's layout changed"
    return out


@pytest.fixture
def proxied(templates, tmp_path: Path) -> Iterator[Proxied]:
    if NGINX is None:
        if os.environ.get("LAGET_E2E_REQUIRED") == "1":
            pytest.fail("nginx mangler, men e2e-testene er påkrevd her (apt-get install nginx).")
        pytest.skip("Debian's nginx is not installed (apt-get install nginx): the reverse-proxy test needs it")
    db_url = templates.sqlite_copy("demo", tmp_path / "nginx.db")
    upstream, https, http = free_port(), free_port(), free_port()
    conf_dir = tmp_path / "nginx"
    conf_dir.mkdir()
    crt, key = _certificate(conf_dir)
    replicas = conf_dir / "laget-replicas.conf"  # as the README says: written by deploy/nginx/replicas.sh
    replicas.write_text(subprocess.run(["sh", str(CONFIG.parent / "replicas.sh"), f"127.0.0.1:{upstream}"],
                                       check=True, capture_output=True, text=True).stdout)
    (conf_dir / "laget.conf").write_text(render(CONFIG.read_text(), replicas=replicas, https=https, http=http,
                                                crt=crt, key=key))
    temp = "\n".join(f"    {kind}_temp_path {conf_dir / kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                                              "uwsgi", "scgi"))
    (conf_dir / "nginx.conf").write_text(f"""
daemon off;
master_process off;
worker_processes 1;
pid {conf_dir / "nginx.pid"};
error_log {conf_dir / "error.log"} info;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log {conf_dir / "access.log"};
{temp}
    include {conf_dir / "laget.conf"};
}}
""")
    with running_app(db_url, tmp_path, upstream, env_extra={"LAGET_TRUSTED_PROXIES": "1"}) as app:
        log = open(conf_dir / "stderr.log", "w")  # noqa: SIM115 - closed below
        proc = subprocess.Popen([NGINX, "-p", str(conf_dir), "-c", str(conf_dir / "nginx.conf"),
                                 "-e", str(conf_dir / "error.log")], stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"https://127.0.0.1:{https}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    if _get(f"{url}/_stcore/health")[0] == 200:
                        break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("nginx did not start:\n" + (conf_dir / "error.log").read_text()
                                + (conf_dir / "stderr.log").read_text())
                time.sleep(0.2)
            yield Proxied(url, f"http://127.0.0.1:{http}", app.url, db_url)
        finally:
            stop(proc)
            log.close()


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str]]:
    """(status, headers) without following redirects, trusting the throw-away certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=10) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}


SECURITY_HEADERS = ("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy",
                    "strict-transport-security", "permissions-policy", "cross-origin-opener-policy")


@pytest.mark.parametrize("path", ["/", "/tiltak", "/_stcore/health", "/_stcore/host-config", "/finnes-ikke.js",
                                  "/_stcore/metrics"])
def test_every_answer_carries_the_security_headers(proxied, path):
    status, headers = _get(proxied.url + path)
    assert status in (200, 403, 404), status
    assert all(h in headers for h in SECURITY_HEADERS), [h for h in SECURITY_HEADERS if h not in headers]
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "uvicorn" not in headers.get("server", "") and "nginx/" not in headers.get("server", ""), "no versions"


@pytest.mark.parametrize("path", ["/_stcore/metrics", "/_stcore/metrics/", "//_stcore/metrics",
                                  "/_stcore/%6Detrics", "/_stcore/./metrics", "/x/../_stcore/metrics",
                                  "/_stcore/metrics?families=session_events", "/_stcore/agent/openapi.json"])
def test_metrics_are_refused_through_the_proxy(proxied, path):
    assert _get(proxied.url + path)[0] == 403
    assert _get(proxied.direct_url + "/_stcore/metrics")[0] == 200, "monitoring on the host still reads them"


def test_plain_http_is_sent_to_https(proxied):
    status, headers = _get(proxied.http_url + "/tiltak?plan=1")
    assert status == 301 and headers["location"].startswith("https://") and headers["location"].endswith(
        "/tiltak?plan=1")


def test_the_login_page_works_under_the_csp_without_violations(proxied, browser):
    """Chromium through nginx: log in, open pages with charts and grids, download, log out; no CSP report."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nb-NO", ignore_https_errors=True,
                                  extra_http_headers={"X-Forwarded-For": "6.6.6.6"}, accept_downloads=True)
    context.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation', "
                            "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")
    page = context.new_page()
    page.set_default_timeout(20_000)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
    violations: list[str] = []

    def collect() -> None:
        violations.extend(page.evaluate("window.__csp.splice(0)"))

    page.goto(proxied.url)
    page.get_by_label("Brukernavn").fill("redaktor")
    page.get_by_label("Passord").fill("feil-passord")
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_text("Feil brukernavn eller passord.").wait_for()
    page.get_by_label("Passord").fill("laget-demo")
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_text("Innlogget som").wait_for()
    assert page.evaluate("document.documentElement.lang") == "nb", "Laget's page script ran"
    icon = page.evaluate("document.querySelector('link[rel~=\"icon\"]').href")
    assert icon.startswith(("data:image/svg+xml", proxied.url)), f"Laget's own favicon, not fetched elsewhere: {icon}"
    cookie = next(c for c in context.cookies() if c["name"] == "laget_auth")  # the cookie script ran
    assert cookie["secure"], "over HTTPS the login cookie is Secure"
    collect()
    page.get_by_role("link", name="Tiltak", exact=True).click()
    page.get_by_role("button", name="Lagre endringer (0)").first.wait_for()
    page.locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg').first.wait_for()
    wait_idle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Last ned tiltakene som Excel").click()
    assert download.value.suggested_filename == "tiltak.xlsx"
    page.get_by_role("link", name="Indikatorer", exact=True).click()
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for()
    wait_idle(page)
    collect()
    page.get_by_role("button", name="Logg ut").click()
    page.get_by_text("Du er logget ut.").wait_for()
    collect()
    context.close()
    assert violations == [], violations
    assert not [m for m in console if "Content Security Policy" in m or "Content-Security-Policy" in m], console

    from data_access.db.engine import make_engine
    from data_access.reads.sessions import failed_logins_frame

    engine = make_engine(proxied.db_url)
    failed = failed_logins_frame(engine)
    engine.dispose()
    assert failed.select("username", "addresses").rows() == [("redaktor", 1)]
    from sqlalchemy import create_engine, text

    with create_engine(proxied.db_url).connect() as conn:
        address = conn.execute(text("SELECT client_address FROM failed_logins")).scalar_one()
    assert address == "127.0.0.1", "the address nginx saw, not the 6.6.6.6 the client wrote"
