"""`book serve` as a user runs it (a subprocess), with a page open in headless chromium: an edited chapter
introduction reloads the page; a YAML error is shown in it as `path:line: message` over the last good build,
and goes once fixed; Ctrl-C stops it cleanly."""

from __future__ import annotations

import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.webtools import chromium

PROJECTS = Path(__file__).parent / "projects"


class Server:
    """`python -m book serve --port 0` in `root`; its output lines read as they come."""

    def __init__(self, root: Path, *args: str):
        self.process = subprocess.Popen([sys.executable, "-m", "book", "serve", "--port", "0", *args], cwd=root,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = 60) -> re.Match:
        while True:
            line = self.lines.get(timeout=timeout)
            self.seen.append(line)
            if found := re.search(pattern, line):
                return found

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        code = self.process.wait(timeout=30)
        return code


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "glossary"
    shutil.copytree(PROJECTS / "glossary", root)
    return root


def test_serve_reloads_after_an_edit_shows_a_yaml_error_and_recovers(project):
    server = Server(project / "chapters")  # run from a subfolder: the project is found above
    try:
        url = server.wait_for(r"^serving (http://127\.0\.0\.1:\d+/) \(Ctrl-C to stop\)$")[1]
        assert server.seen[0] == "build 1: ready"
        with chromium() as browser:
            page = browser.new_page()
            page.goto(url + "chapter-borders.html")
            page.wait_for_selector("html[data-book-serve-build='1']")
            assert page.inner_text(".intro") == "Where the line runs, and who says so."

            chapter = project / "chapters" / "01-borders.md"
            chapter.write_text(chapter.read_text(encoding="utf-8").replace(
                "Where the line runs, and who says so.", "Where the border runs, as each side tells it."), encoding="utf-8")
            page.wait_for_selector("html[data-book-serve-build='2']", timeout=20_000)  # the page was reloaded
            assert page.inner_text(".intro") == "Where the border runs, as each side tells it."
            server.wait_for(r"^build 2: ready \(chapters/01-borders\.md changed\)$")

            glossary = project / "glossary.yaml"
            good = glossary.read_text(encoding="utf-8")
            glossary.write_text(good.replace("  kind: place\n  definition: The plateau", "  kind: [place\n  definition: The plateau"),
                                encoding="utf-8")
            alert = page.get_by_role("alert")
            alert.wait_for(timeout=20_000)
            message = alert.inner_text()
            assert re.search(r"^glossary\.yaml:\d+: error: ", message, re.M), message
            assert "this page is the last good build" in message
            assert page.inner_text(".intro") == "Where the border runs, as each side tells it."  # still the last good build
            server.wait_for(r"^build failed \(glossary\.yaml changed\); still serving build 2:$")
            page.reload()  # a page opened while the project is broken shows the error too
            page.get_by_role("alert").wait_for(timeout=20_000)

            glossary.write_text(good, encoding="utf-8")
            page.wait_for_selector("html[data-book-serve-build='3']", timeout=20_000)
            assert page.get_by_role("alert").count() == 0
            assert page.inner_text(".intro") == "Where the border runs, as each side tells it."
    finally:
        code = server.stop()
    assert code == 0
    server.wait_for(r"^stopped$", timeout=10)
    assert not any("Traceback" in line for line in server.seen)


def test_serve_listens_on_this_machine_only_by_default_and_refuses_a_non_project(project, tmp_path):
    assert "--host TEXT" in subprocess.run([sys.executable, "-m", "book", "serve", "--help"],
                                           capture_output=True, text=True).stdout
    refused = subprocess.run([sys.executable, "-m", "book", "serve", "--port", "0"], cwd=tmp_path,
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1 and "not a book project" in refused.stderr
    server = Server(project)
    try:
        port = int(server.wait_for(r"^serving http://127\.0\.0\.1:(\d+)/")[1])
        taken = subprocess.run([sys.executable, "-m", "book", "serve", "--port", str(port)], cwd=project,
                               capture_output=True, text=True, timeout=60)
        assert taken.returncode == 1
        assert f"cannot serve: 127.0.0.1:{port}: Address already in use; choose another with --port" in taken.stderr
    finally:
        assert server.stop() == 0


def test_a_project_broken_from_the_start_shows_why_then_its_first_build(project):
    glossary = project / "glossary.yaml"
    good = glossary.read_text(encoding="utf-8")
    glossary.write_text(good.replace("- id: north-orun", "- id: north-orun\n  id: twice"), encoding="utf-8")
    server = Server(project)
    try:
        assert server.wait_for(r"^build failed:$")
        url = server.wait_for(r"^serving (http://127\.0\.0\.1:\d+/)")[1]
        assert any(re.match(r"^glossary\.yaml:\d+: error: ", line) for line in server.seen), server.seen
        with chromium() as browser:
            page = browser.new_page()
            page.goto(url + "chapter-borders.html")
            alert = page.get_by_role("alert")
            alert.wait_for(timeout=20_000)
            assert re.search(r"^glossary\.yaml:\d+: error: ", alert.inner_text(), re.M), alert.inner_text()
            assert page.inner_text("h1") == "Not built yet"
            glossary.write_text(good, encoding="utf-8")
            page.wait_for_selector("html[data-book-serve-build='1']", timeout=20_000)
            assert page.inner_text(".intro") == "Where the line runs, and who says so."
            assert page.get_by_role("alert").count() == 0
    finally:
        assert server.stop() == 0
