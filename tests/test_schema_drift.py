"""schema/schema.graphql is the contract with the React frontend: it must equal the
schema the code exports. Regenerate with `make schema` after a deliberate change."""

from __future__ import annotations

from pathlib import Path

from loyalnest.graphql.schema import export_sdl

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "schema" / "schema.graphql"


def test_committed_schema_matches_code():
    committed = SCHEMA_FILE.read_text()
    exported = export_sdl()
    assert committed == exported, "schema/schema.graphql drifted from the code: run `make schema`"
