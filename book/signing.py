"""Caches a project keeps are signed with a key of this user's, kept outside every project.

A project folder may come from anyone, `dist/` included, so nothing read from it may be
unpickled or unmarshalled unless this user's own build wrote it. Each cached blob carries
an HMAC-SHA256 under a random key stored in the user's cache folder
(`$XDG_CACHE_HOME/briefing-book/cache.key`, else `~/.cache/…`), made on first use with
mode 0600. A blob whose tag does not verify is a cache miss, never read. Without a usable
key (no home, a key others can write, a key inside the project being built) nothing is
cached: the build is as correct, only slower.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import os
import secrets
import stat
from pathlib import Path

LOGGER = logging.getLogger("book.cache")
KEY_BYTES = 32
TAG_BYTES = hashlib.sha256().digest_size


def key_path() -> Path:
    """Where this user's cache key lives."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "briefing-book" / "cache.key"


@functools.lru_cache(maxsize=None)
def _user_key(path: Path) -> bytes | None:
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    except OSError as error:
        LOGGER.debug("%s: not usable (%s): nothing is cached", path, error)
        return None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(handle, "wb") as stream:
            stream.write(secrets.token_bytes(KEY_BYTES))
        return _read_key(path)  # another build may have made it first: whichever was written wins
    except FileExistsError:
        return _safe_read(path)
    except OSError as error:
        LOGGER.debug("%s: cannot be made (%s): nothing is cached", path, error)
        return None


def _safe_read(path: Path) -> bytes | None:
    try:
        return _read_key(path)
    except OSError as error:
        LOGGER.debug("%s: not usable (%s): nothing is cached", path, error)
        return None


def _read_key(path: Path) -> bytes:
    """The key, if it is a regular file of this user's that no one else can read or write."""
    handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(handle, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
            raise PermissionError(0, "not a private regular file of this user's", str(path))
        data = stream.read(KEY_BYTES + 1)
    if len(data) != KEY_BYTES:
        raise PermissionError(0, f"not a {KEY_BYTES}-byte key", str(path))
    return data


def user_key(project_root: Path) -> bytes | None:
    """This user's key, or None if there is none or it lies inside `project_root` (which anyone may have sent)."""
    path = key_path()
    try:
        if path.resolve().is_relative_to(Path(project_root).resolve()):
            LOGGER.debug("%s: inside the project %s: nothing is cached", path, project_root)
            return None
    except OSError:
        return None
    return _user_key(path)


class Signer:
    """Tags and checks blobs of one kind of cache (the kind is signed too, so blobs cannot swap kinds)."""

    def __init__(self, key: bytes, kind: str):
        self._key = key
        self._kind = kind.encode("utf-8")

    def mac(self):
        """A fresh HMAC over this kind, to be fed a blob."""
        mac = hmac.new(self._key, digestmod=hashlib.sha256)
        mac.update(len(self._kind).to_bytes(8, "big") + self._kind)
        return mac

    def tag(self, blob: bytes) -> bytes:
        mac = self.mac()
        mac.update(blob)
        return mac.digest()

    def verify(self, tag: bytes, blob: bytes) -> bool:
        return hmac.compare_digest(tag, self.tag(blob))
