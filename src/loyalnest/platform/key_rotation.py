"""Re-encrypt stored ciphertexts under the current key (``loyalnest rotate-keys``).

Each context declares its encrypted columns beside the table that holds them
(``encrypted_column(...)`` in its ``models``); this walks them in key order, a small
batch per transaction with ``SKIP LOCKED``, so it can run beside live traffic and be
stopped and resumed at any point. Rows already under the current key id are skipped,
which makes a second run a no-op. A value no configured key can read (its key was
retired too early) is counted and left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from sqlalchemy import text

from loyalnest.platform.crypto import Keyring, KeyringError
from loyalnest.platform.db import get_sessionmaker


@dataclass(frozen=True)
class EncryptedColumn:
    table: str
    key_columns: tuple[str, ...]
    column: str
    # the AAD the owning context encrypts this column with
    context: bytes


_registered: dict[tuple[str, str], EncryptedColumn] = {}


def encrypted_column(
    table: str, key_columns: tuple[str, ...], column: str, context: bytes
) -> EncryptedColumn:
    """Declare an encrypted column (next to its model) so ``rotate-keys`` finds it."""
    spec = EncryptedColumn(table, key_columns, column, context)
    _registered[(table, column)] = spec
    return spec


def encrypted_columns() -> list[EncryptedColumn]:
    """Every declared encrypted column (once the contexts' models are imported)."""
    return list(_registered.values())


@dataclass(frozen=True)
class RotationResult:
    rotated: int
    unreadable: int


async def rotate_column(keyring: Keyring, spec: EncryptedColumn, *, batch_size: int = 500) -> RotationResult:
    """Re-encrypt every value of one column not yet under the current key."""
    keys = ", ".join(spec.key_columns)
    after = ", ".join(f":after_{name}" for name in spec.key_columns)
    # identifiers below are code constants declared with encrypted_column, never input
    base = (
        f"SELECT {keys}, {spec.column} FROM {spec.table} "
        f"WHERE {spec.column} IS NOT NULL AND {spec.column} NOT LIKE :current"
    )
    tail = f" ORDER BY {keys} LIMIT :limit FOR UPDATE SKIP LOCKED"
    first_batch = text(base + tail)
    next_batch = text(base + f" AND ({keys}) > ({after})" + tail)
    match = " AND ".join(f"{name} = :{name}" for name in spec.key_columns)
    update_row = text(f"UPDATE {spec.table} SET {spec.column} = :value WHERE {match}")
    current = keyring.current_kid.replace("%", r"\%").replace("_", r"\_") + ":%"
    rotated = unreadable = 0
    last: dict[str, Any] | None = None
    while True:
        async with get_sessionmaker()() as session, session.begin():
            params: dict[str, Any] = {"current": current, "limit": batch_size}
            if last is not None:
                params.update({f"after_{name}": value for name, value in last.items()})
            rows = (await session.execute(next_batch if last else first_batch, params)).all()
            if not rows:
                return RotationResult(rotated=rotated, unreadable=unreadable)
            updates = []
            for row in rows:
                *key_values, token = row
                last = dict(zip(spec.key_columns, key_values, strict=True))
                try:
                    # as bytes: a column may hold binary plaintext (compressed payloads)
                    plaintext = keyring.decrypt_bytes(token, context=spec.context)
                except (KeyringError, InvalidTag, ValueError):
                    unreadable += 1
                    continue
                updates.append({"value": keyring.encrypt_bytes(plaintext, context=spec.context), **last})
            if updates:
                await session.execute(update_row, updates)
            rotated += len(updates)
