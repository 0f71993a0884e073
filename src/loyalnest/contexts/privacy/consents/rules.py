"""The rules of consents (pure): types, defaults, and when a Shopify marketing state
is a change to record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from loyalnest.platform.consents import (
    CONSENT_SOURCES,
    CONSENT_TYPES,
    NEWSLETTER,
    PROFILING,
    REFERRALS,
    RFM_TRACKING,
    SHOPIFY,
    SMS_MARKETING,
)

__all__ = ["CONSENT_SOURCES", "CONSENT_TYPES", "DEFAULTS", "Latest", "shopify_change"]

# the state of a type with no row (see the package's docstring for why)
DEFAULTS: dict[str, bool] = {
    NEWSLETTER: False,
    SMS_MARKETING: False,
    RFM_TRACKING: True,
    REFERRALS: True,
    PROFILING: True,
}

# Shopify's marketing states (email_marketing_consent.state / sms_marketing_consent.state):
# only "subscribed" is a consent; "not_subscribed", "unsubscribed", "redacted", "invalid"
# and "pending" (double opt-in not confirmed yet) are not
SUBSCRIBED = "subscribed"


@dataclass(frozen=True, slots=True)
class Latest:
    """The latest row of one type of one customer."""

    granted: bool
    occurred_at: datetime
    source: str = SHOPIFY


def is_granted(state: str | None) -> bool:
    return (state or "").lower() == SUBSCRIBED


def shopify_change(
    latest: Latest | None, *, granted: bool, consented_at: datetime | None, default: bool
) -> bool:
    """Whether a Shopify webhook's marketing state is a change to record.

    - the same state as now (the default without a row): nothing to record;
    - dated (``consent_updated_at``): recorded only when later than the latest row. An
      older one (a storefront choice made since, a newer webhook seen first) changes
      nothing; equal times count as seen (a redelivery).
    - undated (no ``consent_updated_at``): it may be a state Shopify kept while the
      customer chose otherwise here (our choices are not written back to Shopify, so
      every later customers/update repeats it), so it never overrides a choice made in
      the storefront or by staff; over a Shopify row (or none) it is the newest thing
      Shopify said, and is recorded."""
    current = default if latest is None else latest.granted
    if granted == current:
        return False
    if latest is None:
        return True
    if consented_at is None:
        return latest.source == SHOPIFY
    return consented_at > latest.occurred_at
