"""A load client that speaks Streamlit's browser protocol to a real ``streamlit run`` server.

Each virtual user opens the websocket a browser opens, ``ws://HOST:PORT/_stcore/stream``, with the subprotocol
header the browser sends (``Sec-WebSocket-Protocol: streamlit``; Streamlit reuses that header for an XSRF token
and a session id to resume, neither of which a fresh tab has), the ``Origin`` of the page and the browser's
cookies. It then sends ``BackMsg`` protobufs and reads ``ForwardMsg``s, as the frontend does:

- a page view is one ``BackMsg.rerun_script`` (a ``ClientState``) naming the page: the page's
  ``page_script_hash`` once the server has listed its pages in a ``navigation`` message (what a click in the
  sidebar sends), before that its ``url_path`` as ``page_name`` (what opening ``/tiltak`` in a new tab sends,
  resolved by ``st.navigation``), plus the ``query_string`` and any ``widget_states``;
- the view ends with the ``script_finished`` of that run (``FINISHED_SUCCESSFULLY``, or
  ``FINISHED_WITH_COMPILE_ERROR``). ``FINISHED_EARLY_FOR_RERUN`` (an ``st.rerun()``) and the end of a fragment
  run do not end it; a ``new_session`` must have arrived after the request, so a late message of the previous
  run is never taken for this one. Wall time is measured from sending the request to that ``script_finished``.
- while reading, the deltas are checked cheaply: an ``st.exception`` element (an uncaught exception in the
  script, or one shown by the app), an error alert (``st.error``, which Laget uses for its Norwegian error
  messages), a script compilation exception and ``page_not_found`` are counted per view, with their first lines.

What a browser does that this client does not: it runs no JavaScript (``st.html`` scripts, components), loads no
static files or media, and does not fetch the later chunks of a large ``st.dataframe`` (the first chunk is in the
run's delta). The server does the same work for the run itself, which is what the freeze and the load are about.

**How a virtual user is logged in.** Laget keeps its login in a server-side session row (``auth_sessions``,
``data_access.sessions``); the browser's cookie ``laget_auth`` holds only the signed random token, and every
run reads it from ``st.context.cookies``, i.e. from the websocket handshake. ``laget_cookie`` therefore starts a
real session for the user through the data layer (``sessions_writes.start_session``, the same call the OIDC sign-in
uses), signs the token with the key the server uses (``LAGET_COOKIE_KEY``, or the demo key on a demo database)
and the client sends ``Cookie: laget_auth=…`` in the handshake: the server sees a returning, logged-in browser.
This needs access to the server's database (the tests and benchmarks have it) and costs no bcrypt check per
user. ``LoadSession.login_form`` is the other way, for a server whose database is out of reach: it reads the
login form's widget ids from the deltas and submits user name and password as widget states, like a person
typing; the login then lives in that Streamlit session's ``session_state``. Each password login checks bcrypt
on the server and counts against ``LAGET_MAX_SESSIONS`` (default 5 per user: oldest ones end) and failed ones
against ``LAGET_LOGIN_DELAY``; run the server with a high ``LAGET_MAX_SESSIONS`` and ``LAGET_LOGIN_DELAY=0``.
Sessions made by ``laget_cookie`` use their own policy and never end other sessions.

``run_load`` runs many virtual users at once in one asyncio loop (the server is another process), each view with
a time limit, beside a watchdog that asks ``/_stcore/health`` every few seconds. A server that stops answering
it while its process uses no CPU (a deadlock waits; an overloaded server answers late but computes), or that
stays silent for a whole view's time limit, stops the run (``abort_on_health``) instead of leaving every user
waiting out their own limit. Only loopback addresses are accepted as targets. ``server_pid``, ``cpu_seconds``
and ``rss_mib`` read the server process from ``/proc`` (Linux), for CPU time per view.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
import time
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

STREAM_PATH = "/_stcore/stream"
HEALTH_PATH = "/_stcore/health"
VIEW_TIMEOUT = 60.0  # seconds before a view counts as hung
DEMO_PASSWORD = "laget-demo"
# The demo users of each role (README «Demo users»).
DEMO_USERS = {"admin": "admin", "redaktor": "redaktor", "planlegger": "slt", "leser": "leder"}
_DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}
_FRAGMENT_DONE = {ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}


class LoadClientError(RuntimeError):
    """The server answered in a way a browser would not get past (no login form, closed socket, …)."""


@dataclass
class View:
    """One page run for one virtual user."""

    user: str
    page: str
    seconds: float
    finished: bool  # a script_finished of this run arrived in time
    hung: bool = False  # no script_finished within the view's time limit
    failed: str = ""  # connection closed or refused, or another client-side failure
    cut: bool = False  # still under way when the run was stopped (watchdog, deadline)
    exceptions: int = 0  # st.exception elements and compilation exceptions
    errors: int = 0  # st.error alerts
    warnings: int = 0  # st.warning alerts (a save conflict is one: not an error)
    not_found: bool = False
    messages: int = 0
    bytes: int = 0
    problems: list[str] = field(default_factory=list)  # first line of each exception/error

    @property
    def ok(self) -> bool:
        return self.finished and not (self.failed or self.cut or self.exceptions or self.errors or self.not_found)


def loopback_tls():
    """TLS without certificate checks, for the self-signed certificate of a local nginx (``scripts/cluster.sh``);
    only ever used after ``ensure_loopback``."""
    import ssl

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def ensure_loopback(url: str) -> None:
    """Refuse any target that is not this machine: the load is for a local test server only."""
    host = urlsplit(url).hostname or ""
    try:
        loop = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loop = False
    if not loop:
        raise ValueError(f"load targets must be loopback addresses, not {host!r}")


class LoadSession:
    """One browser tab: one websocket, one Streamlit session, runs one after another."""

    def __init__(self, base_url: str, *, cookies: dict[str, str] | None = None, name: str = "",
                 user_agent: str = "laget-load-client/1") -> None:
        ensure_loopback(base_url)
        self.base_url = base_url.rstrip("/")
        self.cookies = dict(cookies or {})
        self.name = name
        self.user_agent = user_agent
        self.pages: dict[str, str] = {}  # url path -> page_script_hash, from the last navigation message
        self.session_id = ""
        self.current_page = ""  # page_script_hash of the last run
        self.last_elements: list = []  # the Element protos of the last run, in order
        self.last_fragments: list[str] = []  # the fragment id of each of those (``""``: not in a fragment)
        self._ws = None

    async def __aenter__(self) -> LoadSession:
        await self.connect()
        return self

    async def __aexit__(self, *_exc) -> None:
        await self.close()

    async def connect(self, timeout: float = 30) -> None:
        from websockets.asyncio.client import connect

        parts = urlsplit(self.base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        headers = {"User-Agent": self.user_agent}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self._ws = await connect(f"{scheme}://{parts.netloc}{parts.path}{STREAM_PATH}", subprotocols=["streamlit"],
                                 origin=f"{parts.scheme}://{parts.netloc}", additional_headers=headers,
                                 user_agent_header=None, proxy=None, open_timeout=timeout, ping_interval=None,
                                 max_size=None, close_timeout=2,
                                 **({"ssl": loopback_tls()} if scheme == "wss" else {}))

    async def close(self) -> None:
        if self._ws is not None:
            ws, self._ws = self._ws, None
            try:
                await asyncio.wait_for(ws.close(), 3)
            except Exception:  # noqa: BLE001 - closing a socket to a stuck server: give up quietly
                ws.transport.abort()

    async def view(self, page: str | None = None, *, query_string: str = "", widget_states: Sequence = (),
                   fragment_id: str = "", timeout: float = VIEW_TIMEOUT) -> View:
        """Run ``page`` (a url path; ``""``: the default page; None: the page the session is on, like a reload
        without a path) and wait for its ``script_finished``. With ``fragment_id`` only that fragment runs, as
        when a widget inside an ``st.fragment`` changes in a browser (the widget states then go with it)."""
        label = "(default)" if page == "" else page or "(current)"
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = query_string
        state.fragment_id = fragment_id
        if page is None:
            state.page_script_hash = self.current_page
        elif page in self.pages:
            state.page_script_hash = self.pages[page]
        else:
            state.page_name = page
        for w in widget_states:
            state.widget_states.widgets.add().CopyFrom(w)
        state.context_info.timezone = "Europe/Oslo"
        state.context_info.locale = "nb-NO"
        state.context_info.url = f"{self.base_url}/{page or ''}" + (f"?{query_string}" if query_string else "")
        result = View(self.name, label, 0.0, False)
        start = time.perf_counter()
        try:
            await self._ws.send(msg.SerializeToString())
            await asyncio.wait_for(self._read_run(result, _FRAGMENT_DONE if fragment_id else _DONE), timeout)
        except TimeoutError:
            result.hung = True
        except Exception as exc:  # noqa: BLE001 - a closed or refused socket is a result, not a crash of the load
            result.failed = f"{type(exc).__name__}: {exc}"[:300]
        result.seconds = time.perf_counter() - start
        return result

    async def _read_run(self, result: View, done: set = _DONE) -> None:
        started = False
        self.last_elements, self.last_fragments = [], []
        while True:
            data = await self._ws.recv()
            result.messages += 1
            result.bytes += len(data)
            fm = ForwardMsg()
            fm.ParseFromString(data)
            kind = fm.WhichOneof("type")
            if kind == "new_session":
                started = True
                self.session_id = fm.new_session.initialize.session_id or self.session_id
            elif kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in fm.navigation.app_pages}
                self.current_page = fm.navigation.page_script_hash
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                el = fm.delta.new_element
                self.last_elements.append(el)
                self.last_fragments.append(fm.delta.fragment_id)
                which = el.WhichOneof("type")
                if which == "exception":
                    result.exceptions += 1
                    result.problems.append(f"exception {el.exception.type}: {el.exception.message}"[:300])
                elif which == "alert" and el.alert.format == el.alert.ERROR:
                    result.errors += 1
                    result.problems.append(f"st.error: {el.alert.body}"[:300])
                elif which == "alert" and el.alert.format == el.alert.WARNING:
                    result.warnings += 1
            elif kind == "session_event" and fm.session_event.WhichOneof("type") == "script_compilation_exception":
                exc = fm.session_event.script_compilation_exception
                result.exceptions += 1
                result.problems.append(f"compilation {exc.type}: {exc.message}"[:300])
            elif kind == "page_not_found":
                result.not_found = True
                result.problems.append(f"page not found: {fm.page_not_found.page_name!r}")
            elif kind == "script_finished" and started and fm.script_finished in done:
                result.finished = True
                return

    def texts(self) -> list[str]:
        """The markdown/caption/alert bodies of the last run (for checks such as «Innlogget som»)."""
        out = []
        for el in self.last_elements:
            which = el.WhichOneof("type")
            if which == "markdown":
                out.append(el.markdown.body)
            elif which == "alert":
                out.append(el.alert.body)
        return out

    async def login_form(self, username: str, password: str = DEMO_PASSWORD, timeout: float = VIEW_TIMEOUT) -> View:
        """Log in through Laget's form: the widget ids come from the login page's deltas."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        first = await self.view(None, timeout=timeout)
        if not first.finished:
            return first
        ids = {}
        for el in self.last_elements:
            which = el.WhichOneof("type")
            if which == "text_input":
                ids[el.text_input.label] = el.text_input.id
            elif which == "button" and el.button.is_form_submitter:
                ids["submit"] = el.button.id
        if not {"Brukernavn", "Passord", "submit"} <= ids.keys():
            raise LoadClientError(f"no login form on the first page (found {sorted(ids)})")
        states = [WidgetState(id=ids["Brukernavn"], string_value=username),
                  WidgetState(id=ids["Passord"], string_value=password),
                  WidgetState(id=ids["submit"], trigger_value=True)]
        result = await self.view(None, widget_states=states, timeout=timeout)
        result.page = "(login)"
        if result.finished and not any("Innlogget som" in t for t in self.texts()):
            result.failed = "login form did not log in: " + " | ".join(self.texts())[:200]
        return result


# --- Laget's users and pages ------------------------------------------------------------------------------------

def laget_cookie(db_url: str, username: str, *, cookie_key: str | None = None, client: str = "load client") -> dict:
    """A real server-side session for ``username`` and its signed cookie, as ``{cookie name: value}``.

    ``cookie_key`` is the server's ``LAGET_COOKIE_KEY``; None means the key a server without that setting uses
    (the demo key on a demo database). The session's policy allows any number of parallel sessions, so making
    many never ends another one.
    """
    from config.settings import load_settings
    from data_access.db.bootstrap import cookie_key as resolve_key
    from data_access.db.engine import get_engine
    from data_access.domain import sessions as sessions_domain
    from data_access.reads import sessions as sessions_reads
    from data_access.writes import sessions as sessions_writes

    env = {"DATABASE_URL": db_url, **({"LAGET_COOKIE_KEY": cookie_key} if cookie_key else {})}
    settings = load_settings(env)
    engine = get_engine(settings.database_url)
    token = sessions_writes.start_session(engine, username, sessions_domain.LOCAL, client=client,
                                   policy=sessions_reads.Policy(max_sessions=1_000_000))
    return {settings.cookie_name: sessions_domain.sign(token, resolve_key(settings, engine))}


def role_pages(role: str) -> list[str]:
    """The url paths of the pages ``role`` sees, in the sidebar's order (``dashboard.navigation``).

    The default page is ``""``: ``st.navigation`` serves it at the app's root, not under its ``url_path``."""
    from dashboard.navigation import pages_for
    from data_access.domain.permissions import Actor

    return ["" if p.default else p.url_path for p in pages_for(Actor(DEMO_USERS.get(role, role), role, role))]


@dataclass(frozen=True)
class Visit:
    """One login of a virtual user: a tab logged in as ``username`` that opens ``pages`` one after another."""

    username: str
    pages: tuple[str, ...]
    cookies: dict | None = None  # None: log in through the form with ``password``
    password: str = DEMO_PASSWORD
    query_string: str = ""


# --- running many at once -----------------------------------------------------------------------------------------

@dataclass
class LoadReport:
    views: list[View]
    seconds: float
    aborted: str = ""  # why the run stopped early (health watchdog, deadline)
    health_seconds: list[float] = field(default_factory=list)  # every health probe's answer time (inf: none)
    not_run: int = 0  # views never started because their user stopped after a hung or failed view

    @property
    def hung(self) -> list[View]:
        return [v for v in self.views if v.hung]

    @property
    def failed(self) -> list[View]:
        return [v for v in self.views if v.failed]

    @property
    def with_problems(self) -> list[View]:
        return [v for v in self.views if v.exceptions or v.errors or v.not_found]

    def percentile(self, q: float) -> float:
        """The ``q``-th percentile (linear between ranks) of the finished views' wall times, in seconds."""
        return percentile([v.seconds for v in self.views if v.finished], q)

    @property
    def cut(self) -> list[View]:
        return [v for v in self.views if v.cut]

    def summary(self, limit: int = 12) -> str:
        done = [v for v in self.views if v.finished]
        lines = [f"{len(self.views)} views in {self.seconds:.1f} s: {len(done)} finished, {len(self.hung)} hung, "
                 f"{len(self.failed)} failed, {len(self.cut)} cut off, {len(self.with_problems)} with an "
                 f"exception/error element, {self.not_run} not run"
                 + (f"; p50 {self.percentile(50):.2f} s, p95 {self.percentile(95):.2f} s, "
                    f"max {max(v.seconds for v in done):.2f} s" if done else "")]
        if self.aborted:
            lines.append(f"aborted: {self.aborted}")
        for v in (self.hung + self.failed + self.cut + self.with_problems)[:limit]:
            state = ("HUNG" if v.hung else f"FAILED {v.failed}" if v.failed else
                     "under way when the run stopped" if v.cut else "problem")
            lines.append(f"  {v.user} /{v.page}: {state} after {v.seconds:.1f} s {'; '.join(v.problems[:2])}")
        return "\n".join(lines)


def percentile(values: Iterable[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def health(base_url: str, timeout: float = 5) -> float:
    """Seconds ``/_stcore/health`` took to answer 200, or ``inf`` when it did not within ``timeout``."""
    ensure_loopback(base_url)
    start = time.perf_counter()
    try:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),  # never through a proxy
                                             urllib.request.HTTPSHandler(context=loopback_tls()))
        with opener.open(base_url.rstrip("/") + HEALTH_PATH, timeout=timeout) as r:
            if r.status == 200:
                return time.perf_counter() - start
    except OSError:
        pass
    return float("inf")


async def _user(base_url: str, name: str, visits: Sequence[Visit], view_timeout: float, views: list[View],
                report: LoadReport) -> None:
    """One virtual user's visits, one after another. Stops at a hung or failed view (the tab is stuck, a person
    would give up too); when the run is stopped from outside, the view under way is recorded as ``cut``."""
    left = sum(len(v.pages) for v in visits)
    page, started, session = "(connect)", time.perf_counter(), None
    try:
        for visit in visits:
            session = LoadSession(base_url, cookies=visit.cookies, name=f"{name}:{visit.username}")
            try:
                page, started = "(connect)", time.perf_counter()
                try:
                    await asyncio.wait_for(session.connect(), view_timeout)
                except Exception as exc:  # noqa: BLE001 - a refused connection is a failed view
                    views.append(View(session.name, page, time.perf_counter() - started, False,
                                      failed=f"connect: {type(exc).__name__}: {exc}"[:300]))
                    return
                if visit.cookies is None:
                    page, started = "(login)", time.perf_counter()
                    v = await session.login_form(visit.username, visit.password, timeout=view_timeout)
                    views.append(v)
                    if not v.ok:
                        return
                for page in visit.pages:
                    started = time.perf_counter()
                    v = await session.view(page, query_string=visit.query_string, timeout=view_timeout)
                    views.append(v)
                    left -= 1
                    if v.hung or v.failed:
                        return
            finally:
                await session.close()
    except asyncio.CancelledError:
        views.append(View(session.name if session else name, page or "(default)", time.perf_counter() - started,
                          False, cut=True))
        left -= page not in ("(connect)", "(login)")
        raise
    finally:
        report.not_run += left


async def _watchdog(base_url: str, report: LoadReport, *, every: float, timeout: float, misses: int,
                    pid: int | None, idle_share: float, max_silence: float) -> str:
    """Ask for health every ``every`` s; return why the server counts as frozen.

    Frozen: ``misses`` probes in a row got no answer within ``timeout`` s while the server process used less
    than ``idle_share`` of one core since the first of them (a deadlock waits, it does not compute; a busy
    server answers late but burns CPU), or no answer at all for ``max_silence`` s, busy or not. Without ``pid``
    the CPU condition is left out.
    """
    missed, first_miss, cpu_at_miss = 0, 0.0, 0.0
    while True:
        await asyncio.sleep(every)
        asked = time.perf_counter()
        answer = await asyncio.to_thread(health, base_url, timeout)
        report.health_seconds.append(answer)
        if answer != float("inf"):
            missed = 0
            continue
        missed += 1
        try:
            cpu = cpu_seconds(pid) if pid else 0.0
        except OSError:
            return f"the server process {pid} has ended"
        if missed == 1:
            first_miss, cpu_at_miss = asked, cpu
        silent = time.perf_counter() - first_miss
        used = cpu - cpu_at_miss
        if missed >= misses and (pid is None or used < idle_share * silent):
            return (f"/_stcore/health did not answer within {timeout:g} s, {missed} times in a row, and the server "
                    f"used {used:.1f} s of CPU in those {silent:.0f} s: frozen")
        if silent >= max_silence:
            return f"/_stcore/health did not answer for {silent:.0f} s (the server used {used:.1f} s of CPU)"


async def run_load_async(base_url: str, users: Sequence[Sequence[Visit]], *, view_timeout: float = VIEW_TIMEOUT,
                         deadline: float | None = None, pid: int | None = None, health_every: float = 2.0,
                         health_timeout: float = 5.0, health_misses: int = 2, idle_share: float = 0.1,
                         max_silence: float = VIEW_TIMEOUT, abort_on_health: bool = True) -> LoadReport:
    """Run every virtual user (a list of visits) at once, each view within ``view_timeout``.

    Stops early, with ``LoadReport.aborted`` saying why, when the health watchdog finds the server frozen (see
    ``_watchdog``; ``pid`` is the server's process for its CPU time) or when ``deadline`` s have passed. With
    ``abort_on_health=False`` the watchdog only records the health answers and each view waits its own limit.
    """
    ensure_loopback(base_url)
    views: list[View] = []
    report = LoadReport(views, 0.0)
    start = time.perf_counter()
    tasks = [asyncio.create_task(_user(base_url, f"u{i}", visits, view_timeout, views, report))
             for i, visits in enumerate(users)]
    watchdog = asyncio.create_task(_watchdog(base_url, report, every=health_every, timeout=health_timeout,
                                             misses=health_misses, pid=pid, idle_share=idle_share,
                                             max_silence=max_silence if abort_on_health else float("inf")))
    all_users = asyncio.gather(*tasks, return_exceptions=True)
    try:
        done, _ = await asyncio.wait({watchdog, all_users}, timeout=deadline, return_when=asyncio.FIRST_COMPLETED)
        if watchdog in done and abort_on_health:
            report.aborted = watchdog.result()
        elif watchdog in done:  # only recording: wait for the users
            report.aborted = ""
            await asyncio.wait({all_users}, timeout=None if deadline is None else
                               max(0.0, deadline - (time.perf_counter() - start)))
        if not all_users.done() and not report.aborted:
            report.aborted = f"the run did not end within {deadline:g} s"
        if all_users.done():
            for r in all_users.result():
                if isinstance(r, BaseException):
                    report.aborted = f"a virtual user crashed: {type(r).__name__}: {r}"
    finally:
        watchdog.cancel()
        for t in tasks:
            t.cancel()
        await asyncio.gather(watchdog, all_users, return_exceptions=True)
    report.seconds = time.perf_counter() - start
    return report


def run_load(base_url: str, users: Sequence[Sequence[Visit]], **kwargs) -> LoadReport:
    """``run_load_async`` from synchronous code (tests, benchmark scripts), in a thread of its own: the caller's
    thread may already run an event loop (Playwright's sync API leaves one in pytest's main thread)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="laget-load") as pool:
        return pool.submit(asyncio.run, run_load_async(base_url, users, **kwargs)).result()


# --- the server process ------------------------------------------------------------------------------------------

def server_pid(port: int) -> int | None:
    """The pid of the ``streamlit run`` or ``laget run`` listening on ``port`` (found by its command line in
    ``/proc``, ``--server.port=PORT`` or ``--server.port PORT``)."""
    wanted = f"--server.port={port}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        pairs = {a + b"=" + b for a, b in zip(args, args[1:], strict=False)}
        if (wanted in args or wanted in pairs) and any(b"streamlit" in a or b"dashboard.cli" in a for a in args):
            return int(entry.name)
    return None


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far (all its threads), from ``/proc/PID/stat``."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def laget_users(db_url: str, count: int, roles: Iterable[str] = DEMO_USERS, *, roles_per_user: int | None = None,
                views_per_visit: int | None = None, form_login: bool = False,
                cookie_key: str | None = None) -> list[list[Visit]]:
    """``count`` virtual users of the demo database, each a list of visits (one login per role).

    User ``i`` logs in as ``roles_per_user`` roles in turn (None: every role), starting at the ``i``-th, so the
    roles are spread over the users and mixed at every moment; in each it opens every page the role sees, in the
    sidebar's order, or, with ``views_per_visit``, that many of them starting at the ``i``-th (repeating the
    list when the role has fewer pages). ``form_login`` logs in through the form instead of a prepared cookie.
    """
    roles = list(roles)
    per_user = len(roles) if roles_per_user is None else roles_per_user
    users = []
    for i in range(count):
        visits = []
        for k in range(per_user):
            role = roles[(i + k) % len(roles)]
            pages = role_pages(role)
            if views_per_visit is not None:
                pages = [pages[(i + j) % len(pages)] for j in range(views_per_visit)]
            username = DEMO_USERS[role]
            cookies = None if form_login else laget_cookie(db_url, username, cookie_key=cookie_key,
                                                           client=f"load client u{i}")
            visits.append(Visit(username, tuple(pages), cookies))
        users.append(visits)
    return users
