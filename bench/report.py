"""Markdown tables from bench/run.py's results.json (one JSON record per line): medians of the runs."""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from pathlib import Path

STAGES = ("load", "organise", "link", "render HTML", "PDF layout", "PDF write", "EPUB")
PDF_STAGES = ("load", "organise", "link", "render HTML", "PDF layout", "PDF write", "PDF join")
MB = 1024 * 1024


def _median(values) -> float:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def _records(path: Path) -> dict[str, list[dict]]:
    kinds: dict[str, list[dict]] = defaultdict(list)
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            kinds[record["kind"]].append(record)
    return kinds


def _by_size(records: list[dict]) -> dict[int, list[dict]]:
    sizes: dict[int, list[dict]] = defaultdict(list)
    for record in records:
        sizes[record["articles"]].append(record)
    return dict(sorted(sizes.items()))


def pdf_table(records: list[dict]) -> list[str]:
    rows = ["| articles | pages | runs | `book build --pdf` s | bare weasyprint s | bare, PDF/UA + tags s "
            "| ratio (vs untagged) | ratio (vs PDF/UA) | build CPU s | bare CPU s | CPU ratio | s/page | peak MB | MB/page | bare peak MB |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    per_page = {}
    for size, runs in _by_size(records).items():
        pages = runs[0]["pages"]
        ours = _median(r["ours"]["wall"] for r in runs)
        bare = _median(r["bare"]["wall"] for r in runs)
        same = _median(r["bare_ua"]["wall"] for r in runs)
        cpu, bare_cpu = _median(r["ours"].get("cpu") for r in runs), _median(r["bare"].get("cpu") for r in runs)
        peak = max(r["ours"]["peak_bytes"] for r in runs) / MB
        bare_peak = max(r["bare_ua"]["peak_bytes"] for r in runs) / MB
        per_page[size] = (ours / pages, bare / pages)
        rows.append(f"| {size} | {pages} | {len(runs)} | {ours:.1f} | {bare:.1f} | {same:.1f} | {ours / bare:.2f} | "
                    f"{ours / same:.2f} | {cpu:.1f} | {bare_cpu:.1f} | {cpu / bare_cpu:.2f} | {ours / pages:.3f} | {peak:.0f} | "
                    f"{peak / pages:.2f} | {bare_peak:.0f} |")
    rows += ["", "Stages of `book build --pdf` (median seconds):", "",
             "| articles | " + " | ".join(PDF_STAGES) + " |", "|---:|" + "---:|" * len(PDF_STAGES)]
    for size, runs in _by_size(records).items():
        rows.append(f"| {size} | " + " | ".join(f"{_median(r['ours']['stages'].get(s) for r in runs):.2f}" for s in PDF_STAGES) + " |")
    if 250 in per_page and 1000 in per_page:
        ours, bare = per_page[1000][0] / per_page[250][0], per_page[1000][1] / per_page[250][1]
        rows += ["", f"Time per page at 1,000 articles ÷ at 250: **{ours:.2f}** for `book build --pdf`, {bare:.2f} for bare WeasyPrint."]
    return rows


def epub_table(records: list[dict]) -> list[str]:
    rows = ["| articles | runs | `book build --epub` s | of which EPUB stage s | pandoc s | ratio | peak MB | pandoc peak MB |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for size, runs in _by_size(records).items():
        ours = _median(r["ours"]["wall"] for r in runs)
        stage = _median(r["ours"]["stages"].get("EPUB") for r in runs)
        pandoc = _median(r["pandoc"]["wall"] for r in runs)
        rows.append(f"| {size} | {len(runs)} | {ours:.2f} | {stage:.2f} | {pandoc:.2f} | {ours / pandoc:.2f} | "
                    f"{max(r['ours']['peak_bytes'] for r in runs) / MB:.0f} | {max(r['pandoc']['peak_bytes'] for r in runs) / MB:.0f} |")
    return rows


def prelayout_table(records: list[dict]) -> list[str]:
    stages = STAGES[:4]
    rows = ["| articles | runs | " + " | ".join(f"cold {s}" for s in stages) + " | cold total | one added: " +
            " | ".join(stages) + " | one added total | ratio | peak MB |",
            "|---:|---:|" + "---:|" * (2 * len(stages) + 4)]
    for size, runs in _by_size(records).items():
        cold = [_median(r["cold"]["stages"].get(s) for r in runs) for s in stages]
        warm = [_median(r["one_added"]["stages"].get(s) for r in runs) for s in stages]
        cold_total = _median(sum(r["cold"]["stages"].get(s, 0) for s in stages) for r in runs)
        warm_total = _median(sum(r["one_added"]["stages"].get(s, 0) for s in stages) for r in runs)
        rows.append(f"| {size} | {len(runs)} | " + " | ".join(f"{v:.2f}" for v in cold) + f" | {cold_total:.2f} | " +
                    " | ".join(f"{v:.2f}" for v in warm) + f" | {warm_total:.2f} | {warm_total / cold_total:.0%} | "
                    f"{max(r['cold']['peak_bytes'] for r in runs) / MB:.0f} |")
    return rows


def link_table(records: list[dict]) -> list[str]:
    rows = ["| glossary entries | passages | link stage s (median of 5) | µs per passage |", "|---:|---:|---:|---:|"]
    per = {}
    for record in sorted(records, key=lambda r: r["terms"]):
        result = record["result"]
        per[record["terms"]] = result["link_seconds"] / result["passages"]
        rows.append(f"| {result['terms']} | {result['passages']} | {result['link_seconds']:.3f} | {per[record['terms']] * 1e6:.0f} |")
    if 50 in per and 1000 in per:
        rows += ["", f"1,000 entries ÷ 50 entries, per passage: **{per[1000] / per[50]:.2f}**."]
    return rows


def tagging_table(records: list[dict]) -> list[str]:
    rows = ["| articles | pages | PDF write, untagged s | PDF write, PDF/UA tagged s | tagged ÷ untagged |", "|---:|---:|---:|---:|---:|"]
    for size, runs in _by_size(records).items():
        result = runs[-1]["result"]
        rows.append(f"| {size} | {result['pages']} | {result['untagged_write']:.2f} | {result['tagged_write']:.2f} | "
                    f"{result['tagged_write'] / result['untagged_write']:.2f} |")
    return rows


PDF_PARTS = ("render HTML", "PDF layout", "PDF write", "PDF tags", "PDF join")


def incremental_table(records: list[dict]) -> list[str]:
    """Cold build (all formats) against bare WeasyPrint, and the builds after adding one source and editing an introduction."""
    rows = ["| shape | articles | pages | runs | cold `book build` s (CPU s) | of which PDF stages s | bare weasyprint s (CPU s) "
            "| bare, PDF/UA s (CPU s) | PDF stages ÷ bare | PDF stages ÷ bare PDF/UA | build CPU ÷ bare PDF/UA CPU "
            "| one source added s (CPU s) | ÷ cold (CPU) | introduction edited s (CPU s) | ÷ cold (CPU) "
            "| pages laid out: cold / added / edited | s/page (PDF stages) | peak MB | MB/page |",
            "|---|" + "---:|" * 18]
    groups: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for record in records:
        groups[record.get("shape", "chapters"), record["articles"]].append(record)
    per_page = {}
    for (shape, size), runs in sorted(groups.items()):
        pages = runs[0]["pages"]

        def wall(name):
            return _median(r[name]["wall"] for r in runs)

        def cpu(name):
            return _median(r[name]["cpu"] for r in runs)

        def laid(name):
            return _median(r[name]["counts"].get("PDF layout", 0) for r in runs)

        pdf = _median(sum(r["cold"]["stages"].get(stage, 0) for stage in PDF_PARTS) for r in runs)
        peak = max(r["cold"]["peak_bytes"] for r in runs) / MB
        per_page[shape, size] = pdf / pages
        rows.append(f"| {shape} | {size} | {pages} | {len(runs)} | {wall('cold'):.1f} ({cpu('cold'):.1f}) | {pdf:.1f} | "
                    f"{wall('bare'):.1f} ({cpu('bare'):.1f}) | {wall('bare_ua'):.1f} ({cpu('bare_ua'):.1f}) | "
                    f"{pdf / wall('bare'):.2f} | {pdf / wall('bare_ua'):.2f} | {cpu('cold') / cpu('bare_ua'):.2f} | "
                    f"{wall('one_added'):.1f} ({cpu('one_added'):.1f}) | {wall('one_added') / wall('cold'):.0%} "
                    f"({cpu('one_added') / cpu('cold'):.0%}) | {wall('intro_edited'):.1f} ({cpu('intro_edited'):.1f}) | "
                    f"{wall('intro_edited') / wall('cold'):.0%} ({cpu('intro_edited') / cpu('cold'):.0%}) | "
                    f"{laid('cold'):.0f} / {laid('one_added'):.0f} / {laid('intro_edited'):.0f} | {pdf / pages:.3f} | "
                    f"{peak:.0f} | {peak / pages:.2f} |")
    for shape in sorted({shape for shape, _ in per_page}):
        if (shape, 250) in per_page and (shape, 1000) in per_page:
            rows += ["", f"Time per page ({shape}), 1,000 articles ÷ 250: **{per_page[shape, 1000] / per_page[shape, 250]:.2f}**."]
    return rows


def tables(path: Path) -> str:
    kinds = _records(path)
    out: list[str] = []
    for title, kind, table in (("PDF", "pdf", pdf_table), ("EPUB", "epub", epub_table),
                               ("Stages before layout, cold and after adding one source", "prelayout", prelayout_table),
                               ("Glossary linking", "link", link_table),
                               ("Reusing laid-out parts: cold, one source added, one introduction edited (all formats)",
                                "incremental", incremental_table),
                               ("What PDF/UA tagging costs (the same laid-out pages written both ways, median of 3)", "tagging", tagging_table)):
        if kinds.get(kind):
            out += [f"### {title}", "", *table(kinds[kind]), ""]
    return "\n".join(out)
