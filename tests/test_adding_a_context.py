"""A new context touches its own folders, its migration and one list: shown with a
sample context written to a temporary folder, loaded in a fresh interpreter with one
line (``CONTEXTS += ("sample",)``) and nothing else. Its table, event handler, actor,
periodic job, encrypted column, DataLoader, GraphQL root and Customer field are all
found by the machinery that lists them (README: "Adding a context")."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SAMPLE = {
    "contexts/sample/__init__.py": "",
    "contexts/sample/models.py": """
        from sqlalchemy import BigInteger, Column, Text
        from sqlmodel import Field, SQLModel

        from loyalnest.platform.columns import merchant_key_column
        from loyalnest.platform.key_rotation import encrypted_column


        class SampleStamp(SQLModel, table=True):
            __tablename__ = "sample_stamps"

            merchant_id: int = Field(sa_column=merchant_key_column())
            customer_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
            note_enc: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


        encrypted_column("sample_stamps", ("merchant_id", "customer_id"), "note_enc", b"sample.note")
    """,
    "contexts/sample/handlers.py": """
        from loyalnest.contexts.webhooks.events import OrderPlaced
        from loyalnest.platform.events import handles


        @handles(OrderPlaced)
        async def stamp_orders(uow, events):
            pass
    """,
    "contexts/sample/tasks.py": """
        from loyalnest.platform import jobs


        @jobs.periodic(every_seconds=600)
        @jobs.actor("sample.tick", queue_name="sample")
        async def tick():
            pass
    """,
    "graphql/sample/__init__.py": "",
    "graphql/sample/loaders.py": """
        from loyalnest.graphql.core.loaders import CUSTOMER, loader


        @loader("sample.stamp", invalidate_on=CUSTOMER)
        async def stamps(merchant_id, ids):
            return [0 for _ in ids]
    """,
    "graphql/sample/queries.py": """
        import strawberry


        @strawberry.type
        class SampleQuery:
            @strawberry.field(description="The sample context answers.")
            def sample_ping(self) -> str:
                return "pong"


        QUERIES = (SampleQuery,)
    """,
    "graphql/sample/customer_fields.py": """
        import strawberry
        from strawberry.types import Info


        @strawberry.type
        class SampleCustomer:
            local_id: strawberry.Private[int]

            @strawberry.field(description="The customer's sample stamp.")
            async def sample_stamp(self, info: Info) -> int:
                return await info.context.loaders.get("sample.stamp").load(self.local_id)


        CUSTOMER_FIELDS = (SampleCustomer,)
    """,
}

CHECK = """
import sys
from pathlib import Path

import loyalnest.contexts as contexts
import loyalnest.graphql as graphql

root = Path(sys.argv[1])
contexts.__path__.append(str(root / "contexts"))
graphql.__path__.append(str(root / "graphql"))
contexts.CONTEXTS += ("sample",)  # the one list

from loyalnest.contexts.webhooks.events import OrderPlaced
from loyalnest.graphql.core.loaders import registered
from loyalnest.graphql.schema import build_schema
from loyalnest.models import metadata
from loyalnest.platform import events, jobs
from loyalnest.platform.key_rotation import encrypted_columns
from loyalnest.settings import get_settings

sdl = build_schema(get_settings()).as_str()
customer = sdl[sdl.index("type Customer "):]
customer = customer[: customer.index("}")]
found = {
    "table": "sample_stamps" in metadata.tables,
    "handler": "stamp_orders" in [h.__name__ for h in events.handlers_of(OrderPlaced)],
    "actor": "sample.tick" in [a.name for a in jobs.actors()],
    "periodic": ("sample.tick", 600) in [(j.actor_name, j.every_seconds) for j in jobs.periodic_jobs()],
    "rotate-keys": ("sample_stamps", "note_enc") in [(c.table, c.column) for c in encrypted_columns()],
    "loader": "sample.stamp" in registered(),
    "query root": "samplePing: String!" in sdl,
    "customer field": "sampleStamp: Int!" in customer,
}
print(found)
sys.exit(0 if all(found.values()) else 1)
"""


@pytest.mark.heavy
def test_a_new_context_is_found_from_its_folders_and_one_line(tmp_path: Path) -> None:
    for relative, source in SAMPLE.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source).lstrip())
    result = subprocess.run(
        [sys.executable, "-c", CHECK, str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "LOYALNEST_ENV": "test"},
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.heavy
def test_without_the_line_the_sample_is_not_loaded(tmp_path: Path) -> None:
    # the check itself can fail: the same folders, no line in CONTEXTS
    for relative, source in SAMPLE.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source).lstrip())
    without_line = CHECK.replace('contexts.CONTEXTS += ("sample",)', "")
    result = subprocess.run(
        [sys.executable, "-c", without_line, str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "LOYALNEST_ENV": "test"},
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "'table': False" in result.stdout
