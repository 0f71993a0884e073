"""Reads of the referrals context; each opens its own read session."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.referrals import rules
from loyalnest.contexts.referrals.commands.common import proxy_subpath, to_program_dto, to_referral_dto
from loyalnest.contexts.referrals.dto import STATUSES, ProgramDTO, ProgressDTO, ReferralDTO, ReferralPage
from loyalnest.contexts.referrals.repository import codes as code_repository
from loyalnest.contexts.referrals.repository import invites as invite_repository
from loyalnest.contexts.referrals.repository import programs as program_repository
from loyalnest.contexts.referrals.repository import referrals as repository
from loyalnest.platform.db import read_session
from loyalnest.platform.errors import ValidationFailed

MAX_PAGE = 100


async def get_program(merchant_id: int) -> ProgramDTO:
    """The shop's program; the defaults (disabled) when it was never configured."""
    async with read_session() as session:
        row = await program_repository.get_program(session, merchant_id)
    return to_program_dto(merchant_id, row)


async def get_progress(merchant_id: int, customer_id: int) -> ProgressDTO:
    """An advocate's counts: ``claimed`` counts every friend who claimed (whatever became
    of the claim), ``completed`` those whose order passed its confirmation period
    (rewarded ones included), ``rewarded`` those paid; ``clicked`` comes from the daily
    click counters."""
    async with read_session() as session:
        program = await program_repository.get_program(session, merchant_id)
        found = await repository.advocate_counts(session, merchant_id, customer_id)
        invited = await invite_repository.count_invites(session, merchant_id, customer_id)
        clicked = await repository.total_clicks(session, merchant_id, customer_id)
    dto = to_program_dto(merchant_id, program)
    rewarded = found.by_status.get("rewarded", 0)
    upcoming = rules.next_milestone(dto.milestones, rewarded)
    return ProgressDTO(
        invited=invited,
        clicked=clicked,
        claimed=found.claims,
        completed=found.by_status.get("completed", 0) + rewarded,
        rewarded=rewarded,
        pending_rewards=found.waiting * dto.advocate_points if dto.advocate_kind == "points" else 0,
        next_milestone=upcoming,
        to_next_milestone=None if upcoming is None else upcoming.count - rewarded,
    )


async def list_referrals(
    merchant_id: int,
    *,
    status: str | None = None,
    held: bool | None = None,
    advocate_customer_id: int | None = None,
    friend_customer_id: int | None = None,
    first: int,
    after: int | None = None,
) -> ReferralPage:
    """Newest first; ``after`` is the id of the last referral of the previous page."""
    if status is not None and status not in STATUSES:
        raise ValidationFailed(f"unknown status {status!r}", field="status")
    if not 1 <= first <= MAX_PAGE:
        raise ValidationFailed(f"first must be between 1 and {MAX_PAGE}", field="first")
    async with read_session() as session:
        rows = await repository.list_referrals(
            session,
            merchant_id,
            status=status,
            held=held,
            advocate=advocate_customer_id,
            friend=friend_customer_id,
            after_id=after,
            limit=first + 1,
        )
        total = await repository.count_referrals(
            session,
            merchant_id,
            status=status,
            held=held,
            advocate=advocate_customer_id,
            friend=friend_customer_id,
        )
    return ReferralPage(
        items=[to_referral_dto(row) for row in rows[:first]],
        has_next=len(rows) > first,
        has_previous=after is not None,
        total=total,
    )


async def get_referrals(merchant_id: int, ids: Sequence[int]) -> dict[int, ReferralDTO]:
    """By id (a DataLoader batch); unknown ids (or another shop's) are absent."""
    async with read_session() as session:
        rows = await repository.get_referrals(session, merchant_id, ids)
    return {row.id: to_referral_dto(row) for row in rows}


async def get_codes(merchant_id: int, customer_ids: Sequence[int]) -> dict[int, str]:
    """Customers' referral codes, read only (a DataLoader batch): a customer who never
    opened their referral has none yet (``get_my_referral`` creates it)."""
    async with read_session() as session:
        rows = await code_repository.codes_of_customers(session, merchant_id, customer_ids)
    return {customer_id: row.code for customer_id, row in rows.items()}


async def referrals_of_friends(merchant_id: int, customer_ids: Sequence[int]) -> dict[int, ReferralDTO]:
    """The referral that brought each customer (as the friend; one at most per shop),
    for a DataLoader batch; customers nobody referred are absent."""
    async with read_session() as session:
        rows = await repository.by_friends(session, merchant_id, customer_ids)
    return {
        row.friend_customer_id: to_referral_dto(row) for row in rows if row.friend_customer_id is not None
    }


async def get_code_links(merchant_id: int, customer_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """(code, link) of the customers among ``customer_ids`` who have a referral code,
    the link as the storefront shows it (through the shop's app proxy); read only, a
    batch at a time (a shop's export)."""
    codes = await get_codes(merchant_id, customer_ids)
    if not codes:
        return {}
    shop = await merchants.get_merchant(merchant_id)
    if shop is None:
        return {}
    subpath = proxy_subpath()
    return {cid: (code, rules.link(shop.shop_domain, subpath, code)) for cid, code in codes.items()}
