"""Public door of the earning context: the ways to earn besides purchases (signup,
newsletter, birthday, product review, custom awards), their triggers, and the purchase
rule presented among them (it lives in the merchants context's program settings)."""

from __future__ import annotations

from datetime import date
from typing import Any

from loyalnest.contexts.earning import reviews, rules, service
from loyalnest.contexts.earning.dto import PURCHASE, EarningRuleDTO, EarningRuleUpdate, ReviewWebhookDTO
from loyalnest.contexts.earning.reviews import ReviewFacts, ReviewPayloadError
from loyalnest.contexts.points import api as points
from loyalnest.platform import queue
from loyalnest.platform.key_rotation import EncryptedColumn
from loyalnest.platform.uow import UnitOfWork

__all__ = [
    "AWARD_BIRTHDAYS_ACTOR",
    "AWARD_SHOP_BIRTHDAYS_ACTOR",
    "BIRTHDAY_NOTICE_DAYS",
    "DEFAULT_POINTS",
    "EARNING_QUEUE",
    "ENCRYPTED_COLUMNS",
    "MAX_POINTS",
    "PURCHASE",
    "REVIEW_PROVIDERS",
    "REVIEW_SIGNATURE_HEADER",
    "TRIGGERS",
    "EarningRuleDTO",
    "EarningRuleUpdate",
    "ReviewFacts",
    "ReviewPayloadError",
    "ReviewWebhookDTO",
    "award_custom",
    "award_newsletter",
    "award_review",
    "award_shop_birthdays",
    "award_signup",
    "get_rules",
    "install_rules",
    "parse_review",
    "review_signature",
    "review_webhook",
    "rotate_review_webhook_secret",
    "send_birthday_awards",
    "update_rule",
    "verify_review_signature",
    "ways_to_earn",
]

# Every way to earn, purchases first (the order they are listed in).
TRIGGERS = (PURCHASE, *rules.TRIGGERS)
DEFAULT_POINTS = dict(rules.DEFAULT_POINTS)
MAX_POINTS = rules.MAX_POINTS
BIRTHDAY_NOTICE_DAYS = rules.BIRTHDAY_NOTICE_DAYS

REVIEW_PROVIDERS = reviews.PROVIDERS
# The header a review webhook carries its signature in (see ``verify_review_signature``).
REVIEW_SIGNATURE_HEADER = "X-LoyalNest-Hmac-Sha256"

EARNING_QUEUE = "earning"
# Hourly (workers/scheduler.py): finds the shops holding birthdays and sends one
# AWARD_SHOP_BIRTHDAYS_ACTOR message per shop, so shops fail and retry apart.
AWARD_BIRTHDAYS_ACTOR = "earning.award_birthdays"
AWARD_SHOP_BIRTHDAYS_ACTOR = "earning.award_shop_birthdays"

# For ``loyalnest rotate-keys``.
ENCRYPTED_COLUMNS = [
    EncryptedColumn("review_webhook_secrets", ("merchant_id",), "secret_enc", service.REVIEW_SECRET_CONTEXT)
]

parse_review = reviews.parse_review
review_signature = rules.review_signature


# --- rules ---------------------------------------------------------------------------------


async def install_rules(uow: UnitOfWork, merchant_id: int, *, enabled: bool = True) -> None:
    """Create the shop's rules with their default points, all on (or, ``enabled=False``,
    all off: a shop whose only way to earn is purchases). Idempotent: rules the shop
    has are left as they are. Shops that skip this get the defaults on first use."""
    await service.install_rules(uow, merchant_id, enabled=enabled)


async def get_rules(merchant_id: int) -> list[EarningRuleDTO]:
    """Every way to earn of the shop, purchases first."""
    return await service.get_rules(merchant_id)


async def ways_to_earn(merchant_id: int) -> list[EarningRuleDTO]:
    """The ways to earn a storefront customer may be shown (custom awards are not)."""
    return await service.ways_to_earn(merchant_id)


async def update_rule(
    uow: UnitOfWork, *, merchant_id: int, actor: str, trigger: str, update: EarningRuleUpdate
) -> EarningRuleDTO:
    """Switch a way to earn on or off or change its points (audited). For ``"purchase"``
    the purchase options are the merchants context's program settings and change there.
    Raises ``ValidationFailed`` for a bad value (nothing changes)."""
    return await service.update_rule(
        uow, merchant_id=merchant_id, actor=actor, trigger=trigger, update=update
    )


# --- triggers ------------------------------------------------------------------------------


async def award_signup(uow: UnitOfWork, *, merchant_id: int, customer_id: int) -> int:
    """Account signup (customers/create): once per customer, if the rule is on. Returns
    the points this call awarded."""
    return await service.award_signup(uow, merchant_id=merchant_id, customer_id=customer_id)


async def award_newsletter(uow: UnitOfWork, *, merchant_id: int, customer_id: int) -> int:
    """Newsletter signup (marketing consent first seen on): once per customer ever, if
    the rule is on. Returns the points this call awarded."""
    return await service.award_newsletter(uow, merchant_id=merchant_id, customer_id=customer_id)


async def award_custom(
    uow: UnitOfWork,
    *,
    merchant_id: int,
    customer_id: int,
    points_given: int | None,
    reason: str,
    actor: str,
    idempotency_key: str,
) -> points.PostingResult:
    """Points for a custom action (needs the custom rule on; ``points_given`` None gives
    its default amount). Audited. The same key again returns the first award; for a
    different award it raises IDEMPOTENCY_KEY_REUSED."""
    return await service.award_custom(
        uow,
        merchant_id=merchant_id,
        customer_id=customer_id,
        points_given=points_given,
        reason=reason,
        actor=actor,
        idempotency_key=idempotency_key,
    )


async def award_review(merchant_id: int, facts: ReviewFacts) -> str:
    """A review from the review webhook, in its own transaction: once per product per
    customer, matched by email. Returns the outcome ("awarded", "already_awarded",
    "not_published", "store_review", "unknown_reviewer", "rule_disabled")."""
    return await service.award_review(merchant_id, facts)


async def award_shop_birthdays(merchant_id: int, *, on: date | None = None) -> int:
    """Award the shop's birthdays of ``on`` (default: today in the shop's timezone);
    idempotent. Returns how many customers were awarded by this call."""
    return await service.award_shop_birthdays(merchant_id, on=on)


def _shop_message_kwargs(merchant_id: int, on: date | None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"merchant_id": merchant_id}
    if on is not None:
        kwargs["on"] = on.isoformat()
    return kwargs


async def send_birthday_awards(*, on: date | None = None) -> int:
    """The hourly pass: one AWARD_SHOP_BIRTHDAYS_ACTOR message per shop holding
    birthdays. Returns how many were sent. Safe to run twice: the awards are keyed."""
    shops = await service.shops_due_birthdays()
    for merchant_id in shops:
        queue.send(AWARD_SHOP_BIRTHDAYS_ACTOR, EARNING_QUEUE, _shop_message_kwargs(merchant_id, on))
    return len(shops)


# --- review webhook ------------------------------------------------------------------------


async def review_webhook(merchant_id: int) -> ReviewWebhookDTO:
    """The shop's review-webhook secret (generated on first request)."""
    return await service.review_webhook(merchant_id)


async def rotate_review_webhook_secret(uow: UnitOfWork, *, merchant_id: int, actor: str) -> ReviewWebhookDTO:
    """Replace the secret; the old one stops verifying at once. Audited."""
    return await service.rotate_review_webhook_secret(uow, merchant_id=merchant_id, actor=actor)


async def verify_review_signature(merchant_id: int, body: bytes, signature: str | None) -> bool:
    """HMAC-SHA256 of the raw body with the shop's secret, base64 or hex, compared in
    constant time."""
    return await service.verify_review_signature(merchant_id, body, signature)
