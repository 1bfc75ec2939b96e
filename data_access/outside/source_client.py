"""HTTP client for SSB's PxWebApi v2 and FHI's Statistikk open API: polite, patient and honest about failure.

- A token bucket per service keeps within the published limit (SSB: 30 requests a minute).
- Every request has a timeout; 429, 502, 503, 504 and network errors are retried with exponential back-off,
  waiting as long as ``Retry-After`` asks (up to a cap).
- A *deadline* (``SourceClient.deadline``) bounds the wall-clock time of everything done for one indicator:
  requests, retries, back-off and rate-limit waits. A timeout alone does not: it bounds each socket read, so a
  stalled server cost 4 attempts × 30 s plus back-off (141 s), and a server that trickles a byte a second never
  hit it at all. The deadline is enforced in the socket layer (``_DeadlineBackend``: every connect, read and
  write gets at most the time that is left), so it holds in the middle of headers or a body, to the
  millisecond. It is kept per thread, because the app shares one client between sessions.
- Any failure ends in ``SourceError`` (a ``LagetError``) with a Norwegian sentence that names the service;
  nothing is written.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import httpcore
import httpx

from data_access.domain import network
from data_access.formats import jsonstat
from data_access.outside.sources import SourceDefinition, SourceError, fhi_body, latest_period, ssb_body

RETRY_STATUSES = {429, 502, 503, 504}
USER_AGENT = "Laget/0.1 (kommunal oppfolging av forebyggingsplan)"
MAX_BODY = 64 * 1024 * 1024  # bytes; a table answer is a few hundred kB, a bigger one is refused, not held


class DeadlinePassed(Exception):
    """Raised inside the client when the current deadline has passed; turned into ``SourceError``."""


class _Deadline(threading.local):
    """The current thread's deadline: monotonic end time, its length and the setting that gave it."""

    end: float | None = None
    seconds: float = 0.0
    setting: str = ""

    def left(self) -> float | None:
        return None if self.end is None else self.end - time.monotonic()


def _bounded(deadline: _Deadline, timeout: float | None, error: type[Exception]) -> float | None:
    """``timeout`` cut to what is left of the deadline; ``error`` (an httpcore timeout) when nothing is left."""
    left = deadline.left()
    if left is None:
        return timeout
    if left <= 0:
        raise error("deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read and write waits at most until the deadline."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self.stream, self.deadline = stream, deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.stream.read(max_bytes, _bounded(self.deadline, timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.stream.write(buffer, _bounded(self.deadline, timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self.stream.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self.stream.start_tls(
            ssl_context, server_hostname, _bounded(self.deadline, timeout, httpcore.ConnectTimeout)), self.deadline)

    def get_extra_info(self, info: str) -> Any:
        return self.stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's own sockets, with the deadline applied to connecting and to every read and write."""

    def __init__(self, deadline: _Deadline) -> None:
        self.backend, self.deadline = httpcore.SyncBackend(), deadline

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self.backend.connect_tcp(
            host, port, _bounded(self.deadline, timeout, httpcore.ConnectTimeout), local_address, socket_options),
            self.deadline)

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self.backend.connect_unix_socket(
            path, _bounded(self.deadline, timeout, httpcore.ConnectTimeout), socket_options), self.deadline)

    def sleep(self, seconds: float) -> None:
        self.backend.sleep(seconds)


def _transport(deadline: _Deadline) -> httpx.HTTPTransport:
    """httpx's transport over a connection pool with the deadline backend (httpx has no public hook for it)."""
    transport = httpx.HTTPTransport()
    transport._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(),  # noqa: SLF001
                                              network_backend=_DeadlineBackend(deadline))
    return transport


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

    def acquire(self, limit: float | None = None) -> float:
        """Take one token, sleeping until one is free; returns the seconds waited. ``DeadlinePassed`` when the
        wait would be longer than ``limit`` seconds (what is left of a deadline)."""
        waited = 0.0
        with self.lock:
            self._refill()
            while self.tokens < 1:
                pause = (1 - self.tokens) * self.per / self.capacity
                if limit is not None and waited + pause > limit:
                    raise DeadlinePassed
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


def _json(service: str, raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except RecursionError:
        raise SourceError(f"{service} svarte med JSON som er nøstet for dypt til å være et datasett. "
                          "Ingenting er lagret.") from None
    except ValueError:
        raise SourceError(f"{service} svarte med noe som ikke er JSON. Ingenting er lagret.") from None


def _problem(raw: bytes) -> str:
    """The detail of an error answer: RFC 7807 ``detail``/``title`` (SSB) or ``status``/``message`` (FHI)."""
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        return raw.decode("utf-8", "replace").strip()[:200]
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
    indicator_deadline: float | None = None  # seconds for everything one indicator needs (LAGET_SOURCE_DEADLINE)
    run_deadline: float | None = None  # seconds for a whole refresh (LAGET_SOURCE_RUN_DEADLINE)
    retries: int = 3
    backoff: float = 2.0
    max_wait: float = 120.0
    sleep: Callable[[float], None] = time.sleep
    limiters: dict[str, RateLimiter] = field(default_factory=dict)
    transport: httpx.BaseTransport | None = None

    def __post_init__(self) -> None:
        self.limiters.setdefault("SSB", RateLimiter(30, 60.0, sleep=self.sleep))
        self.limiters.setdefault("FHI", RateLimiter(30, 60.0, sleep=self.sleep))
        self._deadline = _Deadline()
        self.http = httpx.Client(timeout=self.timeout, transport=self.transport or _transport(self._deadline),
                                 headers={"User-Agent": USER_AGENT, "Accept": "application/json"})

    def close(self) -> None:
        self.http.close()

    @contextmanager
    def deadline(self, seconds: float | None, setting: str = "LAGET_SOURCE_DEADLINE",
                 shown: float | None = None) -> Iterator[None]:
        """Everything this thread asks of the client inside the block must be done within ``seconds``
        (None: no deadline); past it, ``SourceError`` names the limit (``shown``, default ``seconds``) and
        ``setting``."""
        state = self._deadline
        before = (state.end, state.seconds, state.setting)
        state.end = None if seconds is None else time.monotonic() + max(0.0, seconds)
        state.seconds, state.setting = (shown if shown is not None else seconds) or 0.0, setting
        try:
            yield
        finally:
            state.end, state.seconds, state.setting = before

    def _late(self, service: str) -> SourceError:
        state = self._deadline
        return SourceError(f"{service} ble ikke ferdig innen tidsgrensen på {state.seconds:g} sekunder "
                           f"({state.setting}); ga opp. Ingenting er lagret.")

    def _left(self, service: str) -> float | None:
        left = self._deadline.left()
        if left is not None and left <= 0:
            raise self._late(service)
        return left

    def _get(self, service: str, method: str, url: str, **kwargs: Any) -> tuple[int, dict[str, str], bytes]:
        """One request, the body read in chunks with the deadline checked between them and a size cap."""
        with self.http.stream(method, url, **kwargs) as response:
            chunks, size = [], 0
            for chunk in response.iter_raw():
                self._left(service)
                size += len(chunk)
                if size > MAX_BODY:
                    raise SourceError(f"{service} svarte med mer enn {MAX_BODY // 2**20} MB. Ingenting er lagret.")
                chunks.append(chunk)
            return response.status_code, dict(response.headers), b"".join(chunks)

    def request(self, service: str, method: str, url: str, **kwargs: Any) -> Any:
        """One JSON answer, with rate limit, timeout, retries and the deadline; raises ``SourceError``."""
        attempt = 0
        while True:
            try:
                self.limiters[service].acquire(self._left(service))
            except DeadlinePassed:
                raise self._late(service) from None
            wait: float | None = None
            try:
                status, headers, raw = self._get(service, method, url, **kwargs)
            except httpx.TimeoutException:
                self._left(service)  # the deadline, not the timeout, cut it short: give up now
                problem = f"{service} svarte ikke innen {self.timeout:g} sekunder"
            except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
                setting = "LAGET_SSB_API_URL" if service == "SSB" else "LAGET_FHI_API_URL"
                raise SourceError(f"Adressen til {service} ({url}) kan ikke brukes: {network.problem(exc)}. Sjekk "
                                  f"innstillingen {setting}. Ingenting er lagret.") from None
            except httpx.HTTPError as exc:
                self._left(service)
                problem = f"fikk ikke kontakt med {service}: {network.problem(exc)}"
            else:
                if status < 400:
                    return _json(service, raw)
                if status not in RETRY_STATUSES:
                    raise SourceError(f"{service} avviste spørringen (HTTP {status}: "
                                      f"{_problem(raw)}). Ingenting er lagret.")
                problem = (f"{service} har for mange forespørsler akkurat nå (HTTP 429)"
                           if status == 429
                           else f"{service} er midlertidig utilgjengelig (HTTP {status})")
                wait = retry_after(headers.get("retry-after"))
            if attempt >= self.retries:
                raise SourceError(f"{problem[0].upper()}{problem[1:]}; ga opp etter {attempt + 1} forsøk. "
                                  "Ingenting er lagret.")
            pause = min(self.max_wait, wait if wait is not None else self.backoff * 2 ** attempt)
            left = self._left(service)
            if left is not None and pause >= left:
                raise self._late(service)
            self.sleep(pause)
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
        for dim in dims if isinstance(dims, list) else []:
            if isinstance(dim, dict) and dim.get("code") == defn.time_dim:
                return latest_period(_category_values(dim.get("categories") or []))
        return None

    # both ---------------------------------------------------------------------------------------------------
    def data(self, defn: SourceDefinition, regions: dict[str, list[str]]) -> jsonstat.Dataset:
        return self.ssb_data(defn, regions) if defn.kind == "ssb" else self.fhi_data(defn, regions)

    def latest_period(self, defn: SourceDefinition) -> str | None:
        return self.ssb_latest_period(defn) if defn.kind == "ssb" else self.fhi_latest_period(defn)


def _category_values(categories: Any) -> list[str]:
    """Every category value in FHI's tree of categories, depth first, without recursion (an answer can nest
    as deep as it likes); anything that is not a category is skipped."""
    out: list[str] = []
    stack = [iter(categories if isinstance(categories, list) else [])]
    end = object()
    while stack:
        c = next(stack[-1], end)
        if c is end:
            stack.pop()
            continue
        if not isinstance(c, dict):
            continue
        if c.get("value") is not None:
            out.append(str(c["value"]))
        if isinstance(c.get("children"), list):
            stack.append(iter(c["children"]))
    return out


def _dataset(service: str, body: Any) -> jsonstat.Dataset:
    try:
        return jsonstat.parse(body)
    except jsonstat.JsonStatError as exc:
        raise SourceError(f"{service} svarte, men ikke med et datasett vi kan lese: {exc} Ingenting er lagret.") \
            from None
