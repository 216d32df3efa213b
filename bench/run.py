"""Time the build stage by stage and side by side with bare WeasyPrint and pandoc.

    .venv/bin/python bench/run.py [--sizes 100,250,1000] [--reps 100=5,250=3,1000=1]
                                  [--pre-sizes 100,250,1000,5000] [--work /tmp/book-bench]
                                  [--only incremental] [--shape chapters|long]

Every measurement runs in a fresh interpreter (`bench/run.py child …`), so peak memory
(ru_maxrss, from os.wait4) is that run's own. Runs of the things compared alternate
(tool, bare, tool, bare …) so that the machine's noise falls on both. Results are
appended to `<work>/results.json` as they come; `--markdown` prints the tables.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent
PYTHON = sys.executable
sys.path[:0] = [str(REPOSITORY), str(HERE)]


# --- in the child process ----------------------------------------------------------------


def child(argv: list[str]) -> None:
    """One measured run; prints one JSON line: seconds per stage, counts, peak memory."""
    import resource

    from book import progress

    mode, project = argv[0], Path(argv[1])
    timings = progress.Timings()
    extra = {}
    with progress.listening(timings):
        if mode == "build":
            from book.pipeline import build

            formats = tuple(argv[2].split(","))
            build(project, formats=formats, keep_html="pdf" in formats)
        elif mode == "prelayout":
            _prelayout(project, cache=argv[2] == "cache")
        elif mode == "link":
            extra = _link(project, int(argv[2]))
        elif mode == "tagging":
            extra = _tagging(project, int(argv[2]))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"stages": timings.seconds, "counts": timings.counts, "peak_bytes": peak, **extra}))


def _prelayout(project: Path, cache: bool) -> None:
    """The stages before layout, as `book build` runs them, and the HTML its "render HTML" stages render.

    That is the print HTML of each chapter, of the back and of the front matter, as
    `pdf.build_pdf` renders each before laying it out (back and front here without the
    page numbers that only layout gives), and the web page. Not the one-file print HTML
    of `--keep-html`, which a normal build does not render; the EPUB's XHTML is made in
    its own stage.
    """
    from book.pipeline import prepare, rendering
    from book.progress import stage
    from book.render import html, web_page
    from book.render.pdf import PrintBuild

    loaded, book = prepare(project, cache=cache)
    with stage("render HTML"), rendering(project, cache):
        run = PrintBuild(book, loaded.root)
        for chapter in book.chapters:
            html.render("print/part.html", part="chapter", chapter=chapter, **run.context(html.Links("pdf")))
        for part in ("back", "front"):
            html.render("print/part.html", part=part, **run.context(html.Links("pdf")))
        web_page(book)


def _link(project: Path, repeats: int) -> dict:
    """The link stage (annotate) alone, `repeats` times; median seconds and passages."""
    from book.annotate import annotate
    from book.editions import current_edition
    from book.organise import organise
    from book.project import load

    loaded = load(project)
    plan = organise(loaded)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        annotate(loaded, plan, current_edition(loaded))
        times.append(time.perf_counter() - started)
    return {"link_seconds": statistics.median(times), "passages": len(loaded.passages), "terms": len(loaded.glossary)}


def _tagging(project: Path, repeats: int) -> dict:
    """What PDF/UA tagging costs: the kept print HTML laid out once each way, written untagged and tagged, alternately."""
    import weasyprint

    from book.render.tagging import page_references_once

    source = next((project / "dist").glob("*.print.html"))
    untagged = weasyprint.HTML(filename=str(source)).render()
    tagged = weasyprint.HTML(filename=str(source)).render(pdf_variant="pdf/ua-1", pdf_tags=True)
    seconds: dict[str, list[float]] = {"untagged": [], "tagged": []}
    for _ in range(repeats):
        for name, document, options in (("untagged", untagged, {}), ("tagged", tagged, {"pdf_variant": "pdf/ua-1", "pdf_tags": True})):
            started = time.perf_counter()
            with page_references_once():  # as the build writes it (no effect on the untagged write)
                document.write_pdf(**options)
            seconds[name].append(time.perf_counter() - started)
    return {"pages": len(tagged.pages), **{f"{name}_write": statistics.median(times) for name, times in seconds.items()}}


# --- in the parent -----------------------------------------------------------------------


def measured(command: list[str], cwd: Path | None = None) -> dict:
    """Wall and CPU seconds and peak memory of one command and the processes it forks; its JSON line if it prints one.

    CPU seconds are user + system of the command and every child it waited for (wait4).
    Peak memory is the larger of the command's own ru_maxrss and the highest sum of the
    proportional set size (PSS: a page shared by n processes counts 1/n in each) over the
    command and its descendants, sampled every 50 ms: ru_maxrss alone would miss the
    memory of the worker processes a build forks, and a sum of RSS would count the pages
    they share with it twice.
    """
    import tempfile
    import threading

    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=errors)
        tree_peak = [0]
        stop = threading.Event()
        sampler = threading.Thread(target=_sample_tree, args=(process.pid, tree_peak, stop), daemon=True)
        sampler.start()
        out = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        stop.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            errors.seek(0)
            raise SystemExit(f"{' '.join(map(str, command))} failed:\n{errors.read().decode()[-3000:]}")
    result = {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_bytes": max(usage.ru_maxrss * 1024, tree_peak[0]),
              "own_maxrss_bytes": usage.ru_maxrss * 1024, "tree_pss_bytes": tree_peak[0]}
    lines = out.decode().strip().splitlines()
    if lines and lines[-1].startswith("{"):
        child_result = json.loads(lines[-1])
        child_result.pop("peak_bytes", None)  # the child's own ru_maxrss: already in ours
        result.update(child_result)
    return result


def _sample_tree(pid: int, peak: list[int], stop) -> None:
    """Highest PSS summed over `pid` and its descendants, until `stop` is set."""
    while not stop.wait(0.05):
        total = 0
        for member in _tree(pid):
            try:
                with open(f"/proc/{member}/smaps_rollup", encoding="ascii") as rollup:
                    total += next(int(line.split()[1]) * 1024 for line in rollup if line.startswith("Pss:"))
            except (OSError, StopIteration, ValueError):
                pass  # it ended meanwhile
        peak[0] = max(peak[0], total)


def _tree(pid: int) -> list[int]:
    members, index = [pid], 0
    while index < len(members):
        try:
            with open(f"/proc/{members[index]}/task/{members[index]}/children", encoding="ascii") as children:
                members += [int(child) for child in children.read().split()]
        except OSError:
            pass
        index += 1
    return members


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def project_of(work: Path, articles: int, terms: int = 0, seed: int = 1, shape: str = "chapters") -> Path:
    from generate import generate

    out = work / (f"n{articles}-t{terms}-s{seed}" + ("" if shape == "chapters" else f"-{shape}"))
    if not (out / "book.yaml").is_file():
        generate(REPOSITORY, out, articles, terms, seed, shape=shape)
    return out


def clean(project: Path) -> None:
    shutil.rmtree(project / "dist", ignore_errors=True)


def save(work: Path, record: dict) -> None:
    with open(work / "results.json", "a", encoding="utf-8") as stream:
        stream.write(json.dumps(record) + "\n")
    print(json.dumps(record)[:400], flush=True)


def bench_pdf(work: Path, articles: int, reps: int) -> None:
    """book build --pdf --keep-html (cold) against one bare weasyprint pass over the kept HTML."""
    project = project_of(work, articles)
    weasy = Path(PYTHON).parent / "weasyprint"
    for rep in range(reps):
        clean(project)
        ours = measured([PYTHON, __file__, "child", "build", str(project), "pdf"])
        pdf = next((project / "dist").glob("*.pdf"))
        kept = next((project / "dist").glob("*.print.html"))
        bare = measured([str(weasy), str(kept), str(work / "bare.pdf")], cwd=project)
        # the same PDF options as the book (PDF/UA-1, tagged): the fair limit
        same = measured([str(weasy), "--pdf-variant", "pdf/ua-1", "--pdf-tags", str(kept), str(work / "bare-ua.pdf")], cwd=project)
        save(work, {"kind": "pdf", "articles": articles, "rep": rep, "pages": pages(pdf),
                    "bare_pages": pages(work / "bare.pdf"), "ours": ours, "bare": bare, "bare_ua": same})


def bench_incremental(work: Path, articles: int, reps: int, shape: str = "chapters") -> None:
    """Cold `book build` (all formats) against bare weasyprint over its kept HTML (untagged, PDF/UA), then
    `book build` after adding one source and after editing one chapter's introduction; run after run, alternating."""
    from generate import add_one, edit_introduction

    template = project_of(work, articles, shape=shape)
    weasy = Path(PYTHON).parent / "weasyprint"
    build = ["child", "build"]
    for rep in range(reps):
        project = work / f"incremental-{shape}-{articles}"
        shutil.rmtree(project, ignore_errors=True)
        shutil.copytree(template, project, ignore=shutil.ignore_patterns("dist"))
        cold = measured([PYTHON, __file__, *build, str(project), "pdf,epub,html"])
        pdf = next((project / "dist").glob("*.pdf"))
        kept = next((project / "dist").glob("*.print.html"))
        cold_pages = pages(pdf)
        bare = measured([str(weasy), str(kept), str(work / "bare.pdf")], cwd=project)
        same = measured([str(weasy), "--pdf-variant", "pdf/ua-1", "--pdf-tags", str(kept), str(work / "bare-ua.pdf")], cwd=project)
        add_one(project, seed=100 + rep)
        added = measured([PYTHON, __file__, *build, str(project), "pdf,epub,html"])
        edit_introduction(project)
        edited = measured([PYTHON, __file__, *build, str(project), "pdf,epub,html"])
        save(work, {"kind": "incremental", "shape": shape, "articles": articles, "rep": rep, "pages": cold_pages,
                    "bare_pages": pages(work / "bare.pdf"), "cold": cold, "bare": bare, "bare_ua": same,
                    "one_added": added, "intro_edited": edited})


def bench_epub(work: Path, articles: int, reps: int) -> None:
    """book build --epub (cold) against pandoc making an EPUB 3 from the same chapter XHTML."""
    project = project_of(work, articles)
    for rep in range(reps):
        clean(project)
        ours = measured([PYTHON, __file__, "child", "build", str(project), "epub"])
        documents = _unpack(next((project / "dist").glob("*.epub")), work / "epub-src")
        fonts = [f"--epub-embed-font={font}" for font in sorted((work / "epub-src" / "EPUB" / "fonts").glob("*.ttf"))]
        command = ["pandoc", "-f", "html", "-t", "epub3", "-o", str(work / "pandoc.epub"), "--metadata", "title=Bench",
                   f"--css={work / 'epub-src' / 'EPUB' / 'styles' / 'epub.css'}", *fonts, *map(str, documents)]
        bare = measured(command)
        save(work, {"kind": "epub", "articles": articles, "rep": rep, "documents": len(documents), "ours": ours, "pandoc": bare})


def _unpack(epub: Path, folder: Path) -> list[Path]:
    """The EPUB's XHTML documents in spine order (nav and cover left out, as pandoc makes its own)."""
    import re

    shutil.rmtree(folder, ignore_errors=True)
    with zipfile.ZipFile(epub) as package:
        package.extractall(folder)
        opf = package.read("EPUB/content.opf").decode()
    hrefs = dict(re.findall(r'<item [^>]*?id="([^"]+)"[^>]*?href="([^"]+)"', opf))
    hrefs.update({i: h for h, i in re.findall(r'<item [^>]*?href="([^"]+)"[^>]*?id="([^"]+)"', opf)})
    spine = re.findall(r'<itemref [^>]*?idref="([^"]+)"', opf)
    return [folder / "EPUB" / hrefs[i] for i in spine if i in hrefs and hrefs[i] not in ("nav.xhtml", "cover.xhtml")]


def bench_prelayout(work: Path, articles: int, reps: int) -> None:
    """Stages before layout, cold (no cache), then warm after adding one source."""
    from generate import add_one

    for rep in range(reps):
        project = project_of(work, articles, seed=1)
        incremental = work / f"incr-{articles}"
        shutil.rmtree(incremental, ignore_errors=True)
        shutil.copytree(project, incremental, ignore=shutil.ignore_patterns("dist"))
        cold = measured([PYTHON, __file__, "child", "prelayout", str(incremental), "cache"])
        add_one(incremental, seed=100 + rep)
        warm = measured([PYTHON, __file__, "child", "prelayout", str(incremental), "cache"])
        save(work, {"kind": "prelayout", "articles": articles, "rep": rep, "cold": cold, "one_added": warm})


def bench_link(work: Path, articles: int, repeats: int) -> None:
    """The link stage with 50 and with 1,000 glossary entries over the same articles."""
    for terms in (50, 1000):
        project = project_of(work, articles, terms=terms)
        result = measured([PYTHON, __file__, "child", "link", str(project), str(repeats)])
        save(work, {"kind": "link", "articles": articles, "terms": terms, "result": result})


def bench_tagging(work: Path, articles: int, repeats: int) -> None:
    """The PDF write with and without PDF/UA tags, over the print HTML that a build of `articles` kept."""
    project = project_of(work, articles)
    if not list((project / "dist").glob("*.print.html")):
        measured([PYTHON, __file__, "child", "build", str(project), "pdf"])
    save(work, {"kind": "tagging", "articles": articles, "result": measured([PYTHON, __file__, "child", "tagging", str(project), str(repeats)])})


def _reps(text: str) -> dict[int, int]:
    return {int(size): int(count) for size, count in (pair.split("=") for pair in text.split(","))}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        child(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/book-bench"))
    parser.add_argument("--sizes", default="100,250,1000")
    parser.add_argument("--reps", default="100=5,250=3,1000=1")
    parser.add_argument("--pre-sizes", default="100,250,1000,5000")
    parser.add_argument("--pre-reps", type=int, default=3)
    parser.add_argument("--epub-reps", type=int, default=3)
    parser.add_argument("--only", default="prelayout,link,epub,pdf,tagging")
    parser.add_argument("--shape", default="chapters", help="the synthetic corpus's shape (bench/generate.py)")
    parser.add_argument("--markdown", action="store_true", help="print the tables of <work>/results.json")
    args = parser.parse_args()
    if args.markdown:
        from report import tables

        print(tables(args.work / "results.json"))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    sizes = [int(size) for size in args.sizes.split(",")]
    reps = _reps(args.reps)
    only = set(args.only.split(","))
    if "prelayout" in only:
        for size in [int(size) for size in args.pre_sizes.split(",")]:
            bench_prelayout(args.work, size, args.pre_reps)
    if "link" in only:
        bench_link(args.work, 250, 5)
    if "epub" in only:
        for size in sizes:
            bench_epub(args.work, size, args.epub_reps)
    if "pdf" in only:
        for size in sizes:
            bench_pdf(args.work, size, reps.get(size, 1))
    if "incremental" in only:
        for size in sizes:
            bench_incremental(args.work, size, reps.get(size, 1), args.shape)
    if "tagging" in only:
        for size in sizes:
            bench_tagging(args.work, size, 3)


if __name__ == "__main__":
    main()
