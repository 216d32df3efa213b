"""Saved pages: `book add`'s reading against bare trafilatura, on the real pages of tests/pages/ (manifest.json).

Body: precision, recall and F1 of the words (bags of lower-cased words) against the reference body, on the
pages whose reference is the whole body; the opening's recall on the pages whose reference is only its start.
Metadata: title, outlet, date and authors right, per field, on the pages annotated for it.
Furniture: pages whose kept text still has a line of page furniture (a check independent of book/ingest).
Refusals: pages where no article is found.

Usage: .venv/bin/python bench/extraction.py [--json bench/extraction-results.json] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

import trafilatura

from book.errors import IngestError
from book.ingest import html
from book.ingest.markdown_text import body_markdown, plain_text
from book.ingest.sources import read_file

PAGES = Path(__file__).resolve().parents[1] / "tests" / "pages"
# Lines no reader counts as the article: prompts, share and comment counters, credits of images, copyright.
FURNITURE = re.compile(
    r"^(?:read more|read also|related(?: articles| stories)?|recommended|more from|more on|see also|also read|"
    r"sign up|subscribe|follow (?:us|@|\w+ on)|share (?:this|on)|click here|advertisement|copyright|©|"
    r"all rights reserved|order reprints|print article|e-?mail (?:this|us)|\d+ comments?|comments?$|"
    r"photo:|image:|lesen sie auch|lire aussi|читайте также|lee también)\b|\bgetty images$|"
    r"^[\w.+-]+@[\w-]+\.[\w.]+$|newsletter", re.I)


def words(text: str) -> Counter:
    return Counter(re.findall(r"\w+", text.casefold()))


def key(text: str | None) -> str:
    return re.sub(r"[\W_]+", "", (text or "").casefold())


def scores(found: str, reference: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of the words of `found` against `reference`."""
    got, want = words(found), words(reference)
    common = sum((got & want).values())
    precision = common / sum(got.values()) if got else 0.0
    recall = common / sum(want.values()) if want else 0.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def split_names(author: str | None) -> list[str]:
    return [name for name in re.split(r"\s*(?:;|,|\band\b)\s*", author or "") if name.strip()]


def ours(path: Path) -> dict | None:
    """book add's reading of the page (no project: no known outlets)."""
    try:
        record, = html.parse_page(read_file(path, path.name, []))
    except IngestError:
        return None
    lines = [line for block in record.blocks for line in (block.items or tuple(block.text.split("\n")))]
    return {"title": record.title, "outlet": record.outlet, "date": record.date.isoformat() if record.date else None,
            "authors": split_names(record.author), "body": plain_text(body_markdown(record.blocks)), "lines": lines}


def bare(path: Path) -> dict | None:
    """trafilatura as it comes, on the same page."""
    document = trafilatura.bare_extraction(path.read_text(encoding="utf-8"), with_metadata=True)
    if document is None or not document.text:
        return None
    return {"title": document.title, "outlet": document.sitename, "date": document.date,
            "authors": split_names((document.author or "").replace(";", ",")), "body": document.text,
            "lines": document.text.split("\n")}


def judge(found: dict | None, page: dict, reference: str) -> dict:
    """What one extractor got right on one page."""
    if found is None:
        return {"refused": True}
    result: dict = {"refused": False}
    if page["body_is_opening_only"]:
        result["opening_recall"] = scores(found["body"], reference)[1]
    else:
        result["precision"], result["recall"], result["f1"] = scores(found["body"], reference)
    if page["title"] is not None:
        result["title"] = key(found["title"]) in {key(title) for title in page["title"]}
    result["outlet"] = (key(found["outlet"]) in {key(name) for name in page["outlet"]} if page["outlet"] is not None
                        else not found["outlet"])  # null: nothing on the page names the outlet
    if "date" in page:
        result["date"] = (found["date"] or None) == page["date"]
    if "authors" in page:
        result["authors"] = {key(name) for name in found["authors"]} == {key(name) for name in page["authors"]}
    result["furniture"] = [line for line in found["lines"] if FURNITURE.search(line.strip())][:3]
    result["got"] = {field: found[field] for field in ("title", "outlet", "date", "authors")}
    return result


def summary(results: list[dict]) -> dict:
    kept = [r for r in results if not r["refused"]]

    def mean(field):
        values = [r[field] for r in kept if field in r]
        return round(sum(values) / len(values), 4) if values else None

    def rate(field):
        values = [r[field] for r in kept if field in r]
        annotated = sum(1 for r in results if field in r or r["refused"])
        return {"right": sum(values), "of": annotated, "share": round(sum(values) / annotated, 4) if annotated else None}

    return {"refused": len(results) - len(kept), "precision": mean("precision"), "recall": mean("recall"),
            "f1": mean("f1"), "opening_recall": mean("opening_recall"),
            **{field: rate(field) for field in ("title", "outlet", "date", "authors")},
            "furniture_pages": sum(bool(r["furniture"]) for r in kept), "pages": len(results)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write every page's results here")
    parser.add_argument("--verbose", action="store_true", help="print each page's misses")
    args = parser.parse_args()
    manifest = json.loads((PAGES / "manifest.json").read_text(encoding="utf-8"))
    rows = {"book add": [], "bare trafilatura": []}
    per_page = []
    for page in manifest["pages"]:
        path = PAGES / page["page"]
        reference = (PAGES / page["body"]).read_text(encoding="utf-8")
        mine, theirs = judge(ours(path), page, reference), judge(bare(path), page, reference)
        rows["book add"].append(mine)
        rows["bare trafilatura"].append(theirs)
        per_page.append({"page": page["page"], "book add": mine, "bare trafilatura": theirs})
        if args.verbose:
            misses = [f for f in ("title", "outlet", "date", "authors") if mine.get(f) is False]
            if mine["refused"] or misses or mine.get("furniture"):
                print(f"{page['page']}: refused" if mine["refused"] else
                      f"{page['page']}: wrong {misses} got {mine['got']} furniture {mine['furniture']}")
    outlets = {key(page["outlet"][0]) for page in manifest["pages"] if page["outlet"]}
    print(f"{len(manifest['pages'])} pages, {len(outlets)} outlets")
    totals = {name: summary(results) for name, results in rows.items()}
    for name, total in totals.items():
        fields = ", ".join(f"{f} {total[f]['right']}/{total[f]['of']}" for f in ("title", "outlet", "date", "authors"))
        print(f"{name:17} refused {total['refused']}; body P {total['precision']} R {total['recall']} F1 {total['f1']} "
              f"(opening recall {total['opening_recall']}); {fields}; furniture left on {total['furniture_pages']} pages")
    if args.json:
        args.json.write_text(json.dumps({"totals": totals, "pages": per_page}, ensure_ascii=False, indent=1, default=str),
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
