"""Reports: dossier.json, one Markdown file per story, and a standalone HTML page."""

from __future__ import annotations

import errno
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from ..errors import ReportWriteError
from .jsonout import dossier_to_dict, story_to_dict

__all__ = ["dossier_to_dict", "story_to_dict", "write_reports"]


def write_reports(dossier: dict[str, Any], out_dir: Path) -> list[Path]:
    """Write dossier.json, index.html and <story-id>.md into out_dir; returns the paths written.

    Each file is written whole to a temporary file beside it, then renamed over the old one: a
    failure (a full disk, a killed run) leaves the previous report as it was. A failure to write
    raises ReportWriteError saying what to do.
    """
    from .html import render_html
    from .markdown import render_story_markdown

    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise report_write_error(out_dir, error) from error
    written = []
    written.append(write_atomically(out_dir / "dossier.json", json.dumps(dossier, ensure_ascii=False, indent=2) + "\n"))
    written.append(write_atomically(out_dir / "index.html", render_html(dossier)))
    for story in dossier["stories"]:
        written.append(write_atomically(out_dir / f"{story['id']}.md", render_story_markdown(dossier, story)))
    return written


def write_atomically(path: Path, text: str) -> Path:
    """Replace `path` with `text` in one step (temporary file, flushed to disk, then renamed)."""
    temporary = None
    try:
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".tmp", delete=False) as handle:
            temporary = Path(handle.name)
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o666 & ~_umask())  # as a file opened for writing would be, not 0600
        os.replace(temporary, path)
    except OSError as error:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise report_write_error(path, error) from error
    return path


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def report_write_error(path: Path, error: OSError) -> ReportWriteError:
    """A ReportWriteError for a failed write, with what to check next."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        advice = "the disk (or quota) is full: free some space or choose another --out folder"
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        advice = "the folder is not writable: check its permissions or choose another --out folder"
    else:
        advice = "check the --out folder"
    return ReportWriteError(f"Cannot write the report {path}: {error.strerror or error}; {advice}. "
                            "The previous report files are unchanged; the store holds the results, so "
                            "running the same command again writes the reports without redoing the analysis.")
