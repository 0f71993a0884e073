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


async def update_program_settings(
    uow: UnitOfWork, *, merchant_id: int, actor: str, update: ProgramSettingsUpdate
) -> ProgramSettingsDTO:
    validate_settings(update)
    row = await repository.lock_program_settings(uow.session, merchant_id)
    before = to_settings_dto(row)
    changes: dict[str, object] = {}
    for name in ("points_per_currency_unit", "rounding", "earn_on_shipping", "earn_on_tax"):
        value = getattr(update, name)
        if value is not None and value != getattr(before, name):
            changes[name] = {"from": str(getattr(before, name)), "to": str(value)}
            setattr(row, name, value)
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
