"""A customer's consent changed: the integration event every context that honours a
consent reacts to (``loyalnest.contexts.privacy.events`` is its public name).

The privacy context owns consents (``contexts/privacy/consents``) and publishes this
event in the transaction that records a change. It lives in the shared kernel, as
``platform.erasure.CustomerErased`` does, because some contexts that honour consents
are ones privacy itself needs (it calls ``notifications`` for retention): an event
declared inside privacy would make their handlers an import cycle. Contexts privacy
does not depend on (analytics, referrals) import it through ``privacy.events``.

Each honouring context keeps what it needs of the consent in its own tables, written
by its handler in the publisher's transaction, so that a pass over a million customers
filters with a join on its own table instead of asking privacy per customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from loyalnest.platform.events import Event

# the consent types (what a customer may grant or revoke)
NEWSLETTER: Final = "newsletter"
SMS_MARKETING: Final = "sms_marketing"
RFM_TRACKING: Final = "rfm_tracking"
REFERRALS: Final = "referrals"
PROFILING: Final = "profiling"
CONSENT_TYPES: Final = (NEWSLETTER, SMS_MARKETING, RFM_TRACKING, REFERRALS, PROFILING)

# who recorded a change
SHOPIFY: Final = "shopify"
STOREFRONT: Final = "storefront"
STAFF: Final = "staff"
IMPORT: Final = "import"
CONSENT_SOURCES: Final = (SHOPIFY, STOREFRONT, STAFF, IMPORT)


@dataclass(frozen=True, slots=True)
class ConsentChanged(Event):
    """The current state of one consent of one customer changed (published only on a
    change: a repeated choice, or a redelivered webhook, publishes nothing)."""

    merchant_id: int
    customer_id: int
    # one of CONSENT_TYPES
    type: str
    granted: bool
    # one of CONSENT_SOURCES
    source: str
    # when the choice was made (Shopify's ``consent_updated_at``, else when recorded)
    occurred_at: datetime
    # who recorded it, as the audit trail names actors ("shopify", "customer:<id>", staff)
    actor: str


@dataclass(frozen=True, slots=True)
class ConsentsStated(Event):
    """Another context learned a customer's choices and asks privacy to record them
    (an import's file states its members' marketing consents). Privacy handles it with
    its usual rule: a choice equal to the current state records nothing. In the kernel
    for the same reason as ``ConsentChanged``: the contexts that state consents are ones
    privacy depends on, or that depend on them."""

    merchant_id: int
    customer_id: int
    # (type, granted) of each choice stated, one per type
    choices: tuple[tuple[str, bool], ...]
    # one of CONSENT_SOURCES
    source: str
    actor: str


@dataclass(frozen=True, slots=True)
class ConsentsRetracted(Event):
    """The context that stated choices takes them back (an import reverted): where a
    customer's current state of a type is still the one ``stated_by`` recorded, privacy
    records the state before it again (the default where there was none), as a new row:
    the history stays append-only. ``forgotten``: customers the stating context removed
    altogether (an import's revert deletes the customers it created that did nothing
    else); their consent history, the import's alone, goes with them."""

    merchant_id: int
    customer_ids: tuple[int, ...]
    # the actor the stated rows carry
    stated_by: str
    # one of CONSENT_SOURCES, and the actor of the rows that restore the earlier states
    source: str
    actor: str
    forgotten: tuple[int, ...] = ()
