"""What consents hand out through the privacy context's api."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ConsentDTO:
    """The current state of one consent type of one customer. ``source`` and
    ``changed_at`` are None while the type has no row (``is_default``)."""

    type: str
    granted: bool
    is_default: bool
    source: str | None = None
    changed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ConsentChangeDTO:
    """One row of a customer's consents history."""

    id: int
    type: str
    granted: bool
    source: str
    actor: str
    occurred_at: datetime
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class ConsentHistoryPage:
    items: list[ConsentChangeDTO]
    has_next: bool
    total: int


@dataclass(frozen=True, slots=True)
class ConsentChoice:
    """A consent to record: ``type`` granted or revoked."""

    type: str
    granted: bool


@dataclass(frozen=True, slots=True)
class MarketingState:
    """Shopify's marketing consent of one channel, as a customers webhook carries it:
    ``state`` ("subscribed", "not_subscribed", ...) and when it was last changed."""

    state: str
    updated_at: datetime | None = None
