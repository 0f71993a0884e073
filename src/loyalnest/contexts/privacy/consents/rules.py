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


def is_granted(state: str | None) -> bool:
    return (state or "").lower() == SUBSCRIBED


def shopify_change(
    latest: Latest | None, *, granted: bool, occurred_at: datetime | None, default: bool
) -> bool:
    """Whether a Shopify webhook's marketing state is a change to record.

    - the same state as now (the default without a row): nothing to record;
    - a choice made (``consent_updated_at``) no later than the latest row's: older than
      what we know (a storefront choice made since, a newer webhook seen first), so it
      changes nothing. Equal times count as seen: the redelivery of a webhook whose row
      was recorded is no change either way.
    - without a time (``consent_updated_at`` and ``updated_at`` both missing) a
      different state is recorded: it is the newest thing Shopify said."""
    current = default if latest is None else latest.granted
    if granted == current:
        return False
    return not (latest is not None and occurred_at is not None and occurred_at <= latest.occurred_at)
