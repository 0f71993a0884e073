"""Inbox payloads are compressed, then encrypted, so a Shopify order's row stays under
PostgreSQL's TOAST threshold; rows in the old form still process; key rotation
re-encrypts compressed payloads without reading them as text. Read on the raw table."""

from __future__ import annotations

import base64
import os
import uuid
import zlib

import orjson
from sqlalchemy import text

from loyalnest.contexts.webhooks import api as webhooks
from loyalnest.contexts.webhooks.models import PAYLOAD_CONTEXT
from loyalnest.platform.crypto import Keyring, get_keyring
from loyalnest.platform.db import get_sessionmaker
from loyalnest.platform.key_rotation import encrypted_columns, rotate_column
from tests import payloads
from tests.contexts.support import broker_unreachable, inbox_rows, ledger_rows

# PostgreSQL moves a row's wide values out of line (TOAST) once the row passes ~2 KB
TOAST_TUPLE_THRESHOLD = 2032


async def _stored(shop, body: dict) -> int:
    """Delivered while the broker is down: stored, answered 200, not processed yet."""
    with broker_unreachable():
        response = await shop.webhook("orders/create", body, event_id=uuid.uuid4().hex)
    assert response.json() == {"status": "accepted"}
    return max(r["id"] for r in await inbox_rows(shop.id))


async def _raw_row(shop, inbox_id: int) -> tuple[str, int]:
    async with get_sessionmaker()() as session:
        row = (
            await session.execute(
                text(
                    "select payload_enc, pg_column_size(i.*) from shopify_webhook_inbox i"
                    " where merchant_id = :m and id = :i"
                ),
                {"m": shop.id, "i": inbox_id},
            )
        ).one()
    return row[0], row[1]


async def _set_payload(shop, inbox_id: int, token: str) -> None:
    async with get_sessionmaker()() as session, session.begin():
        await session.execute(
            text("update shopify_webhook_inbox set payload_enc = :p where merchant_id = :m and id = :i"),
            {"p": token, "m": shop.id, "i": inbox_id},
        )


async def test_shopifys_sample_order_is_stored_in_line_compressed_and_encrypted(shop):
    body = payloads.shopify_sample_order_create()
    body["test"] = False  # Shopify's sample is a test order; stored the same either way
    raw = orjson.dumps(body)
    assert len(raw) > 3 * TOAST_TUPLE_THRESHOLD  # the old form was ~8 KB of base64
    inbox_id = await _stored(shop, body)
    token, row_bytes = await _raw_row(shop, inbox_id)
    assert row_bytes < TOAST_TUPLE_THRESHOLD, row_bytes
    plaintext = get_keyring().decrypt_bytes(token, context=PAYLOAD_CONTEXT)
    assert zlib.decompress(plaintext) == raw
    for pii in (body["email"], body["customer"]["last_name"]):
        assert pii.encode() not in plaintext  # not even in the compressed bytes


async def test_rows_stored_before_compression_still_process(shop):
    body = payloads.order(9101, subtotal="30.00", customer_body=payloads.customer(9102))
    inbox_id = await _stored(shop, body)
    # the form rows had before: the JSON text itself, encrypted
    await _set_payload(
        shop, inbox_id, get_keyring().encrypt(orjson.dumps(body).decode(), context=PAYLOAD_CONTEXT)
    )
    assert await webhooks.process_webhook(shop.id, inbox_id) == 1
    [row] = await inbox_rows(shop.id)
    assert row["outcome"] == "processed"
    assert [e["delta"] for e in await ledger_rows(shop.id)] == [30]


async def test_key_rotation_re_encrypts_compressed_payloads(shop, settings):
    body = payloads.order(9201, subtotal="12.00", customer_body=payloads.customer(9202))
    inbox_id = await _stored(shop, body)
    new_key = base64.b64encode(os.urandom(32)).decode()
    rotated_ring = Keyring.from_config(
        f"rot{uuid.uuid4().hex[:6]}:{new_key},{settings.encryption_keys}", settings.blind_index_key
    )
    [spec] = [s for s in encrypted_columns() if s.table == "shopify_webhook_inbox"]
    result = await rotate_column(rotated_ring, spec)
    assert result.unreadable == 0
    token, _ = await _raw_row(shop, inbox_id)
    assert rotated_ring.key_id_of(token) == rotated_ring.current_kid
    plaintext = rotated_ring.decrypt_bytes(token, context=PAYLOAD_CONTEXT)
    assert orjson.loads(zlib.decompress(plaintext)) == body
    # back under the session's key: every other row of the table was rotated too
    back_ring = Keyring.from_config(
        f"{settings.encryption_keys},{rotated_ring.current_kid}:{new_key}", settings.blind_index_key
    )
    assert (await rotate_column(back_ring, spec)).unreadable == 0
    token, _ = await _raw_row(shop, inbox_id)
    assert get_keyring().key_id_of(token) == get_keyring().current_kid
