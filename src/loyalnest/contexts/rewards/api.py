"""Public door of the rewards context: the reward catalog, redemption into single-use
Shopify discount codes, and what happens to those codes afterwards."""

from __future__ import annotations

from loyalnest.contexts.rewards import rules
from loyalnest.contexts.rewards.commands import (
    archive_reward,
    create_reward,
    grant_reward,
    mark_codes_used,
    switch_off_discounts,
    update_reward,
)
from loyalnest.contexts.rewards.dto import (
    KEEP,
    CodeUse,
    ExpiringCode,
    RedemptionDTO,
    RedemptionOutcome,
    RedemptionPage,
    RewardDTO,
    RewardInput,
    RewardPage,
    RewardUpdate,
    SettleReport,
)
from loyalnest.contexts.rewards.events import PointsReturned, RewardIssued
from loyalnest.contexts.rewards.flows import (
    EXPIRY_GRACE,
    GIVE_UP_AFTER,
    SETTLE_AFTER,
    expire_unused_codes,
    redeem_reward,
    settle_pending_redemptions,
    settle_redemption,
)
from loyalnest.contexts.rewards.queries import (
    codes_expiring_between,
    count_available_rewards,
    count_customers_redemptions,
    count_rewards,
    count_rewards_issued,
    get_redemptions,
    get_rewards,
    list_available_rewards,
    list_redemptions,
    list_rewards,
    orders_using_codes,
    point_value,
    recent_redemptions_for_customers,
    redemption_counts,
)
from loyalnest.contexts.rewards.tasks import (
    DEACTIVATE_DISCOUNTS_ACTOR,
    EXPIRE_UNUSED_CODES_ACTOR,
    ISSUE_GRANTED_CODE_ACTOR,
    REWARDS_QUEUE,
    SETTLE_PENDING_ACTOR,
)

__all__ = [
    "DEACTIVATE_DISCOUNTS_ACTOR",
    "DEFAULT_CODE_VALIDITY_DAYS",
    "EXPIRE_UNUSED_CODES_ACTOR",
    "EXPIRY_GRACE",
    "GIVE_UP_AFTER",
    "ISSUE_GRANTED_CODE_ACTOR",
    "KEEP",
    "KINDS",
    "REWARDS_QUEUE",
    "SETTLE_AFTER",
    "SETTLE_PENDING_ACTOR",
    "STATUSES",
    "CodeUse",
    "ExpiringCode",
    "PointsReturned",
    "RedemptionDTO",
    "RedemptionOutcome",
    "RedemptionPage",
    "RewardDTO",
    "RewardInput",
    "RewardIssued",
    "RewardPage",
    "RewardUpdate",
    "SettleReport",
    "archive_reward",
    "codes_expiring_between",
    "count_available_rewards",
    "count_customers_redemptions",
    "count_rewards",
    "count_rewards_issued",
    "create_reward",
    "expire_unused_codes",
    "get_redemptions",
    "get_rewards",
    "grant_reward",
    "list_available_rewards",
    "list_redemptions",
    "list_rewards",
    "mark_codes_used",
    "orders_using_codes",
    "point_value",
    "recent_redemptions_for_customers",
    "redeem_reward",
    "redemption_counts",
    "settle_pending_redemptions",
    "settle_redemption",
    "switch_off_discounts",
    "update_reward",
]

KINDS = rules.KINDS
STATUSES = rules.STATUSES
DEFAULT_CODE_VALIDITY_DAYS = rules.DEFAULT_CODE_VALIDITY_DAYS
