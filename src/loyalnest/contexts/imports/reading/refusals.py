"""Whole-file refusals: what stops a file from being read at all (as opposed to a
``RowError``, which skips one row and is listed in the merchant's error report).

Both are ``ValidationFailed``, so a mutation that reads a file turns them into
userErrors; ``code`` is stable API the dashboard can translate.
"""

from __future__ import annotations

from loyalnest.platform.errors import ValidationFailed

# FileRefused.code values
EMPTY = "FILE_EMPTY"
HEADER_ONLY = "FILE_HEADER_ONLY"
MISSING_COLUMN = "FILE_MISSING_COLUMN"
AMBIGUOUS_COLUMNS = "FILE_AMBIGUOUS_COLUMNS"
NOT_TEXT = "FILE_NOT_TEXT"
UNDECODABLE = "FILE_UNDECODABLE"
MALFORMED = "FILE_MALFORMED"


class FileRefused(ValidationFailed):
    """The file cannot be read as an import: empty, header only, a required column
    missing, binary or an archive, undecodable, or a line or field past the limits.
    ``line`` is the physical line (1-based) when the problem has one. May be raised
    while rows are being iterated (a bad line deep in the file), not only on open."""

    def __init__(self, message: str, *, code: str, line: int | None = None) -> None:
        super().__init__(message, field="file", code=code)
        self.line = line


class MappingRefused(ValidationFailed):
    """The merchant's column mapping (generic preset) names an unknown field or maps two
    columns to one field."""

    code = "INVALID_MAPPING"

    def __init__(self, message: str) -> None:
        super().__init__(message, field="mapping")
