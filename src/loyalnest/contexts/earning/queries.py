"""Reads of the earning context, each on its own short read session. (Reads that
create what a shop lacks, its earning rules or review secret, are flows.)"""

from __future__ import annotations

from loyalnest.contexts.earning import commands, repository, rules
from loyalnest.contexts.earning.dto import (
    ProgramSettingsDTO,
    PurchaseRuleDTO,
)
from loyalnest.contexts.earning.purchase import to_dto as purchase_dto
from loyalnest.contexts.points import api as points
from loyalnest.platform.db import plain_connection, read_session


async def get_purchase_rule(merchant_id: int) -> PurchaseRuleDTO:
    """The shop's purchase rule (``LookupError`` for a shop without one)."""
    async with read_session() as session:
        row = await repository.get_purchase_rule(session, merchant_id, transactional=False)
    if row is None:
        raise LookupError(f"merchant {merchant_id} has no purchase rule")
    return purchase_dto(row)


async def get_program_settings(merchant_id: int) -> ProgramSettingsDTO:
    """The purchase rule with the points context's expiry policy."""
    return ProgramSettingsDTO(
        await get_purchase_rule(merchant_id), await points.get_expiry_policy(merchant_id)
    )


async def get_pending_points(merchant_id: int, customer_ids: list[int]) -> dict[int, int]:
    """Points held as pending (not yet spendable) by customer id; 0 for none."""
    async with plain_connection() as connection:
        found = await repository.pending_points(connection, merchant_id, customer_ids)
    return {cid: found.get(cid, 0) for cid in customer_ids}


async def verify_review_signature(merchant_id: int, body: bytes, signature: str | None) -> bool:
    """Whether ``signature`` is the shop's secret's HMAC of ``body``. A shop that never
    generated a secret accepts nothing."""
    if not signature:
        return False
    async with read_session() as session:
        row = await repository.get_secret(session, merchant_id, transactional=False)
    if row is None:
        return False
    return rules.signature_matches(commands.decrypt_secret(row).secret, body, signature)
