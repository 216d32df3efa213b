"""Raw sources as text: files (UTF-8, or cp1252 with a warning) and URLs (public addresses, deadline, size limit)."""

from __future__ import annotations

import http.client
import io
import re
import socket
import ssl
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from book.errors import Diagnostic, IngestError
from book.ingest import addresses
from book.ingest.records import Source

MAX_BYTES = 5_000_000
TIMEOUT = 15.0          # seconds for the whole fetch of one URL: name look-ups, connections, redirects, reading
MAX_REDIRECTS = 10
REDIRECTS = {301, 302, 303, 307, 308}
CHUNK = 65_536
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
_CONTROL = set(range(0, 9)) | {11, 12} | set(range(14, 32)) | {127}


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def read_file(path: Path, display: str, warnings: list[Diagnostic]) -> Source:
    """A file as text, or IngestError if it is missing, empty, binary or in an unknown encoding."""
    if not path.is_file():
        raise IngestError(f"{display}: no such file")
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise IngestError(f"{display}: {len(data)} bytes is more than the {MAX_BYTES} a source may have")
    text = decode(data, display, warnings)
    return Source(path.name, text, kind_of(path.suffix.lower(), text), display)


def decode(data: bytes, display: str, warnings: list[Diagnostic]) -> str:
    """UTF-8 text (BOM dropped); cp1252 with a warning; refuse empty and binary data."""
    if not data.strip():
        raise IngestError(f"{display}: the file is empty; nothing added")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    elif b"\x00" in data or sum(byte in _CONTROL for byte in data[:4096]) > 8:
        raise IngestError(f"{display}: this is a binary file, not text, HTML or Markdown; nothing added")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError as error:
                raise IngestError(f"{display}:{line}: neither UTF-8 nor Windows-1252 text (byte 0x{data[exc.start]:02x}); "
                                  "save it as UTF-8; nothing added") from error
            warnings.append(Diagnostic(display, line, "not UTF-8: read as Windows-1252 (cp1252); check the accented letters", "warning"))
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise IngestError(f"{display}: the file has no text; nothing added")
    return text


def kind_of(suffix: str, text: str) -> str:
    """text, html or markdown, by the file's suffix and then by its first characters."""
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    start = text.lstrip()[:200].lower()
    if start.startswith(("<!doctype html", "<html")):
        return "html"
    return "text"


def fetch(url: str, warnings: list[Diagnostic], timeout: float | None = None, limit: int | None = None,
          allow_private: bool = False) -> Source:
    """A web page as text: http(s) only, public addresses only, all within `timeout` seconds and `limit` bytes.

    With `allow_private`, the host named in `url` may be at a private address, and so may redirects back to it.
    """
    timeout, limit = timeout or TIMEOUT, limit or MAX_BYTES
    shown = redacted(url)
    deadline = _Deadline(timeout)
    target = _target(url, shown, None)
    trusted = target.host if allow_private else None
    try:
        for hop in range(MAX_REDIRECTS + 1):
            found = _checked_address(target, trusted, shown, hop > 0, deadline)
            location, data, headers = _get(target, found, deadline, limit, shown)
            if location is None:
                return _page(url, data, headers, warnings)
            target = _target(urllib.parse.urljoin(target.url, location), shown, location)
    except _Late as error:
        seconds = f"{timeout:g} second{'s' * (timeout != 1)}"
        raise IngestError(f"{shown}: cannot fetch the page (no complete answer within {seconds}); nothing added") from error
    raise IngestError(f"{shown}: redirected more than {MAX_REDIRECTS} times; nothing added")


def redacted(url: str) -> str:
    """`url` with any user name and password replaced by '***', for messages."""
    return _CREDENTIALS.sub(r"\1***@", url)


_CREDENTIALS = re.compile(r"(//)[^/?#]*@")


@dataclass(frozen=True)
class _Target:
    """One address to GET: scheme, host (IDNA), port and request target."""

    url: str
    scheme: str
    host: str
    port: int
    path: str


def _target(url: str, shown: str, location: str | None) -> _Target:
    """`url` checked before anything is looked up or connected: http(s), a host, no credentials."""
    where = f"{shown}: redirected to {redacted(location)}, which" if location is not None else f"{shown}: the address"
    try:
        parts = urllib.parse.urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise IngestError(f"{where} is not a valid URL ({error}); nothing added") from error
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise IngestError(f"{where} is not an http:// or https:// address; nothing added")
    if parts.username is not None or parts.password is not None:
        raise IngestError(f"{where} has a user name or password in it; they are never sent: "
                          "give the address without them; nothing added")
    if not parts.hostname:
        raise IngestError(f"{where} names no host; nothing added")
    try:
        host = parts.hostname if addresses.parse(parts.hostname) else parts.hostname.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise IngestError(f"{where} has a host name that is not valid ({error}); nothing added") from error
    path = urllib.parse.quote(parts.path or "/", safe="/%!$&'()*+,;=:@~") + (
        "?" + urllib.parse.quote(parts.query, safe="/%!$&'()*+,;=:@~?") if parts.query else "")
    return _Target(urllib.parse.urlunsplit(parts._replace(fragment="")), scheme, host.lower(), port or
                   (443 if scheme == "https" else 80), path)


def _checked_address(target: _Target, trusted: str | None, shown: str, redirected: bool,
                     deadline: _Deadline) -> list[tuple]:
    """Every address the host resolves to, looked up once; refused unless all are public or the host is trusted."""
    found = _resolve(target, deadline, shown)
    if target.host == trusted:
        return found
    for _, sockaddr in found:
        address = addresses.parse(sockaddr[0])
        reason = addresses.kind(address) if address else "an address that cannot be checked"
        if reason:
            subject = target.host if addresses.parse(target.host) else f"{target.host} (at {address})"
            where = f"{shown}: redirected to {target.url}, where" if redirected else f"{shown}:"
            rule = (f"--allow-private covers only {trusted}, the host of the address given" if trusted
                    else "only public addresses are fetched unless --allow-private is given")
            raise IngestError(f"{where} {subject} is {reason}; refused before connecting: {rule}; nothing added")
    return found


def _resolve(target: _Target, deadline: _Deadline, shown: str) -> list[tuple]:
    """(family, socket address) for each address of the host, looked up once, within the deadline."""
    result: dict = {}

    def look_up() -> None:
        try:
            result["found"] = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as error:
            result["error"] = error

    thread = threading.Thread(target=look_up, name="book-add-resolve", daemon=True)
    thread.start()
    thread.join(deadline.left())
    if thread.is_alive():
        raise _Late()
    if "error" in result:
        raise IngestError(f"{shown}: cannot fetch the page (host '{target.host}' not found: {result['error']}); "
                          "nothing added")
    return [(family, sockaddr) for family, _, _, _, sockaddr in result["found"]]


def _get(target: _Target, found: list[tuple], deadline: _Deadline, limit: int, shown: str):
    """(redirect location or None, body, headers) of one GET, connected to one of the checked addresses."""
    kind = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    connection = kind(target.host, target.port, found, deadline)
    try:
        connection.request("GET", target.path, headers={"User-Agent": "briefing-book (book add)", "Accept": "*/*"})
        response = connection.getresponse()
        location = response.getheader("Location")
        if response.status in REDIRECTS and location:
            return location, b"", response.headers
        if not 200 <= response.status < 300:
            raise IngestError(f"{shown}: the server answered {response.status} {response.reason}; nothing added")
        encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
        if encoding != "identity":
            raise IngestError(f"{shown}: the server sent the page {encoding}-compressed, which is not read; "
                              "nothing added")
        declared = response.getheader("Content-Length")
        if declared and declared.strip().isdigit() and int(declared) > limit:
            raise IngestError(f"{shown}: the page is {declared.strip()} bytes, more than the {limit} allowed; nothing added")
        return None, _body(response, limit, shown), response.headers
    except (IngestError, _Late):
        raise
    except (OSError, ValueError, http.client.HTTPException) as error:
        raise IngestError(f"{shown}: cannot fetch the page ({_reason(error)}); nothing added") from error
    finally:
        connection.close()


def _reason(error: Exception) -> str:
    """What went wrong on the wire, in a few words."""
    if isinstance(error, ssl.SSLError):
        return f"TLS: {getattr(error, 'verify_message', None) or error.reason or error}"
    if isinstance(error, http.client.RemoteDisconnected):
        return "the server closed the connection without answering"
    if isinstance(error, http.client.IncompleteRead):
        return "the server closed the connection before the end of the page"
    if isinstance(error, http.client.HTTPException):
        return f"not a valid HTTP answer: {type(error).__name__}"
    return (error.strerror if isinstance(error, OSError) else None) or str(error) or type(error).__name__


def _body(response: http.client.HTTPResponse, limit: int, shown: str) -> bytes:
    """The response body, read in chunks, refused as soon as it passes `limit` bytes."""
    chunks, size = [], 0
    while chunk := response.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise IngestError(f"{shown}: the page is more than {limit} bytes; nothing added")
        chunks.append(chunk)
    return b"".join(chunks)


def _page(url: str, data: bytes, headers, warnings: list[Diagnostic]) -> Source:
    """The fetched bytes as a source: the declared charset, then the usual decoding."""
    charset = headers.get_content_charset()
    if charset:
        try:
            data = data.decode(charset).encode("utf-8")
        except (LookupError, UnicodeDecodeError):
            pass
    shown = redacted(url)
    text = decode(data, shown, warnings)
    content_type = headers.get_content_type()
    kind = "markdown" if content_type == "text/markdown" else "text" if content_type == "text/plain" else "html"
    return Source(url, text, kind, shown)


class _Late(TimeoutError):
    """The URL's deadline has passed."""


class _Deadline:
    """A point in time (monotonic clock) by which the whole fetch must be done."""

    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        """Seconds left, or _Late if none are."""
        remaining = self.end - time.monotonic()
        if remaining <= 0:
            raise _Late()
        return remaining


class _PinnedHTTP(http.client.HTTPConnection):
    """HTTP to addresses checked beforehand (never a second look-up); every read and write within the deadline."""

    def __init__(self, host: str, port: int, found: list[tuple], deadline: _Deadline):
        super().__init__(host, port, timeout=deadline.left())
        self.found, self.deadline = found, deadline

    def connect(self) -> None:
        error: OSError | None = None
        for family, sockaddr in self.found:
            raw = socket.socket(family, socket.SOCK_STREAM)
            try:
                raw.settimeout(self.deadline.left())
                raw.connect(sockaddr)
                self.sock = _TimedSocket(self.secure(raw), self.deadline)
                return
            except socket.timeout as late:
                raw.close()
                raise _Late() from late
            except OSError as failed:
                raw.close()
                error = failed
        raise error or OSError("no address to connect to")

    def secure(self, raw: socket.socket) -> socket.socket:
        return raw


class _PinnedHTTPS(_PinnedHTTP):
    """HTTPS the same way; the certificate is checked against the host name (sent as SNI), not the address."""

    default_port = 443

    def secure(self, raw: socket.socket) -> socket.socket:
        raw.settimeout(self.deadline.left())  # the whole handshake within what is left
        return ssl.create_default_context().wrap_socket(raw, server_hostname=self.host)


class _TimedSocket:
    """A connected socket whose every read and write must finish before the deadline.

    Like a socket's own makefile(), a reader keeps it open: http.client closes the connection before it
    reads a body that ends when the connection does.
    """

    def __init__(self, sock: socket.socket, deadline: _Deadline):
        self.sock, self.deadline = sock, deadline
        self.readers, self.closing = 0, False

    def sendall(self, data: bytes) -> None:
        self.sock.settimeout(self.deadline.left())
        try:
            self.sock.sendall(data)
        except socket.timeout as late:
            raise _Late() from late

    def makefile(self, mode: str = "rb") -> io.BufferedReader:
        self.readers += 1
        return io.BufferedReader(_TimedReader(self))

    def close(self) -> None:
        self.closing = True
        if not self.readers:
            self.sock.close()

    def reader_closed(self) -> None:
        self.readers -= 1
        if self.closing and not self.readers:
            self.sock.close()


class _TimedReader(io.RawIOBase):
    """Reads from a _TimedSocket; each read waits at most until the deadline, so a drip cannot outlast it."""

    def __init__(self, timed: _TimedSocket):
        super().__init__()
        self.timed = timed

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        self.timed.sock.settimeout(self.timed.deadline.left())
        try:
            return self.timed.sock.recv_into(buffer)
        except socket.timeout as late:
            raise _Late() from late

    def close(self) -> None:
        if not self.closed:
            self.timed.reader_closed()
        super().close()
