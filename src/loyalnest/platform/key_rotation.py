"""Re-encrypt stored ciphertexts under the current key (``loyalnest rotate-keys``).

Each context declares its encrypted columns beside the table that holds them
(``encrypted_column(...)`` in its ``models``); this walks them in key order, a small
batch per transaction with ``SKIP LOCKED``, so it can run beside live traffic and be
stopped and resumed at any point. Rows already under the current key id are skipped,
which makes a second run a no-op. A value no configured key can read (its key was
retired too early) is counted and left as it is.

Blind indexes rotate the same way (``blind_index_column(...)``, ``--blind-index``), with
one difference: an index names no key, so the walk cannot skip current rows by looking
at them. It recomputes each row's index from the encrypted column it was made from and
writes only those that differ: a second run writes nothing (it still reads). An index
kept without its value (``one_way_blind_index``) cannot be recomputed: it is counted,
and its old key must stay configured for as long as such rows must be found.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

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


# --- blind indexes -----------------------------------------------------------------------

# (keyring, decrypted value, the row's key columns) -> the value's index under the
# current key, normalised exactly as the writer of the column does
Reindex = Callable[[Keyring, str, Mapping[str, Any]], str]


@dataclass(frozen=True)
class BlindIndexColumn:
    table: str
    key_columns: tuple[str, ...]
    column: str
    # the encrypted column of the same row holding the indexed value; None: one-way
    source: EncryptedColumn | None
    reindex: Reindex | None
    # SQL condition on stored values that are markers, not indexes (left alone)
    marker: str | None = None
    # for a one-way index: why its rows may keep an old key's index, for the report
    note: str = ""


_blind: dict[tuple[str, str], BlindIndexColumn] = {}


def blind_index_column(
    source: EncryptedColumn, column: str, reindex: Reindex, *, marker: str | None = None
) -> BlindIndexColumn:
    """Declare a blind index column (next to its model) recomputable from ``source``,
    the encrypted column of the same table it indexes, so ``rotate-keys --blind-index``
    finds it."""
    spec = BlindIndexColumn(source.table, source.key_columns, column, source, reindex, marker)
    _blind[(spec.table, column)] = spec
    return spec


def one_way_blind_index(
    table: str, key_columns: tuple[str, ...], column: str, *, note: str
) -> BlindIndexColumn:
    """Declare a blind index whose value is stored nowhere: rotation can only count it."""
    spec = BlindIndexColumn(table, key_columns, column, None, None, note=note)
    _blind[(table, column)] = spec
    return spec


def blind_index_columns() -> list[BlindIndexColumn]:
    """Every declared blind index column (once the contexts' models are imported)."""
    return list(_blind.values())


@dataclass(frozen=True)
class ReindexResult:
    reindexed: int = 0
    current: int = 0
    # the value no configured key decrypts, or it no longer parses: index left as it is
    unreadable: int = 0
    # an index whose value is not kept (one-way, or its ciphertext erased): left as it is
    without_value: int = 0
    # rows locked by live traffic when the walk passed them: a later run covers them
    busy: int = 0
    # the new index is another row's already (one value written twice, under two keys,
    # where the column is unique): left under the old key, to be looked at by hand
    conflicting: int = 0


async def reindex_column(keyring: Keyring, spec: BlindIndexColumn, *, batch_size: int = 500) -> ReindexResult:
    """Rewrite every index of one column under the current blind key, a batch per
    transaction. A row a writer holds is skipped (``SKIP LOCKED``) and counted as busy;
    rows written meanwhile carry the current key's index already (writers use it)."""
    # identifiers below are code constants declared with blind_index_column, never input
    indexed = f"{spec.column} IS NOT NULL" + (f" AND NOT ({spec.marker})" if spec.marker else "")
    if spec.source is None or spec.reindex is None:
        async with get_sessionmaker()() as session:
            count = (
                await session.execute(text(f"SELECT count(*) FROM {spec.table} WHERE {indexed}"))
            ).scalar_one()
        return ReindexResult(without_value=int(count))
    source = spec.source.column
    keys = ", ".join(spec.key_columns)
    after = ", ".join(f":after_{name}" for name in spec.key_columns)
    upto = ", ".join(f":upto_{name}" for name in spec.key_columns)
    base = (
        f"SELECT {keys}, {source}, {spec.column} FROM {spec.table} WHERE {indexed} AND {source} IS NOT NULL"
    )
    tail = f" ORDER BY {keys} LIMIT :limit FOR UPDATE SKIP LOCKED"
    past = f" AND ({keys}) > ({after})"
    # what the batch would have held without SKIP LOCKED, to count the rows it skipped
    in_range = f"SELECT count(*) FROM {spec.table} WHERE {indexed} AND {source} IS NOT NULL"
    match = " AND ".join(f"{name} = :{name}" for name in spec.key_columns)
    update_row = text(f"UPDATE {spec.table} SET {spec.column} = :value WHERE {match}")
    reindexed = current = unreadable = busy = conflicting = 0
    last: dict[str, Any] | None = None
    while True:
        async with get_sessionmaker()() as session, session.begin():
            params: dict[str, Any] = {"limit": batch_size}
            if last is not None:
                params.update({f"after_{name}": value for name, value in last.items()})
            rows = (await session.execute(text(base + (past if last else "") + tail), params)).all()
            start = last
            updates = []
            for row in rows:
                *key_values, token, stored = row
                last = dict(zip(spec.key_columns, key_values, strict=True))
                try:
                    value = spec.reindex(keyring, keyring.decrypt(token, context=spec.source.context), last)
                except (KeyringError, InvalidTag, ValueError):
                    unreadable += 1
                    continue
                if value == stored:
                    current += 1
                else:
                    updates.append({"value": value, **last})
            written = await _write_indexes(session, update_row, updates)
            reindexed += written
            conflicting += len(updates) - written
            full = len(rows) == batch_size
            counted = in_range + (past if start else "")
            counted_params = {f"after_{name}": value for name, value in (start or {}).items()}
            if full and last is not None:
                counted += f" AND ({keys}) <= ({upto})"
                counted_params.update({f"upto_{name}": value for name, value in last.items()})
            in_batch = int((await session.execute(text(counted), counted_params)).scalar_one())
            busy += max(in_batch - len(rows), 0)  # (rows deleted meanwhile make it smaller)
            if not full:
                break
    async with get_sessionmaker()() as session:
        without_value = (
            await session.execute(
                text(f"SELECT count(*) FROM {spec.table} WHERE {indexed} AND {source} IS NULL")
            )
        ).scalar_one()
    return ReindexResult(reindexed, current, unreadable, int(without_value), busy, conflicting)


async def _write_indexes(session: AsyncSession, update_row: Any, updates: list[dict[str, Any]]) -> int:
    """Write the batch; if a unique index refuses it, row by row, each in a savepoint,
    skipping the rows refused (a conflict must not stop the walk). Returns rows written."""
    if not updates:
        return 0
    try:
        async with session.begin_nested():
            await session.execute(update_row, updates)
        return len(updates)
    except IntegrityError:
        pass
    written = 0
    for update in updates:
        try:
            async with session.begin_nested():
                await session.execute(update_row, update)
            written += 1
        except IntegrityError:
            continue
    return written
