"""Reads of the earning context, each on its own short read session. A shop's earning
rules and review secret are created on their first read if the shop has none yet
(shops get them at install; this covers any that did not), in a unit of work of its
own."""

from __future__ import annotations

from loyalnest.contexts.earning import commands, repository, rules
from loyalnest.contexts.earning.dto import (
    EarningRuleDTO,
    ProgramSettingsDTO,
    PurchaseRuleDTO,
    ReviewWebhookDTO,
)
from loyalnest.contexts.earning.purchase import to_dto as purchase_dto
from loyalnest.contexts.earning.repository import RuleRow
from loyalnest.contexts.points import api as points
from loyalnest.platform.db import read_session
from loyalnest.platform.uow import unit_of_work


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


async def _rule_rows(merchant_id: int) -> dict[str, RuleRow]:
    async with read_session() as session:
        found = await repository.get_rules(session, merchant_id, transactional=False)
    if len(found) < len(rules.TRIGGERS):  # first read for this shop: create its rules
        async with unit_of_work() as uow:
            found = await commands.rules_in(uow, merchant_id)
    return found


async def get_rules(merchant_id: int) -> list[EarningRuleDTO]:
    """Every way to earn, purchases first."""
    purchase = await get_purchase_rule(merchant_id)
    rows = await _rule_rows(merchant_id)
    return [commands.purchase_rule_dto(purchase), *(commands.to_rule_dto(rows[t]) for t in rules.TRIGGERS)]


async def ways_to_earn(merchant_id: int) -> list[EarningRuleDTO]:
    """What a storefront customer may be shown: every rule but custom awards (those
    are given by the shop, not earned by an action the widget can name)."""
    return [rule for rule in await get_rules(merchant_id) if rule.trigger != rules.CUSTOM]


async def get_pending_points(merchant_id: int, customer_ids: list[int]) -> dict[int, int]:
    """Points held as pending (not yet spendable) by customer id; 0 for none."""
    async with read_session() as session:
        found = await repository.pending_points(session, merchant_id, customer_ids)
    return {cid: found.get(cid, 0) for cid in customer_ids}


async def review_webhook(merchant_id: int) -> ReviewWebhookDTO:
    """The shop's review-webhook secret, generated the first time it is asked for."""
    async with read_session() as session:
        row = await repository.get_secret(session, merchant_id, transactional=False)
    if row is None:
        async with unit_of_work() as uow:
            await repository.insert_secret(uow.session, merchant_id, commands.new_secret_enc())
            row = await repository.get_secret(uow.session, merchant_id, transactional=True)
        assert row is not None
    return commands.decrypt_secret(row)


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
