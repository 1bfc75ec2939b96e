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


@dataclass(frozen=True)
class Settings:
    database_url: str
    cookie_key: str | None
    cookie_name: str = "laget_auth"
    cookie_expiry_days: float = 1.0
    load_demo: bool = True
    login_delay_seconds: float = 0.5
    stale_months: int = 6
    ssb_api_url: str = DEFAULT_SSB_API_URL
    fhi_api_url: str = DEFAULT_FHI_API_URL
    source_timeout: float = 30.0


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "ja", "on"}


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

    return Settings(
        database_url=resolve_database_url(get("DATABASE_URL") or DEFAULT_DATABASE_URL),
        cookie_key=get("LAGET_COOKIE_KEY"),
        cookie_expiry_days=float(get("LAGET_COOKIE_EXPIRY_DAYS") or 1.0),
        load_demo=_flag(get("LAGET_LOAD_DEMO"), True),
        login_delay_seconds=float(get("LAGET_LOGIN_DELAY") or 0.5),
        stale_months=int(get("LAGET_STALE_MONTHS") or 6),
        ssb_api_url=get("LAGET_SSB_API_URL") or DEFAULT_SSB_API_URL,
        fhi_api_url=get("LAGET_FHI_API_URL") or DEFAULT_FHI_API_URL,
        source_timeout=float(get("LAGET_SOURCE_TIMEOUT") or 30.0),
    )
