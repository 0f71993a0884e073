"""Public door of the earning context: every way to earn (purchases included) and the
one pipeline that turns a trigger into ledger postings; the program settings (the
purchase rule, changed together with the points context's expiry policy); orders'
pending points; the review webhook."""

from __future__ import annotations

from loyalnest.contexts.earning import (
    commands,
    estimates,
    flows,
    held,
    orders,
    pipeline,
    purchase,
    queries,
    reviews,
    rules,
    tasks,
)
from loyalnest.contexts.earning.dto import (
    PURCHASE,
    BreakdownPart,
    EarningBreakdown,
    EarningRuleDTO,
    EarningRuleUpdate,
    OrderFacts,
    OrderLine,
    ProgramSettingsDTO,
    ProgramSettingsUpdate,
    PurchaseRuleDTO,
    RefundFacts,
    RefundLine,
    ReviewWebhookDTO,
)
from loyalnest.contexts.earning.models import REVIEW_SECRET_CONTEXT
from loyalnest.contexts.earning.reviews import ReviewFacts, ReviewPayloadError

__all__ = [
    "AWARD_BIRTHDAYS_ACTOR",
    "AWARD_SHOP_BIRTHDAYS_ACTOR",
    "BIRTHDAY_NOTICE_DAYS",
    "DEFAULT_POINTS",
    "EARNING_QUEUE",
    "MAX_POINTS",
    "ORIGIN_CAMPAIGN",
    "ORIGIN_RULE",
    "ORIGIN_TIER",
    "PURCHASE",
    "RELEASE_PENDING_ACTOR",
    "RELEASE_PENDING_QUEUE",
    "REVIEW_PROVIDERS",
    "REVIEW_SECRET_CONTEXT",
    "REVIEW_SIGNATURE_HEADER",
    "TRIGGERS",
    "Award",
    "BreakdownPart",
    "Earning",
    "EarningBreakdown",
    "EarningRuleDTO",
    "EarningRuleUpdate",
    "HeldPoints",
    "OrderFacts",
    "OrderLine",
    "Part",
    "PipelineStep",
    "ProgramSettingsDTO",
    "ProgramSettingsUpdate",
    "PurchaseRuleDTO",
    "RefundFacts",
    "RefundLine",
    "ReviewFacts",
    "ReviewPayloadError",
    "ReviewWebhookDTO",
    "award_custom",
    "award_newsletter",
    "award_orders",
    "award_referral",
    "award_review",
    "award_shop_birthdays",
    "award_signup",
    "cancel_held",
    "cancel_order",
    "count_customer_orders",
    "estimate_order",
    "get_pending_points",
    "get_program_settings",
    "get_purchase_rule",
    "get_rules",
    "hold_points",
    "install_rules",
    "normalise_lines",
    "normalise_tag",
    "parse_product_ids",
    "parse_review",
    "part_key",
    "pipeline_step",
    "plan_earnings",
    "product_tags_in",
    "record_product_tags",
    "refund_order",
    "release_pending_points",
    "review_signature",
    "review_webhook",
    "rotate_review_webhook_secret",
    "send_birthday_awards",
    "update_program_settings",
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

EARNING_QUEUE = tasks.EARNING_QUEUE
# Hourly: finds the shops holding birthdays and sends one AWARD_SHOP_BIRTHDAYS_ACTOR
# message per shop, so shops fail and retry apart.
AWARD_BIRTHDAYS_ACTOR = tasks.AWARD_BIRTHDAYS_ACTOR
AWARD_SHOP_BIRTHDAYS_ACTOR = tasks.AWARD_SHOP_BIRTHDAYS_ACTOR
# Every 15 minutes: pending points whose period is over become spendable.
RELEASE_PENDING_ACTOR = tasks.RELEASE_PENDING_ACTOR
RELEASE_PENDING_QUEUE = tasks.RELEASE_PENDING_QUEUE

parse_review = reviews.parse_review
review_signature = rules.review_signature
normalise_tag = rules.normalise_tag
parse_product_ids = rules.parse_product_ids

# --- rules and program settings ------------------------------------------------------------

# ``install_rules(uow, merchant_id, enabled=...)``: the shop's rules with their default
# points, all on or all off (shops get them at install; rules they have are kept).
install_rules = commands.install_rules
get_rules = flows.get_rules
ways_to_earn = flows.ways_to_earn
# Raises ``ValidationFailed`` for a bad value (nothing changes); audited.
update_rule = commands.update_rule
get_purchase_rule = queries.get_purchase_rule
get_program_settings = queries.get_program_settings
update_program_settings = purchase.update_program_settings

# --- orders (in the caller's unit of work) ---------------------------------------------------

# ``award_orders(uow, merchant_id, orders)``: one order or a whole batch, awarded together.
award_orders = orders.award_orders
count_customer_orders = orders.count_customer_orders
cancel_order = orders.cancel_order
refund_order = orders.refund_order
record_product_tags = orders.record_product_tags
# the products' tags the products webhooks told (campaigns' product-tag conditions)
product_tags_in = orders.product_tags_in
get_pending_points = queries.get_pending_points
release_pending_points = flows.release_pending_points
# points held as pending for no order (an import's), posted under their keys when due
HeldPoints = held.HeldPoints
hold_points = held.hold_points
cancel_held = held.cancel_held

# What an order would earn, part by part, written nowhere (simulateEarning, estimateEarning).
estimate_order = estimates.estimate_order
normalise_lines = estimates.normalise_lines

# --- other triggers ----------------------------------------------------------------------------

award_signup = commands.award_signup
award_newsletter = commands.award_newsletter
award_custom = commands.award_custom
# Referral rewards and milestone bonuses (ledger kind "referral"), once per key; the
# tier step runs only with ``tier_multiplier_applies``.
award_referral = commands.award_referral
award_review = flows.award_review
award_shop_birthdays = flows.award_shop_birthdays
send_birthday_awards = flows.send_birthday_awards

# --- review webhook ----------------------------------------------------------------------------

review_webhook = flows.review_webhook
rotate_review_webhook_secret = commands.rotate_review_webhook_secret
verify_review_signature = queries.verify_review_signature

# --- the award pipeline -------------------------------------------------------------------
# Contexts that change what a trigger earns (tier multipliers, campaigns, caps) register a
# step here from their own handlers module; earning runs the steps in their order. A step
# gets ``Earning``s (an ``Award`` and the parts added so far) and appends ``Part``s.
PipelineStep = pipeline.Step
pipeline_step = pipeline.pipeline_step
Award = pipeline.Award
Earning = pipeline.Earning
Part = pipeline.Part
ORIGIN_RULE = pipeline.ORIGIN_RULE
ORIGIN_TIER = pipeline.ORIGIN_TIER
ORIGIN_CAMPAIGN = pipeline.ORIGIN_CAMPAIGN
# the ledger key of a part: ``part_key("order:7:earn", "tier")`` -> "order:7:tier"
part_key = pipeline.part_key
# the breakdown of awards without posting them (``dry_run``: the steps write nothing either)
plan_earnings = pipeline.plan
