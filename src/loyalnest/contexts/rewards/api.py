"""Public door of the rewards context: the reward catalog, redemption into single-use
Shopify discount codes, and what happens to those codes afterwards."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from loyalnest.contexts.rewards import rules, service
from loyalnest.contexts.rewards.dto import (
    KEEP,
    CodeUse,
    RedemptionDTO,
    RedemptionPage,
    RewardDTO,
    RewardInput,
    RewardPage,
    RewardUpdate,
    SettleReport,
)
from loyalnest.contexts.rewards.service import RedemptionOutcome
from loyalnest.platform.key_rotation import EncryptedColumn
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork

__all__ = [
    "DEFAULT_CODE_VALIDITY_DAYS",
    "ENCRYPTED_COLUMNS",
    "EXPIRE_UNUSED_CODES_ACTOR",
    "KEEP",
    "KINDS",
    "REWARDS_QUEUE",
    "SETTLE_PENDING_ACTOR",
    "STATUSES",
    "CodeUse",
    "RedemptionDTO",
    "RedemptionOutcome",
    "RedemptionPage",
    "RewardDTO",
    "RewardInput",
    "RewardPage",
    "RewardUpdate",
    "SettleReport",
    "archive_reward",
    "create_reward",
    "expire_unused_codes",
    "get_rewards",
    "list_available_rewards",
    "list_redemptions",
    "list_rewards",
    "mark_codes_used",
    "recent_redemptions_for_customers",
    "redeem_reward",
    "redemption_counts",
    "settle_pending_redemptions",
    "update_reward",
]

KINDS = rules.KINDS
STATUSES = rules.STATUSES
DEFAULT_CODE_VALIDITY_DAYS = rules.DEFAULT_CODE_VALIDITY_DAYS

REWARDS_QUEUE = "rewards"
SETTLE_PENDING_ACTOR = "rewards.settle_pending_redemptions"
EXPIRE_UNUSED_CODES_ACTOR = "rewards.expire_unused_codes"

# A redemption still pending after this long has lost its request (the longest a live
# Shopify call can take, retries and rate-limit waits included, is about two minutes);
# the settle actor takes it over.
SETTLE_AFTER = timedelta(minutes=5)
# ...and one whose code Shopify has not confirmed after this long gets its points back.
GIVE_UP_AFTER = timedelta(days=1)
# An order using a code may reach us after the code's expiry (Shopify retries webhooks
# for hours; a backlog adds more): points of unused codes come back this long after.
EXPIRY_GRACE = timedelta(hours=48)

# For ``loyalnest rotate-keys``: the discount codes.
ENCRYPTED_COLUMNS = [
    EncryptedColumn("reward_redemptions", ("merchant_id", "id"), "code_enc", service.CODE_CONTEXT)
]


# --- catalog --------------------------------------------------------------------------


async def create_reward(uow: UnitOfWork, *, merchant_id: int, actor: str, data: RewardInput) -> RewardDTO:
    """Add a reward to the shop's catalog; invalid terms raise ``ValidationFailed``."""
    return await service.create_reward(uow, merchant_id=merchant_id, actor=actor, data=data)


async def update_reward(
    uow: UnitOfWork, *, merchant_id: int, actor: str, reward_id: int, update: RewardUpdate
) -> RewardDTO:
    """Change a reward's terms (redemptions already made keep theirs)."""
    return await service.update_reward(
        uow, merchant_id=merchant_id, actor=actor, reward_id=reward_id, update=update
    )


async def archive_reward(uow: UnitOfWork, *, merchant_id: int, actor: str, reward_id: int) -> RewardDTO:
    """Take a reward out of the catalog; it stays readable in history."""
    return await service.archive_reward(uow, merchant_id=merchant_id, actor=actor, reward_id=reward_id)


async def get_rewards(merchant_id: int, reward_ids: list[int]) -> dict[int, RewardDTO]:
    """Rewards by id (archived ones too); unknown ids are absent."""
    return await service.get_rewards(merchant_id, reward_ids)


async def list_rewards(
    merchant_id: int, *, after_id: int | None, first: int, include_archived: bool = False
) -> RewardPage:
    """The catalog as staff see it, oldest first."""
    return await service.list_rewards(
        merchant_id, after_id=after_id, first=first, include_archived=include_archived, available_at=None
    )


async def list_available_rewards(
    merchant_id: int, *, after_id: int | None, first: int, at: datetime | None = None
) -> RewardPage:
    """What customers can redeem now: not archived, inside the active window."""
    return await service.list_rewards(
        merchant_id, after_id=after_id, first=first, include_archived=False, available_at=at or utcnow()
    )


async def redemption_counts(merchant_id: int, customer_id: int, reward_ids: list[int]) -> dict[int, int]:
    """How many times the customer redeemed each reward, as usage limits count them."""
    return await service.redemption_counts(merchant_id, customer_id, reward_ids)


# --- redemption -----------------------------------------------------------------------


async def redeem_reward(
    *, merchant_id: int, customer_id: int, reward_id: int, actor: str, shopify_customer_id: int | None = None
) -> RedemptionOutcome:
    """Spend the reward's points and create its single-use discount code for the
    customer in Shopify. Opens its own transactions (no lock is held while Shopify is
    called). Raises ``DomainError`` when refused before anything changed (NOT_FOUND,
    REWARD_UNAVAILABLE, INSUFFICIENT_POINTS, USAGE_LIMIT_REACHED); a Shopify refusal
    returns the failed redemption (points given back) with a DISCOUNT_CODE_FAILED
    error; an unknown Shopify answer leaves it pending for the settle actor. A caller
    that has the customer at hand passes ``shopify_customer_id`` and saves a read."""
    return await service.redeem_reward(
        merchant_id=merchant_id,
        customer_id=customer_id,
        reward_id=reward_id,
        actor=actor,
        shopify_customer_id=shopify_customer_id,
    )


async def settle_pending_redemptions(
    *, older_than: timedelta = SETTLE_AFTER, give_up_after: timedelta = GIVE_UP_AFTER, limit: int = 100
) -> SettleReport:
    """Finish redemptions left pending (the request died or Shopify's answer was lost)."""
    return await service.settle_pending(older_than=older_than, give_up_after=give_up_after, limit=limit)


async def expire_unused_codes(*, grace: timedelta = EXPIRY_GRACE, batch_size: int = 200) -> int:
    """Give back the points of codes never used before expiry + grace; returns how many."""
    return await service.expire_unused_codes(grace=grace, batch_size=batch_size)


async def mark_codes_used(uow: UnitOfWork, merchant_id: int, uses: Sequence[CodeUse]) -> int:
    """Record that orders used these discount codes (from ``orders/create``)."""
    return await service.mark_codes_used(uow, merchant_id, uses)


async def list_redemptions(
    merchant_id: int, customer_id: int, *, before_id: int | None, first: int
) -> RedemptionPage:
    """A customer's redemptions, newest first (codes decrypted: PII)."""
    return await service.list_redemptions(merchant_id, customer_id, before_id=before_id, first=first)


async def recent_redemptions_for_customers(
    merchant_id: int, customer_ids: list[int], *, first: int
) -> dict[int, RedemptionPage]:
    """First page of several customers' redemptions in one query (DataLoader batch)."""
    return await service.recent_redemptions_for_customers(merchant_id, customer_ids, first=first)
