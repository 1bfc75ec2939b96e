"""What went wrong on the network, in words a user can act on, never an exception's class name.

Messages used to end in «(ConnectError)» or «(gaierror)»: English programmer words that tell a kommune's
administrator nothing. The class name still goes to the server log for whoever runs Laget."""

from __future__ import annotations

# Exception class name (httpx, ssl, socket, smtplib) → what it means, in a few plain words.
_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("gaierror", "herror"), "fant ikke tjeneren (navnet finnes ikke i DNS)"),
    (("ConnectionRefusedError",), "tjeneren avviste tilkoblingen"),
    (("ConnectTimeout", "TimeoutError", "timeout", "ReadTimeout", "WriteTimeout", "PoolTimeout",
      "TimeoutException"), "tjeneren svarte ikke i tide"),
    (("SSLError", "SSLCertVerificationError", "CertificateError"),
     "den sikre forbindelsen (TLS) kunne ikke settes opp"),
    (("ProxyError",), "mellomtjeneren (proxy) slapp ikke forespørselen gjennom"),
    (("RemoteProtocolError", "ConnectionResetError", "ConnectionAbortedError", "BrokenPipeError", "ReadError",
      "WriteError", "SMTPServerDisconnected"), "forbindelsen ble brutt underveis"),
    (("UnsupportedProtocol",), "adressen må begynne med https:// eller http://"),
    (("InvalidURL",), "adressen er ikke gyldig"),
    (("ConnectError", "ConnectionError", "OSError", "NetworkError"), "fikk ikke koblet til tjeneren"),
)


def problem(exc: BaseException) -> str:
    """A short Norwegian description of a network failure (pure); looks at the class and its bases."""
    names = [cls.__name__ for cls in type(exc).__mro__]
    for name in names:
        for classes, words in _WORDS:
            if name in classes:
                if name in ("ConnectError", "OSError"):  # httpx wraps the socket's error: read its text
                    detail = str(exc).lower()
                    if "name or service not known" in detail or "getaddrinfo" in detail:
                        return _WORDS[0][1]
                    if "refused" in detail:
                        return _WORDS[1][1]
                return words
    return "ukjent nettverksfeil"
