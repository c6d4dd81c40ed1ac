"""Rule data files (figures.yaml, statements.yaml): each is checked against its JSON schema when loaded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from .errors import SettingsError

__all__ = ["check_rule_file"]


def check_rule_file(data: Any, schema_path: Path, name: str) -> None:
    """Raise SettingsError naming the file and the place in it where `data` breaks its schema."""
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "top level"
        raise SettingsError(f"{name} is not valid at {where}: {exc.message}") from exc
