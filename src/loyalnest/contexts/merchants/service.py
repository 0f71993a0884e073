"""Business rules for shops and their program settings."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.merchants import repository
from loyalnest.contexts.merchants.dto import MerchantDTO, ProgramSettingsDTO, ProgramSettingsUpdate
from loyalnest.contexts.merchants.models import Merchant, ProgramSettings
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.errors import ValidationFailed
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork

SHOP_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")
MAX_POINTS_PER_UNIT = Decimal("10000")
# NUMERIC(16, 4): below 10^12, at most 4 decimal places.
MAX_MIN_ORDER_AMOUNT = Decimal("1000000000")
MAX_EXCLUDED_PRODUCTS = 1000
MAX_PRODUCT_ID = 2**63 - 1
MAX_EXCLUDED_TAGS = 250
MAX_TAG_LENGTH = 255
EXPIRY_POLICIES = ("never", "days_after_earn", "days_after_activity", "end_of_month", "end_of_year")
DAY_POLICIES = ("days_after_earn", "days_after_activity")
# Ten years of expiry, a year of pending: beyond that a setting is a typo.
MAX_EXPIRY_DAYS = 3650
MAX_PENDING_DAYS = 365
# The shop's Admin API access token is stored encrypted under this AAD (re-exported by api).
ACCESS_TOKEN_CONTEXT = b"merchants.access_token"


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


def normalise_shop_domain(domain: str) -> str:
    domain = domain.strip().lower()
    if not SHOP_DOMAIN.match(domain):
        raise ValidationFailed(f"not a myshopify.com domain: {domain!r}", field="shopDomain")
    return domain


def to_merchant_dto(row: Merchant) -> MerchantDTO:
    assert row.id is not None
    return MerchantDTO(
        id=row.id,
        shop_domain=row.shop_domain,
        name=row.name,
        currency=row.currency,
        iana_timezone=row.iana_timezone,
        plan=row.plan,
        installed_at=row.installed_at,
        active=row.uninstalled_at is None,
    )


def to_settings_dto(row: ProgramSettings) -> ProgramSettingsDTO:
    return ProgramSettingsDTO(
        merchant_id=row.merchant_id,
        points_per_currency_unit=Decimal(row.points_per_currency_unit),
        rounding=row.rounding,  # type: ignore[arg-type]
        earn_on_shipping=row.earn_on_shipping,
        earn_on_tax=row.earn_on_tax,
        updated_at=row.updated_at,
        purchase_enabled=row.purchase_enabled,
        min_order_amount=None if row.min_order_amount is None else Decimal(row.min_order_amount),
        excluded_product_ids=tuple(row.excluded_product_ids or ()),
        excluded_product_tags=tuple(row.excluded_product_tags or ()),
        expiry_policy=row.expiry_policy,
        expiry_days=row.expiry_days,
        pending_days=row.pending_days,
    )


async def install_shop(
    uow: UnitOfWork,
    *,
    shop_domain: str,
    name: str,
    currency: str,
    plan: str = "free",
    iana_timezone: str = "UTC",
    access_token: str | None = None,
) -> MerchantDTO:
    row = await repository.insert_if_absent(
        uow.session,
        shop_domain=normalise_shop_domain(shop_domain),
        name=name,
        currency=currency.upper(),
        plan=plan,
        iana_timezone=iana_timezone,
    )
    merchant = to_merchant_dto(row)
    if access_token is not None:
        # a reinstall brings a new token: it replaces the old one
        await set_access_token(uow, merchant.id, access_token)
    return merchant


def _validate_access_token(token: str) -> None:
    if not token or token != token.strip() or len(token) > 512:
        # the message never echoes the value
        raise ValidationFailed(
            "access token must be a non-empty string without surrounding spaces", field="accessToken"
        )


async def set_access_token(uow: UnitOfWork, merchant_id: int, token: str) -> None:
    """Store the shop's Admin API access token, AES-GCM encrypted (never logged)."""
    _validate_access_token(token)
    token_enc = get_keyring().encrypt(token, context=ACCESS_TOKEN_CONTEXT)
    if not await repository.set_access_token_enc(uow.session, merchant_id, token_enc):
        raise LookupError(f"merchant {merchant_id} not found")


async def get_admin_credentials(session: AsyncSession, merchant_id: int) -> AdminCredentials | None:
    """Domain, plan and decrypted token of an installed shop; None if the shop is
    unknown, uninstalled or has no token."""
    row = await repository.get_admin_credentials_row(session, merchant_id)
    if row is None:
        return None
    shop_domain, plan, token_enc = row
    if token_enc is None:
        return None
    token = get_keyring().decrypt(token_enc, context=ACCESS_TOKEN_CONTEXT)
    return AdminCredentials(shop_domain=shop_domain, plan=plan, access_token=token)


async def get_by_domain(session: AsyncSession, shop_domain: str) -> MerchantDTO | None:
    row = await repository.get_by_domain(session, shop_domain.strip().lower())
    return None if row is None else to_merchant_dto(row)


async def get_merchant(session: AsyncSession, merchant_id: int) -> MerchantDTO | None:
    row = await repository.get(session, merchant_id)
    return None if row is None else to_merchant_dto(row)


async def get_program_settings(session: AsyncSession, merchant_id: int) -> ProgramSettingsDTO:
    return to_settings_dto(await repository.get_program_settings(session, merchant_id))


def normalise_tag(tag: str) -> str:
    """Tags match whatever their case or surrounding spaces, as in Shopify's admin."""
    return tag.strip().lower()


def validate_settings(update: ProgramSettingsUpdate) -> None:
    rate = update.points_per_currency_unit
    if rate is not None:
        if not rate.is_finite():
            raise ValidationFailed("points per currency unit must be a number", field="pointsPerCurrencyUnit")
        if rate < 0 or rate > MAX_POINTS_PER_UNIT:
            raise ValidationFailed(
                f"points per currency unit must be between 0 and {MAX_POINTS_PER_UNIT}",
                field="pointsPerCurrencyUnit",
            )
        if rate.as_tuple().exponent < -4:  # type: ignore[operator]
            raise ValidationFailed(
                "points per currency unit allows at most 4 decimal places",
                field="pointsPerCurrencyUnit",
            )
    if update.rounding is not None and update.rounding not in ("down", "nearest", "up"):
        raise ValidationFailed("rounding must be down, nearest or up", field="rounding")
    amount = update.min_order_amount
    if amount is not None:
        if not amount.is_finite():
            raise ValidationFailed("minimum order amount must be a number", field="minOrderAmount")
        if amount < 0 or amount > MAX_MIN_ORDER_AMOUNT:
            raise ValidationFailed(
                f"minimum order amount must be between 0 and {MAX_MIN_ORDER_AMOUNT} (0: no minimum)",
                field="minOrderAmount",
            )
        if amount.as_tuple().exponent < -4:  # type: ignore[operator]
            raise ValidationFailed(
                "minimum order amount allows at most 4 decimal places", field="minOrderAmount"
            )
    products = update.excluded_product_ids
    if products is not None:
        if len(products) > MAX_EXCLUDED_PRODUCTS:
            raise ValidationFailed(
                f"at most {MAX_EXCLUDED_PRODUCTS} excluded products", field="excludedProductIds"
            )
        if any(not 0 < product <= MAX_PRODUCT_ID for product in products):
            raise ValidationFailed("product ids must be Shopify product ids", field="excludedProductIds")
    tags = update.excluded_product_tags
    if tags is not None:
        if len(tags) > MAX_EXCLUDED_TAGS:
            raise ValidationFailed(f"at most {MAX_EXCLUDED_TAGS} excluded tags", field="excludedProductTags")
        for tag in tags:
            if not normalise_tag(tag) or len(tag) > MAX_TAG_LENGTH or any(ord(c) < 32 for c in tag):
                raise ValidationFailed(
                    f"tags must be 1 to {MAX_TAG_LENGTH} characters, without control characters",
                    field="excludedProductTags",
                )
    if update.expiry_policy is not None and update.expiry_policy not in EXPIRY_POLICIES:
        raise ValidationFailed(
            f"expiry policy must be one of {', '.join(EXPIRY_POLICIES)}", field="expiryPolicy"
        )
    if update.expiry_days is not None and not 0 < update.expiry_days <= MAX_EXPIRY_DAYS:
        raise ValidationFailed(f"expiry days must be between 1 and {MAX_EXPIRY_DAYS}", field="expiryDays")
    if update.pending_days is not None and not 0 <= update.pending_days <= MAX_PENDING_DAYS:
        raise ValidationFailed(f"pending days must be between 0 and {MAX_PENDING_DAYS}", field="pendingDays")


def _expiry_after(update: ProgramSettingsUpdate, before: ProgramSettingsDTO) -> tuple[str, int | None]:
    """The expiry policy and days an update leaves: the days belong to the two
    day-based policies, which cannot be without them."""
    policy = update.expiry_policy if update.expiry_policy is not None else before.expiry_policy
    if policy in DAY_POLICIES:
        days = update.expiry_days if update.expiry_days is not None else before.expiry_days
        if days is None:
            raise ValidationFailed(f"expiry days are required for {policy}", field="expiryDays")
        return policy, days
    if update.expiry_days is not None:
        raise ValidationFailed(
            f"expiry days apply to days_after_earn and days_after_activity, not {policy}", field="expiryDays"
        )
    return policy, None


async def update_program_settings(
    uow: UnitOfWork, *, merchant_id: int, actor: str, update: ProgramSettingsUpdate
) -> ProgramSettingsDTO:
    validate_settings(update)
    row = await repository.lock_program_settings(uow.session, merchant_id)
    before = to_settings_dto(row)
    policy, days = _expiry_after(update, before)
    wanted: dict[str, object] = {
        name: getattr(update, name)
        for name in (
            "points_per_currency_unit",
            "rounding",
            "earn_on_shipping",
            "earn_on_tax",
            "purchase_enabled",
            "pending_days",
        )
        if getattr(update, name) is not None
    }
    if update.min_order_amount is not None:
        wanted["min_order_amount"] = update.min_order_amount or None  # 0: no minimum
    if update.excluded_product_ids is not None:
        wanted["excluded_product_ids"] = tuple(sorted(set(update.excluded_product_ids)))
    if update.excluded_product_tags is not None:
        wanted["excluded_product_tags"] = tuple(
            sorted({normalise_tag(t) for t in update.excluded_product_tags})
        )
    wanted["expiry_policy"], wanted["expiry_days"] = policy, days
    changes: dict[str, object] = {}
    for name, value in wanted.items():
        if value != getattr(before, name):
            changes[name] = {"from": str(getattr(before, name)), "to": str(value)}
            setattr(row, name, list(value) if isinstance(value, tuple) else value)
    if not changes:
        return before
    row.updated_at = utcnow()
    await uow.session.flush()
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="program_settings.updated",
        target_type="ProgramSettings",
        target_id=str(merchant_id),
        details=changes,
    )
    return to_settings_dto(row)
