"""Checks of text a mutation hands to the domain, shared by the contexts' mutations.

These are domain rules waiting for their home (the points ledger owns idempotency keys;
every context writing text owns "no NUL"): until the contexts check them in their
commands, they live here once rather than copied into each mutation."""

from __future__ import annotations

from loyalnest.platform.errors import DomainError

MAX_IDEMPOTENCY_KEY_LENGTH = 200


def check_idempotency_key(key: str) -> None:
    if not 0 < len(key) <= MAX_IDEMPOTENCY_KEY_LENGTH:
        raise DomainError(
            f"idempotencyKey must be 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} characters", field="idempotencyKey"
        )


def check_no_nul(field: str, value: str) -> None:
    """PostgreSQL text cannot hold NUL: refuse it here rather than fail in the database."""
    if "\x00" in value:
        raise DomainError(f"{field} must not contain NUL characters", field=field)
