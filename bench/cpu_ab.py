"""CPU seconds of one cold `book build --pdf` with the code of one source tree, for A/B runs of two trees.

    PYTHONPATH=<tree> .venv/bin/python bench/cpu_ab.py <project>

`<tree>` is a checkout of the repository (e.g. `git archive main | tar -x -C /tmp/main`); the
project's dist/ is removed first. Prints one JSON line: which code ran, wall and CPU seconds
(this process: the PDF is made in it) and the PDF stages. CPU seconds move much less than wall
seconds on a shared machine; alternate the trees, run after run.
"""

from __future__ import annotations

import json
import resource
import shutil
import sys
import time
from pathlib import Path

import book
from book import progress
from book.pipeline import build


def main() -> None:
    project = Path(sys.argv[1])
    shutil.rmtree(project / "dist", ignore_errors=True)
    timings = progress.Timings()
    started = time.perf_counter()
    with progress.listening(timings):
        build(project, formats=("pdf",))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"code": book.__file__, "wall": round(time.perf_counter() - started, 1),
                      "cpu": round(usage.ru_utime + usage.ru_stime, 1),
                      **{name: round(seconds, 2) for name, seconds in timings.seconds.items() if name.startswith("PDF")}}))


if __name__ == "__main__":
    main()
