"""Fetching a web page for ingestion: http(s) links, with the limits a shared server needs.

A classroom server fetches whatever link a pupil pastes, so a link is hostile input: it may
point at the server's own admin ports, a cloud metadata endpoint (169.254.169.254) or the
school's intranet, or redirect there after a harmless first hop. Every hop is therefore
resolved first and every address it resolves to checked; the connection then goes to the
checked address itself (no second DNS lookup that a rebinding server could answer
differently). Private, loopback, link-local and other non-public addresses are refused
unless the setting ``fetch_allowed_networks`` names their network (the tests serve pages
from 127.0.0.1 that way).

Limits, all settings: ``fetch_timeout_seconds`` for the whole fetch (a page dribbling
bytes is cut off), ``fetch_max_bytes`` (declared or actual, compressed or not),
``fetch_max_redirects``, and the content types a news page comes as. Every failure is an
:class:`InputRefused` with a one-line reason, so a batch of links goes on without it.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from framing import __version__
from framing.errors import FramingError, InputRefused
from framing.settings import setting
from framing.text.readers import RawInput, decode_bytes

SCHEMES = {"http": 80, "https": 443}
REDIRECTS = {301, 302, 303, 307, 308}
# What a news page comes as; text/plain is accepted for plain-text mirrors of articles.
PAGE_TYPES = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text"}
CHUNK = 64 * 1024

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def is_url(name: str) -> bool:
    """Whether a command-line argument or form field is meant as a web link."""
    return name.strip().lower().startswith(("http://", "https://"))


@dataclass(frozen=True)
class FetchPolicy:
    """The limits of one fetch, read from the settings once per batch."""

    timeout: float
    max_bytes: int
    max_redirects: int
    allowed_networks: tuple[Network, ...] = ()
    user_agent: str = f"framing/{__version__} (news comparison for teaching)"

    @classmethod
    def from_settings(cls) -> FetchPolicy:
        networks = []
        for spec in setting("fetch_allowed_networks") or []:
            try:
                networks.append(ipaddress.ip_network(str(spec), strict=False))
            except ValueError as exc:
                raise FramingError(
                    f"Setting fetch_allowed_networks: {spec!r} is not a network like "
                    f"127.0.0.1/32 ({exc})"
                ) from exc
        return cls(
            timeout=float(setting("fetch_timeout_seconds")),
            max_bytes=int(setting("fetch_max_bytes")),
            max_redirects=int(setting("fetch_max_redirects")),
            allowed_networks=tuple(networks),
        )


@dataclass
class Fetched:
    """A page as fetched: the bytes, and what the form and the summary say about it."""

    url: str  # as given
    final_url: str  # after redirects
    content_type: str
    charset: str | None
    body: bytes
    fetched_at: str  # ISO 8601, UTC, seconds
    seconds: float
    redirects: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "final_url": self.final_url,
            "fetched_at": self.fetched_at,
            "seconds": round(self.seconds, 3),
            "bytes": len(self.body),
            "content_type": self.content_type,
            "redirects": self.redirects,
        }


def address_problem(address: IPAddress, policy: FetchPolicy) -> str | None:
    """Why ``address`` must not be fetched from ("a loopback address"), or None when it
    is public or in an allowed network."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if any(address in network for network in policy.allowed_networks):
        return None
    for test, kind in (
        (address.is_unspecified, "an unspecified"),
        (address.is_loopback, "a loopback"),
        (address.is_link_local, "a link-local"),
        (address.is_multicast, "a multicast"),
        (address.is_private, "a private"),
        (address.is_reserved, "a reserved"),
        (not address.is_global, "a non-public"),
    ):
        if test:
            return f"{kind} address"
    return None


def _resolve(host: str, port: int, policy: FetchPolicy) -> str:
    """The address to connect to; every address the name resolves to must be allowed, so
    a name with one public and one private record cannot pick the private one later."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise _Refused(f"cannot resolve host {host!r}: {exc}") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        problem = address_problem(ip, policy)
        if problem:
            said = (
                f"{host} is {problem}"
                if host.strip("[]") == str(ip)
                else f"{host} resolves to {problem} ({ip})"
            )
            raise _Refused(
                f"{said}; links to private, loopback or link-local addresses "
                "are not fetched (setting fetch_allowed_networks)"
            )
    return addresses[0]


class _Refused(Exception):
    """A reason to refuse, before the source (the link as given) is attached."""


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to an address already checked, not to whatever the name resolves to now."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # Certificate and SNI are checked against the name, as the user gave it.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def _target(url: str) -> tuple[str, str, int, str]:
    """``(scheme, host, port, path?query)`` of a link we are willing to fetch."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise _Refused(f"not a valid link: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise _Refused(f"only http and https links can be fetched, not {scheme or 'none'}:")
    if not parts.hostname:
        raise _Refused("the link has no host name")
    if parts.username or parts.password:
        raise _Refused("links with a user name or password are not fetched")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, parts.hostname, port or SCHEMES[scheme], path


def _read_body(response: http.client.HTTPResponse, sock: Any, deadline: float, limit: int):
    """The body, at most ``limit`` bytes, read before ``deadline`` (monotonic seconds)."""
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _Refused(f"too large: {int(declared):,} bytes declared (at most {limit:,})")
    chunks: list[bytes] = []
    size = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise _Refused("too slow: the page did not arrive in time")
        if sock is not None:
            sock.settimeout(left)  # each read waits at most until the deadline
        try:
            chunk = response.read1(CHUNK)
        except TimeoutError as exc:
            raise _Refused("too slow: the page did not arrive in time") from exc
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise _Refused(f"too large: more than {limit:,} bytes")
        chunks.append(chunk)


def _decompress(body: bytes, encoding: str, limit: int) -> bytes:
    """Undo gzip/deflate, never inflating past ``limit`` (a small bomb stays small)."""
    if encoding in ("", "identity"):
        return body
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise _Refused(f"unsupported content encoding {encoding!r}")
    wbits = 16 + zlib.MAX_WBITS if "gzip" in encoding else zlib.MAX_WBITS
    try:
        inflater = zlib.decompressobj(wbits)
        data = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise _Refused(f"broken {encoding} content: {exc}") from exc
    if len(data) > limit or inflater.unconsumed_tail:
        raise _Refused(f"too large: more than {limit:,} bytes once decompressed")
    return data


def fetch(url: str, policy: FetchPolicy | None = None) -> Fetched:
    """Fetch one page, or raise :class:`InputRefused` naming the link and the reason."""
    policy = policy or FetchPolicy.from_settings()
    started = time.monotonic()
    deadline = started + policy.timeout
    stamp = datetime.now(UTC).replace(microsecond=0).isoformat()
    current, redirects = url.strip(), []
    try:
        while True:
            scheme, host, port, path = _target(current)
            address = _resolve(host, port, policy)
            opener = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
            conn = opener(host, port, address, timeout=max(0.05, deadline - time.monotonic()))
            response: http.client.HTTPResponse | None = None
            try:
                conn.request(
                    "GET",
                    path,
                    headers={
                        "User-Agent": policy.user_agent,
                        "Accept": "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8",
                        "Accept-Encoding": "gzip, identity",
                    },
                )
                # http.client drops conn.sock once a response will close the connection; the
                # socket itself lives on in the response, and its timeout must follow the
                # deadline while the body is read.
                sock = conn.sock
                response = conn.getresponse()
                if response.status in REDIRECTS:
                    location = response.getheader("Location")
                    if not location:
                        raise _Refused(f"HTTP {response.status} redirect without a Location")
                    if len(redirects) >= policy.max_redirects:
                        raise _Refused(f"more than {policy.max_redirects} redirects")
                    current = urljoin(current, location)
                    redirects.append(current)
                    continue
                if not 200 <= response.status < 300:
                    raise _Refused(f"HTTP {response.status} {response.reason}".strip())
                content_type = (response.headers.get_content_type() or "").lower()
                if response.getheader("Content-Type") and content_type not in PAGE_TYPES:
                    raise _Refused(
                        f"not a web page: the server sent {content_type}"
                        " (only HTML or plain-text pages are fetched)"
                    )
                raw = _read_body(response, sock, deadline, policy.max_bytes)
                encoding = (response.getheader("Content-Encoding") or "").strip().lower()
                body = _decompress(raw, encoding, policy.max_bytes)
                return Fetched(
                    url=url.strip(),
                    final_url=current,
                    content_type=content_type,
                    charset=response.headers.get_content_charset(),
                    body=body,
                    fetched_at=stamp,
                    seconds=time.monotonic() - started,
                    redirects=redirects,
                )
            finally:
                if response is not None:
                    response.close()
                conn.close()
    except _Refused as exc:
        where = f"redirected to {current}: " if redirects else ""
        raise InputRefused(url.strip(), where + str(exc)) from None
    except TimeoutError:
        raise InputRefused(url.strip(), "too slow: the server did not answer in time") from None
    except ssl.SSLError as exc:
        raise InputRefused(url.strip(), f"TLS failed: {exc.reason or exc}") from None
    except (OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise InputRefused(url.strip(), f"cannot fetch: {reason}") from None


def to_input(page: Fetched) -> RawInput:
    """The fetched page as an input of the ordinary HTML (or text) path."""
    text: str | None = None
    if page.charset:
        try:
            text = page.body.decode(page.charset)
        except (LookupError, UnicodeDecodeError):
            text = None  # a wrong header: detect the encoding as for a file
    if text is None:
        text, _ = decode_bytes(page.body, page.url)
    kind = PAGE_TYPES.get(page.content_type)
    if kind is None:  # no Content-Type: look at the text itself
        head = text.lstrip()[:2000].lower()
        kind = "html" if head.startswith("<") and ("<html" in head or "<body" in head) else "text"
    return RawInput(source=page.url, text=text, kind=kind, fetch=page.summary())


def fetch_input(url: str, policy: FetchPolicy | None = None) -> RawInput | InputRefused:
    """One link as an input or a refusal (never raises for the link's own faults)."""
    try:
        return to_input(fetch(url, policy))
    except InputRefused as refusal:
        return refusal
