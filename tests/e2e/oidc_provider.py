"""A real OpenID Connect provider for the browser tests: ``oidc-provider-mock`` behind a PKCE check.

The mock issues codes and ID tokens with the users' claims (``roles`` included) but does not check PKCE
itself, so ``PkceGuard`` does what Entra ID does: the authorization request must carry an S256
``code_challenge``, and the token request must present the ``code_verifier`` that hashes to it.
"""

from __future__ import annotations

import base64
import hashlib
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlparse

import werkzeug.serving


@dataclass
class PkceGuard:
    app: object
    challenges: dict[str, str] = field(default_factory=dict)  # authorization code -> code_challenge
    verified: list[str] = field(default_factory=list)  # codes exchanged with a matching verifier
    refused: list[str] = field(default_factory=list)

    def __call__(self, environ, start_response):
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == "/oauth2/authorize":
            query = parse_qs(environ.get("QUERY_STRING", ""))
            challenge = query.get("code_challenge", [""])[0]
            if not challenge or query.get("code_challenge_method", [""])[0] != "S256":
                self.refused.append("authorize without S256 code_challenge")
                start_response("400 Bad Request", [("Content-Type", "text/plain")])
                return [b"PKCE (S256) required"]
            if method == "POST":
                def capture(status, headers, exc_info=None):
                    for name, value in headers:
                        if name.lower() == "location":
                            code = parse_qs(urlparse(value).query).get("code", [""])[0]
                            if code:
                                self.challenges[code] = challenge
                    return start_response(status, headers, exc_info)

                return self.app(environ, capture)
        if path == "/oauth2/token" and method == "POST":
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(body)
            form = parse_qs(body.decode())
            code, verifier = form.get("code", [""])[0], form.get("code_verifier", [""])[0]
            if code:
                expected = self.challenges.get(code)
                digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                if not verifier or expected != digest:
                    self.refused.append(f"token request with a wrong code_verifier for {code}")
                    start_response("400 Bad Request", [("Content-Type", "application/json")])
                    return [b'{"error": "invalid_grant", "error_description": "PKCE verification failed"}']
                self.verified.append(code)
        return self.app(environ, start_response)


@contextmanager
def oidc_provider(port: int, users: dict[str, dict]) -> Iterator[PkceGuard]:
    """The provider on http://127.0.0.1:<port> with the given users (sub -> claims), until the block ends."""
    from oidc_provider_mock import User, app

    guard = PkceGuard(app(user_claims=[User(sub=sub, claims=claims) for sub, claims in users.items()]))
    server = werkzeug.serving.make_server("127.0.0.1", port, guard, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield guard
    finally:
        server.shutdown()
        server.server_close()
