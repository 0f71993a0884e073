"""Public door of the tiers context: a shop's VIP ladder and settings, where each
customer stands (tier, progress, history), manual assignment, and the background
re-tier with its progress. Campaigns target tiers through ``tier_ids_of`` and
``existing_tier_ids`` (read in the caller's transaction)."""

from __future__ import annotations

from loyalnest.contexts.tiers import commands, evaluation, flows, imports, queries, rules, tasks
from loyalnest.contexts.tiers.dto import (
    KEEP,
    CustomerTierDTO,
    RetierRunDTO,
    TierDTO,
    TierHistoryDTO,
    TierHistoryPage,
    TierInput,
    TierProgressDTO,
    TierSettingsDTO,
    TierSettingsUpdate,
    TierUpdate,
)
from loyalnest.contexts.tiers.events import TierChanged, tier_channel

__all__ = [
    "KEEP",
    "MAX_HISTORY_PAGE",
    "MAX_TIERS",
    "METRICS",
    "PERIODS",
    "REASONS",
    "REEVALUATE_DUE_ACTOR",
    "REEVALUATE_SHOP_ACTOR",
    "RETENTIONS",
    "RETIER_SHOP_ACTOR",
    "TIERS_QUEUE",
    "TRIGGERS",
    "CustomerTierDTO",
    "ImportedStanding",
    "RetierRunDTO",
    "TierChanged",
    "TierDTO",
    "TierHistoryDTO",
    "TierHistoryPage",
    "TierInput",
    "TierProgressDTO",
    "TierRestore",
    "TierSettingsDTO",
    "TierSettingsUpdate",
    "TierUpdate",
    "assign_tier",
    "count_histories",
    "count_history",
    "create_tier",
    "delete_tier",
    "existing_tier_ids",
    "first_history_pages",
    "get_customer_tiers",
    "get_progress",
    "get_retier",
    "get_settings",
    "get_tiers",
    "import_standings",
    "latest_retier",
    "list_history",
    "list_tiers",
    "reevaluate_shop",
    "refresh_statistics",
    "restore_standings",
    "retier_channel",
    "retier_shop",
    "tier_channel",
    "tier_ids_of",
    "tier_member_counts",
    "tier_names",
    "update_settings",
    "update_tier",
]

MAX_TIERS = rules.MAX_TIERS
METRICS = rules.METRICS
PERIODS = rules.PERIODS
RETENTIONS = rules.RETENTIONS
TRIGGERS = rules.TRIGGERS
REASONS = rules.REASONS
MAX_HISTORY_PAGE = queries.MAX_PAGE

TIERS_QUEUE = commands.TIERS_QUEUE
RETIER_SHOP_ACTOR = commands.RETIER_SHOP_ACTOR
REEVALUATE_DUE_ACTOR = tasks.REEVALUATE_DUE_ACTOR
REEVALUATE_SHOP_ACTOR = tasks.REEVALUATE_SHOP_ACTOR
retier_channel = flows.retier_channel

# --- for other contexts, in the caller's transaction ------------------------------------------


# {customer id: live tier id or None}, one entry per id asked for
tier_ids_of = evaluation.tier_ids_of
# the ids among those asked that are live tiers of this shop
existing_tier_ids = evaluation.existing_tier_ids
# --- an import from another loyalty app (imports; in its transaction, a chunk at a time) -----
ImportedStanding = imports.ImportedStanding
TierRestore = imports.TierRestore
# {tier name in any locale, case-folded: id}: how a file names tiers
tier_names = imports.tier_names
import_standings = imports.import_standings
refresh_statistics = imports.refresh_statistics
restore_standings = imports.restore_standings


# --- configuration (in the caller's unit of work; audited; re-tier in the background) ---------

# Raise ``DomainError`` (NOT_FOUND, INVALID) before anything changed.
create_tier = commands.create_tier
update_tier = commands.update_tier
delete_tier = commands.delete_tier
update_settings = commands.update_settings
assign_tier = commands.assign_tier

# --- reads ---------------------------------------------------------------------------------------

list_tiers = queries.list_tiers
get_tiers = queries.get_tiers
get_settings = queries.get_settings
get_customer_tiers = queries.get_customer_tiers
get_progress = queries.get_progress
list_history = queries.list_history
count_history = queries.count_history
first_history_pages = queries.first_history_pages
count_histories = queries.count_histories
latest_retier = queries.latest_retier
get_retier = queries.get_retier
tier_member_counts = queries.tier_member_counts

# --- passes (the actors call these; tests and the bench too) ------------------------------------

retier_shop = flows.retier_shop
reevaluate_shop = flows.reevaluate_shop
