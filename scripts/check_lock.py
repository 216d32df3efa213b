#!/usr/bin/env python3
"""Check that the lock files still satisfy pyproject.toml.

    python scripts/check_lock.py [PROJECT_DIR]

Every requirement of pyproject.toml ([project] dependencies, the `test` extra, and
[build-system] requires) must be met by an exact `name==version` pin in the lock that
installs it: requirements.lock (runtime and build) and requirements-test.lock (all of
them); every pin must carry at least one --hash; the two locks must pin the same
version of every package they share. Prints one line per problem and exits 1 if there
is any. The lock's own closure (a locked package's dependencies) is checked by pip
itself when it installs a lock with --require-hashes.

Runs on any Python 3.11 with pip: it uses `packaging` when installed, otherwise pip's
vendored copy, so `make setup` can run it before anything is installed.
"""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

try:
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name
except ImportError:  # a bare venv: pip brings its own copy
    from pip._vendor.packaging.requirements import InvalidRequirement, Requirement
    from pip._vendor.packaging.utils import canonicalize_name

RUNTIME_LOCK = "requirements.lock"
TEST_LOCK = "requirements-test.lock"
TEST_EXTRA = "test"
# What the locks are made for (scripts/lock.sh): markers are evaluated for this target.
TARGET = {
    "python_version": "3.11",
    "python_full_version": "3.11.7",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
    "os_name": "posix",
}
HASH = re.compile(r"--hash[= ](?P<algo>[a-z0-9]+):(?P<digest>[0-9a-fA-F]+)")


@dataclass
class Pin:
    name: str
    version: str
    line: int
    hashes: list[str] = field(default_factory=list)


@dataclass
class Lock:
    path: Path
    pins: dict[str, Pin] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def logical_lines(text: str):
    """(first line number, text) of each logical line: continuations joined, comments dropped."""
    start, parts = None, []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if start is None:
            start = number
        if line.endswith("\\"):
            parts.append(line[:-1].strip())
            continue
        parts.append(line)
        joined = " ".join(p for p in parts if p)
        if joined:
            yield start, joined
        start, parts = None, []
    if parts and any(parts):
        yield start, " ".join(p for p in parts if p)


def read_lock(path: Path) -> Lock:
    lock = Lock(path)
    if not path.is_file():
        lock.problems.append(f"{path.name}: missing: run `make lock`")
        return lock
    for number, line in logical_lines(path.read_text(encoding="utf-8")):
        where = f"{path.name}:{number}"
        hashes = [f"{m['algo']}:{m['digest']}" for m in HASH.finditer(line)]
        spec = HASH.sub("", line).strip()
        if spec.startswith("-"):
            lock.problems.append(f"{where}: option {spec.split()[0]!r}: a lock holds only pinned packages")
            continue
        try:
            requirement = Requirement(spec)
        except InvalidRequirement as error:
            lock.problems.append(f"{where}: not a requirement: {spec!r} ({error})")
            continue
        specifiers = list(requirement.specifier)
        if requirement.url or len(specifiers) != 1 or specifiers[0].operator not in ("==", "==="):
            lock.problems.append(f"{where}: {spec!r} is not an exact pin (name==version)")
            continue
        if requirement.marker is not None and not requirement.marker.evaluate(dict(TARGET, extra="")):
            continue  # for another platform: not ours to install
        name = canonicalize_name(requirement.name)
        if not hashes:
            lock.problems.append(f"{where}: {name}=={specifiers[0].version} has no --hash")
        if name in lock.pins:
            lock.problems.append(f"{where}: {name} pinned twice (also line {lock.pins[name].line})")
            continue
        lock.pins[name] = Pin(name, specifiers[0].version, number, hashes)
    if not lock.pins and not lock.problems:
        lock.problems.append(f"{path.name}: no pinned packages")
    return lock


def requirements(pyproject: dict) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(source, requirement) pairs: what runtime installs need, and what the test extra adds."""
    project = pyproject.get("project", {})
    runtime = [("[project] dependencies", r) for r in project.get("dependencies", [])]
    runtime += [("[build-system] requires", r) for r in pyproject.get("build-system", {}).get("requires", [])]
    extras = project.get("optional-dependencies", {})
    test = [(f"[project.optional-dependencies] {TEST_EXTRA}", r) for r in extras.get(TEST_EXTRA, [])]
    return runtime, test


def unmet(wanted: list[tuple[str, str]], lock: Lock, extra: str = "") -> list[str]:
    problems = []
    for source, text in wanted:
        try:
            requirement = Requirement(text)
        except InvalidRequirement as error:
            problems.append(f"pyproject.toml: {source}: not a requirement: {text!r} ({error})")
            continue
        if requirement.marker is not None and not requirement.marker.evaluate(dict(TARGET, extra=extra)):
            continue
        name = canonicalize_name(requirement.name)
        pin = lock.pins.get(name)
        if pin is None:
            problems.append(f"{lock.path.name}: {text!r} ({source} in pyproject.toml) is not in the lock: run `make lock`")
        elif not requirement.specifier.contains(pin.version, prereleases=True):
            problems.append(f"{lock.path.name}:{pin.line}: {name}=={pin.version} does not satisfy {text!r} "
                            f"({source} in pyproject.toml): run `make lock`")
    return problems


def check(root: Path) -> list[str]:
    """Every problem found, one line each; an empty list when the locks satisfy pyproject.toml."""
    pyproject_path = root / "pyproject.toml"
    try:
        pyproject = tomllib.loads(pyproject_path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        return [f"pyproject.toml: cannot read: {error}"]
    runtime, test = requirements(pyproject)
    runtime_lock, test_lock = read_lock(root / RUNTIME_LOCK), read_lock(root / TEST_LOCK)
    problems = runtime_lock.problems + test_lock.problems
    problems += unmet(runtime, runtime_lock)
    problems += unmet(runtime, test_lock) + unmet(test, test_lock, extra=TEST_EXTRA)
    for name, pin in runtime_lock.pins.items():
        other = test_lock.pins.get(name)
        if other is None:
            problems.append(f"{RUNTIME_LOCK}:{pin.line}: {name} is not in {TEST_LOCK}: run `make lock`")
        elif other.version != pin.version:
            problems.append(f"{RUNTIME_LOCK}:{pin.line}: {name}=={pin.version}, but {TEST_LOCK}:{other.line} "
                            f"pins {other.version}: run `make lock`")
    return problems


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent
    problems = check(root)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s): the locks do not match pyproject.toml "
              "(see the Makefile's `lock` target)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
