"""Edit → reloaded page with `book serve`, on the repository's own book.

    .venv/bin/python bench/serve_reload.py [--runs 7] [--work /tmp/book-serve-bench]

Copies the book (its *.yaml files, chapters/, corpus/, editions/) into --work, starts
`python -m book serve --port 0` there, opens chapter 1 in headless chromium (Debian's, through
Playwright) and, --runs times, appends a new sentence to chapter 1's introduction and times the
span from the file's write to the moment the reloaded page shows the sentence (the page's
`load` done and the text in the DOM). The first build, before the runs, is not timed.
Prints each run and the median, in seconds.
"""

from __future__ import annotations

import argparse
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path("/tmp/book-serve-bench"))
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    for path in REPOSITORY.glob("*.yaml"):  # book.yaml, glossary.yaml, timeline.yaml …
        shutil.copy(path, args.work / path.name)
    for name in ("chapters", "corpus", "editions"):
        shutil.copytree(REPOSITORY / name, args.work / name)
    chapter = sorted((args.work / "chapters").glob("01-*.md"))[0]
    slug = re.sub(r"^\d+-", "", chapter.stem)

    from playwright.sync_api import sync_playwright

    server = subprocess.Popen([sys.executable, "-m", "book", "serve", "--port", "0"], cwd=args.work,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    try:
        url = None
        for line in server.stdout:
            if found := re.match(r"serving (http://\S+/)", line):
                url = found[1]
                break
        assert url, "book serve did not start"
        seconds = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page()
            page.goto(f"{url}chapter-{slug}.html")
            page.wait_for_selector("html[data-book-serve-build]")
            for run in range(1, args.runs + 1):
                marker = f"Benchmark sentence {run}."
                text = chapter.read_text(encoding="utf-8").rstrip("\n") + f" {marker}\n"
                time.sleep(0.5)  # the page settled and its event stream open again
                start = time.perf_counter()
                chapter.write_text(text, encoding="utf-8")
                page.wait_for_function("(m) => document.readyState === 'complete' && "
                                       "document.querySelector('.intro').textContent.includes(m)",
                                       arg=marker, timeout=30_000, polling="raf")
                seconds.append(time.perf_counter() - start)
                print(f"run {run}: {seconds[-1]:.3f} s", flush=True)
            browser.close()
        print(f"median of {len(seconds)}: {statistics.median(seconds):.3f} s "
              f"(min {min(seconds):.3f}, max {max(seconds):.3f})")
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
