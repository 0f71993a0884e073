"""Resolving a referral link (``/apps/<proxy>/r/<CODE>``) to its redirect target.

Every click of a shared link lands here, so warm lookups never touch PostgreSQL: an
in-process TTL cache (``LOCAL_SECONDS``) in front of Redis (``SHARED_SECONDS``, shared
by every API process), filled from PostgreSQL on a miss. Nothing invalidates the
entries: a program switched off, or a link discount created since, is seen within
``LOCAL_SECONDS + SHARED_SECONDS`` (30 s) by every process. Unknown codes are cached the
same way (a miss is one indexed query, and a flood of made-up codes is bounded by the
caches' size and TTL).

The shop's visitor salt (the HMAC key of visitor ids) is kept only in process memory,
never in Redis beside the hashed visitor ids it keys.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass, field
from urllib.parse import quote

import orjson

from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.referrals.repository import links as repository
from loyalnest.platform import redis as platform_redis
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.db import read_session

LOCAL_SECONDS = 10.0
SHARED_SECONDS = 20
# salt and timezone of a shop: they practically never change
SHOP_SECONDS = 300.0
# bound on each in-process cache (a full cache is dropped whole: one refill per entry)
_MAX_ENTRIES = 50_000

_MAX_CODE_LENGTH = 16


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """Where a referral link goes and whose it is."""

    merchant_id: int
    advocate_customer_id: int
    code: str
    # the redirect: the shop with the advocate's link discount applied when it exists
    location: str
    # False when the shop's program is off (the link answers 404, nothing counted)
    enabled: bool
    # the shop's IANA timezone: clicks are counted per shop-local day
    timezone: str = "UTC"
    visitor_salt: bytes = field(default=b"", repr=False)


@dataclass(frozen=True, slots=True)
class _Shop:
    timezone: str
    visitor_salt: bytes


_links: dict[tuple[str, str], tuple[float, LinkTarget | None]] = {}
_shops: dict[int, tuple[float, _Shop]] = {}


def normalize_code(code: str) -> str | None:
    """The stored (upper case) form of ``code``, or None when it cannot be a code:
    letters and digits, not only the generated alphabet, since codes an import kept
    from another app (``rules.normalise_code``) use any."""
    code = code.strip().upper()
    if not code or len(code) > _MAX_CODE_LENGTH or not (code.isascii() and code.isalnum()):
        return None
    return code


def link_location(shop_domain: str, code: str, *, discount_created: bool) -> str:
    """The storefront URL a link redirects to: Shopify's ``/discount/<CODE>`` applies the
    advocate's link discount (``REF-<CODE>``) and then goes to ``/?ref=<CODE>`` (the
    storefront keeps ``ref`` for attribution); without the discount, ``/?ref=`` alone."""
    landing = f"/?ref={code}"
    if discount_created:
        return f"https://{shop_domain}/discount/REF-{code}?redirect={quote(landing, safe='')}"
    return f"https://{shop_domain}{landing}"


def _shared_key(shop_domain: str, code: str) -> str:
    return platform_redis.shop_domain_key(shop_domain, f"referrals:link:{code}")


async def resolve_link(shop_domain: str, code: str) -> LinkTarget | None:
    """The target of ``code`` in the shop ``shop_domain``; None when the code is not one
    of this shop's (another shop's code is unknown here). A target of a switched-off
    program comes back with ``enabled=False``."""
    normalized = normalize_code(code)
    if normalized is None:
        return None
    domain = shop_domain.lower()
    slot = (domain, normalized)
    now = time.monotonic()
    hit = _links.get(slot)
    if hit is not None and hit[0] > now:
        return hit[1]
    target = await _load(domain, normalized)
    if len(_links) >= _MAX_ENTRIES:
        _links.clear()
    _links[slot] = (now + LOCAL_SECONDS, target)
    return target


async def _load(shop_domain: str, code: str) -> LinkTarget | None:
    client = platform_redis.get_async_redis()
    key = _shared_key(shop_domain, code)
    shared = await client.get(key)
    if shared is not None:
        if shared == b"-":
            return None
        data = orjson.loads(shared)
        shop = await _shop(int(data["m"]))
        if shop is None:
            return None
        return LinkTarget(
            merchant_id=int(data["m"]),
            advocate_customer_id=int(data["a"]),
            code=code,
            location=str(data["l"]),
            enabled=bool(data["e"]),
            timezone=shop.timezone,
            visitor_salt=shop.visitor_salt,
        )
    target = await _from_database(shop_domain, code)
    value = (
        b"-"
        if target is None
        else orjson.dumps(
            {
                "m": target.merchant_id,
                "a": target.advocate_customer_id,
                "l": target.location,
                "e": target.enabled,
            }
        )
    )
    await client.set(key, value, ex=SHARED_SECONDS)
    return target


async def _from_database(shop_domain: str, code: str) -> LinkTarget | None:
    merchant = await merchants.get_by_domain_cached(shop_domain)
    if merchant is None or not merchant.active:
        return None
    async with read_session() as session:
        link = await repository.get_link(session, merchant.id, code)
        if link is None:
            return None
        program = await repository.get_program_link_settings(session, merchant.id)
    shop = _Shop(
        merchant.iana_timezone, _salt_bytes(merchant.id, None if program is None else program.visitor_salt)
    )
    _remember_shop(merchant.id, shop)
    return LinkTarget(
        merchant_id=merchant.id,
        advocate_customer_id=link.customer_id,
        code=link.code,
        location=link_location(
            merchant.shop_domain, link.code, discount_created=link.link_discount_state == "created"
        ),
        enabled=program is not None and program.enabled,
        timezone=shop.timezone,
        visitor_salt=shop.visitor_salt,
    )


async def _shop(merchant_id: int) -> _Shop | None:
    now = time.monotonic()
    hit = _shops.get(merchant_id)
    if hit is not None and hit[0] > now:
        return hit[1]
    merchant = await merchants.get_merchant(merchant_id)
    if merchant is None or not merchant.active:
        return None
    async with read_session() as session:
        program = await repository.get_program_link_settings(session, merchant_id)
    shop = _Shop(
        merchant.iana_timezone, _salt_bytes(merchant_id, None if program is None else program.visitor_salt)
    )
    _remember_shop(merchant_id, shop)
    return shop


def _remember_shop(merchant_id: int, shop: _Shop) -> None:
    if len(_shops) >= _MAX_ENTRIES:
        _shops.clear()
    _shops[merchant_id] = (time.monotonic() + SHOP_SECONDS, shop)


def _salt_bytes(merchant_id: int, salt: bytes | str | None) -> bytes:
    if isinstance(salt, bytes | memoryview) and salt:
        return bytes(salt)
    if isinstance(salt, str) and salt:
        # the column holds random hex; anything else is used as it is
        try:
            return bytes.fromhex(salt)
        except ValueError:
            return salt.encode()
    # a program row without a salt yet (or none at all): a per-shop key derived from
    # the current blind index key, secret all the same, so visitor ids stay unguessable
    # (after a blind key rotation a visitor of such a shop may count once more that day)
    return hmac.new(
        get_keyring().blind_index_key, f"referral-visitor:{merchant_id}".encode(), hashlib.sha256
    ).digest()


def forget_cached_links() -> None:
    """Drop this process's cached links and shops (tests; a process sees changes within
    the TTLs anyway)."""
    _links.clear()
    _shops.clear()
