"""One caching layer: stage results kept in `<project>/dist/.cache/`, keyed by what they depend on.

A stage declares what its result depends on: a key over its inputs' fingerprints (`key`:
a file's path and bytes, a passage's text and the chapters' rules …) and its own code
version (`code_version`: the tool's version and the source of the modules that make the
result). This module memoises results by that key and knows nothing of how a stage works
inside. A missing, unreadable, damaged or foreign entry is a miss: the stage works it out
again and the build never fails because of the cache.

A cache is one file per kind (`Cache(root, name, version)`): a header (`{"version",
"entries"}`) followed by one frame per later build that found something new, holding only
its new entries, so a build that adds one source appends a few entries instead of
rewriting the whole cache. When the file holds too many entries the last build did not use
(or too many appended frames), it is rewritten with only the used ones. Every frame is
signed with this user's own key (book.signing) and is decoded only once its tag verifies.

Jinja's compiled templates are kept by the same rules (`bytecode_cache`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import logging
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterable

import jinja2
import pydantic

import book
from book import files, lock, signing
from book.errors import ProjectError

LOGGER = logging.getLogger("book.cache")
FOLDER = Path("dist") / ".cache"
_PACKAGE = Path(__file__).parent


def key(*parts: str | bytes) -> str:
    """A SHA-256 over `parts`, each length-prefixed so that no two tuples collide."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


class Deferred:
    """A value kept encoded inside a cached entry and decoded only when asked for (e.g. YAML needed only for a message's line)."""

    def __init__(self, value: Any):
        self.encoded = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)

    def value(self) -> Any:
        return data_loads(self.encoded)


def code_version(modules: Iterable[str]) -> str:
    """The tool's version and a digest of the modules whose output is cached."""
    return key(book.__version__, *(( _PACKAGE / module).read_bytes() for module in sorted(modules)))


class Cache:
    """One kind of cached value for one project: `get` and `put` by key, `save` at the end."""

    STALE = 0.5  # rewrite when the file would hold this share of entries more than the last build used
    APPENDS = 30  # … or more appended pickles than this

    def __init__(self, root: Path, name: str, version: str):
        self.root = Path(root)
        self.path = self.root / FOLDER / f"{name}.pickle"
        self.version = version
        key = signing.user_key(root)
        self._signer = signing.Signer(key, name) if key is not None else None
        self._stored = 0  # entries in the file, counting each appended one (some may be stale)
        self._appends = 0
        self._intact = False  # the file was read to its end without a fault: it can be appended to
        self._old: dict[str, Any] = self._read()
        self._used: dict[str, Any] = {}
        self._new: dict[str, Any] = {}
        self.hits = 0
        self.misses = 0

    def _read(self) -> dict[str, Any]:
        entries: dict[str, Any] = {}
        if self._signer is None:
            return {}
        try:
            with files.open_regular(self.path, self.root) as stream:
                header = read_frame(stream, self._signer)
                if not (isinstance(header, dict) and header.get("version") == self.version
                        and isinstance(header.get("entries"), dict)):
                    return {}
                entries = header["entries"]
                self._stored = len(entries)
                while stream.peek(1):
                    appended = read_frame(stream, self._signer)
                    if not isinstance(appended, dict):
                        raise ValueError("an appended part is not a mapping")
                    entries.update(appended)
                    self._stored += len(appended)
                    self._appends += 1
        except FileNotFoundError:
            return {}
        except Exception as error:  # a corrupt, foreign or forged file (or a part cut short): rebuild it, never fail the build
            LOGGER.debug("%s: read up to a fault (%s), rewritten after the build", self.path, error)
            return entries
        self._intact = True
        return entries

    def get(self, entry_key: str, make: Callable[[], Any]) -> Any:
        """The value stored under `entry_key`, else `make()` (stored for next time)."""
        if entry_key in self._used:
            return self._used[entry_key]
        if entry_key in self._old:
            self.hits += 1
            value = self._old[entry_key]
        else:
            self.misses += 1
            value = self._new[entry_key] = make()
        self._used[entry_key] = value
        return value

    def replace(self, entry_key: str, value: Any) -> Any:
        """Store `value` under `entry_key` instead of what was read (which was not usable); returns it."""
        self.misses += 1
        self._used[entry_key] = self._new[entry_key] = value
        return value

    def save(self) -> None:
        """Append this build's new entries, or rewrite the file with the used ones; a cache that cannot be written is skipped."""
        if self._signer is None or (not self._used and not self.path.exists()):
            return
        stored = self._stored + len(self._new)
        rewrite = (not self._intact or self._appends >= self.APPENDS
                   or stored > (1 + self.STALE) * len(self._used))
        try:
            lock.dist_folder(self.root, FOLDER.name)  # never a dist/.cache that leads out of the project
            if rewrite:
                _write_atomic(self.path, {"version": self.version, "entries": self._used}, self._signer)
            elif self._new:
                with open(self.path, "r+b") as stream:  # not "ab": the frame's length is written back at its start
                    stream.seek(0, os.SEEK_END)
                    write_frame(stream, self._new, self._signer)
        except (OSError, pickle.PicklingError, ProjectError) as error:
            LOGGER.debug("%s: not written (%s)", self.path, error)


# Pickle, restricted to data: a frame may build only plain values (str, numbers, tuples, lists,
# dicts, sets) and the data classes stages keep (book's dataclasses and Pydantic models, dates,
# paths, ruamel's YAML nodes with their line marks). Any other global (a function such as
# os.system, any other class, a module not listed, whose import would run code) is refused before
# it is imported, so even a frame signed with a stolen key cannot run code; it is a miss. As fast
# as plain pickle (the check runs once per class per frame), where a text format would have to
# validate every model again on the way back in.
_DATA_MODULES = ("ruamel.yaml.comments", "ruamel.yaml.scalarstring", "ruamel.yaml.tokens", "ruamel.yaml.error",
                 "ruamel.yaml.tag", "datetime", "pathlib")


class _DataUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if "." not in name and (module in _DATA_MODULES or module.startswith("book.")):
            found = super().find_class(module, name)
            if isinstance(found, type) and found.__module__ == module and _is_data_class(found):
                return found
        raise pickle.UnpicklingError(f"{module}.{name}: not a data class of the cache")


def _is_data_class(found: type) -> bool:
    if not found.__module__.startswith("book."):
        return True  # a class of the listed modules: YAML nodes, dates, paths
    return found is Deferred or dataclasses.is_dataclass(found) or issubclass(found, pydantic.BaseModel)


def data_loads(blob: bytes) -> Any:
    """A pickled value, built only from data (pickle.UnpicklingError otherwise, a miss for the cache)."""
    return _DataUnpickler(io.BytesIO(blob)).load()


# A cache file is a sequence of frames, each [8-byte length][pickle][HMAC-SHA256 tag], the tag
# under this user's key (book.signing): a frame is unpickled only once its tag verifies.


class _Signing:
    """A binary stream that passes writes on and feeds them to the frame's MAC."""

    def __init__(self, stream, mac):
        self.stream, self.mac, self.length = stream, mac, 0

    def write(self, data) -> int:
        self.mac.update(data)
        self.length += len(data)
        return self.stream.write(data)


def write_frame(stream, value: Any, signer: signing.Signer) -> None:
    """`value` pickled straight into `stream` (no second copy of a big cache in memory), then its length and tag."""
    start = stream.tell()
    stream.write(bytes(8))
    writer = _Signing(stream, signer.mac())
    pickle.dump(value, writer, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(writer.mac.digest())
    end = stream.tell()
    stream.seek(start)
    stream.write(writer.length.to_bytes(8, "big"))
    stream.seek(end)


def read_frame(stream, signer: signing.Signer) -> Any:
    """The next frame's value; ValueError if it is cut short or its tag does not verify (nothing unpickled)."""
    length = int.from_bytes(_read_exactly(stream, 8), "big")
    if length > _MAX_FRAME:
        raise ValueError(f"a frame of {length} bytes")
    blob = _read_exactly(stream, length)
    if not signer.verify(_read_exactly(stream, signing.TAG_BYTES), blob):
        raise ValueError("a frame not signed with this user's key")
    return data_loads(blob)  # signed by this user's own build, and data only even if it were not


def _read_exactly(stream, size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise ValueError("cut short")
    return data


_MAX_FRAME = 1 << 34  # 16 GiB: a length beyond it is damage, not a cache


def _write_atomic(path: Path, stored: dict, signer: signing.Signer) -> None:
    """Framed into a temporary file renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            write_frame(stream, stored, signer)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


class SignedBytecodeCache(jinja2.BytecodeCache):
    """Jinja's compiled templates in `folder`, each file signed like the caches (never unmarshalled unless this user wrote it).

    A file cut short, forged or from another version of Jinja is a miss: the template is compiled again.
    """

    def __init__(self, root: Path, signer: signing.Signer):
        self.root, self.signer = Path(root), signer
        self.folder = self.root / FOLDER / "templates"

    def _path(self, bucket) -> Path:
        return self.folder / f"{bucket.key}.bytecode"

    def load_bytecode(self, bucket) -> None:
        try:
            with files.open_regular(self._path(bucket), self.root) as stream:
                data = stream.read(_MAX_TEMPLATE + 1)
            if len(data) <= signing.TAG_BYTES or len(data) > _MAX_TEMPLATE:
                return
            tag, blob = data[: signing.TAG_BYTES], data[signing.TAG_BYTES :]
            if self.signer.verify(tag, blob):
                bucket.bytecode_from_string(blob)
        except Exception as error:  # unreadable or damaged: compile again
            LOGGER.debug("%s: not used (%s)", self._path(bucket), error)
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        blob = bucket.bytecode_to_string()
        try:
            lock.dist_folder(self.root, FOLDER.name, self.folder.name)  # never one that leads out of the project
            files.write_atomic(self._path(bucket), self.signer.tag(blob) + blob)
        except (OSError, ProjectError) as error:
            LOGGER.debug("%s: not written (%s)", self._path(bucket), error)


_MAX_TEMPLATE = 1 << 24


def bytecode_cache(root: Path) -> SignedBytecodeCache | None:
    """Jinja's bytecode cache for templates compiled in `root`'s dist/.cache/templates, or None without a key."""
    key = signing.user_key(root)
    if key is None:
        return None
    return SignedBytecodeCache(root, signing.Signer(key, "templates"))


