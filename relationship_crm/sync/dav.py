"""A small WebDAV/CalDAV/CardDAV client over `requests`: the one module that opens connections.

Only to the server the rep set up, with TLS certificates verified (the system's store, or the
rep's `--ca-file`); plain http:// only to this machine. Every failure the rep can act on becomes one
`KnownError` line: unreachable server, refused login, certificate problem, missing collection.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests

from relationship_crm.domain.errors import KnownError

DAV = "DAV:"
CALDAV = "urn:ietf:params:xml:ns:caldav"
CARDDAV = "urn:ietf:params:xml:ns:carddav"
CALSERVER = "http://calendarserver.org/ns/"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
#: Seconds to wait for the server to connect and to answer each request.
TIMEOUT = (10, 60)
MAX_REDIRECTS = 5
USER_AGENT = "relationship-crm-sync"


class Unreachable(KnownError):
    """The server could not be reached or did not answer in time: offline, try again later."""


class LoginRefused(KnownError):
    """The server refused the username or password."""


def check_url(url: str) -> str:
    """`url` if it is an https:// URL, or http:// to this machine; else one clear line."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:  # "http://[" and other malformed hosts
        host = None
    if host is None or parts.scheme not in ("http", "https"):
        raise KnownError(f"the server address must be an https:// URL, not {url!r}")
    if parts.scheme == "http" and host not in LOCAL_HOSTS:
        raise KnownError(
            f"refusing plain http:// to {host}: the password and data would travel "
            "unencrypted; use https://"
        )
    return url.strip()


@dataclass(frozen=True, slots=True)
class Resource:
    """One <response> of a multistatus: its absolute URL, properties found, and its status."""

    url: str
    props: dict[str, ET.Element] = field(default_factory=dict)
    status: int = 200

    def text(self, name: str) -> str | None:
        element = self.props.get(name)
        return element.text if element is not None and element.text is not None else None

    def hrefs(self, name: str) -> list[str]:
        element = self.props.get(name)
        if element is None:
            return []
        return [(h.text or "").strip() for h in element.iter(f"{{{DAV}}}href") if h.text]

    def types(self) -> set[str]:
        element = self.props.get(f"{{{DAV}}}resourcetype")
        return {child.tag for child in element} if element is not None else set()


class DavClient:
    """Requests to one server with the rep's login; redirects followed by hand, method kept."""

    def __init__(self, username: str, password: str, *, ca_file: str | None = None) -> None:
        self._session = requests.Session()
        self._session.auth = (username, password)
        self._session.headers["User-Agent"] = USER_AGENT
        self._session.verify = ca_file if ca_file else True
        self._session.trust_env = False  # no proxy or .netrc login the rep did not give us

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> DavClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        allow: tuple[int, ...] = (),
    ) -> requests.Response:
        """One request; 401/403 (unless in `allow`) and network failures raise a `KnownError`."""
        for _ in range(MAX_REDIRECTS + 1):
            check_url(url)
            try:
                response = self._session.request(
                    method,
                    url,
                    data=body,
                    headers=headers,
                    timeout=TIMEOUT,
                    allow_redirects=False,
                )
            except requests.exceptions.SSLError as exc:
                raise KnownError(
                    f"the certificate of {_host(url)} could not be verified ({_reason(exc)}); "
                    "for a company certificate authority, pass --ca-file"
                ) from None
            except requests.exceptions.Timeout:
                raise Unreachable(f"the server {_host(url)} did not answer in time") from None
            except requests.exceptions.RequestException as exc:
                raise Unreachable(
                    f"cannot reach the server {_host(url)} ({_reason(exc)})"
                ) from None
            if response.status_code in (301, 302, 303, 307, 308) and "Location" in response.headers:
                url = urljoin(url, response.headers["Location"])
                continue
            if response.status_code == 401:
                raise LoginRefused(f"the server {_host(url)} refused the username or password")
            if response.status_code == 403 and 403 not in allow:
                raise KnownError(f"the server {_host(url)} does not allow this account to do that")
            response.url = url
            return response
        raise KnownError(f"the server {_host(url)} redirected too many times")

    def propfind(self, url: str, props: list[str], *, depth: int = 0) -> list[Resource]:
        """PROPFIND `props` ("{ns}name") at `url`; one Resource per response."""
        root = ET.Element(f"{{{DAV}}}propfind")
        prop = ET.SubElement(root, f"{{{DAV}}}prop")
        for name in props:
            ET.SubElement(prop, name)
        response = self.request(
            "PROPFIND",
            url,
            body=ET.tostring(root, xml_declaration=True, encoding="utf-8"),
            headers={"Depth": str(depth), "Content-Type": "application/xml; charset=utf-8"},
        )
        if response.status_code == 404:
            raise KnownError(f"nothing found at {url} on the server")
        if response.status_code != 207:
            raise KnownError(
                f"the server answered {response.status_code} to a WebDAV request at {url}; "
                "is this a CalDAV/CardDAV address?"
            )
        return parse_multistatus(response.content, response.url)

    def report(self, url: str, body: bytes, *, depth: int = 1) -> list[Resource]:
        response = self.request(
            "REPORT",
            url,
            body=body,
            headers={"Depth": str(depth), "Content-Type": "application/xml; charset=utf-8"},
        )
        if response.status_code != 207:
            raise KnownError(f"the server answered {response.status_code} to a REPORT at {url}")
        return parse_multistatus(response.content, response.url)


def parse_multistatus(content: bytes, base: str) -> list[Resource]:
    """The responses of a 207 body (properties with a 2xx propstat only)."""
    try:
        root = ET.fromstring(content)
    except ET.ParseError:
        raise KnownError("the server sent a WebDAV answer that is not valid XML") from None
    found: list[Resource] = []
    for response in root.iter(f"{{{DAV}}}response"):
        href = response.findtext(f"{{{DAV}}}href")
        if not href:
            continue
        props: dict[str, ET.Element] = {}
        for propstat in response.iter(f"{{{DAV}}}propstat"):
            if not _ok(propstat.findtext(f"{{{DAV}}}status")):
                continue
            for prop in propstat.iter(f"{{{DAV}}}prop"):
                for child in prop:
                    props[child.tag] = child
        status = response.findtext(f"{{{DAV}}}status")
        code = _code(status) if status else 200
        found.append(Resource(urljoin(base, href.strip()), props, code))
    return found


def _ok(status: str | None) -> bool:
    return status is None or 200 <= _code(status) < 300


def _code(status: str) -> int:
    parts = status.split()
    try:
        return int(parts[1])
    except (IndexError, ValueError):
        return 0


def _host(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc or url


_REASONS = (
    ("Connection refused", "connection refused"),
    ("Name or service not known", "unknown host name"),
    ("Temporary failure in name resolution", "no network or DNS"),
    ("No route to host", "no route to host"),
    ("CERTIFICATE_VERIFY_FAILED", "untrusted certificate"),
    ("timed out", "timed out"),
)


def _reason(exc: BaseException) -> str:
    """The innermost cause of a requests error, on one line."""
    while exc.__context__ is not None and not isinstance(exc, OSError):
        exc = exc.__context__
    text = " ".join(str(exc).split())
    for marker, said in _REASONS:
        if marker in text:
            return said
    return text[:160] or type(exc).__name__
