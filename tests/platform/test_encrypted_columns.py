"""Every encrypted column is declared beside its table, so ``rotate-keys`` re-encrypts
it: a ``*_enc`` column nobody declared would keep its old key forever."""

from __future__ import annotations

from loyalnest.models import metadata
from loyalnest.platform.key_rotation import encrypted_columns


def test_every_enc_column_of_every_table_is_declared_for_rotation() -> None:
    stored = {
        (table.name, column.name)
        for table in metadata.tables.values()
        for column in table.columns
        if column.name.endswith("_enc")
    }
    declared = {(spec.table, spec.column) for spec in encrypted_columns()}
    assert stored, "no encrypted columns found: the models were not loaded"
    assert stored == declared


def test_declared_key_columns_exist_on_their_tables() -> None:
    for spec in encrypted_columns():
        table = metadata.tables[spec.table]
        for name in (*spec.key_columns, spec.column):
            assert name in table.columns, (spec.table, name)
