"""Every encrypted column is declared beside its table, so ``rotate-keys`` re-encrypts
it: a ``*_enc`` column nobody declared would keep its old key forever. So is every blind
index column, for ``rotate-keys --blind-index``: one left out would stop matching lookups
once the old blind key is dropped."""

from __future__ import annotations

from loyalnest.models import metadata
from loyalnest.platform.key_rotation import blind_index_columns, encrypted_columns


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


# blind index columns not named *_bidx
OTHER_BLIND_INDEX_COLUMNS = {("referrals", "friend_code_lookup")}


def test_every_blind_index_column_is_declared_with_an_encrypted_source_of_its_table() -> None:
    stored = {
        (table.name, column.name)
        for table in metadata.tables.values()
        for column in table.columns
        if column.name.endswith("_bidx")
    } | OTHER_BLIND_INDEX_COLUMNS
    declared = {(spec.table, spec.column): spec for spec in blind_index_columns()}
    assert stored == set(declared)
    encrypted = {(spec.table, spec.column) for spec in encrypted_columns()}
    for spec in declared.values():
        table = metadata.tables[spec.table]
        for name in (*spec.key_columns, spec.column):
            assert name in table.columns, (spec.table, name)
        if spec.source is None:
            assert spec.note, f"{spec.table}.{spec.column}: say why a one-way index may keep an old key"
        else:
            assert (spec.source.table, spec.source.column) in encrypted
            assert spec.source.table == spec.table
