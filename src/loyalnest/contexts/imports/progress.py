"""An import's progress, announced on Redis pub/sub after every chunk it commits (the
``importProgress`` subscription reads the import afresh on each announcement, and at
least every second between them: a lost announcement costs nothing)."""

from __future__ import annotations

from loyalnest.platform import pubsub


def channel(merchant_id: int, import_id: int) -> str:
    return f"imports:progress:{merchant_id}:{import_id}"


async def announce(merchant_id: int, import_id: int) -> None:
    await pubsub.publish(channel(merchant_id, import_id), {"import_id": import_id})
