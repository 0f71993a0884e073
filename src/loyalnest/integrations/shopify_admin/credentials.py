"""The credentials port: how the Admin client learns a shop's domain, plan and access
token without importing the context that stores them.

The merchants context keeps the token (encrypted) and exposes
``merchants.get_admin_credentials``; this integration is a leaf and imports no
context, so the provider is plugged in from the context side: ``rewards`` (today's
only caller) registers ``merchants.get_admin_credentials`` when its flows are
imported, which every process does when it loads the contexts. A later caller
(campaigns, referrals) registers the same provider the same way; registering it again
changes nothing. Registration, rather than a provider argument on every call, keeps
the call sites (and the tests, the bench and the burst process, which register their
own) free of plumbing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol


class AdminCredentials(Protocol):
    """What a call needs (``merchants.AdminCredentials`` has this shape). The token is
    plaintext: keep it in memory only, and out of reprs and logs."""

    @property
    def shop_domain(self) -> str: ...

    @property
    def plan(self) -> str: ...

    @property
    def access_token(self) -> str: ...


# merchant id -> the shop's credentials, or None when it has none (not installed,
# uninstalled). May raise the keyring's errors when the token cannot be decrypted.
CredentialsProvider = Callable[[int], Awaitable[AdminCredentials | None]]

_provider: CredentialsProvider | None = None


def configure_credentials(provider: CredentialsProvider) -> None:
    """Register this process's credentials provider (idempotent)."""
    global _provider
    _provider = provider


async def credentials_for(merchant_id: int) -> AdminCredentials | None:
    if _provider is None:
        raise RuntimeError(
            "no Shopify Admin credentials provider registered (shopify_admin.configure_credentials); "
            "loyalnest.contexts.load() registers the merchants context's"
        )
    return await _provider(merchant_id)
