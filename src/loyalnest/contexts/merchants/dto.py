"""Frozen DTOs the merchants context hands out (re-exported by ``api``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple


@dataclass(frozen=True)
class MerchantDTO:
    id: int
    shop_domain: str
    name: str
    currency: str
    iana_timezone: str
    plan: str
    installed_at: datetime
    active: bool


class AdminCredentials(NamedTuple):
    """What the Shopify Admin client needs to call a shop. The token is plaintext: keep
    it in memory only (the repr hides it, so a log line or traceback cannot leak it)."""

    shop_domain: str
    plan: str
    access_token: str

    def __repr__(self) -> str:
        return (
            f"AdminCredentials(shop_domain={self.shop_domain!r}, plan={self.plan!r}, access_token=<redacted>)"
        )
