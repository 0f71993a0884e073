"""Every message LoyalNest sends, in one registry: who receives it, whether it is
transactional (always sent) or marketing (only with consent), whether a shop has it on
by default, its channels, and the variables its templates may use, each with a type and
a sample value (what the live preview shows, and what ``render`` checks templates
against). A template may use only the variables its type declares, plus the common ones
every message of its audience gets.

Adding a type (``nudge``: analytics' email nudges; the ``privacy_*`` types: privacy
requests) is one entry here and its default templates under ``defaults/`` (with, for a
customer type, its topic: what the unsubscribe page says the messages are about).

A customer type with ``can_opt_out=False`` (``privacy_request_confirm``,
``privacy_export_ready``) answers a request the law makes the shop answer: it goes out
whatever the customer's opt-outs say, carries no unsubscribe link, and is not listed
among the preferences a customer can change.

A type that declares ``trigger`` (``points_earned``) gets its ``reason`` made from it at
render time, in the message's locale (``defaults.earn_reason``): the handler stores the
trigger and the order's number, never English words.

The referral types are the first customer messages that may go to someone who is not a
customer yet: ``referral_invite`` (an advocate's friend) and ``referral_friend_code``
(a friend who claimed with an email) are queued with an ``Outgoing.recipient`` and
rendered with the common customer variables empty (no name, a zero balance, no
unsubscribe link), so their templates never rely on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Literal

Audience = Literal["customer", "merchant"]
Category = Literal["transactional", "marketing"]
Channel = Literal["email", "sms"]
VariableType = Literal["string", "int", "money", "date", "datetime", "url", "string_list"]

CHANNELS: tuple[Channel, ...] = ("email", "sms")
# a list variable holds at most this many items (templates cannot loop over more)
MAX_LIST_ITEMS = 20


@dataclass(frozen=True, slots=True)
class Money:
    """An amount with its currency, as templates receive it (``{{ value|money }}``)."""

    amount: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class Variable:
    name: str
    type: VariableType
    description: str
    sample: Any


@dataclass(frozen=True, slots=True)
class MessageType:
    name: str
    audience: Audience
    category: Category
    description: str
    variables: tuple[Variable, ...]
    channels: tuple[Channel, ...] = CHANNELS
    enabled_by_default: bool = True
    # False: a customer cannot unsubscribe from it (the answer to a privacy request the
    # law requires: an opt-out from "messages" must not silence it). Delivery ignores the
    # customer's opt-outs and adds no unsubscribe link; the preferences do not list it.
    can_opt_out: bool = True

    @property
    def all_variables(self) -> tuple[Variable, ...]:
        """The type's own variables after the common ones of its audience."""
        common = CUSTOMER_COMMON if self.audience == "customer" else MERCHANT_COMMON
        return common + self.variables

    def variable(self, name: str) -> Variable | None:
        return next((v for v in self.all_variables if v.name == name), None)

    def samples(self) -> dict[str, Any]:
        values = {v.name: v.sample for v in self.all_variables}
        if not self.can_opt_out:
            values["unsubscribe_url"] = ""  # such a message has no link: nor has its preview
        return values


def _v(name: str, type_: VariableType, description: str, sample: Any) -> Variable:
    return Variable(name, type_, description, sample)


_SAMPLE_AT = datetime(2026, 12, 24, 18, 30, tzinfo=UTC)
_SAMPLE_LINK = "https://mapleandmoss.com/apps/loyalnest/r/7QK4M2X"
_SAMPLE_DOWNLOAD = "https://maple-and-moss.myshopify.com/apps/loyalnest/privacy/download?t=9RT2W8PX"

# Every customer message gets these (branding and the customer's account).
CUSTOMER_COMMON: tuple[Variable, ...] = (
    _v("shop_name", "string", "The shop's name", "Maple & Moss"),
    _v("shop_url", "url", "The shop's storefront address", "https://maple-and-moss.myshopify.com"),
    _v("customer_first_name", "string", "The customer's first name (may be empty)", "Ana"),
    _v("points_balance", "int", "The customer's points balance when the message was made", 1250),
    _v("unsubscribe_url", "url", "One-click unsubscribe from this type of message", "https://example.com/u"),
)
# Every staff message gets these.
MERCHANT_COMMON: tuple[Variable, ...] = (
    _v("shop_name", "string", "The shop's name", "Maple & Moss"),
    _v(
        "dashboard_url",
        "url",
        "The LoyalNest dashboard in Shopify admin",
        "https://admin.shopify.com/apps/loyalnest",
    ),
)

_TYPES: tuple[MessageType, ...] = (
    MessageType(
        "points_earned",
        "customer",
        "transactional",
        "Points were added to the customer's balance (an order, a review, a birthday...).",
        (
            _v("points", "int", "Points earned", 425),
            _v(
                "reason",
                "string",
                "What earned them, in the message's language (made from trigger and order_number "
                "when the message is rendered)",
                "Order #1042",
            ),
            _v(
                "trigger",
                "string",
                "What earned them: 'order', 'signup', 'newsletter', 'birthday', 'review', 'referral' "
                "or 'custom'",
                "order",
            ),
            _v("order_number", "string", "The order's number when an order earned them (else empty)", "1042"),
        ),
        enabled_by_default=False,
    ),
    MessageType(
        "points_expiring",
        "customer",
        "transactional",
        "Some of the customer's points expire soon (30 days ahead).",
        (
            _v("points", "int", "Points that will expire", 300),
            _v("expires_on", "date", "The day they expire", date(2027, 1, 15)),
        ),
    ),
    MessageType(
        "reward_issued",
        "customer",
        "transactional",
        "A reward was redeemed: its discount code, value and expiry.",
        (
            _v("reward_title", "string", "The reward's title", "$10 off your next order"),
            _v("code", "string", "The discount code", "LN-7QK4-M2XD"),
            _v("value", "money", "The code's value (fixed-amount rewards)", Money(Decimal("10.00"), "USD")),
            _v("expires_at", "datetime", "When the code ends", _SAMPLE_AT),
            _v("points_spent", "int", "Points the reward cost", 500),
        ),
    ),
    MessageType(
        "reward_code_expiring",
        "customer",
        "transactional",
        "An unused code ends in 3 days; its points come back if it is not used.",
        (
            _v("reward_title", "string", "The reward's title", "$10 off your next order"),
            _v("code", "string", "The discount code", "LN-7QK4-M2XD"),
            _v("expires_at", "datetime", "When the code ends", _SAMPLE_AT),
            _v("points_spent", "int", "Points that come back if the code is not used", 500),
        ),
    ),
    MessageType(
        "points_returned",
        "customer",
        "transactional",
        "Points came back: an unused code ended, or a redemption failed.",
        (
            _v("points", "int", "Points returned", 500),
            _v("reward_title", "string", "The reward they were spent on", "$10 off your next order"),
            _v("reason", "string", "'unused' (the code ended unused) or 'failed'", "unused"),
        ),
    ),
    MessageType(
        "tier_changed",
        "customer",
        "transactional",
        "The customer's VIP tier changed (up or down).",
        (
            _v("tier_name", "string", "The new tier's name (empty: no tier)", "Gold"),
            _v("previous_tier_name", "string", "The previous tier's name (empty: none)", "Silver"),
            _v("direction", "string", "'up' or 'down'", "up"),
            _v(
                "perks", "string_list", "The new tier's perks", ["Free shipping", "Double points in December"]
            ),
        ),
    ),
    MessageType(
        "birthday",
        "customer",
        "marketing",
        "A birthday greeting, with the birthday points if the shop gives some.",
        (_v("points", "int", "Birthday points (0: none)", 200),),
    ),
    MessageType(
        "referral_invite",
        "customer",
        # sent only at the advocate's explicit request, to the one address they typed:
        # a message asked for, not a campaign (the referrals context refuses addresses of
        # the shop's customers and caps invites per advocate and day)
        "transactional",
        "An advocate invites a friend (not a customer yet) with their referral link and the friend's offer.",
        (
            _v(
                "advocate_first_name",
                "string",
                "The first name of the customer inviting (may be empty)",
                "Sam",
            ),
            _v(
                "offer",
                "string",
                "The friend's welcome offer, as the shop words it",
                "$10 off your first order",
            ),
            _v("link", "url", "The advocate's referral link (applies the offer)", _SAMPLE_LINK),
        ),
    ),
    MessageType(
        "referral_friend_code",
        "customer",
        "transactional",
        "A friend who claimed a referral gets their single-use welcome code.",
        (
            _v("code", "string", "The friend's single-use discount code", "FRIEND-7QK4M2XD"),
            _v("offer", "string", "What the code gives, as the shop words it", "$10 off your first order"),
            _v("expires_at", "datetime", "When the code ends", _SAMPLE_AT),
        ),
    ),
    MessageType(
        "referral_rewarded",
        "customer",
        "transactional",
        "A friend's first order counted: the advocate's reward (points or a catalog reward) is posted.",
        (
            _v("friend_first_name", "string", "The referred friend's first name (may be empty)", "Sam"),
            _v("points", "int", "Points earned (0: the reward is a catalog reward)", 500),
            _v("reward_title", "string", "The catalog reward earned (empty: points)", ""),
        ),
    ),
    MessageType(
        "nudge",
        "customer",
        # a campaign the merchant sends to a segment: only to customers who accept marketing
        "marketing",
        "A nudge emailed to a segment (analytics): the merchant's own title, text and call to action, in "
        "the customer's language and A/B variant.",
        (
            _v("title", "string", "The nudge's title", "We miss you!"),
            _v(
                "body",
                "string",
                "The nudge's text",
                "Come back this week and get double points on every order.",
            ),
            _v("cta_label", "string", "The call to action's label", "Shop now"),
            _v(
                "cta_url",
                "url",
                "Where the call to action leads",
                "https://maple-and-moss.myshopify.com/collections/new",
            ),
        ),
        channels=("email",),
    ),
    MessageType(
        "privacy_request_confirm",
        "customer",
        # the confirmation a privacy request asked in the widget needs: a legally required
        # step, so it ignores opt-outs and offers none (``can_opt_out``)
        "transactional",
        "A customer asked in the widget for a copy of their data or for its erasure: the link that "
        "confirms it was them (an erasure closes their account and forfeits their points).",
        (
            _v(
                "request_type",
                "string",
                "'data_request' (a copy of their data) or 'customer_redact' (the erasure of their data)",
                "customer_redact",
            ),
            _v(
                "confirm_url",
                "url",
                "The link that confirms the request",
                "https://maple-and-moss.myshopify.com/apps/loyalnest/privacy/confirm?t=7QK4M2XD",
            ),
            _v("points_forfeited", "int", "For an erasure, the points that will be lost (else 0)", 1250),
            _v("link_expires_at", "datetime", "When the link stops working", _SAMPLE_AT),
        ),
        channels=("email",),
        can_opt_out=False,
    ),
    MessageType(
        "privacy_export_ready",
        "customer",
        # the answer to the customer's own data request: legally required, no opt-out
        "transactional",
        "The copy of their data a customer asked for is ready to download.",
        (
            _v("download_url", "url", "Where the copy is downloaded", _SAMPLE_DOWNLOAD),
            _v("expires_at", "datetime", "When the link and the copy expire", _SAMPLE_AT),
        ),
        channels=("email",),
        can_opt_out=False,
    ),
    MessageType(
        "rate_limit_alert",
        "merchant",
        "transactional",
        "The shop is close to a plan or Shopify API limit.",
        (
            _v("limit_name", "string", "Which limit", "Shopify Admin API"),
            _v("used_percent", "int", "How much of it is used", 92),
        ),
        channels=("email",),
    ),
    MessageType(
        "import_finished",
        "merchant",
        "transactional",
        "A customer import finished.",
        (
            _v("customers_imported", "int", "Customers created or matched", 12840),
            _v("points_imported", "int", "Points posted", 3450210),
            _v("errors", "int", "Rows refused", 3),
        ),
        channels=("email",),
    ),
    MessageType(
        "privacy_data_request_ready",
        "merchant",
        "transactional",
        "A customer data request (Shopify's customers/data_request, or the customer in the widget) was "
        "answered: the export is ready to download and pass on to the customer.",
        (
            _v("request_number", "int", "The privacy request's number", 42),
            _v("shopify_customer_id", "string", "The customer's Shopify id", "7301234567890"),
            _v("source", "string", "'webhook' (Shopify) or 'storefront' (the widget)", "webhook"),
            _v("download_url", "url", "Where the export is downloaded", _SAMPLE_DOWNLOAD),
            _v("expires_at", "datetime", "When the link and the export expire", _SAMPLE_AT),
        ),
        channels=("email",),
    ),
    MessageType(
        "privacy_request_overdue",
        "merchant",
        "transactional",
        "A privacy request was not completed within its legal deadline (30 days): staff should check "
        "it in LoyalNest.",
        (
            _v("request_number", "int", "The privacy request's number", 42),
            _v(
                "request_type",
                "string",
                "'data_request', 'customer_redact' or 'shop_redact'",
                "data_request",
            ),
            _v("due_at", "datetime", "When it was due", _SAMPLE_AT),
        ),
        channels=("email",),
    ),
    MessageType(
        "weekly_summary",
        "merchant",
        "transactional",
        "The program's week: points earned and redeemed, new members, rewards issued.",
        (
            _v("week_start", "date", "First day of the week", date(2026, 11, 23)),
            _v("points_earned", "int", "Points earned", 182450),
            _v("points_redeemed", "int", "Points redeemed", 95000),
            _v("new_members", "int", "New members", 312),
            _v("rewards_issued", "int", "Rewards issued", 190),
        ),
        channels=("email",),
        enabled_by_default=False,
    ),
)

TYPES: dict[str, MessageType] = {t.name: t for t in _TYPES}


def get(name: str) -> MessageType:
    """The type called ``name``; KeyError if there is none."""
    return TYPES[name]
