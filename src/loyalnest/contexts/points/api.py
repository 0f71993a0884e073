"""Public door of the points context: the ledger (post, spend, return, reverse,
expire, verify), lots, the shop's expiry policy, and live balance updates. What an
order or an earning rule earns is decided by the earning context, which posts here."""

from __future__ import annotations

from loyalnest.contexts.points import commands, flows, queries, rules
from loyalnest.contexts.points.dto import (
    AccountDTO,
    ExpiringPointsDTO,
    ExpiryPolicyDTO,
    ExpiryReport,
    HistoryEntryDTO,
    LedgerDayBucket,
    LedgerDays,
    LedgerDayStats,
    LedgerEntryDTO,
    LedgerMismatch,
    LedgerPage,
    LotMismatch,
    OpeningBalance,
    OpeningsPosted,
    Posting,
    PostingResult,
)
from loyalnest.contexts.points.events import PointsBalanceChanged, balance_channel
from loyalnest.contexts.points.ledger import openings, policy, posting, reminders, reversal, verify
from loyalnest.contexts.points.tasks import EXPIRE_LOTS_ACTOR, POINTS_QUEUE

__all__ = [
    "EXPIRE_LOTS_ACTOR",
    "EXPIRY_POLICIES",
    "MAX_EXPIRING_WITHIN_DAYS",
    "MAX_IDEMPOTENCY_KEY_LENGTH",
    "POINTS_QUEUE",
    "REMINDER_DAYS",
    "AccountDTO",
    "ConcurrentPosting",
    "DueReminder",
    "ExpiringPointsDTO",
    "ExpiryPolicyChange",
    "ExpiryPolicyDTO",
    "ExpiryReport",
    "HistoryEntryDTO",
    "LedgerDayBucket",
    "LedgerDayStats",
    "LedgerDays",
    "LedgerEntryDTO",
    "LedgerMismatch",
    "LedgerPage",
    "LotMismatch",
    "OpeningBalance",
    "OpeningsPosted",
    "PointsBalanceChanged",
    "Posting",
    "PostingResult",
    "active_customers_by_day",
    "adjust_points",
    "aggregate_ledger_days",
    "award_points",
    "balance_channel",
    "change_expiry_policy",
    "claim_due_reminders",
    "close_account",
    "count_transactions",
    "customers_with_accounts",
    "customers_with_entries_besides",
    "existing_entries",
    "expire_due_lots",
    "expire_lots",
    "get_accounts",
    "get_expiring_points",
    "get_expiry_policy",
    "get_expiry_policy_in",
    "get_points_spent",
    "get_transactions",
    "keyed_credits",
    "ledger_heads",
    "list_history",
    "list_transactions",
    "origin_totals",
    "origins_before",
    "post_many",
    "post_opening_balances",
    "recent_transactions_for_customers",
    "refresh_statistics",
    "return_points",
    "reverse_earning",
    "spend_points",
    "validate_client_key",
    "validate_expiry",
    "verify_ledger",
    "verify_lots",
]

MAX_EXPIRING_WITHIN_DAYS = queries.MAX_EXPIRING_WITHIN_DAYS
REMINDER_DAYS = reminders.REMINDER_DAYS
EXPIRY_POLICIES = rules.EXPIRY_POLICIES
MAX_IDEMPOTENCY_KEY_LENGTH = rules.MAX_IDEMPOTENCY_KEY_LENGTH

# --- posting (in the caller's unit of work) ----------------------------------------------

ConcurrentPosting = posting.ConcurrentPosting
# "Points expiring soon" reminders handed to whoever sends them, in its transaction.
DueReminder = reminders.DueReminder
claim_due_reminders = reminders.claim_due_reminders
# Several postings at once, each under the rules of one (see ``ledger.posting``).
post_many = posting.post_many
# Opening balances an import brings (what was earned with another app, what is left),
# set-based for customers without an account (see ``ledger.openings``).
post_opening_balances = openings.post_opening_balances
refresh_statistics = openings.refresh_statistics
# Entries already posted under some keys: a caller whose batch may hold a replay (a
# batch with a used key is refused as a whole) leaves those out first.
existing_entries = posting.existing_entries
customers_with_entries_besides = posting.customers_with_entries_besides
keyed_credits = posting.keyed_credits
# Expire the customers' lots whose time has come now (``dated``: each row dated when
# its lot expired; an import's history uses it once its rows are posted).
expire_due_lots = posting.expire_due
# What a customer's entries of an origin (a campaign) come to: caps and reach.
origins_before = posting.origins_before
origin_totals = posting.origin_totals
# Take back an earning from its own lot first (refunds, cancellations).
reverse_earning = reversal.reverse_earning
adjust_points = commands.adjust_points
# Forfeit what is left when a customer's data is erased (privacy).
close_account = commands.close_account
award_points = commands.award_points
spend_points = commands.spend_points
return_points = commands.return_points

# --- expiry policy -----------------------------------------------------------------------

ExpiryPolicyChange = policy.PolicyChange
change_expiry_policy = policy.change_policy
get_expiry_policy_in = policy.policy_in
get_expiry_policy = queries.get_expiry_policy
validate_expiry = rules.validate_expiry

# --- reads --------------------------------------------------------------------------------

get_accounts = queries.get_accounts
list_transactions = queries.list_transactions
count_transactions = queries.count_transactions
get_transactions = queries.get_transactions
recent_transactions_for_customers = queries.recent_transactions_for_customers
get_expiring_points = queries.get_expiring_points

# --- aggregates (analytics' daily rollups scan by id range, never the whole ledger per request)

aggregate_ledger_days = queries.aggregate_ledger_days
active_customers_by_day = queries.active_customers_by_day
ledger_heads = queries.ledger_heads
customers_with_accounts = queries.customers_with_accounts

# --- exports (the imports context writes a shop's customers out, a batch at a time) -------

get_points_spent = queries.get_points_spent
list_history = queries.list_history

# --- passes and checks ----------------------------------------------------------------------

expire_lots = flows.expire_lots
verify_ledger = verify.verify_ledger
verify_lots = verify.verify_lots

# a client's idempotency key (mutations), checked before it is namespaced and stored
validate_client_key = rules.validate_client_key
