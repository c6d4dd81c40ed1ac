"""Conflicts on the ECB+ events outside the conflict gold, printed for reading by hand.

Usage: python -m bench.conflicts_heldout [--out DIR] [--only 19_ecbplus,31_ecb] [--kind numeric|contradiction]

The development set (../shared/bench/ecb_conflicts_dev.json) covers 14 subtopics. Rules tuned
on it must also hold on events nobody read while writing them, so this bench runs the same
pipeline as `storylens analyze` on every other ECB+ subtopic (one dossier each, inputs with
the corpus's spacing rejoined as in bench.conflicts_real) and prints every conflict it
reports with its sides, for a reader to accept or reject. It has no gold: the figures in the
closing notes are those readings. DIR/conflicts.txt keeps the listing.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from bench.conflicts_real import CORPUS, GOLD, write_subtopic
from storylens.pipeline import Models, analyze_to_dict
from storylens.settings import Settings


def heldout_subtopics(rows: list[dict], only: set[str] | None) -> list[str]:
    """Every ECB+ subtopic outside the development set, in a stable order."""
    dev = {s["id"] for s in json.loads(GOLD.read_text(encoding="utf-8"))["subtopics"]}
    found = sorted({r["gold"] for r in rows} - dev, key=lambda s: (int(s.split("_")[0]), s))
    return [s for s in found if not only or s in only]


def listing(subtopic: str, dossier: dict, kind: str | None) -> list[str]:
    lines = []
    for story in dossier["stories"]:
        for conflict in story["conflicts"]:
            if kind and (conflict["kind"] == "numeric") != (kind == "numeric"):
                continue
            lines.append(f"=== {subtopic} [{conflict['kind']}] {conflict['summary']}")
            for side in conflict["sides"]:
                voice = "; ".join(str(side.get(k)) for k in ("source", "speaker", "stance") if side.get(k))
                lines.append(f"   - <{voice}> {side['text']}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="folder for inputs, dossiers and the listing")
    parser.add_argument("--only", default=None, help="comma-separated subtopic ids")
    parser.add_argument("--kind", choices=("numeric", "contradiction"), default=None, help="list one kind only")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="conflicts-heldout-"))
    rows = [json.loads(line) for line in CORPUS.open(encoding="utf-8") if line.strip()]
    subtopics = heldout_subtopics(rows, set(args.only.split(",")) if args.only else None)
    settings = Settings()
    started = time.perf_counter()
    models = Models.load(settings)
    lines: list[str] = []
    counts = {"numeric": 0, "contradiction": 0}
    for subtopic in subtopics:
        path = write_subtopic(rows, subtopic, out / subtopic)
        dossier = analyze_to_dict([str(path)], settings, models)
        (out / subtopic / "dossier.json").write_text(json.dumps(dossier, ensure_ascii=False, indent=1), encoding="utf-8")
        for story in dossier["stories"]:
            for conflict in story["conflicts"]:
                counts["numeric" if conflict["kind"] == "numeric" else "contradiction"] += 1
        lines += listing(subtopic, dossier, args.kind)
    (out / "conflicts.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    print(f"\n{len(subtopics)} held-out subtopics in {time.perf_counter() - started:.0f} s: "
          f"{counts['numeric']} numeric conflicts, {counts['contradiction']} contradictions; listing in {out / 'conflicts.txt'}")


if __name__ == "__main__":
    main()
