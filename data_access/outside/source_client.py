"""HTTP client for SSB's PxWebApi v2 and FHI's Statistikk open API: polite, patient and honest about failure.

- A token bucket per service keeps within the published limit (SSB: 30 requests a minute).
- Every request has a timeout; 429, 502, 503, 504 and network errors are retried with exponential back-off,
  waiting as long as ``Retry-After`` asks (up to a cap).
- Any failure ends in ``SourceError`` with a Norwegian sentence that names the service; nothing is written.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from data_access.formats import jsonstat
from data_access.outside.sources import SourceDefinition, SourceError, fhi_body, latest_period, ssb_body

RETRY_STATUSES = {429, 502, 503, 504}
USER_AGENT = "Laget/0.1 (kommunal oppfolging av forebyggingsplan)"


class RateLimiter:
    """Token bucket: ``rate`` requests per ``per`` seconds, bursts up to ``rate``; clock and sleep injectable."""

    def __init__(self, rate: int, per: float = 60.0, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.capacity, self.per = float(rate), per
        self.tokens, self.clock, self.sleep = float(rate), clock, sleep
        self.updated = clock()
        self.lock = threading.Lock()

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.capacity / self.per)
        self.updated = now

    def acquire(self) -> float:
        """Take one token, sleeping until one is free; returns the seconds waited."""
        waited = 0.0
        with self.lock:
            self._refill()
            while self.tokens < 1:
                pause = (1 - self.tokens) * self.per / self.capacity
                self.sleep(pause)
                waited += pause
                self._refill()
            self.tokens -= 1
        return waited


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


def _problem(response: httpx.Response) -> str:
    """The detail of an error answer: RFC 7807 ``detail``/``title`` (SSB) or ``status``/``message`` (FHI)."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:200]
    if isinstance(body, dict):
        for key in ("detail", "title", "message", "status", "errors"):
            if body.get(key) and not isinstance(body.get(key), int):
                return str(body[key])[:200]
    return str(body)[:200]


@dataclass
class SourceClient:
    ssb_url: str
    fhi_url: str
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 2.0
    max_wait: float = 120.0
    sleep: Callable[[float], None] = time.sleep
    limiters: dict[str, RateLimiter] = field(default_factory=dict)
    transport: httpx.BaseTransport | None = None

    def __post_init__(self) -> None:
        self.limiters.setdefault("SSB", RateLimiter(30, 60.0, sleep=self.sleep))
        self.limiters.setdefault("FHI", RateLimiter(30, 60.0, sleep=self.sleep))
        self.http = httpx.Client(timeout=self.timeout, transport=self.transport,
                                 headers={"User-Agent": USER_AGENT, "Accept": "application/json"})

    def close(self) -> None:
        self.http.close()

    def request(self, service: str, method: str, url: str, **kwargs: Any) -> Any:
        """One JSON answer, with rate limit, timeout and retries; raises ``SourceError``."""
        attempt = 0
        while True:
            self.limiters[service].acquire()
            wait: float | None = None
            try:
                response = self.http.request(method, url, **kwargs)
            except httpx.TimeoutException:
                problem = f"{service} svarte ikke innen {self.timeout:g} sekunder"
            except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
                setting = "LAGET_SSB_API_URL" if service == "SSB" else "LAGET_FHI_API_URL"
                raise SourceError(f"Adressen til {service} ({url}) kan ikke brukes ({type(exc).__name__}). Sjekk "
                                  f"innstillingen {setting}. Ingenting er lagret.") from None
            except httpx.TransportError as exc:
                problem = f"fikk ikke kontakt med {service} ({type(exc).__name__})"
            else:
                if response.status_code < 400:
                    try:
                        return response.json()
                    except ValueError:
                        raise SourceError(f"{service} svarte med noe som ikke er JSON. Ingenting er lagret.") \
                            from None
                if response.status_code not in RETRY_STATUSES:
                    raise SourceError(f"{service} avviste spørringen (HTTP {response.status_code}: "
                                      f"{_problem(response)}). Ingenting er lagret.")
                problem = (f"{service} har for mange forespørsler akkurat nå (HTTP 429)"
                           if response.status_code == 429
                           else f"{service} er midlertidig utilgjengelig (HTTP {response.status_code})")
                wait = retry_after(response.headers.get("Retry-After"))
            if attempt >= self.retries:
                raise SourceError(f"{problem[0].upper()}{problem[1:]}; ga opp etter {attempt + 1} forsøk. "
                                  "Ingenting er lagret.")
            self.sleep(min(self.max_wait, wait if wait is not None else self.backoff * 2 ** attempt))
            attempt += 1

    # SSB PxWebApi v2 ----------------------------------------------------------------------------------------
    def ssb_data(self, defn: SourceDefinition, regions: dict[str, list[str]]) -> jsonstat.Dataset:
        body = self.request("SSB", "POST", f"{self.ssb_url.rstrip('/')}/tables/{defn.table}/data",
                            params={"lang": "no", "outputFormat": "json-stat2"}, json=ssb_body(defn, regions))
        return _dataset("SSB", body)

    def ssb_latest_period(self, defn: SourceDefinition) -> str | None:
        info = self.request("SSB", "GET", f"{self.ssb_url.rstrip('/')}/tables/{defn.table}", params={"lang": "no"})
        return latest_period([info.get("lastPeriod")]) if isinstance(info, dict) and info.get("lastPeriod") \
            else None

    # FHI Statistikk open API --------------------------------------------------------------------------------
    def fhi_data(self, defn: SourceDefinition, regions: dict[str, list[str]]) -> jsonstat.Dataset:
        body = self.request("FHI", "POST", f"{self.fhi_url.rstrip('/')}/{defn.source}/Table/{defn.table}/data",
                            json=fhi_body(defn, regions))
        return _dataset("FHI", body)

    def fhi_latest_period(self, defn: SourceDefinition) -> str | None:
        info = self.request("FHI", "GET", f"{self.fhi_url.rstrip('/')}/{defn.source}/Table/{defn.table}/dimension")
        dims = info.get("dimensions") if isinstance(info, dict) else None
        for dim in dims or []:
            if dim.get("code") == defn.time_dim:
                return latest_period(_category_values(dim.get("categories") or []))
        return None

    # both ---------------------------------------------------------------------------------------------------
    def data(self, defn: SourceDefinition, regions: dict[str, list[str]]) -> jsonstat.Dataset:
        return self.ssb_data(defn, regions) if defn.kind == "ssb" else self.fhi_data(defn, regions)

    def latest_period(self, defn: SourceDefinition) -> str | None:
        return self.ssb_latest_period(defn) if defn.kind == "ssb" else self.fhi_latest_period(defn)


def _category_values(categories: list[dict]) -> list[str]:
    out = []
    for c in categories:
        if c.get("value") is not None:
            out.append(str(c["value"]))
        out += _category_values(c.get("children") or [])
    return out


def _dataset(service: str, body: Any) -> jsonstat.Dataset:
    try:
        return jsonstat.parse(body)
    except jsonstat.JsonStatError as exc:
        raise SourceError(f"{service} svarte, men ikke med et datasett vi kan lese: {exc} Ingenting er lagret.") \
            from None
