"""Business rules of the referrals context, in the caller's unit of work (never
committing): the program, codes, claims, attribution of orders with the fraud checks,
completion and rewards, reversals, staff decisions, and invites.

Ledger keys (through earning's pipeline, kind ``referral``):
- ``referral:<referral id>:advocate``               the advocate's reward
- ``referral:milestone:<advocate id>:<count>``       a milestone bonus, once per count
- ``referral:<referral id>:advocate:reversal``       a paid reward taken back (shortfall rule)
"""

from __future__ import annotations

from loyalnest.contexts.referrals.commands.claims import claim_referral, honour_referrals_consent, send_invite
from loyalnest.contexts.referrals.commands.common import (
    CREATE_LINK_DISCOUNT_ACTOR,
    ISSUE_FRIEND_CODE_ACTOR,
    REFERRALS_QUEUE,
    SETTLE_DUE_ACTOR,
    ensure_code,
    ensure_code_row,
    ensure_program,
    offer_in,
    program_in,
    progress_changed,
    proxy_subpath,
    request_link_discount,
    to_program_dto,
    update_program,
)
from loyalnest.contexts.referrals.commands.erasure import erase_customer
from loyalnest.contexts.referrals.commands.imported_codes import (
    import_codes,
    importable_code,
    remove_imported_codes,
)
from loyalnest.contexts.referrals.commands.orders import (
    attribute_orders,
    cancel_orders,
    record_advocate_orders,
    refund_orders,
)
from loyalnest.contexts.referrals.commands.settlement import (
    approve_referral,
    reject_referral,
    reward,
    settle_shop,
)

__all__ = [
    "CREATE_LINK_DISCOUNT_ACTOR",
    "ISSUE_FRIEND_CODE_ACTOR",
    "REFERRALS_QUEUE",
    "SETTLE_DUE_ACTOR",
    "approve_referral",
    "attribute_orders",
    "cancel_orders",
    "claim_referral",
    "ensure_code",
    "ensure_code_row",
    "ensure_program",
    "erase_customer",
    "honour_referrals_consent",
    "import_codes",
    "importable_code",
    "offer_in",
    "program_in",
    "progress_changed",
    "proxy_subpath",
    "record_advocate_orders",
    "refund_orders",
    "reject_referral",
    "remove_imported_codes",
    "request_link_discount",
    "reward",
    "send_invite",
    "settle_shop",
    "to_program_dto",
    "update_program",
]
