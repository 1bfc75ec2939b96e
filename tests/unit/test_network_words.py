"""Network failures are described in Norwegian, never by an exception's class name (issue 20.1)."""

import socket
import ssl

import httpx
import pytest

from data_access.domain.network import problem


@pytest.mark.parametrize(("exc", "words"), [
    (httpx.ConnectError("[Errno 111] Connection refused"), "tjeneren avviste tilkoblingen"),
    (httpx.ConnectError("[Errno 113] No route to host"), "fikk ikke koblet til tjeneren"),
    (httpx.ConnectError("[Errno -2] Name or service not known"), "fant ikke tjeneren"),
    (httpx.ReadTimeout("timed out"), "svarte ikke i tide"),
    (httpx.RemoteProtocolError("closed"), "forbindelsen ble brutt underveis"),
    (httpx.UnsupportedProtocol("ftp"), "adressen må begynne med https://"),
    (ConnectionRefusedError(111, "refused"), "tjeneren avviste tilkoblingen"),
    (socket.gaierror(-2, "Name or service not known"), "fant ikke tjeneren"),
    (ssl.SSLCertVerificationError("bad cert"), "den sikre forbindelsen (TLS)"),
    (RuntimeError("boom"), "ukjent nettverksfeil"),
])
def test_problem_is_norwegian(exc, words):
    text = problem(exc)
    assert words in text
    assert type(exc).__name__ not in text and "Error" not in text
