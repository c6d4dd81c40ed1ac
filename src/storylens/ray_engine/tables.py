"""Parquet tables of a dossier beside dossier.json: articles, stories, claims and conflicts.

Large runs are easier to query as tables (DuckDB, pandas, Spark) than as one JSON file.
Nested values (lists, objects) are kept as JSON text in their column.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TABLES = ("articles", "stories", "claims", "conflicts")


def table_rows(dossier: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The dossier as flat rows per table; claims and conflicts carry their story's id."""
    stories, claims, conflicts = [], [], []
    for story in dossier["stories"]:
        stories.append({k: v for k, v in story.items() if k not in ("claims", "conflicts")})
        claims += [{"story_id": story["id"], **claim} for claim in story["claims"]]
        conflicts += [{"story_id": story["id"], "number": n, **c} for n, c in enumerate(story["conflicts"], start=1)]
    articles = [{k: v for k, v in a.items() if k != "text"} for a in dossier["articles"]]
    return {"articles": articles, "stories": stories, "claims": claims, "conflicts": conflicts}


def write_tables(dossier: dict[str, Any], folder: Path) -> list[Path]:
    """Write tables/<name>.parquet under `folder`; returns the files written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = folder / "tables"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in table_rows(dossier).items():
        path = out / f"{name}.parquet"
        pq.write_table(pa.Table.from_pylist([_flat(row) for row in rows]) if rows else pa.table({}), path)
        written.append(path)
    return written


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    return {k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v for k, v in row.items()}

