"""Claims by email and invites: what a friend or an advocate asks for on the storefront."""

from __future__ import annotations

import logging
from datetime import timedelta

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.notifications import api as notifications
from loyalnest.contexts.referrals import rules
from loyalnest.contexts.referrals.commands.common import (
    ISSUE_FRIEND_CODE_ACTOR,
    REFERRALS_QUEUE,
    code_owner,
    email_index,
    email_indexes,
    enabled_program,
    ensure_code_row,
    friend_code_index,
    link_in,
    offer_in,
    progress_changed,
    request_link_discount,
)
from loyalnest.contexts.referrals.dto import (
    ClaimResult,
    InviteResult,
)
from loyalnest.contexts.referrals.models import FRIEND_CODE_CONTEXT, FRIEND_EMAIL_CONTEXT
from loyalnest.contexts.referrals.repository import invites as invite_repository
from loyalnest.contexts.referrals.repository import referrals as repository
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.errors import DomainError, NotFound, ValidationFailed
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork

log = logging.getLogger(__name__)


async def claim_referral(
    uow: UnitOfWork,
    *,
    merchant_id: int,
    code: str,
    email: str,
    visitor: str | None,
    customer_id: int | None = None,
) -> ClaimResult:
    """A friend claims an advocate's offer with their email: they get their own
    single-use code, chosen here (returned at once) and created on Shopify after commit
    (``referrals.issue_friend_code``), and sent to them by email. ``customer_id``: the
    logged-in storefront customer, if any (claiming one's own code is refused).
    ``visitor`` is accepted for the caller's rate limiting; nothing of it is stored."""
    del visitor
    program = await enabled_program(uow, merchant_id)
    owner = await code_owner(uow, merchant_id, code)
    email = rules.validate_email(email)
    if customer_id is not None and customer_id == owner.customer_id:
        raise ValidationFailed("you cannot claim your own referral code", field="code", code="OWN_CODE")
    advocate = await customers.get_customer(merchant_id, owner.customer_id)
    if (
        advocate is not None
        and advocate.email
        and rules.canonical_email(advocate.email) == rules.canonical_email(email)
    ):
        raise ValidationFailed("you cannot claim your own referral code", field="email", code="OWN_CODE")
    checks = rules.CheckSettings(
        program.checks,
        program.velocity_per_week,
        program.disposable_domains_blocked,
        tuple(program.disposable_domains_extra),
        tuple(program.disposable_domains_allowed),
    )
    if (
        checks.on("disposable_email")
        and program.disposable_domains_blocked
        and rules.is_disposable(
            rules.email_domain(email),
            extra=program.disposable_domains_extra,
            allowed=program.disposable_domains_allowed,
        )
    ):
        raise ValidationFailed("use a permanent email address", field="email", code="DISPOSABLE_EMAIL")
    if await customers.customer_id_by_email(merchant_id, email) is not None:
        raise ValidationFailed(
            "this email already belongs to a customer: the offer is for new customers",
            field="email",
            code="ALREADY_CUSTOMER",
        )
    claimed = await repository.by_friend_email(
        uow.session, merchant_id, owner.customer_id, email_indexes(email)
    )
    if claimed is not None:
        raise ValidationFailed(
            "this email has already claimed this offer", field="email", code="ALREADY_CLAIMED"
        )
    now = utcnow()
    friend_code = rules.new_friend_code()
    keyring = get_keyring()
    row = await repository.insert_referral(
        uow.session,
        merchant_id,
        {
            "advocate_customer_id": owner.customer_id,
            "friend_email_bidx": email_index(email),
            "friend_email_enc": keyring.encrypt(email, context=FRIEND_EMAIL_CONTEXT),
            "source": "claim",
            "status": "claimed",
            "friend_code_enc": keyring.encrypt(friend_code, context=FRIEND_CODE_CONTEXT),
            "friend_code_lookup": friend_code_index(friend_code),
            "friend_code_expires_at": now + timedelta(days=program.friend_code_validity_days),
            "claimed_at": now,
            "expires_at": now + timedelta(days=program.claim_validity_days),
        },
    )
    if row is None:  # a concurrent claim with the same email won
        raise ValidationFailed(
            "this email has already claimed this offer", field="email", code="ALREADY_CLAIMED"
        )
    uow.enqueue(
        ISSUE_FRIEND_CODE_ACTOR, queue_name=REFERRALS_QUEUE, merchant_id=merchant_id, referral_id=row.id
    )
    offer = await offer_in(uow, program)
    await notifications.queue_messages(
        uow,
        merchant_id,
        [
            notifications.Outgoing(
                type="referral_friend_code",
                cause=f"referral:{row.id}",
                customer_id=None,
                variables={"offer": offer, "expires_at": row.friend_code_expires_at},
                sealed={"code": friend_code},
                recipient=email,
            )
        ],
    )
    await progress_changed(uow, merchant_id, [owner.customer_id])
    assert row.friend_code_expires_at is not None
    return ClaimResult(code=friend_code, expires_at=row.friend_code_expires_at, referral_id=row.id)


# --- invites -------------------------------------------------------------------------------------------


def _recipient(channel: str, to: str) -> str:
    if channel == "email":
        return rules.canonical_email(rules.validate_email(to))
    if channel == "sms":
        phone = rules.canonical_phone(to)
        if phone is None or len(phone) > 15:
            raise ValidationFailed("enter a valid phone number", field="to")
        return phone
    raise ValidationFailed("channel must be email or sms", field="channel")


async def send_invite(
    uow: UnitOfWork, *, merchant_id: int, customer_id: int, channel: str, to: str
) -> InviteResult:
    """Send an invite at the advocate's request: at most ``INVITES_PER_DAY`` in 24 hours,
    never to an address of one of the shop's customers (the advocate's own included),
    nor to an address whose customer revoked the ``referrals`` consent (``NO_CONSENT``,
    whatever the address's owner is now: a number is not matched to customers otherwise).
    ``sent`` is False when the shop has the invite message switched off."""
    program = await enabled_program(uow, merchant_id)
    channel = channel.lower()
    recipient = _recipient(channel, to)
    # an opt-out written before a blind key rotation is found under every configured key
    if await invite_repository.opted_out(
        uow.session, merchant_id, rules.invite_indexes(get_keyring(), recipient)
    ):
        # the address's customer revoked the ``referrals`` consent (``honour_referrals_consent``)
        raise ValidationFailed("this address does not take referral invites", field="to", code="NO_CONSENT")
    since = utcnow() - timedelta(days=1)
    used = await invite_repository.count_invites(uow.session, merchant_id, customer_id, since)
    if used >= rules.INVITES_PER_DAY:
        raise DomainError(
            f"at most {rules.INVITES_PER_DAY} invites a day", field="to", code="INVITE_LIMIT_REACHED"
        )
    advocate = await customers.get_customer(merchant_id, customer_id)
    if advocate is None:
        raise NotFound("no such customer", field="customerId")
    if channel == "email":
        if await customers.customer_id_by_email(merchant_id, to.strip()) is not None or (
            advocate.email and rules.canonical_email(advocate.email) == recipient
        ):
            raise ValidationFailed(
                "this address already belongs to a customer of the shop", field="to", code="ALREADY_CUSTOMER"
            )
    elif advocate.phone and rules.canonical_phone(advocate.phone) == recipient:
        raise ValidationFailed(
            "this number already belongs to a customer of the shop", field="to", code="ALREADY_CUSTOMER"
        )
    code = await ensure_code_row(uow, merchant_id=merchant_id, customer_id=customer_id)
    request_link_discount(uow, merchant_id, code)
    invite_id = await invite_repository.insert_invite(
        uow.session,
        merchant_id,
        customer_id,
        channel,
        rules.invite_index(get_keyring(), recipient),
    )
    offer = await offer_in(uow, program)
    queued = await notifications.queue_messages(
        uow,
        merchant_id,
        [
            notifications.Outgoing(
                type="referral_invite",
                cause=f"invite:{invite_id}",
                customer_id=None,
                variables={
                    "advocate_first_name": advocate.first_name or "",
                    "offer": offer,
                    "link": await link_in(uow, merchant_id, code.code),
                },
                recipient=to.strip(),
                locale=advocate.locale,
            )
        ],
    )
    await progress_changed(uow, merchant_id, [customer_id])
    return InviteResult(sent=queued > 0, remaining_today=rules.INVITES_PER_DAY - used - 1)


# --- the ``referrals`` consent ------------------------------------------------------------------


async def honour_referrals_consent(
    uow: UnitOfWork, merchant_id: int, customer_id: int, *, granted: bool
) -> None:
    """Revoked: the customer's email and phone (as they are now) take no invite; granted
    again: they do."""
    if granted:
        await invite_repository.remove_opt_outs(uow.session, merchant_id, customer_id)
        return
    customer = await customers.get_customer(merchant_id, customer_id)
    if customer is None:
        return
    keyring = get_keyring()
    addresses = [
        rules.canonical_email(customer.email) if customer.email else None,
        rules.canonical_phone(customer.phone),
    ]
    await invite_repository.add_opt_outs(
        uow.session,
        merchant_id,
        customer_id,
        [rules.invite_index(keyring, a) for a in addresses if a],
    )
