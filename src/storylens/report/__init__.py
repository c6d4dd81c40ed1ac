"""Reports: dossier.json, one Markdown file per story, and a standalone HTML page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .jsonout import dossier_to_dict, story_to_dict

__all__ = ["dossier_to_dict", "story_to_dict", "write_reports"]


def write_reports(dossier: dict[str, Any], out_dir: Path) -> list[Path]:
    """Write dossier.json, index.html and <story-id>.md into out_dir; returns the paths written."""
    from .html import render_html
    from .markdown import render_story_markdown

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    path = out_dir / "dossier.json"
    path.write_text(json.dumps(dossier, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    written.append(path)
    path = out_dir / "index.html"
    path.write_text(render_html(dossier), encoding="utf-8")
    written.append(path)
    for story in dossier["stories"]:
        path = out_dir / f"{story['id']}.md"
        path.write_text(render_story_markdown(dossier, story), encoding="utf-8")
        written.append(path)
    return written
