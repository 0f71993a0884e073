"""Public door of the campaigns context: bonus campaigns (multipliers and bonuses on
top of the base program, with conditions, caps and explicit stacking), the shop's cap
on the total multiplier, each campaign's results, and the campaigns a storefront
customer is targeted by. Campaigns take part in every earning through the earning
pipeline (``campaigns.effects``, order 200), registered by ``handlers``.

Creating a campaign of each effect kind, in the caller's unit of work:

    campaigns.create_campaign(uow, merchant_id=m, actor="staff:1", data=campaigns.CampaignInput(
        name="Double points", effect="multiplier", multiplier=Decimal("2")))
    ... CampaignInput(name="+50 per order", effect="order_bonus", bonus_points=50)
    ... CampaignInput(name="+10 per unit", effect="product_unit_bonus", bonus_points=10, product_ids=(7,))
    ... CampaignInput(name="+25 a line", effect="product_line_bonus", bonus_points=25, product_tags=("new",))
    ... CampaignInput(name="Signup +100", effect="trigger_bonus", bonus_points=100, triggers=("signup",))
"""

from __future__ import annotations

from loyalnest.contexts.campaigns import rules
from loyalnest.contexts.campaigns.commands import (
    CAMPAIGNS_QUEUE,
    SYNC_DISCOUNT_ACTOR,
    archive_campaign,
    create_campaign,
    pause_campaign,
    resume_campaign,
    update_campaign,
    update_settings,
)
from loyalnest.contexts.campaigns.dto import (
    KEEP,
    CampaignDTO,
    CampaignInput,
    CampaignPage,
    CampaignResultsDTO,
    CampaignSettingsDTO,
    CampaignUpdate,
    StatusReport,
)
from loyalnest.contexts.campaigns.flows import advance_statuses, sync_discount
from loyalnest.contexts.campaigns.queries import (
    active_campaigns_for,
    count_campaigns,
    get_campaigns,
    get_results,
    get_settings,
    list_campaigns,
)
from loyalnest.contexts.campaigns.tasks import ADVANCE_STATUSES_ACTOR

__all__ = [
    "ADVANCE_STATUSES_ACTOR",
    "BONUS_TRIGGERS",
    "CAMPAIGNS_QUEUE",
    "DEFAULT_MAX_TOTAL_MULTIPLIER",
    "DISCOUNT_KINDS",
    "EFFECT_KINDS",
    "KEEP",
    "MAX_MULTIPLIER",
    "MAX_PRODUCTS",
    "MULTIPLIER_TRIGGERS",
    "STACKINGS",
    "STATUSES",
    "SYNC_DISCOUNT_ACTOR",
    "CampaignDTO",
    "CampaignInput",
    "CampaignPage",
    "CampaignResultsDTO",
    "CampaignSettingsDTO",
    "CampaignUpdate",
    "StatusReport",
    "active_campaigns_for",
    "advance_statuses",
    "archive_campaign",
    "count_campaigns",
    "create_campaign",
    "get_campaigns",
    "get_results",
    "get_settings",
    "list_campaigns",
    "pause_campaign",
    "resume_campaign",
    "sync_discount",
    "update_campaign",
    "update_settings",
]

STATUSES = rules.STATUSES
EFFECT_KINDS = rules.EFFECT_KINDS
STACKINGS = rules.STACKINGS
BONUS_TRIGGERS = rules.BONUS_TRIGGERS
MULTIPLIER_TRIGGERS = rules.MULTIPLIER_TRIGGERS
DISCOUNT_KINDS = rules.DISCOUNT_KINDS
MAX_MULTIPLIER = rules.MAX_MULTIPLIER
MAX_PRODUCTS = rules.MAX_PRODUCTS
DEFAULT_MAX_TOTAL_MULTIPLIER = rules.DEFAULT_MAX_TOTAL_MULTIPLIER
