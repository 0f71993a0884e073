"""Public door of the referrals context: the shop's program, advocates' codes and links,
friends' claims, the staff review of held referrals, invites, progress and analytics.
Commands take the caller's unit of work and raise ``DomainError``s (NOT_FOUND, INVALID
and the codes named in each); queries open their own read session."""

from __future__ import annotations

from loyalnest.contexts.referrals import analytics, clicks, commands, flows, links, queries, rules
from loyalnest.contexts.referrals.dto import (
    CHECKS,
    KEEP,
    SOURCES,
    STATUSES,
    AdvocateRewardDTO,
    AdvocateStatDTO,
    AnalyticsDTO,
    ClaimResult,
    ClickOutcome,
    FriendOfferDTO,
    InviteResult,
    MilestoneDTO,
    MyReferralDTO,
    ProgramDTO,
    ProgramUpdate,
    ProgressDTO,
    ReasonDTO,
    ReferralDTO,
    ReferralPage,
    ShareLinksDTO,
)
from loyalnest.contexts.referrals.events import (
    ReferralProgressChanged,
    ReferralRewarded,
    referral_progress_channel,
)
from loyalnest.contexts.referrals.links import LinkTarget
from loyalnest.contexts.referrals.tasks.clicks import FLUSH_CLICKS_ACTOR

__all__ = [
    "CHECKS",
    "CREATE_LINK_DISCOUNT_ACTOR",
    "FLUSH_CLICKS_ACTOR",
    "INVITES_PER_DAY",
    "ISSUE_FRIEND_CODE_ACTOR",
    "KEEP",
    "MAX_PAGE",
    "REFERRALS_QUEUE",
    "SETTLE_DUE_ACTOR",
    "SOURCES",
    "STATUSES",
    "AdvocateRewardDTO",
    "AdvocateStatDTO",
    "AnalyticsDTO",
    "ClaimResult",
    "ClickOutcome",
    "FriendOfferDTO",
    "InviteResult",
    "LinkTarget",
    "MilestoneDTO",
    "MyReferralDTO",
    "ProgramDTO",
    "ProgramUpdate",
    "ProgressDTO",
    "ReasonDTO",
    "ReferralDTO",
    "ReferralPage",
    "ReferralProgressChanged",
    "ReferralRewarded",
    "ShareLinksDTO",
    "approve_referral",
    "claim_referral",
    "ensure_code",
    "get_code_links",
    "get_codes",
    "get_my_referral",
    "get_program",
    "get_progress",
    "get_referrals",
    "import_codes",
    "importable_code",
    "list_referrals",
    "record_click",
    "referral_analytics",
    "referral_progress_channel",
    "referrals_of_friends",
    "reject_referral",
    "remove_imported_codes",
    "resolve_link",
    "send_invite",
    "settle_due",
    "update_program",
]

MAX_PAGE = queries.MAX_PAGE
INVITES_PER_DAY = rules.INVITES_PER_DAY
REFERRALS_QUEUE = commands.REFERRALS_QUEUE
CREATE_LINK_DISCOUNT_ACTOR = commands.CREATE_LINK_DISCOUNT_ACTOR
ISSUE_FRIEND_CODE_ACTOR = commands.ISSUE_FRIEND_CODE_ACTOR
# every 15 minutes: pending past their confirmation -> completed -> rewarded; claims expire
SETTLE_DUE_ACTOR = commands.SETTLE_DUE_ACTOR

# --- configuration (in the caller's unit of work; audited) ---------------------------------

update_program = commands.update_program

# --- storefront (in the caller's unit of work) --------------------------------------------------

ensure_code = commands.ensure_code

# --- an import from another loyalty app (imports; in its unit of work) ------------------------

# the stored form of an imported code, or None when it cannot be kept
importable_code = commands.importable_code
import_codes = commands.import_codes
remove_imported_codes = commands.remove_imported_codes
# ``claim_referral(uow, *, merchant_id, code, email, visitor, customer_id=None)``
claim_referral = commands.claim_referral
send_invite = commands.send_invite

# --- staff decisions (in the caller's unit of work; audited) -------------------------------------

approve_referral = commands.approve_referral
reject_referral = commands.reject_referral

# --- reads ------------------------------------------------------------------------------------------

get_program = queries.get_program
get_progress = queries.get_progress
list_referrals = queries.list_referrals
get_referrals = queries.get_referrals
get_codes = queries.get_codes
referrals_of_friends = queries.referrals_of_friends
# (code, link) of customers with a code, a batch at a time (a shop's export)
get_code_links = queries.get_code_links
# creates the code on first read (own unit of work); asks Shopify for the link discount
get_my_referral = flows.get_my_referral

# --- links, clicks and analytics ----------------------------------------------------------------------

resolve_link = links.resolve_link
record_click = clicks.record_click
referral_analytics = analytics.referral_analytics

# --- passes (the actors call these; tests too) -----------------------------------------------------------

settle_due = flows.settle_due
