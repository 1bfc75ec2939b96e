"""A real local HTTP server standing in for SSB's PxWebApi v2 and FHI's Statistikk open API in tests.

Answers are queued per (method, path); each may carry a status, headers, a JSON body and a delay. Builders
give datasets in the shapes the services return: SSB's JSON-stat 2.0 (index as an object, roles, status
object with «..» and «.», ``extension.px``) and FHI's (index as a list, ``role.metric`` only).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Answer:
    """One answer; ``body`` may be a function of the request (``Seen``) for answers that depend on it, and that
    function may also return a whole ``Answer``. ``raw`` is sent as it is instead of ``body`` as JSON;
    ``delay`` stalls before anything is sent; ``trickle`` sends the whole response (status line and headers
    too) one byte at a time with that many seconds between the bytes, as a server behind a broken proxy does."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    raw: bytes | None = None
    trickle: float = 0.0


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any


class SourceServer:
    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[Answer]] = {}
        self.requests: list[Seen] = []
        self.closing = threading.Event()  # ends stalls and trickles when the test is done
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self, method: str) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                server.requests.append(Seen(method, parts.path, parse_qs(parts.query),
                                            json.loads(raw) if raw else None))
                queue = server.routes.get((method, parts.path))
                answer = (queue.pop(0) if len(queue) > 1 else queue[0]) if queue else Answer(
                    404, {"title": "Not Found", "status": 404, "detail": f"No route {parts.path}"})
                body = answer.body(server.requests[-1]) if callable(answer.body) else answer.body
                if isinstance(body, Answer):
                    answer = body
                    body = answer.body(server.requests[-1]) if callable(answer.body) else answer.body
                if answer.delay and server.closing.wait(answer.delay):
                    return
                payload = answer.raw if answer.raw is not None else json.dumps(body).encode()
                ctype = "application/problem+json" if answer.status >= 400 else "application/json"
                headers = {"Content-Type": f"{ctype}; charset=utf-8", "Content-Length": str(len(payload)),
                           **answer.headers}
                try:
                    if answer.trickle:
                        head = f"HTTP/1.1 {answer.status} X\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
                        for i, byte in enumerate((head + "\r\n").encode() + payload):
                            if i and server.closing.wait(answer.trickle):
                                return
                            self.wfile.write(bytes([byte]))
                        return
                    self.send_response(answer.status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def do_GET(self) -> None:  # noqa: N802
                self._serve("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._serve("POST")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def add(self, method: str, path: str, *answers: Answer) -> None:
        """Queue answers for a path; the last one repeats."""
        self.routes[(method, path)] = list(answers)

    def __enter__(self) -> SourceServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.closing.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def serve() -> Iterator[SourceServer]:
    with SourceServer() as server:
        yield server


def _flat(dims: Sequence[tuple[str, Sequence[str]]], cells: Mapping[tuple[str, ...], Any]) -> list[Any]:
    """Values in row-major order for the given dimensions, None where ``cells`` has nothing."""
    out: list[Any] = [None]
    keys: list[tuple[str, ...]] = [()]
    for _, codes in dims:
        keys = [k + (c,) for k in keys for c in codes]
    out = [cells.get(k) for k in keys]
    return out


def ssb_dataset(table: str, dims: Sequence[tuple[str, str, Mapping[str, str]]],
                cells: Mapping[tuple[str, ...], float | str | None], decimals: int = 1) -> dict[str, Any]:
    """A PxWebApi v2 JSON-stat 2.0 answer. ``cells`` maps coordinate tuples to a number or a marker string."""
    plain = [(d, list(cats)) for d, _, cats in dims]
    flat = _flat(plain, cells)
    values = [v if not isinstance(v, str) else None for v in flat]
    status = {str(i): v for i, v in enumerate(flat) if isinstance(v, str)}
    dimension = {}
    for dim_id, label, cats in dims:
        dimension[dim_id] = {"label": label, "category": {"index": {c: i for i, c in enumerate(cats)},
                                                          "label": dict(cats)},
                             "extension": {"elimination": dim_id not in {"Tid", "ContentsCode"}}}
        if dim_id == "ContentsCode":
            dimension[dim_id]["category"]["unit"] = {c: {"base": "prosent", "decimals": decimals} for c in cats}
    out = {"version": "2.0", "class": "dataset", "label": f"{table}: testtabell", "source": "Statistisk sentralbyrå",
           "updated": "2025-03-06T07:00:00Z", "role": {"time": ["Tid"], "geo": ["Region"], "metric": ["ContentsCode"]},
           "id": [d for d, _, _ in dims], "size": [len(c) for _, _, c in dims], "dimension": dimension,
           "extension": {"px": {"tableid": table, "decimals": decimals, "language": "no"}}, "value": values}
    if status:
        out["status"] = status
    return out


def fhi_dataset(dims: Sequence[tuple[str, str, Mapping[str, str]]],
                cells: Mapping[tuple[str, ...], float | str | None]) -> dict[str, Any]:
    """An FHI Statistikk JSON-stat 2.0 answer: index lists, role.metric only, flags in ``status``."""
    plain = [(d, list(cats)) for d, _, cats in dims]
    flat = _flat(plain, cells)
    dimension = {d: {"label": label, "category": {"index": list(cats), "label": dict(cats)}}
                 for d, label, cats in dims}
    status = {str(i): v for i, v in enumerate(flat) if isinstance(v, str)}
    return {"class": "dataset", "version": "2.0", "href": None, "label": "Testindikator", "source": None,
            "updated": "2025-02-01T10:00:00+00:00", "id": [d for d, _, _ in dims],
            "size": [len(c) for _, _, c in dims], "role": {"time": None, "geo": None, "metric": ["MEASURE_TYPE"]},
            "dimension": dimension, "value": [v if not isinstance(v, str) else None for v in flat],
            "status": status or ""}
