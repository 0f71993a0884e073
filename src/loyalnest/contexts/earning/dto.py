"""Frozen DTOs of the earning context (re-exported by ``api``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from loyalnest.contexts.merchants import api as merchants

PURCHASE = "purchase"


@dataclass(frozen=True)
class EarningRuleDTO:
    """One way to earn. For "purchase" the points come per unit of currency: ``points``
    is None and ``purchase`` holds the shop's program settings (merchants context)."""

    trigger: str
    enabled: bool
    points: int | None
    updated_at: datetime
    purchase: merchants.ProgramSettingsDTO | None = None


@dataclass(frozen=True)
class EarningRuleUpdate:
    """Fields left ``None`` keep their value. ``purchase`` only for the purchase rule."""

    enabled: bool | None = None
    points: int | None = None
    purchase: merchants.ProgramSettingsUpdate | None = None


@dataclass(frozen=True)
class ReviewWebhookDTO:
    """What a merchant pastes into their review app. The secret is plaintext: only for
    staff with admin:full, never logged."""

    secret: str
    created_at: datetime
    rotated_at: datetime | None

    def __repr__(self) -> str:
        return f"ReviewWebhookDTO(secret=<redacted>, created_at={self.created_at!r})"
