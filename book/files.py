"""Reading project files: UTF-8 text, YAML with line numbers, front matter, model validation."""

from __future__ import annotations

import os
import re
import stat
from collections import abc
from dataclasses import dataclass, field
import tempfile
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from book.errors import Diagnostic

Model = TypeVar("Model", bound=BaseModel)
FENCE = re.compile(r"^---[ \t]*$")
EXPECTED = {"model_type": "a mapping of keys to values", "dict_type": "a mapping of keys to values",
            "list_type": "a list", "string_type": "text"}


class _Constructor(RoundTripConstructor):
    """Keeps timestamps as text so that Pydantic judges them and the error keeps its line."""

    def construct_yaml_timestamp(self, node, values=None):  # noqa: D102
        return self.construct_scalar(node)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    return yaml


@dataclass(eq=False)  # a dataclass, so the build cache may keep it; compared by identity, as before
class Located:
    """Problems found while reading one file, each with the file's project-relative path.

    With `root` (the project folder), the file is read only if it lies inside it.
    """

    rel: str
    root: Path | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def error(self, line: int, message: str) -> None:
        self.diagnostics.append(Diagnostic(self.rel, line, message, "error"))

    def warning(self, line: int, message: str) -> None:
        self.diagnostics.append(Diagnostic(self.rel, line, message, "warning"))


MAX_FILE_BYTES = 16 * 1024 * 1024  # a project file larger than this is not a book's text


class Unreadable(OSError):
    """A project file that is not read: not a regular file, too large, or outside the project."""


def open_regular(path: Path, root: Path | None = None):
    """`path` opened for reading in binary, if it is a regular file (inside `root`, if given); Unreadable or OSError otherwise.

    Opened without blocking, so a FIFO in the project cannot hang the command.
    """
    if root is not None:
        real, inside = Path(path).resolve(), Path(root).resolve()
        if not real.is_relative_to(inside):
            raise Unreadable(0, f"links to {real}, outside the project")
    stream = os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC), "rb")
    info = os.fstat(stream.fileno())
    if not stat.S_ISREG(info.st_mode):
        stream.close()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(21, "is a directory")
        raise Unreadable(0, "not a regular file")
    return stream


def read_bytes(path: Path, root: Path | None = None, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file (inside `root`, if given) of at most `limit` bytes; Unreadable or OSError otherwise.

    Read no further than the limit, so a link to /dev/zero cannot fill the memory.
    """
    with open_regular(path, root) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise Unreadable(0, f"more than {limit // (1024 * 1024)} MB: too large for a project file")
    return data


def read_text(path: Path, where: Located) -> str | None:
    """The file as UTF-8 text, or None with an error (the line of the first bad byte, or line 1)."""
    try:
        data = read_bytes(path, where.root)
    except OSError as exc:  # a folder named like a file, no permission, a dangling link, a FIFO …
        where.error(1, f"cannot read: {_reason(exc)}")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        where.error(line, f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8")
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _reason(exc: OSError) -> str:
    """An OS error in words ('is a directory'), without Python's exception name or the path."""
    if isinstance(exc, Unreadable):
        return exc.strerror
    return (exc.strerror or exc.__class__.__name__).lower()


def load_yaml(text: str, where: Located, first_line: int = 1) -> Any:
    """Parsed YAML whose maps and lists remember their lines, or None with an error.

    Only plain maps, lists, text, numbers, true/false and nothing are accepted: a tag that
    makes another kind of value (`!!omap`, `!!set`, `!!python/…`) is an error at its line.
    """
    try:
        data = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        problem = exc.problem or exc.context or "invalid YAML"
        where.error(line, f"invalid YAML: {problem}")
        return None
    except YAMLError as exc:
        where.error(first_line, f"invalid YAML: {exc}")
        return None
    except RecursionError:
        where.error(first_line, "invalid YAML: nested too deeply")
        return None
    unusual = _unusual_value(data)
    if unusual is not None:
        line, found = unusual
        where.error(first_line + line, f"invalid YAML: {found} is not used in a book's files "
                                       "(only maps, lists, text, numbers, true/false and nothing)")
        return None
    return data


_SCALARS = (str, int, float, bool, type(None))


def _unusual_value(data: Any) -> tuple[int, str] | None:
    """(0-based line, what) of the first value in the tree that is not a plain map, list or scalar, else None."""
    stack = [(data, 0)]
    while stack:
        node, line = stack.pop()
        plain = type(node) in (CommentedMap, CommentedSeq)
        if plain and getattr(node.tag, "value", None) not in _PLAIN_TAGS:
            return _line_of(node, line), _unusual_kind(node)
        if type(node) is CommentedMap:
            for key, value in node.items():
                key_line = _item_line(node, key, line)
                if not isinstance(key, _SCALARS):
                    return key_line, "a key that is not text or a number"
                stack.append((value, key_line))
        elif type(node) is CommentedSeq:
            stack.extend((item, _item_line(node, index, line)) for index, item in enumerate(node))
        elif not isinstance(node, _SCALARS):
            return _line_of(node, line), _unusual_kind(node)
    return None


_PLAIN_TAGS = (None, "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def _line_of(node: Any, default: int) -> int:
    found = getattr(getattr(node, "lc", None), "line", None)
    return found if isinstance(found, int) else default


def _item_line(node: CommentedMap | CommentedSeq, item: Any, default: int) -> int:
    """The line of a key or an index inside `node`, or `default` when ruamel did not record it."""
    try:
        found = node.lc.key(item) if isinstance(node, CommentedMap) else node.lc.item(item)
        return found[0] if found and isinstance(found[0], int) else default
    except (TypeError, KeyError, IndexError):
        return default


def _unusual_kind(value: Any) -> str:
    """A value plain YAML does not give, in words: 'a set (!!set)', 'a value tagged !!python/name:os.system'."""
    tag = getattr(getattr(value, "tag", None), "value", None)
    if tag:
        return f"a value tagged {tag.replace('tag:yaml.org,2002:', '!!')}"
    for kind, words in ((abc.Mapping, "an ordered map (!!omap)"), (abc.Set, "a set (!!set)"), (bytes, "binary data (!!binary)"),
                        (tuple, "a list"), (list, "a list of pairs (!!pairs)")):
        if isinstance(value, kind):
            return words
    return f"a value of the kind {type(value).__name__}"


def split_front_matter(text: str, where: Located) -> tuple[str, str, int] | None:
    """(front matter YAML, body, line where the body starts), or None with an error."""
    lines = text.split("\n")
    if not lines or not FENCE.match(lines[0]):
        where.error(1, "missing front matter: the file must start with a '---' line, then YAML, then '---'")
        return None
    for index in range(1, len(lines)):
        if FENCE.match(lines[index]):
            body = "\n".join(lines[index + 1 :])
            return "\n".join(lines[1:index]), body, index + 2
    where.error(1, "front matter is not closed: add a '---' line after the YAML")
    return None


def line_of(data: Any, loc: tuple, first_line: int = 1) -> int:
    """The line of the value at `loc` inside parsed YAML (the nearest known line).

    `first_line` is the file line where the YAML text starts (2 for front matter).
    """
    line = data.lc.line if isinstance(data, (CommentedMap, CommentedSeq)) else 0
    node = data
    for key in loc:
        if isinstance(node, CommentedMap) and key in node:
            line = node.lc.key(key)[0]
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
            line = node.lc.item(key)[0]
            node = node[key]
        else:
            break
    return first_line + line


def describe(error: dict) -> str:
    """A Pydantic error in the words of a file's author."""
    loc = [str(part) for part in error["loc"]]
    key = loc[-1] if loc else ""
    if error["type"] == "extra_forbidden":
        return f"unknown key '{key}'"
    if error["type"] == "missing":
        return f"missing required key '{key}'"
    if error["type"] == "string_too_short" and error.get("ctx", {}).get("min_length") == 1:
        if len(error["loc"]) > 1 and isinstance(error["loc"][-1], int):  # an entry of a list, counted from 1
            return f"{'.'.join(loc[:-1])}: entry {error['loc'][-1] + 1} is empty"
        return f"{'.'.join(loc)}: must not be empty"
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] in EXPECTED:  # Pydantic would name a Python type or a model class
        message = f"expected {EXPECTED[error['type']]}, found {kind_of(error.get('input'))}"
    field = ".".join(loc)
    return f"{field}: {message}" if field else message


def kind_of(value: Any) -> str:
    """What a YAML value is, in the words of a file's author: 'a list', 'text', 'a number', 'nothing'."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "a value YAML cannot give here"


def validate(model: type[Model], data: Any, where: Located, first_line: int = 1, loc_prefix: tuple = ()) -> Model | None:
    """`data` as `model`, or None with one located error per problem."""
    if not isinstance(data, dict):
        where.error(first_line, f"expected a mapping of keys to values, found {kind_of(data)}")
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            line = line_of(data, tuple(error["loc"]), first_line)
            where.error(line, describe({**error, "loc": loc_prefix + tuple(error["loc"])}))
        return None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes | str, overwrite: bool = True) -> None:
    """Write through a temporary file renamed into place: readers never see half a file."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are for readers too
        if overwrite:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)  # fails if the path exists: never overwrites an editor's file
            os.unlink(temporary)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
