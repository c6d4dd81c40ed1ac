"""The exceptions storylens raises.

    StorylensError
    ├── InputError             an input cannot be read as an article (becomes a `rejected` record)
    │   ├── EmptyInputError
    │   ├── BinaryInputError
    │   ├── TooLargeInputError
    │   ├── EncodingError
    │   ├── MalformedInputError
    │   ├── UnsupportedFormatError
    │   └── FetchError         an HTTP fetch failed: status, timeout, redirects, robots.txt
    ├── ModelMissingError      a model package is not installed; the message says how to install it
    ├── ModelIntegrityError    a model file does not match its pinned sha256
    ├── StoreError             the SQLite store cannot be opened or written (disk full, permissions)
    ├── ReportWriteError       a report file cannot be written; the previous one is kept
    │   └── SearchBudgetError  a search needs more work than one search may do
    └── SettingsError          a setting or option value is invalid

Messages say what went wrong and what to check next. Input errors are never
raised out of a batch: ingest turns them into rejected article records.
"""

from __future__ import annotations


class StorylensError(Exception):
    """Something storylens cannot do."""


class InputError(StorylensError):
    """An input cannot be read as an article."""


class EmptyInputError(InputError):
    """The input is empty or holds only white space."""


class BinaryInputError(InputError):
    """The input is binary data, not text or HTML."""


class TooLargeInputError(InputError):
    """The input is larger than the configured size cap."""


class EncodingError(InputError):
    """The input's bytes cannot be decoded as text in any likely encoding."""


class MalformedInputError(InputError):
    """The input is structured data (JSON, feed, archive) that cannot be parsed."""


class UnsupportedFormatError(InputError):
    """The input's format is not one storylens reads."""


class FetchError(InputError):
    """A URL could not be fetched."""


class ModelMissingError(StorylensError):
    """A model package is not installed."""


class ModelIntegrityError(StorylensError):
    """A model file does not match the checksum storylens was built with."""


class StoreError(StorylensError):
    """The SQLite store cannot be used."""


class SearchBudgetError(StoreError):
    """A search needs more work than one search may do."""


class ReportWriteError(StorylensError):
    """A report file cannot be written (the previous one is kept)."""


class SettingsError(StorylensError):
    """A setting has an invalid value."""
