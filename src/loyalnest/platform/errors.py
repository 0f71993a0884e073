"""Errors that cross context boundaries and map to GraphQL userErrors or HTTP codes."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the request. ``code`` is stable API, ``field`` optional."""

    code = "INVALID"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code


class NotFound(DomainError):
    code = "NOT_FOUND"


class InsufficientPoints(DomainError):
    code = "INSUFFICIENT_POINTS"


class ValidationFailed(DomainError):
    code = "INVALID"
