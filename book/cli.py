"""The commands: add, check, build, report, release. BookError → exit 1; anything else is a bug."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from book.errors import BookError, Diagnostic


def find_root(start: Path) -> Path | None:
    """The nearest folder from `start` upwards that holds a book.yaml (as git finds its repository); None if none does."""
    start = start.absolute()
    for folder in (start, *start.parents):
        if (folder / "book.yaml").is_file():
            return folder
    return None


def _discover(context, parameter, value: Path | None) -> Path:
    """--project as given; without it, the project the current folder lies in ("." when none, to be refused)."""
    if value is not None:
        return value
    found = find_root(Path.cwd())
    if found is None or found == Path.cwd().absolute():
        return Path(".")
    return found


def _project_option(command):
    return click.option(
        "--project",
        "project_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        callback=_discover,
        help="The book project folder [default: the nearest folder, from here upwards, with a book.yaml].",
    )(command)


def _strict_option(command):
    return click.option("--strict", is_flag=True, help="Treat warnings as errors.")(command)


def print_diagnostics(diagnostics: tuple[Diagnostic, ...]) -> None:
    """Every problem on its own line, `path:line: severity: message`."""
    for diagnostic in diagnostics:
        click.echo(str(diagnostic))


def summary(diagnostics: tuple[Diagnostic, ...], strict: bool = False) -> str:
    errors = sum(1 for d in diagnostics if d.severity == "error" or strict)
    warnings = len(diagnostics) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def _user_errors(command):
    """A BookError becomes `category: message` and exit 1, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except BookError as error:
            print_diagnostics(error.diagnostics)
            click.echo(str(error), err=True)
            sys.exit(1)
        except OSError as error:  # the file system refused: a folder in the way, no space, no permission
            where = f"{error.filename}: " if error.filename else ""
            click.echo(f"file system: {where}{error.strerror or error}", err=True)
            sys.exit(1)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="briefing-book")
def main() -> None:
    """Turn a corpus of news articles into a briefing book (PDF and EPUB 3)."""


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default=None, help="The book's title [default: the folder's name].")
@click.option("--force", is_flag=True, help="Also write into a folder that is not empty (never over an existing file).")
@_user_errors
def new(folder: Path, title: str | None, force: bool) -> None:
    """Start a book project: a small sample book in FOLDER that checks and builds as it is."""
    from book.scaffold import new_project

    made = new_project(folder, title=title, force=force)
    for path in made.written:
        click.echo(f"wrote {path}")
    for path in made.kept:
        click.echo(f"kept {path} (already there)")
    click.echo(f"started {folder}: `cd {folder}`, then `book check` and `book build` (or `book serve` to preview)")


@main.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--dry-run", is_flag=True, help="Show what would be added; write nothing.")
@click.option("--allow-private", is_flag=True,
              help="Let a URL's own host be at a private, loopback or link-local address (redirects to other hosts still must be public).")
@_project_option
@_user_errors
def add(sources: tuple[str, ...], dry_run: bool, allow_private: bool, project_dir: Path) -> None:
    """Ingest raw sources (text digests, saved pages, URLs, Markdown) into corpus/."""
    from book.ingest import add_sources

    add_sources(project_dir, sources, dry_run=dry_run, allow_private=allow_private)


@main.command()
@_project_option
@_strict_option
@_user_errors
def check(project_dir: Path, strict: bool) -> None:
    """Validate the whole project; every problem as path:line: message."""
    from book import review
    from book.project import load

    project = load(project_dir)  # errors abort here; warnings (with the glossary's) are judged below
    warnings = review.refuse_warnings(project) if strict else review.warnings(project)
    print_diagnostics(warnings)
    click.echo(f"{project_dir}: {summary(warnings)}; {len(project.articles)} articles, "
               f"{len(project.passages)} passages, {len(project.chapters)} chapters, {len(project.glossary)} glossary entries")



@main.command()
@click.option("--pdf", "formats", flag_value="pdf", multiple=True, help="Build the print PDF.")
@click.option("--epub", "formats", flag_value="epub", multiple=True, help="Build the EPUB 3.")
@click.option("--html", "formats", flag_value="html", multiple=True, help="Build the HTML site.")
@click.option("--handouts", is_flag=True, help="Also write one PDF per chapter.")
@click.option("--teacher", is_flag=True, help="The teacher's edition: notes for the teacher printed (<book>-edition-<n>-teacher.*).")
@click.option("--large-print", is_flag=True, help="Set the PDF (and handouts) in large print (<book>-edition-<n>-large-print.pdf).")
@click.option("--keep-html", is_flag=True, help="Keep the HTML that WeasyPrint laid out.")
@_project_option
@_strict_option
@_user_errors
def build(formats: tuple[str, ...], handouts: bool, teacher: bool, large_print: bool, keep_html: bool, project_dir: Path,
          strict: bool) -> None:
    """Build the book into dist/ (all formats by default)."""
    from book.pipeline import build as run_build
    from book.progress import on_terminal

    with on_terminal():  # stages and pages on stderr, only when it is a terminal
        outputs = run_build(project_dir, formats=tuple(formats) or ("pdf", "epub", "html"),
                            handouts=handouts, keep_html=keep_html, strict=strict, teacher=teacher,
                            large_print=large_print)
    for path in outputs:
        click.echo(f"wrote {path}")


@main.command()
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="The port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; only this machine can connect unless you name another.")
@_project_option
@_user_errors
def serve(port: int, host: str, project_dir: Path) -> None:
    """Build the web edition, serve it, and rebuild and reload open pages when a project file changes."""
    from book.errors import ProjectError, not_a_project
    from book.serve import serve as run_server

    if not project_dir.is_dir():
        raise ProjectError(f"{project_dir}: no such folder")
    if not (project_dir / "book.yaml").is_file():  # a project with errors is served (and its errors shown)
        raise ProjectError(not_a_project(project_dir))
    run_server(project_dir, host=host, port=port, echo=lambda line: click.echo(line))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@_project_option
@_user_errors
def report(as_json: bool, project_dir: Path) -> None:
    """How passages were assigned to chapters, and why."""
    from book.report import print_report

    print_report(project_dir, as_json=as_json)


RELEASE_FORMATS = ("pdf", "epub", "html")


@main.command()
@click.option("--note", default=None, help="What this edition adds, for the colophon.")
@click.option("--allow-unattributed", is_flag=True,
              help="Release even if a source has no outlet (the colophon says how many).")
@_project_option
@_user_errors
def release(note: str | None, allow_unattributed: bool, project_dir: Path) -> None:
    """Record editions/<n>.yaml and build that edition."""
    from book import editions
    from book.lock import project_lock
    from book.pipeline import build as run_build
    from book.progress import on_terminal
    from book.project import load

    with project_lock(project_dir):  # check → record: no other command writes between them
        project = load(project_dir)  # errors abort here
        change = editions.releasable(project, allow_unattributed=allow_unattributed)
        recorded = editions.record(project, change, note=note)
    try:  # → build; an edition is recorded only once it is built
        with on_terminal():
            outputs = run_build(project_dir, formats=RELEASE_FORMATS)
    except BaseException:
        recorded.withdraw()
        raise
    change = recorded.change
    click.echo(f"wrote {recorded.path}")
    for path in outputs:
        click.echo(f"wrote {path}")
    since = ("first edition" if change.previous is None else
             f"since edition {change.previous}: {len(change.added)} added, {len(change.changed)} changed, "
             f"{len(change.removed)} removed")
    click.echo(f"released edition {recorded.number} ({recorded.sources} sources; {since})")
