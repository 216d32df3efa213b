"""Raw sources as text: files (UTF-8, or cp1252 with a warning) and URLs (timeout, size limit)."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

from book.errors import Diagnostic, IngestError
from book.ingest.records import Source

MAX_BYTES = 5_000_000
TIMEOUT = 15.0
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


def fetch(url: str, warnings: list[Diagnostic], timeout: float | None = None, limit: int | None = None) -> Source:
    """A web page as text: http(s) only, within `timeout` seconds and `limit` bytes."""
    timeout, limit = timeout or TIMEOUT, limit or MAX_BYTES
    request = urllib.request.Request(url, headers={"User-Agent": "briefing-book (book add)"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked by is_url
            if not is_url(response.geturl()):
                raise IngestError(f"{url}: redirected to {response.geturl()}, which is not http(s); nothing added")
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise IngestError(f"{url}: the page is {declared} bytes, more than the {limit} allowed; nothing added")
            data = response.read(limit + 1)
            charset = response.headers.get_content_charset()
            content_type = response.headers.get_content_type()
    except IngestError:
        raise
    except urllib.error.HTTPError as error:
        raise IngestError(f"{url}: the server answered {error.code} {error.reason}; nothing added") from error
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise IngestError(f"{url}: cannot fetch the page ({reason}); nothing added") from error
    if len(data) > limit:
        raise IngestError(f"{url}: the page is more than {limit} bytes; nothing added")
    if charset:
        try:
            data = data.decode(charset).encode("utf-8")
        except (LookupError, UnicodeDecodeError):
            pass
    text = decode(data, url, warnings)
    kind = "markdown" if content_type == "text/markdown" else "text" if content_type == "text/plain" else "html"
    return Source(url, text, kind, url)
