"""The SHA-256 of every output of the repository's book and of each test project, built with SOURCE_DATE_EPOCH.

    .venv/bin/python bench/hashes.py OUT.json [--code DIR] [--work /tmp/book-hashes] [--only NAME,…]
    .venv/bin/python bench/hashes.py --diff BEFORE.json AFTER.json

Each project is copied into the work folder (the repository's book without its `book/`
package, so the copy's code is never imported) and built through the real command,
`python -m book build --handouts` (all formats), and the repository's book also with
`--teacher` and `--large-print`; what `book check` and `book report --json` print is
recorded too. `--code DIR` runs the tool from another checkout (its
`book/` first on PYTHONPATH): a worktree of an older commit gives the "before" list.
A build that fails (tests/projects/broken) is recorded by its exit status and output.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
EPOCH = "1764547200"  # 2025-12-01 00:00 UTC
VARIANTS = {"repository": ([], ["--teacher"], ["--large-print"])}
COPIED = ("book.yaml", "chapters", "corpus", "editions", "glossary.yaml", "timeline.yaml")


def projects() -> dict[str, Path]:
    found = {"repository": REPOSITORY}
    found.update({path.name: path for path in sorted((REPOSITORY / "tests" / "projects").iterdir()) if path.is_dir()})
    return found


def copy_project(name: str, source: Path, work: Path) -> Path:
    target = work / name
    shutil.rmtree(target, ignore_errors=True)
    if name == "repository":
        target.mkdir(parents=True)
        for part in COPIED:
            if (source / part).is_dir():
                shutil.copytree(source / part, target / part)
            elif (source / part).is_file():
                shutil.copy2(source / part, target / part)
    else:
        shutil.copytree(source, target)
    shutil.rmtree(target / "dist", ignore_errors=True)
    assert not (target / "book").exists()
    return target


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(name: str, source: Path, work: Path, code: Path | None) -> dict[str, str]:
    project = copy_project(name, source, work)
    environment = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONHASHSEED": "0"}
    if code is not None:
        environment["PYTHONPATH"] = str(code)
    hashes: dict[str, str] = {}
    for command in (["check"], ["report", "--json"]):  # what the commands say, too (scores, openings, warnings)
        done = subprocess.run([sys.executable, "-m", "book", *command, "--project", str(project)], cwd=work,
                              env=environment, capture_output=True, text=True)
        text = (done.stdout + done.stderr).replace(str(project), "<project>")
        hashes[f"[{' '.join(command)}] exit {done.returncode}"] = hashlib.sha256(text.encode()).hexdigest()
        (work / f"{name}.{command[0]}.txt").write_text(text)
    for extra in VARIANTS.get(name, ([],)):
        label = " ".join(extra) or "default"
        command = [sys.executable, "-m", "book", "build", "--handouts", *extra, "--project", str(project)]
        done = subprocess.run(command, cwd=work, env=environment, capture_output=True, text=True)
        if done.returncode != 0:
            text = (done.stdout + done.stderr).replace(str(project), "<project>")
            hashes[f"[{label}] exit {done.returncode}"] = hashlib.sha256(text.encode()).hexdigest()
            print(f"{name} {label}: exit {done.returncode}\n{text[-600:]}", file=sys.stderr)
            continue
        dist = project / "dist"
        for path in sorted(dist.rglob("*")):
            relative = path.relative_to(dist).as_posix()
            if not path.is_file() or relative.startswith(".cache/"):
                continue
            if relative not in hashes:
                hashes[relative] = digest(path)
            elif (rewritten := digest(path)) != hashes[relative]:  # a later variant wrote it again (the web edition's downloads)
                hashes[f"{relative} [after {label}]"] = rewritten
        print(f"{name} {label}: {len(hashes)} files", file=sys.stderr)
    return hashes


def diff(before_path: Path, after_path: Path) -> int:
    before, after = (json.loads(Path(p).read_text()) for p in (before_path, after_path))
    differences = 0
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name, {}), after.get(name, {})
        for file in sorted(set(old) | set(new)):
            if old.get(file) != new.get(file):
                differences += 1
                print(f"{name}/{file}: {old.get(file, '-')[:16]} → {new.get(file, '-')[:16]}")
    total = sum(len(v) for v in after.values())
    print(f"{differences} of {total} outputs differ")
    return 1 if differences else 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", nargs="?")
    parser.add_argument("--code", type=Path, default=None)
    parser.add_argument("--work", type=Path, default=Path("/tmp/book-hashes"))
    parser.add_argument("--only", default="")
    parser.add_argument("--diff", nargs=2, metavar=("BEFORE", "AFTER"))
    arguments = parser.parse_args()
    if arguments.diff:
        return diff(*arguments.diff)
    arguments.work.mkdir(parents=True, exist_ok=True)
    chosen = set(filter(None, arguments.only.split(",")))
    result = {name: build(name, path, arguments.work, arguments.code)
              for name, path in projects().items() if not chosen or name in chosen}
    Path(arguments.out).write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
