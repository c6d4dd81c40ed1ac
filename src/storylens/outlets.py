"""A user's directory of news outlets (domain, name, country, owner, tags), matched to articles.

The directory is data the user supplies, as CSV (header `domain,name,country,owner,tags`, tags
separated by ';' or '|') or YAML (a list of mappings with the same keys, tags as a list).
storylens ships no directory and no ratings of its own.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from .errors import SettingsError

__all__ = ["Outlet", "OutletDirectory", "load_outlets", "normalise_domain", "parse_outlets"]

COLUMNS = ("domain", "name", "country", "owner", "tags")
_REQUIRED = ("domain", "name")
_TAG_SEPARATORS = re.compile(r"[;|]")
_DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
_SUFFIXES = {".csv": "csv", ".yaml": "yaml", ".yml": "yaml"}


@dataclass(frozen=True)
class Outlet:
    """One outlet of the user's directory."""

    domain: str
    name: str
    country: str | None = None
    owner: str | None = None
    tags: tuple[str, ...] = ()


def normalise_domain(value: str) -> str:
    """A bare lower-case host: scheme, 'www.', port, path and trailing dot removed."""
    value = value.strip().lower()
    if "//" in value:
        value = urlsplit(value).hostname or ""
    else:
        value = value.split("/", 1)[0].split(":", 1)[0]
    value = value.rstrip(".")
    return value.removeprefix("www.")


class OutletDirectory:
    """Outlets looked up by the domain of an article's URL or by its source name."""

    def __init__(self, outlets: Iterable[Outlet]) -> None:
        self.outlets: tuple[Outlet, ...] = tuple(outlets)
        self._by_domain = {outlet.domain: outlet for outlet in self.outlets}
        self._by_label: dict[str, Outlet] = {}
        for outlet in self.outlets:
            # Names win over domains when one outlet's name is another's domain: names are what bylines carry.
            self._by_label.setdefault(outlet.domain, outlet)
        for outlet in self.outlets:
            self._by_label[_fold(outlet.name)] = outlet

    def __len__(self) -> int:
        return len(self.outlets)

    def lookup(self, source: str, url: str | None = None) -> Outlet | None:
        """The outlet whose domain (or a parent domain) hosts `url`, else the one named or addressed as `source`."""
        if url:
            outlet = self._by_host(normalise_domain(url if "//" in url else f"//{url}"))
            if outlet is not None:
                return outlet
        if not source or not source.strip():
            return None
        outlet = self._by_label.get(_fold(source))
        if outlet is None and _DOMAIN.match(normalise_domain(source)):
            outlet = self._by_host(normalise_domain(source))  # a source written as a host name
        return outlet

    def _by_host(self, host: str) -> Outlet | None:
        """The outlet of a host or of its nearest listed parent domain."""
        labels = host.split(".")
        for start in range(len(labels) - 1):  # news.example.co.uk, example.co.uk, co.uk
            outlet = self._by_domain.get(".".join(labels[start:]))
            if outlet is not None:
                return outlet
        return None


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def load_outlets(path: Path) -> OutletDirectory:
    """Read an outlet directory from a .csv, .yaml or .yml file; SettingsError says which line is wrong."""
    kind = _SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise SettingsError(f"outlet file {path}: unknown file type '{path.suffix}'; use .csv, .yaml or .yml")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise SettingsError(f"outlet file {path} not found; check the path") from exc
    except UnicodeDecodeError as exc:
        raise SettingsError(f"outlet file {path} is not UTF-8 text (byte {exc.start}); save it as UTF-8") from exc
    except OSError as exc:
        raise SettingsError(f"outlet file {path} cannot be read: {exc.strerror or exc}") from exc
    return parse_outlets(text, kind, str(path))


def parse_outlets(text: str, kind: str, name: str = "outlet file") -> OutletDirectory:
    """An OutletDirectory from CSV or YAML text (`kind` "csv" or "yaml"); `name` is used in error messages."""
    rows = _csv_rows(text, name) if kind == "csv" else _yaml_rows(text, name)
    outlets: list[Outlet] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        outlet = _make_outlet(row, f"{name}, line {line}", tags_as_text=kind == "csv")
        if outlet.domain in seen:
            raise SettingsError(
                f"{name}, line {line}: domain '{outlet.domain}' is already listed on line {seen[outlet.domain]}"
            )
        seen[outlet.domain] = line
        outlets.append(outlet)
    return OutletDirectory(outlets)


def _csv_rows(text: str, name: str) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text), skipinitialspace=True)
    header = [column.strip().lower() for column in reader.fieldnames or []]
    if not header:
        raise SettingsError(f"{name}: empty file; expected a header line '{','.join(COLUMNS)}'")
    _check_columns(header, f"{name}, line 1")
    rows: list[tuple[int, dict[str, Any]]] = []
    try:
        for raw in reader:
            if None in raw:
                raise SettingsError(
                    f"{name}, line {reader.line_num}: more values than the {len(header)} columns of the header; "
                    "quote values that contain commas"
                )
            values = list(raw.values())
            if all(value is None or not value.strip() for value in values):
                continue  # a blank line
            rows.append((reader.line_num, dict(zip(header, values))))
    except csv.Error as exc:
        raise SettingsError(f"{name}, line {reader.line_num}: malformed CSV: {exc}") from exc
    return rows


def _yaml_rows(text: str, name: str) -> list[tuple[int, dict[str, Any]]]:
    try:
        data = yaml.safe_load(text)
        tree = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or exc
        raise SettingsError(f"{name}{where}: malformed YAML: {problem}") from exc
    if isinstance(data, Mapping) and isinstance(data.get("outlets"), list) and isinstance(tree, yaml.MappingNode):
        data = data["outlets"]
        tree = next(value for key, value in tree.value if key.value == "outlets")
    if data is None:
        return []
    if not isinstance(data, list) or not isinstance(tree, yaml.SequenceNode):
        raise SettingsError(f"{name}: expected a list of outlets (mappings with keys {', '.join(COLUMNS)})")
    rows: list[tuple[int, dict[str, Any]]] = []
    for item, node in zip(data, tree.value):
        line = node.start_mark.line + 1
        if not isinstance(item, Mapping):
            raise SettingsError(f"{name}, line {line}: expected a mapping with keys {', '.join(COLUMNS)}")
        keys = [str(key).strip().lower() for key in item]
        _check_columns(keys, f"{name}, line {line}")
        rows.append((line, {str(key).strip().lower(): value for key, value in item.items()}))
    return rows


def _check_columns(columns: list[str], where: str) -> None:
    unknown = [column for column in columns if column not in COLUMNS]
    if unknown:
        raise SettingsError(f"{where}: unknown column(s) {', '.join(unknown)}; known: {', '.join(COLUMNS)}")


def _make_outlet(row: Mapping[str, Any], where: str, tags_as_text: bool) -> Outlet:
    for key in _REQUIRED:
        if key not in row:
            raise SettingsError(f"{where}: no '{key}'; every outlet needs {' and '.join(_REQUIRED)}")
    domain = normalise_domain(_text(row["domain"], "domain", where) or "")
    if not _DOMAIN.match(domain):
        raise SettingsError(f"{where}: '{row['domain']}' is not a domain name such as example.com")
    name = _text(row["name"], "name", where)
    if not name:
        raise SettingsError(f"{where}: the outlet of {domain} has an empty name")
    return Outlet(
        domain=domain,
        name=name,
        country=_text(row.get("country"), "country", where),
        owner=_text(row.get("owner"), "owner", where),
        tags=_tags(row.get("tags"), where, tags_as_text),
    )


def _text(value: Any, key: str, where: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, dict)):
        raise SettingsError(f"{where}: '{key}' must be text, not a {'list' if isinstance(value, list) else 'mapping'}")
    text = " ".join(str(value).split())
    return text or None


def _tags(value: Any, where: str, as_text: bool) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        parts = _TAG_SEPARATORS.split(value)
    elif isinstance(value, list) and not as_text:
        if any(isinstance(part, (list, dict)) for part in value):
            raise SettingsError(f"{where}: 'tags' must be a list of words")
        parts = [str(part) for part in value if part is not None]
    else:
        raise SettingsError(f"{where}: 'tags' must be a list or text separated by ';' or '|'")
    tags = (" ".join(part.split()) for part in parts)
    return tuple(dict.fromkeys(tag for tag in tags if tag))
