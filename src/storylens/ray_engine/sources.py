"""Inputs for the Ray engine as chunks: one small file is one chunk, a large JSONL, CSV or Parquet file many.

A chunk is a plain dict (a Ray Data row) naming a file and a part of it: a byte range of
whole lines for JSONL, of whole records (read after the header row) for CSV, a range of
row groups for Parquet, the whole file otherwise. Chunks
are listed in the order the local engine reads its inputs, so (chunk, position) orders the
documents exactly as `read_inputs` would. Reading a chunk reuses the local readers.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import InputError, StorylensError
from ..ingest import is_documentation, read_path, suffix_of
from ..ingest.decode import check_size, decode_bytes
from ..ingest.structured import read_csv, read_jsonl, record_to_document
from ..records import RawDocument
from ..settings import Settings

# JSONL files larger than this are read as several chunks of whole lines.
CHUNK_BYTES = 8 << 20
MIN_CHUNK_BYTES = 128 << 10
PARQUET_SUFFIX = ".parquet"
GZIP_INNER = (".jsonl", ".ndjson", ".csv")


def spread_chunks(inputs: Sequence[str], tasks: int) -> list[dict[str, Any]]:
    """`list_chunks`, with chunks small enough that there are `tasks` of them when the inputs are
    few and small (a folder of small files, or one file of a few thousand articles), so that
    every CPU cleans some; never smaller than MIN_CHUNK_BYTES."""
    chunks = list_chunks(inputs)
    if len(chunks) >= tasks:
        return chunks
    total = sum(Path(path).stat().st_size for path in {c["path"] for c in chunks} if Path(path).is_file())
    smaller = max(MIN_CHUNK_BYTES, total // max(1, tasks))
    return list_chunks(inputs, smaller) if smaller < CHUNK_BYTES else chunks


def list_chunks(inputs: Sequence[str], chunk_bytes: int = CHUNK_BYTES) -> list[dict[str, Any]]:
    """Every chunk of every input, in the local engine's reading order."""
    chunks: list[dict[str, Any]] = []
    for item in inputs:
        if item == "-" or item.lower().startswith(("http://", "https://")):
            raise StorylensError(f"--engine ray reads files and folders, not {item!r}: "
                                 "save the pages first, or run without --engine")
        path = Path(item)
        files = [(child, str(child)) for child in _walk(path)] if path.is_dir() else [(path, item)]
        for file, name in files:
            chunks += _chunks_of(file, name, chunk_bytes)
    for number, chunk in enumerate(chunks):
        chunk["chunk"] = number
    return chunks


def _walk(folder: Path) -> Iterator[Path]:
    """Files under a folder as the local engine walks them: sorted, hidden and documentation files skipped."""
    for child in sorted(folder.iterdir(), key=lambda p: p.name):
        if child.name.startswith("."):
            continue
        if child.is_dir():
            yield from _walk(child)
        elif child.is_file() and not is_documentation(child.name):
            yield child


def _chunks_of(path: Path, name: str, chunk_bytes: int) -> list[dict[str, Any]]:
    whole = {"path": str(path), "name": name, "kind": "file", "start": 0, "stop": 0, "first_line": 1, "inner": ""}
    suffix = suffix_of(path.name)
    inner = suffix_of(path.name[:-3]) if suffix == ".gz" else None
    if inner in GZIP_INNER and path.is_file():
        return [{**whole, "kind": "gzip", "inner": inner}]
    if suffix == PARQUET_SUFFIX and path.is_file():
        import pyarrow.parquet as pq

        groups = pq.ParquetFile(path).metadata.num_row_groups
        return [{**whole, "kind": "parquet", "start": g, "stop": g + 1} for g in range(groups)]
    if not path.is_file() or path.stat().st_size <= chunk_bytes:
        return [whole]
    if suffix == ".csv":
        return _csv_chunks(path, whole, chunk_bytes)
    if suffix not in (".jsonl", ".ndjson"):
        return [whole]
    chunks = []
    start, line = 0, 1
    with path.open("rb") as stream:
        while True:
            stream.seek(start)
            body = stream.read(chunk_bytes)
            if not body:
                break
            rest = b"" if len(body) < chunk_bytes else stream.readline()  # end the chunk at a line break
            stop = start + len(body) + len(rest)
            chunks.append({**whole, "kind": "lines", "start": start, "stop": stop, "first_line": line})
            line += body.count(b"\n") + rest.count(b"\n")
            start = stop
    return chunks


def _csv_chunks(path: Path, whole: dict[str, Any], chunk_bytes: int) -> list[dict[str, Any]]:
    """A large UTF-8 CSV file as chunks of whole records, each read with the header row before it.

    A record ends at a line break outside double quotes (an even count of quotes so far).
    A file in another encoding, or whose dialect quotes otherwise, stays one chunk.
    """
    with path.open("rb") as stream:
        head = stream.read(8192)
    try:
        dialect = csv.Sniffer().sniff(head.decode("utf-8-sig", errors="ignore")[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or dialect.quotechar != '"' or not dialect.doublequote:
        return [whole]
    chunks: list[dict[str, Any]] = []
    header_stop = 0  # bytes of the header record
    quotes = offset = line = rows = 0
    start, start_line, start_row = 0, 0, 0
    with path.open("rb") as stream:
        for raw in stream:
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return [whole]
            quotes += raw.count(b'"')
            offset += len(raw)
            line += 1
            if quotes % 2:
                continue  # inside a quoted field: the record goes on
            if not header_stop:
                header_stop = start = offset
                start_line = line
                continue
            if raw.strip(b"\r\n"):
                rows += 1
            if offset - start >= chunk_bytes:
                chunks.append({**whole, "kind": "csv", "start": start, "stop": offset, "header": header_stop,
                               "first_line": start_line, "first_row": start_row})
                start, start_line, start_row = offset, line, rows
    if offset > start or not chunks:
        chunks.append({**whole, "kind": "csv", "start": start, "stop": offset, "header": header_stop,
                       "first_line": start_line, "first_row": start_row})
    return chunks if len(chunks) > 1 else [whole]


_LINE_NUMBER = re.compile(r"on line (\d+)")
_CSV_PLACE = re.compile(r"\b(rows?) (\d+) \(lines (\d+)-(\d+)\)")


def read_chunk(chunk: dict[str, Any], settings: Settings) -> Iterator[RawDocument]:
    """The documents of one chunk; bad input becomes documents with `error`, as in the local engine."""
    path, name = Path(chunk["path"]), chunk["name"]
    if chunk["kind"] == "file":
        yield from read_path(path, settings, name=name)
    elif chunk["kind"] == "gzip":
        yield from _read_gzip(path, name, chunk["inner"], settings)
    elif chunk["kind"] == "parquet":
        import pyarrow.parquet as pq

        parquet = pq.ParquetFile(path)
        first = sum(parquet.metadata.row_group(g).num_rows for g in range(chunk["start"]))
        for number, record in enumerate(parquet.read_row_groups([chunk["start"]]).to_pylist(), start=first + 1):
            yield record_to_document(record, f"{name}#{number}")
    elif chunk["kind"] == "csv":
        yield from _read_csv_chunk(path, name, chunk)
    else:
        with path.open("rb") as stream:
            stream.seek(chunk["start"])
            data = stream.read(chunk["stop"] - chunk["start"])
        yield from _numbered_jsonl(data, name, chunk["first_line"])


def _read_csv_chunk(path: Path, name: str, chunk: dict[str, Any]) -> Iterator[RawDocument]:
    """The records of some rows of a CSV file (read after its header row), numbered as in the whole file."""
    with path.open("rb") as stream:
        header = stream.read(chunk["header"])
        stream.seek(chunk["start"])
        data = stream.read(chunk["stop"] - chunk["start"])
    rows, lines = chunk["first_row"], chunk["first_line"] - header.count(b"\n")

    def renumber(match: re.Match) -> str:
        return f"{match[1]} {int(match[2]) + rows} (lines {int(match[3]) + lines}-{int(match[4]) + lines})"

    for document in read_csv(decode_bytes(header + data), name):
        if "#" not in document.input:  # the header row itself is at fault: said once, by the first chunk
            if not rows:
                yield document
            continue
        number = int(document.input.rsplit("#", 1)[1]) + rows
        error = document.error and _CSV_PLACE.sub(renumber, document.error, count=1)
        yield replace(document, input=f"{name}#{number}", error=error)


GZIP_LINES = 20_000  # lines of a compressed JSONL file decoded at a time


def _read_gzip(path: Path, name: str, inner: str, settings: Settings) -> Iterator[RawDocument]:
    """A compressed JSONL file streamed a few thousand lines at a time; a compressed CSV file whole."""
    try:
        with gzip.open(path, "rb") as stream:
            if inner == ".csv":
                data = stream.read(settings.max_input_bytes + 1)
                check_size(len(data), settings.max_input_bytes)
                yield from read_csv(decode_bytes(data), name)
                return
            first = 1
            while lines := stream.readlines(GZIP_LINES * 512):
                yield from _numbered_jsonl(b"".join(lines), name, first)
                first += len(lines)
    except (OSError, EOFError, InputError) as error:
        yield RawDocument(input=name, kind="text", body=None, error=f"cannot read compressed file: {error}")


def _numbered_jsonl(data: bytes, name: str, first_line: int) -> Iterator[RawDocument]:
    """The records of some lines of a JSONL file, named and numbered by their line in the whole file."""
    offset = first_line - 1
    for document in read_jsonl(decode_bytes(data), name):
        number = int(document.input.rsplit("#", 1)[1]) + offset
        error = document.error and _LINE_NUMBER.sub(f"on line {number}", document.error, count=1)
        yield replace(document, input=f"{name}#{number}", error=error)
