"""Numeric conflicts and contradictions on real news: the ECB+ conflict gold, scored by its own scorer.

Usage: python bench/conflicts_real.py [--out DIR] [--only 8_ecbplus,20_ecb] [--set NAME=VALUE ...]

For every subtopic of ../shared/bench/ecb_conflicts_dev.json this writes the scorer's input
(DIR/<subtopic>/articles.jsonl: id, url, source, title, text, with the corpus's spacing
artefacts rejoined as the gold's README says), runs the same pipeline as `storylens analyze`
on it in a fresh in-memory store (models loaded once), writes DIR/<subtopic>/dossier.json and
prints the figures of ../shared/bench/conflicts_score.py (imported, never copied).

The scorer finds evolution pairs only among numeric conflicts, while storylens reports a
figure that changes between reports as an update (a history, `updates` in dossier.json), not
a conflict. So the bench prints a second line of figures in which each story's histories are
scored as numeric entries too: how many gold evolution pairs storylens recognises as updates.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import tempfile
import time
from pathlib import Path

from storylens.pipeline import Models, analyze_to_dict
from storylens.settings import Settings

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "bench"
GOLD = SHARED / "ecb_conflicts_dev.json"
CORPUS = SHARED / "ecbplus.jsonl"
SCORER = SHARED / "conflicts_score.py"

# The corpus is tokenised ("4. 6", "2: 09", "170, 000", "a. m."); these substitutions, in this
# order, rejoin it (the table in README-conflicts.md). They belong to the loader, not to storylens.
REJOIN = (
    (re.compile(r"(?<=\d)\. (?=\d)"), "."),
    (re.compile(r"(?<=\d): (?=\d\d)"), ":"),
    (re.compile(r"(?<=\d), (?=\d{3}\b)"), ","),
    (re.compile(r"\b([ap])\. m\."), r"\1.m."),
    (re.compile(r"\bU\. S\."), "U.S."),
    (re.compile(r"\bU\. N\."), "U.N."),
)


def rejoin(text: str) -> str:
    for pattern, replacement in REJOIN:
        text = pattern.sub(replacement, text)
    return text


def load_scorer():
    spec = importlib.util.spec_from_file_location("conflicts_score", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def write_inputs(gold: dict, out: Path, only: set[str] | None) -> list[Path]:
    """DIR/<subtopic>/articles.jsonl for every subtopic, in corpus order."""
    rows = [json.loads(line) for line in CORPUS.open(encoding="utf-8") if line.strip()]
    folders = []
    for sub in gold["subtopics"]:
        if only and sub["id"] not in only:
            continue
        folder = out / sub["id"]
        write_subtopic(rows, sub["id"], folder)
        folders.append(folder)
    return folders


def write_subtopic(rows: list[dict], subtopic: str, folder: Path) -> Path:
    """FOLDER/articles.jsonl: the subtopic's articles (id, url, source, title, text), spacing rejoined."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "articles.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            if row["gold"] != subtopic:
                continue
            record = {"id": row["id"]}
            for key in ("url", "source", "title", "text"):
                if row.get(key):
                    record[key] = rejoin(row[key]) if key in ("title", "text") else row[key]
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def score_updates(scorer, gold: dict, out: Path, only: set[str] | None) -> dict:
    """Gold evolution pairs found among the stories' figure histories, scored like numeric conflicts."""
    found = pairs = strict = histories = 0
    for sub in gold["subtopics"]:
        if only and sub["id"] not in only:
            continue
        dossier = json.loads((out / sub["id"] / "dossier.json").read_text(encoding="utf-8"))
        for story in dossier["stories"]:
            story["conflicts"] = [
                {"kind": "numeric", "summary": u["measure"], "measure": u["measure"], "sides": [
                    {k: p.get(k) for k in ("article_id", "text", "value", "unit", "source", "speaker", "qualifier")}
                    for p in u["points"]]}
                for u in story.get("updates") or []]
            histories += len(story["conflicts"])
        result = scorer.score_subtopic(sub, dossier)
        evolution = [d for d in result["discrepancies"] if d["type"] == "evolution"]
        pairs += len(evolution)
        found += sum(d["found"] for d in evolution)
        strict += sum(bool(c["strict"]) for c in result["numeric"])
    return {"found": found, "pairs": pairs, "strict": strict, "histories": histories}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="folder for inputs, dossiers and scores")
    parser.add_argument("--only", default=None, help="comma-separated subtopic ids")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="change a setting")
    parser.add_argument("--quiet", action="store_true", help="print the totals only, not every conflict")
    args = parser.parse_args()
    if not GOLD.is_file() or not SCORER.is_file():
        sys.exit(f"the conflict gold is not at {SHARED}: it lives in ../shared/bench beside the repository")
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    only = set(args.only.split(",")) if args.only else None
    out = args.out or Path(tempfile.mkdtemp(prefix="conflicts-real-"))
    changes = {}
    for item in args.set:
        name, _, value = item.partition("=")
        kind = type(getattr(Settings(), name))
        changes[name] = value if kind is str else (value.lower() in ("1", "true", "yes")) if kind is bool \
            else kind(value) if kind in (int, float) else Path(value)
    settings = Settings().with_changes(**changes)
    started = time.perf_counter()
    models = Models.load(settings)
    for folder in write_inputs(gold, out, only):
        dossier = analyze_to_dict([str(folder / "articles.jsonl")], settings, models)
        (folder / "dossier.json").write_text(json.dumps(dossier, ensure_ascii=False, indent=1), encoding="utf-8")
    elapsed = time.perf_counter() - started
    scorer = load_scorer()
    results = scorer.score_all(str(out), gold, only)
    text = scorer.report(results)
    (out / "report.txt").write_text(text + "\n", encoding="utf-8")
    summary = scorer.summary(scorer.totals(results))
    (out / "results.json").write_text(json.dumps({"summary": summary, "subtopics": results}, indent=1,
                                                 ensure_ascii=False), encoding="utf-8")
    if args.quiet:
        print(text[text.index("TOTALS"):].split("\n\n")[0])
    else:
        print(text)
    with_updates = score_updates(scorer, gold, out, only)
    print(f"\nfigure histories (updates) in the dossiers: {with_updates['histories']}; scored as numeric entries: "
          f"evolution pairs recognised {with_updates['found']}/{with_updates['pairs']}, "
          f"histories holding a gold pair {with_updates['strict']}/{with_updates['histories']}")
    print(f"\n{len(results)} subtopics in {elapsed:.0f} s; dossiers, report.txt and results.json in {out}")


if __name__ == "__main__":
    main()
