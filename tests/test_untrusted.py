"""A project folder from anyone is safe to build: nothing in it runs, no write leaves it, every fault is a message.

Each test builds a real project (a copy of tests/projects/minimal) through the real command,
after planting what a hostile sender could put in the folder.
"""

from __future__ import annotations

import marshal
import os
import pickle
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))

from book.cli import main

REPO = Path(__file__).resolve().parents[1]


def run(*args: str):
    """`book ARGS` through click, as a user would type it."""
    return CliRunner().invoke(main, list(args))


def files(root: Path) -> dict[str, bytes | None]:
    """Every path under `root` with its bytes (None for a folder)."""
    return {path.relative_to(root).as_posix(): None if path.is_dir() else path.read_bytes()
            for path in sorted(root.rglob("*"))}


class _WritesMarker:
    """Unpickled, it creates the marker file: proof that the pickle was loaded."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _hostile_pickle(marker: Path) -> bytes:
    return pickle.dumps({"version": "anything", "entries": {"x": _WritesMarker(marker)}})


def _hostile_bytecode(marker: Path, source: str) -> bytes:
    """What Jinja's FileSystemBytecodeCache would unmarshal and run as the module code of the template `source`."""
    import jinja2.bccache

    checksum = jinja2.bccache.BytecodeCache().get_source_checksum(source)
    code = compile(f"import os\nos.system('touch {marker}')\n", "<template>", "exec")
    return jinja2.bccache.bc_magic + pickle.dumps(checksum, 2) + marshal.dumps(code)


def _plant_caches(root: Path, marker: Path) -> None:
    """Crafted caches where a build looks for its own: each would create `marker` if loaded."""
    cache = root / "dist" / ".cache"
    (cache / "templates").mkdir(parents=True, exist_ok=True)
    for name in ("sources", "scores", "links", "groups"):
        (cache / f"{name}.pickle").write_bytes(_hostile_pickle(marker))
        # the signed format's frame layout with a forged tag: still never unpickled
        blob = _hostile_pickle(marker)
        (cache / f"{name}-framed.pickle").write_bytes(len(blob).to_bytes(8, "big") + blob + bytes(32))
    import jinja2

    from book.render import html

    environment = html.environment()
    for template in environment.list_templates():
        source, filename, _ = environment.loader.get_source(environment, template)
        bytecode = _hostile_bytecode(marker, source)
        name = jinja2.FileSystemBytecodeCache().get_cache_key(template, filename)
        (cache / "templates" / f"__jinja2_{name}.cache").write_bytes(bytecode)  # Jinja's own file cache
        (cache / "templates" / f"{name}.bytecode").write_bytes(bytes(32) + bytecode)  # ours, with a forged tag


def test_crafted_caches_in_dist_are_never_loaded(project_copy, tmp_path):
    root = project_copy()
    marker = tmp_path / "marker"
    _plant_caches(root, marker)
    result = run("build", "--project", str(root))
    assert result.exit_code == 0, result.output
    assert not marker.exists()
    assert {"pdf", "epub", "html"} <= {path.suffix[1:] for path in (root / "dist").iterdir()}
    # the build's own caches replaced the planted ones and are used by the next build
    result = run("build", "--html", "--project", str(root))
    assert result.exit_code == 0 and not marker.exists()


def test_a_forged_cache_is_a_miss_and_a_signed_one_a_hit(project_copy):
    from book import cache as caches
    from book.project import load, source_cache

    root = project_copy()
    first = source_cache(root)
    load(root, cache=first)
    first.save()
    again = source_cache(root)
    load(root, cache=again)
    assert again.hits and not again.misses
    path = root / "dist" / ".cache" / "sources.pickle"
    data = bytearray(path.read_bytes())
    data[-1] ^= 1  # one bit of the tag
    path.write_bytes(bytes(data))
    forged = source_cache(root)
    load(root, cache=forged)
    assert not forged.hits and forged.misses


class _Runs:
    """Pickles as a call of `function(*arguments)`: what a forged cache would hold to run code when read."""

    def __init__(self, function, *arguments):
        self.function, self.arguments = function, arguments

    def __reduce__(self):
        return self.function, self.arguments


@pytest.mark.parametrize("payload", ["system", "import", "class"])
def test_a_cache_signed_with_the_users_own_key_still_never_runs_code(project_copy, payload):
    """Even with the key stolen, a frame may build only data: a function, a module to import or any other class is a miss."""
    from book import cache as caches
    from book import signing
    from book.project import load, source_cache

    root = project_copy()
    marker = root / "ran"
    first = source_cache(root)
    load(root, cache=first)
    first.save()
    value = {"system": _Runs(os.system, f"touch {marker}"),
             "import": _Runs(__import__, "this"),  # importing a module runs its code
             "class": _Runs(subprocess.Popen, ["touch", str(marker)])}[payload]
    signer = signing.Signer(signing.user_key(root), "sources")
    with open(root / "dist" / ".cache" / "sources.pickle", "wb") as stream:
        caches.write_frame(stream, {"version": first.version, "entries": {"any": value}}, signer)
    again = source_cache(root)
    assert again._old == {}  # nothing was read
    assert load(root, cache=again).articles == load(root).articles
    assert not marker.exists()
    with pytest.raises(pickle.UnpicklingError):
        caches.data_loads(pickle.dumps(value))


def _build(root: Path, *args: str, env=None) -> subprocess.CompletedProcess:
    """`book build ARGS` in a process of its own (templates compiled afresh, as a user's build would)."""
    return subprocess.run([sys.executable, "-m", "book", "build", *args, "--project", str(root)],
                          capture_output=True, text=True, env=env, cwd=REPO)


def test_a_truncated_template_cache_is_compiled_again(project_copy):
    root = project_copy()
    assert _build(root, "--html", "--epub").returncode == 0
    compiled = sorted((root / "dist" / ".cache" / "templates").glob("*.bytecode"))
    assert compiled
    whole = {path: path.read_bytes() for path in compiled}
    for path, data in whole.items():
        path.write_bytes(data[: len(data) // 2])
    result = _build(root, "--html", "--epub")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert {path: path.read_bytes() for path in compiled} == whole  # compiled and signed again
    again = _build(root, "--html", "--epub")
    assert again.returncode == 0 and again.stdout == result.stdout


def test_without_a_usable_key_nothing_is_cached_and_the_book_is_the_same(project_copy, tmp_path, monkeypatch):
    from book import signing

    root = project_copy()
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    command = [sys.executable, "-m", "book", "build", "--epub", "--project", str(root)]
    subprocess.run(command, check=True, env=env, capture_output=True)
    signed = (root / "dist").glob("*.epub")
    expected = {path.name: path.read_bytes() for path in signed}
    shared = tmp_path / "shared-cache"
    (shared / "briefing-book").mkdir(parents=True)
    key = shared / "briefing-book" / "cache.key"
    key.write_bytes(os.urandom(signing.KEY_BYTES))
    key.chmod(0o666)  # anyone could have written it: not a key to trust
    import shutil

    shutil.rmtree(root / "dist")
    subprocess.run(command, check=True, env={**env, "XDG_CACHE_HOME": str(shared)}, capture_output=True)
    assert not (root / "dist" / ".cache").exists() or not any((root / "dist" / ".cache").rglob("*.pickle"))
    assert {path.name: path.read_bytes() for path in (root / "dist").glob("*.epub")} == expected
    # and a key inside the project being built is never used either
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / "dist"))
    assert signing.user_key(root) is None


def test_a_lock_file_planted_as_a_link_never_touches_its_target(project_copy, tmp_path):
    root = project_copy()
    target = tmp_path / "precious.txt"
    target.write_text("an editor's work\n")
    (root / "dist").mkdir()
    (root / "dist" / ".lock").symlink_to(target)
    result = run("build", "--html", "--project", str(root))
    assert result.exit_code == 1
    assert "dist/.lock: is a link" in result.output
    assert "Traceback" not in result.output
    assert target.read_text() == "an editor's work\n"


@pytest.mark.parametrize("where", ["dist", "dist/handouts"])
def test_a_dist_folder_that_leads_out_of_the_project_is_refused(project_copy, tmp_path, where):
    root = project_copy()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = root / where
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(elsewhere, target_is_directory=True)
    result = run("build", "--pdf", "--handouts", "--project", str(root))
    assert result.exit_code == 1, result.output
    assert f"{where}: links to {elsewhere}, outside the project" in result.output
    assert "Traceback" not in result.output
    assert list(elsewhere.iterdir()) == []


def test_a_release_whose_pdf_fails_leaves_dist_and_editions_as_they_were(project_copy, monkeypatch):
    import errno

    from book.render import pdf

    root = project_copy()
    letter = root / "corpus" / "undated-letter.md"  # every source attributed, so that release would succeed
    letter.write_text(letter.read_text().replace("outlet: null", "outlet: Harbour Gazette"))
    assert run("build", "--project", str(root)).exit_code == 0  # a draft in dist/ to keep
    before = files(root)

    def disk_full(book, project_root, out, keep_html=None, anchors=None, cache=False):
        raise OSError(errno.ENOSPC, "No space left on device", str(out.parent / f".{out.name}.k3j2.tmp"))

    monkeypatch.setattr(pdf, "build_pdf", disk_full)
    result = run("release", "--note", "First.", "--project", str(root))
    assert result.exit_code == 1
    stem = next(path.stem for path in (root / "dist").glob("*.pdf"))
    assert f"file system: {root.resolve() / 'dist' / stem}.pdf: No space left on device" in result.output
    assert files(root) == before  # no manifest, no new EPUB or web page, no staging folder


def test_a_file_system_error_in_the_epub_worker_is_the_usual_message(project_copy, monkeypatch):
    import errno

    from book.render import epub, worker

    if not worker.can_fork():
        pytest.fail("this machine cannot fork a worker: the test needs two cores")
    root = project_copy()

    def disk_full(book, project, out, fonts_kept=None):
        raise OSError(errno.ENOSPC, "No space left on device", str(out.parent / f".{out.name}.a1b2.tmp"))

    monkeypatch.setattr(epub, "write_epub", disk_full)
    result = run("build", "--pdf", "--epub", "--project", str(root))
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "worker" not in result.output
    assert re.search(r"file system: \S+/dist/\S+\.epub: No space left on device", result.output), result.output
    assert not list((root / "dist").glob("*.pdf"))  # the PDF made beside it is not committed alone


def test_project_files_that_are_links_out_devices_or_fifos_are_located_errors(project_copy, tmp_path):
    root = project_copy()
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: Not part of this project\n---\nPrivate words.\n")
    (root / "corpus" / "outside.md").symlink_to(secret)
    (root / "corpus" / "zero.md").symlink_to("/dev/zero")
    os.mkfifo(root / "corpus" / "pipe.md")
    (root / "corpus" / "inside.md").symlink_to(root / "corpus" / "undated-letter.md")  # a link within the project is fine
    result = subprocess.run([sys.executable, "-m", "book", "check", "--project", str(root)],
                            capture_output=True, text=True, timeout=60, cwd=REPO)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert f"corpus/outside.md:1: error: cannot read: links to {secret}, outside the project" in lines
    assert "corpus/zero.md:1: error: cannot read: links to /dev/zero, outside the project" in lines
    assert "corpus/pipe.md:1: error: cannot read: not a regular file" in lines
    assert not any(line.startswith("corpus/inside.md") and "error" in line for line in lines)
    assert "Private words" not in result.stdout


def test_a_project_file_too_large_is_refused_without_reading_it_all(project_copy):
    root = project_copy()
    with open(root / "corpus" / "huge.md", "wb") as stream:
        stream.truncate(17 * 1024 * 1024)  # sparse: no disk used
    result = run("check", "--project", str(root))
    assert result.exit_code == 1
    assert "corpus/huge.md:1: error: cannot read: more than 16 MB: too large for a project file" in result.output


@pytest.mark.parametrize("yaml, line, message", [
    ("[" * 100_000 + "\n", 1, "invalid YAML: nested too deeply"),
    ("title: T\nx: !!python/object/apply:os.system ['touch marker']\n", 2, "a value tagged !!python/object/apply:os.system"),
    ("!!omap [title: T]\n", 1, "an ordered map (!!omap) is not used"),
    ("title: T\nx: !!set {a, b}\n", 2, "a set (!!set) is not used"),
    ("title: T\n? [a, b]\n: c\n", 2, "a key that is not text or a number"),
])
def test_hostile_yaml_is_a_located_error(project_copy, yaml, line, message):
    root = project_copy()
    (root / "book.yaml").write_text(yaml)
    result = run("check", "--project", str(root))
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert any(text.startswith(f"book.yaml:{line}: error: ") and message in text for text in result.output.splitlines()), result.output
    assert not (root / "marker").exists()


HOSTILE_MARKDOWN = {
    "intro": "A map: ![the river](http://127.0.0.1:9/map.png) and ![](../../../../etc/passwd). "
             "See [the commission](https://example.org/commission), [notes](../../../../etc/passwd) and [here](#nowhere).",
    "question": "Which ![flag](/etc/passwd) does each side fly? Compare [this](../secret.html).",
    "definition": "River ![photo](http://169.254.169.254/latest/meta-data) that rises in Northland.",
}


def test_images_and_links_in_the_editors_markdown_never_reach_an_output(project_copy):
    from epubtools import epubcheck, read_epub

    root = project_copy()
    chapter = root / "chapters" / "01-water-rights.md"
    text = chapter.read_text()
    text = text.replace("  - How do the two outlets describe the filling of the dam?",
                        "  - How do the two outlets describe the filling of the dam?\n  - " + HOSTILE_MARKDOWN["question"])
    chapter.write_text(text + "\n" + HOSTILE_MARKDOWN["intro"] + "\n")
    glossary = root / "glossary.yaml"
    glossary.write_text(glossary.read_text().replace(
        "definition: River that rises in Northland and flows through Southland.",
        f"definition: \"{HOSTILE_MARKDOWN['definition']}\""))
    check = run("check", "--project", str(root))
    assert check.exit_code == 0, check.output
    warnings = [line for line in check.output.splitlines() if "is not shown" in line or "is not kept" in line]
    assert len(warnings) == 7, check.output  # 4 images, 3 links that do not lead to the web
    assert any(line.startswith("chapters/01-water-rights.md:") and "'http://127.0.0.1:9/map.png'" in line for line in warnings)
    assert any(line.startswith("glossary.yaml:1: ") and "169.254.169.254" in line for line in warnings)
    result = run("build", "--keep-html", "--project", str(root))
    assert result.exit_code == 0, result.output
    dist = root / "dist"
    outputs = {path.name: path.read_bytes() for path in dist.glob("*.*") if path.suffix in (".html",)}
    epub = next(dist.glob("*.epub"))
    outputs.update(read_epub(epub))
    for name, data in outputs.items():
        for address in ("127.0.0.1", "etc/passwd", "169.254.169.254", "secret.html", "#nowhere"):
            assert address.encode() not in data, (name, address)
        sources = set(re.findall(rb'<img(?![^>]*class="balance-chart")[^>]*src="([^"]*)"', data))
        assert sources <= {b"cover.png", b"images/cover.png"}, (name, sources)  # only the EPUB's own cover
        charts = set(re.findall(rb'<img class="balance-chart" src="([^"]*)"', data))  # and the book's own charts
        assert all(re.fullmatch(rb"images/balance-[a-z0-9-]+\.svg|data:image/svg\+xml;base64,[A-Za-z0-9+/=]+", src)
                   for src in charts), (name, charts)
    assert b"https://example.org/commission" in outputs[next(n for n in outputs if n.endswith(".print.html"))]
    for words in (b"the river", b"flag", b"photo"):  # the images' descriptions are printed instead
        assert any(words in data for data in outputs.values()), words
    result = epubcheck(epub)
    assert (result.fatal, result.errors, result.warnings) == (0, 0, 0), "\n".join(result.messages)


def test_a_word_longer_than_any_line_is_printed_whole_and_does_not_stall_the_layout(project_copy):
    import random

    from epubtools import read_epub

    root = project_copy()
    letters = random.Random(1)
    word = "".join(letters.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(100_000))  # hyphenation points everywhere
    (root / "corpus" / "long.md").write_text(f"---\ntitle: Long\noutlet: South Wire\ndate: 2021-03-04\n---\nThe talks {word} ended.\n")
    result = subprocess.run([sys.executable, "-m", "book", "build", "--project", str(root)],
                            capture_output=True, text=True, timeout=120, cwd=REPO)  # minutes before the fix
    assert result.returncode == 0, result.stderr
    pdf = next((root / "dist").glob("*.pdf"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = (line.strip().replace("\u200b", "").removesuffix(" ended.") for line in text.splitlines())
    printed = "".join(line for line in lines if re.fullmatch(r"[a-z]+", line))  # without running heads and footnotes
    assert word in printed  # every letter printed, in order, none cut off at the margin
    epub = read_epub(next((root / "dist").glob("*.epub")))
    chapters = b"".join(data for name, data in epub.items() if name.endswith(".xhtml"))
    assert word.encode() in re.sub(rb"<wbr ?/>|</?span[^>]*>", b"", chapters)


def test_a_cache_folder_linked_out_or_a_fifo_cache_is_neither_written_nor_waited_for(project_copy, tmp_path):
    root = project_copy()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "dist").mkdir()
    (root / "dist" / ".cache").symlink_to(elsewhere, target_is_directory=True)
    result = subprocess.run([sys.executable, "-m", "book", "build", "--html", "--epub", "--project", str(root)],
                            capture_output=True, text=True, timeout=120, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert list(elsewhere.iterdir()) == []  # the build ran without a cache rather than write outside
    (root / "dist" / ".cache").unlink()
    (root / "dist" / ".cache").mkdir()
    os.mkfifo(root / "dist" / ".cache" / "sources.pickle")
    os.mkfifo(root / "dist" / ".cache" / "groups.pickle")
    result = subprocess.run([sys.executable, "-m", "book", "build", "--html", "--project", str(root)],
                            capture_output=True, text=True, timeout=120, cwd=REPO)
    assert result.returncode == 0, result.stderr


def test_an_editions_folder_linked_out_of_the_project_is_never_written(project_copy, tmp_path):
    root = project_copy()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "editions").symlink_to(elsewhere, target_is_directory=True)
    result = run("release", "--allow-unattributed", "--project", str(root))
    assert result.exit_code == 1
    assert f"editions: links to {elsewhere}, outside the project" in result.output
    assert list(elsewhere.iterdir()) == []
