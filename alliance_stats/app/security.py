"""The guard of the local web page: session token, Host check, request size limit, security headers, CSRF.

A local server is still a server: any web page the user visits can make the browser send requests to
``127.0.0.1``, and a DNS-rebinding attack can make a foreign name resolve to it. :class:`Guard` (pure ASGI, in
front of every route) therefore

- answers only requests whose ``Host`` header is a loopback name with the server's port (``localhost``,
  ``127.0.0.1``, ``[::1]``; plus the ``--host`` given explicitly), else 403;
- needs the session token on every request, as Jupyter does: in the query (``?token=...``) on the first visit,
  which sets an ``HttpOnly``, ``SameSite=Strict`` cookie and redirects to the same address without the token;
  afterwards in the cookie. Without it: 403;
- refuses a request body larger than the limit with 413, from ``Content-Length`` before reading, and while
  streaming when the length is not announced (:class:`BodyTooLarge`);
- adds the security headers to every response (content security policy without inline script, no framing by
  other sites, no referrer: the first address holds the token, no caching, no MIME sniffing).

Every POST form carries a CSRF token (:meth:`Session.csrf`), checked by the routes with :meth:`Session.check_csrf`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from alliance_stats.core.i18n import tr

LOOPBACK_NAMES: tuple[str, ...] = ("localhost", "127.0.0.1", "[::1]")

#: Content security policy of the app's pages: scripts and styles from the app only, no inline script.
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
            "frame-ancestors 'self'; form-action 'self'; base-uri 'none'; object-src 'none'")

#: Content security policy of a report or printable questionnaire shown in the page: no script at all.
DOCUMENT_CSP = ("sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'; "
                "base-uri 'none'; form-action 'none'")


class BodyTooLarge(Exception):  # noqa: N818 - a signal between the guard and the routes, not a user error
    """The request body went past the size limit while it was read."""


@dataclass(frozen=True)
class Session:
    """The secrets of one server process: the session token and the port it answers on.

    Parameters
    ----------
    port
        The port the server listens on (the Host check needs it).
    token
        The session token (default: 32 random bytes, URL-safe).
    extra_hosts
        Host names accepted besides the loopback names (the ``--host`` given explicitly).

    References
    ----------
    Jupyter Server, "Security in the Jupyter Server" (token authentication); OWASP Cross-Site Request Forgery
    Prevention Cheat Sheet (synchronizer token pattern, SameSite cookies); Jackson et al. (2009), "Protecting
    browsers from DNS rebinding attacks", ACM TWEB 3(1) (Host header checks).

    Examples
    --------
    >>> session = Session(port=8765, token="t")
    >>> session.host_ok("127.0.0.1:8765"), session.host_ok("evil.example:8765"), session.host_ok("localhost")
    (True, False, False)
    >>> session.token_ok("t"), session.token_ok("u"), session.check_csrf(session.csrf())
    (True, False, True)
    """

    port: int
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    extra_hosts: tuple[str, ...] = ()

    @property
    def cookie_name(self) -> str:
        """The cookie holding the token; named after the port (cookies are shared by every port of a host)."""
        return f"alliance_stats_token_{self.port}"

    def host_ok(self, host: str | None) -> bool:
        """True for ``NAME:PORT`` with a loopback name (or an explicit ``--host``) and this server's port."""
        if not host:
            return False
        allowed = {f"{name}:{self.port}" for name in (*LOOPBACK_NAMES, *self.extra_hosts)}
        return host.strip().lower() in allowed

    def token_ok(self, candidate: str | None) -> bool:
        """Constant-time comparison with the session token."""
        return bool(candidate) and hmac.compare_digest(str(candidate).encode(), self.token.encode())

    def csrf(self) -> str:
        """The CSRF token of the session's forms (derived from the secret token, so never sent in a cookie)."""
        return hmac.new(self.token.encode(), b"csrf", hashlib.sha256).hexdigest()

    def check_csrf(self, candidate: Any) -> bool:
        """True when ``candidate`` is the session's CSRF token (constant-time)."""
        return isinstance(candidate, str) and hmac.compare_digest(candidate.encode(), self.csrf().encode())

    def url(self, host: str = "127.0.0.1") -> str:
        """The address to open: ``http://HOST:PORT/?token=...``."""
        return f"http://{host}:{self.port}/?token={self.token}"


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _cookie(scope: dict[str, Any], name: str) -> str | None:
    raw = _header(scope, b"cookie")
    if not raw:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:  # a malformed cookie header is no token
        return None
    morsel = jar.get(name)
    return None if morsel is None else morsel.value


def _lang(scope: dict[str, Any]) -> str:
    accept = (_header(scope, b"accept-language") or "").lower()
    first = accept.split(",")[0].strip()
    return "fr" if first.startswith("fr") else "en"


SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


class Guard:
    """ASGI middleware: Host check, session token, body size limit, security headers (module docstring).

    Parameters
    ----------
    app
        The ASGI application behind the guard.
    session
        The server's :class:`Session`.
    max_body
        Largest request body accepted, in bytes.
    """

    def __init__(self, app: Any, session: Session, max_body: int) -> None:
        self.app, self.session, self.max_body = app, session, max_body

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket":  # the page uses none
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return
        lang = _lang(scope)
        if not self.session.host_ok(_header(scope, b"host")):
            await _plain(send, 403, tr("app.err.host", lang))
            return
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        if self.session.token_ok(query.get("token")):
            await self._set_cookie_and_redirect(scope, query, send)
            return
        if not self.session.token_ok(_cookie(scope, self.session.cookie_name)):
            await _plain(send, 403, tr("app.err.token", lang))
            return
        length = _header(scope, b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            await _plain(send, 413, tr("app.err.too_large", lang).format(mb=self.max_body // 2**20))
            return
        await self.app(scope, self._limited(receive), self._with_headers(send))

    async def _set_cookie_and_redirect(self, scope: dict[str, Any], query: dict[str, str], send: Any) -> None:
        """First visit: the token moves from the address to a cookie; the address loses it (history, referrer)."""
        rest = {key: value for key, value in query.items() if key != "token"}
        # one leading slash (``//host/`` would send the browser elsewhere), the path re-quoted (no CR/LF)
        path = quote("/" + str(scope.get("path", "/")).lstrip("/"), safe="/:@!$&'()*+,;=-._~")
        location = path + (f"?{urlencode(rest)}" if rest else "")
        cookie = f"{self.session.cookie_name}={self.session.token}; Path=/; HttpOnly; SameSite=Strict"
        await send({"type": "http.response.start", "status": 303,
                    "headers": [(b"location", location.encode("latin-1")), (b"set-cookie", cookie.encode()),
                                (b"content-length", b"0"), *SECURITY_HEADERS]})
        await send({"type": "http.response.body", "body": b""})

    def _limited(self, receive: Any) -> Any:
        seen = 0
        limit = self.max_body

        async def wrapped() -> dict[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(seen)
            return message

        return wrapped

    @staticmethod
    def _with_headers(send: Any) -> Any:
        async def wrapped(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {key.lower() for key, _ in headers}
                headers += [(key, value) for key, value in SECURITY_HEADERS if key not in names]
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", PAGE_CSP.encode()))
                message = {**message, "headers": headers}
            await send(message)

        return wrapped


async def _plain(send: Any, status: int, text: str) -> None:
    body = (text + "\n").encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": body})
