"""Runtime settings and their defaults.

Every setting is an environment variable so the same code runs on a laptop (SQLite, demo data)
and on a shared server (PostgreSQL). Each default is written once, in ``Settings``; ``SETTINGS`` names the
variable of each field, and tests/test_docs.py checks that the README's table lists every one with its default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
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
    """Every setting with its one default; ``SETTINGS`` names the variable that sets each field."""

    database_url: str = DEFAULT_DATABASE_URL
    cookie_key: str | None = None
    cookie_name: str = "laget_auth"  # not a setting: the cookie's name
    load_demo: bool = True
    login_delay_seconds: float = 0.5
    login_delay_max_seconds: float = 60.0
    stale_months: int = 6
    ssb_api_url: str = DEFAULT_SSB_API_URL
    fhi_api_url: str = DEFAULT_FHI_API_URL
    source_timeout: float = 30.0
    source_deadline: float = 60.0
    source_run_deadline: float = 900.0
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
    trusted_proxies: int = 0  # reverse proxies in front of Laget that append to X-Forwarded-For
    stuck_run_seconds: float = 120.0
    freeze_exit_seconds: float = 180.0
    jobs: bool = False  # the scheduler thread in `laget run` (reminders, refresh, backup; once across replicas)
    backup_dir: str = "backups"
    backup_keep: int = 14


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


# variable -> Settings field; the type of the field's default says how the text is read
SETTINGS: dict[str, str] = {
    "DATABASE_URL": "database_url",
    "LAGET_COOKIE_KEY": "cookie_key",
    "LAGET_LOAD_DEMO": "load_demo",
    "LAGET_SESSION_HOURS": "session_hours",
    "LAGET_SESSION_IDLE_MINUTES": "session_idle_minutes",
    "LAGET_MAX_SESSIONS": "max_sessions",
    "LAGET_LOGIN_DELAY": "login_delay_seconds",
    "LAGET_LOGIN_DELAY_MAX": "login_delay_max_seconds",
    "LAGET_TRUSTED_PROXIES": "trusted_proxies",
    "LAGET_OIDC_ROLE_CLAIM": "oidc_role_claim",
    "LAGET_OIDC_ROLE_MAP": "oidc_role_map",
    "LAGET_OIDC_DEFAULT_LESER": "oidc_default_leser",
    "LAGET_STALE_MONTHS": "stale_months",
    "LAGET_SSB_API_URL": "ssb_api_url",
    "LAGET_FHI_API_URL": "fhi_api_url",
    "LAGET_SOURCE_TIMEOUT": "source_timeout",
    "LAGET_SOURCE_DEADLINE": "source_deadline",
    "LAGET_SOURCE_RUN_DEADLINE": "source_run_deadline",
    "LAGET_SMTP_HOST": "smtp_host",
    "LAGET_SMTP_PORT": "smtp_port",
    "LAGET_SMTP_USER": "smtp_user",
    "LAGET_SMTP_PASSWORD": "smtp_password",
    "LAGET_SMTP_FROM": "smtp_from",
    "LAGET_SMTP_STARTTLS": "smtp_starttls",
    "LAGET_BASE_URL": "base_url",
    "LAGET_STUCK_RUN_SECONDS": "stuck_run_seconds",
    "LAGET_FREEZE_EXIT_SECONDS": "freeze_exit_seconds",
    "LAGET_JOBS": "jobs",
    "LAGET_BACKUP_DIR": "backup_dir",
    "LAGET_BACKUP_KEEP": "backup_keep",
}
DEFAULTS = Settings()


def _parse(field: str, raw: object) -> object:
    """The text of a variable (or a secrets.toml value) as the field's type, from the type of its default."""
    default = getattr(DEFAULTS, field)
    if field == "oidc_role_map":
        return parse_role_map(raw)
    if isinstance(default, bool):
        return _flag(str(raw), default)
    if isinstance(default, int | float):
        return type(default)(str(raw).strip())
    return str(raw)


def load_settings(env: dict[str, str] | None = None, secrets: dict[str, object] | None = None) -> Settings:
    """Read settings from ``env`` (default ``os.environ``), falling back to Streamlit ``secrets``; an empty or
    missing variable keeps the default."""
    env = dict(os.environ if env is None else env)
    secrets = secrets or {}
    values = {}
    for name, field in SETTINGS.items():
        raw = env.get(name) or secrets.get(name)
        if raw is not None and str(raw).strip() != "" or isinstance(raw, dict):
            values[field] = _parse(field, raw)
    old_flag = env.get("LAGET_TRUST_X_FORWARDED_FOR") or secrets.get("LAGET_TRUST_X_FORWARDED_FOR")
    if "trusted_proxies" not in values and _flag(None if old_flag is None else str(old_flag), False):
        values["trusted_proxies"] = 1  # the older LAGET_TRUST_X_FORWARDED_FOR=1 means one proxy
    settings = replace(DEFAULTS, **values)
    return replace(settings, database_url=resolve_database_url(settings.database_url),
                   base_url=settings.base_url.rstrip("/"))
