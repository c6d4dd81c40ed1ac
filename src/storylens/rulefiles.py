"""Rule data files (figures.yaml, statements.yaml): each is checked against its JSON schema when loaded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from .errors import SettingsError

__all__ = ["check_rule_file", "read_rule_file"]


def read_rule_file(path: Path, what: str) -> Any:
    """The YAML data of a rule file; SettingsError naming `what` it holds when it cannot be read or parsed."""
    import yaml

    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise SettingsError(f"Cannot read the {what} {path}: {exc.strerror}. Check the path.") from exc
    except yaml.YAMLError as exc:
        raise SettingsError(f"The {what} {path} are not valid YAML: {exc}") from exc


def check_rule_file(data: Any, schema_path: Path, name: str) -> None:
    """Raise SettingsError naming the file and the place in it where `data` breaks its schema."""
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "top level"
        raise SettingsError(f"{name} is not valid at {where}: {exc.message}") from exc
