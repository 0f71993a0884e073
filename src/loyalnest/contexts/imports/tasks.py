"""Actors of the imports context, each idempotent: an import is claimed by one worker at
a time (``repository.claim``); a second message finds it taken or done, and a worker
that died is taken over once its heartbeat is stale. Work resumes where it stopped:
validation starts over (its staged rows cleared), applying goes on with the rows not
applied, reverting with the postings not reversed."""

from __future__ import annotations

from loyalnest.contexts.imports import applying, validation
from loyalnest.contexts.imports.commands import APPLY_ACTOR, IMPORTS_QUEUE, REVERT_ACTOR, VALIDATE_ACTOR
from loyalnest.platform import jobs

_HOUR_MS = 60 * 60 * 1000


@jobs.actor(VALIDATE_ACTOR, queue_name=IMPORTS_QUEUE, time_limit=_HOUR_MS)
async def validate_import(merchant_id: int, import_id: int) -> None:
    """Read and check an uploaded file, staging its valid rows."""
    await validation.validate(merchant_id, import_id)


@jobs.actor(APPLY_ACTOR, queue_name=IMPORTS_QUEUE, time_limit=2 * _HOUR_MS)
async def apply_import(merchant_id: int, import_id: int) -> None:
    """Import the staged rows: customers matched or created, balances posted."""
    await applying.apply(merchant_id, import_id)


@jobs.actor(REVERT_ACTOR, queue_name=IMPORTS_QUEUE, time_limit=2 * _HOUR_MS)
async def revert_import(merchant_id: int, import_id: int) -> None:
    """Take back what an import did."""
    await applying.revert(merchant_id, import_id)
