"""Runtime settings and their defaults.

Every setting is an environment variable so the same code runs on a laptop (SQLite, demo data)
and on a shared server (PostgreSQL). The table in README.md documents them; keep both in step.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite:///data/laget.db"
DEFAULT_SSB_API_URL = "https://data.ssb.no/api/pxwebapi/v2"
DEFAULT_FHI_API_URL = "https://statistikk-data.fhi.no/api/open/v1"
# Cookie keys that ship in examples or in this repository; never acceptable outside a demo database.
DEMO_COOKIE_KEY = "laget-demo-cookie-key-not-for-production"
KNOWN_DEFAULT_COOKIE_KEYS = frozenset({"", "some_key", DEMO_COOKIE_KEY, "changeme", "secret"})
MIN_COOKIE_KEY_LENGTH = 32
# Claim value -> Laget role. Entra ID app roles are usually named like "Laget.Admin".
DEFAULT_OIDC_ROLE_MAP: tuple[tuple[str, str], ...] = (
    ("leser", "leser"), ("redaktor", "redaktor"), ("planlegger", "planlegger"), ("admin", "admin"),
    ("Laget.Leser", "leser"), ("Laget.Redaktor", "redaktor"), ("Laget.Planlegger", "planlegger"),
    ("Laget.Admin", "admin"),
)


@dataclass(frozen=True)
class Settings:
    database_url: str
    cookie_key: str | None
    cookie_name: str = "laget_auth"
    load_demo: bool = True
    login_delay_seconds: float = 0.5
    stale_months: int = 6
    ssb_api_url: str = DEFAULT_SSB_API_URL
    fhi_api_url: str = DEFAULT_FHI_API_URL
    source_timeout: float = 30.0
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = ""
    smtp_starttls: bool = True
    base_url: str = "http://localhost:8501"
    session_hours: float = 8.0
    session_idle_minutes: float = 30.0
    max_sessions: int = 5
    oidc_role_claim: str = "roles"
    oidc_role_map: tuple[tuple[str, str], ...] = DEFAULT_OIDC_ROLE_MAP
    oidc_default_leser: bool = False
    trust_forwarded_for: bool = False
    stuck_run_seconds: float = 120.0
    freeze_exit_seconds: float = 180.0


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "ja", "on"}


def parse_role_map(value: object) -> tuple[tuple[str, str], ...]:
    """``"Laget.Admin=admin, Gruppe-123=redaktor"`` (or a TOML table) as (claim value, role) pairs."""
    if isinstance(value, dict):
        pairs = [(str(k), str(v)) for k, v in value.items()]
    else:
        pairs = []
        for item in str(value).split(","):
            if item.strip():
                claim, _, role = item.partition("=")
                pairs.append((claim.strip(), role.strip()))
    return tuple(pairs)


def resolve_database_url(url: str) -> str:
    """Make a relative SQLite path absolute against the working folder and create its folder."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
        path = Path.cwd() / url[len(prefix):]
        path.parent.mkdir(parents=True, exist_ok=True)
        return prefix + str(path)
    if url.startswith(prefix + "/"):
        Path(url[len(prefix):]).parent.mkdir(parents=True, exist_ok=True)
    return url


def load_settings(env: dict[str, str] | None = None, secrets: dict[str, str] | None = None) -> Settings:
    """Read settings from ``env`` (default ``os.environ``), falling back to Streamlit ``secrets``."""
    env = dict(os.environ if env is None else env)
    secrets = secrets or {}

    def get(name: str) -> str | None:
        return env.get(name) or (str(secrets[name]) if name in secrets else None)

    role_map = env.get("LAGET_OIDC_ROLE_MAP") or secrets.get("LAGET_OIDC_ROLE_MAP")

    return Settings(
        database_url=resolve_database_url(get("DATABASE_URL") or DEFAULT_DATABASE_URL),
        cookie_key=get("LAGET_COOKIE_KEY"),
        load_demo=_flag(get("LAGET_LOAD_DEMO"), True),
        login_delay_seconds=float(get("LAGET_LOGIN_DELAY") or 0.5),
        stale_months=int(get("LAGET_STALE_MONTHS") or 6),
        ssb_api_url=get("LAGET_SSB_API_URL") or DEFAULT_SSB_API_URL,
        fhi_api_url=get("LAGET_FHI_API_URL") or DEFAULT_FHI_API_URL,
        source_timeout=float(get("LAGET_SOURCE_TIMEOUT") or 30.0),
        smtp_host=get("LAGET_SMTP_HOST") or "",
        smtp_port=int(get("LAGET_SMTP_PORT") or 587),
        smtp_user=get("LAGET_SMTP_USER") or "",
        smtp_password=get("LAGET_SMTP_PASSWORD") or "",
        smtp_from=get("LAGET_SMTP_FROM") or "",
        smtp_starttls=_flag(get("LAGET_SMTP_STARTTLS"), True),
        base_url=(get("LAGET_BASE_URL") or "http://localhost:8501").rstrip("/"),
        session_hours=float(get("LAGET_SESSION_HOURS") or 8.0),
        session_idle_minutes=float(get("LAGET_SESSION_IDLE_MINUTES") or 30.0),
        max_sessions=int(get("LAGET_MAX_SESSIONS") or 5),
        oidc_role_claim=get("LAGET_OIDC_ROLE_CLAIM") or "roles",
        oidc_role_map=parse_role_map(role_map) if role_map else DEFAULT_OIDC_ROLE_MAP,
        oidc_default_leser=_flag(get("LAGET_OIDC_DEFAULT_LESER"), False),
        trust_forwarded_for=_flag(get("LAGET_TRUST_X_FORWARDED_FOR"), False),
        stuck_run_seconds=float(get("LAGET_STUCK_RUN_SECONDS") or 120.0),
        freeze_exit_seconds=float(get("LAGET_FREEZE_EXIT_SECONDS") or 180.0),
    )
