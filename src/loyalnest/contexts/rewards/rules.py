"""Pure rules of the rewards context: what a valid reward is, which locale's title to
show, when a reward can be redeemed, what a discount code looks like. No I/O."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from loyalnest.platform.crypto import Keyring
from loyalnest.platform.errors import ValidationFailed

KINDS = ("fixed_amount", "percentage", "free_shipping", "free_product")

PENDING = "pending"
ISSUED = "issued"
FULFILLED = "fulfilled"
EXPIRED = "expired"
FAILED = "failed"
STATUSES = (PENDING, ISSUED, FULFILLED, EXPIRED, FAILED)
# what counts against a per-customer usage limit: redemptions whose points were not given back
COUNTED_STATUSES = (PENDING, ISSUED, FULFILLED)
# the code exists in the shop (or did): shown to its owner
CODE_VISIBLE_STATUSES = (ISSUED, FULFILLED, EXPIRED)

MAX_POINTS_COST = 10_000_000
MAX_AMOUNT = Decimal("1000000000")
CENTS = Decimal("0.01")  # far above any reward; keeps NUMERIC(16, 4) safe
MAX_USAGE_LIMIT = 1000
MAX_CODE_VALIDITY_DAYS = 365
DEFAULT_CODE_VALIDITY_DAYS = 30
MAX_TITLE_LENGTH = 255
MAX_LOCALES = 50
MAX_LOCALE_LENGTH = 35

# BCP 47 as shops use it: a 2-3 letter language, then optional script (4 letters),
# region (2 letters or 3 digits) and variants, e.g. "en", "en-US", "zh-Hant-TW", "es-419".
_LOCALE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_VARIANT_GID = re.compile(r"^gid://shopify/ProductVariant/[0-9]{1,19}$")

# Discount codes: "LN-" and 12 characters of RFC 4648 base32 (60 random bits) in three
# groups. Unguessable, readable aloud, and case-insensitive like Shopify's codes.
CODE_PREFIX = "LN-"
CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
CODE_CHARACTERS = 12


def format_code(chars: str) -> str:
    """The code as customers type it: ``CODE_PREFIX``, then the 12 characters (from
    ``CODE_ALPHABET``) in three groups of four, e.g. ``LN-7K2M-QX4P-9TRW``."""
    return f"{CODE_PREFIX}{chars[0:4]}-{chars[4:8]}-{chars[8:12]}"


def normalise_locale(raw: str, *, field: str = "locale") -> str:
    """ "en-us" -> "en-US", "ZH-hant-tw" -> "zh-Hant-TW"; anything not BCP-47-shaped is refused."""
    value = raw.strip().replace("_", "-")
    if len(value) > MAX_LOCALE_LENGTH or not _LOCALE.fullmatch(value):
        raise ValidationFailed(f"{raw!r} is not a locale tag such as en, en-US or pt-BR", field=field)
    language, *rest = value.split("-")
    parts = [language.lower()]
    for part in rest:
        if len(part) == 4 and part.isalpha():
            parts.append(part.title())  # script
        elif (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            parts.append(part.upper())  # region
        else:
            parts.append(part.lower())  # variant
    return "-".join(parts)


def clean_titles(
    titles: Mapping[str, str] | list[tuple[str, str]], default_locale: str
) -> tuple[str, dict[str, str]]:
    """(default locale, {locale: title}) normalised and checked: at least one title,
    one per locale, the default among them."""
    pairs = list(titles.items()) if isinstance(titles, Mapping) else list(titles)
    if not pairs:
        raise ValidationFailed("a reward needs at least one title", field="titles")
    if len(pairs) > MAX_LOCALES:
        raise ValidationFailed(f"at most {MAX_LOCALES} titles", field="titles")
    cleaned: dict[str, str] = {}
    for raw_locale, raw_title in pairs:
        locale = normalise_locale(raw_locale, field="titles")
        if locale in cleaned:
            raise ValidationFailed(f"two titles for locale {locale}", field="titles")
        title = raw_title.strip()
        if not title or len(title) > MAX_TITLE_LENGTH:
            raise ValidationFailed(
                f"the {locale} title must be 1-{MAX_TITLE_LENGTH} characters", field="titles"
            )
        if any(ord(c) < 32 or ord(c) == 127 for c in title):
            raise ValidationFailed(f"the {locale} title must not contain control characters", field="titles")
        cleaned[locale] = title
    default = normalise_locale(default_locale, field="defaultLocale")
    if default not in cleaned:
        raise ValidationFailed(f"there is no title for the default locale {default}", field="defaultLocale")
    return default, cleaned


def title_for(titles: Mapping[str, str], default_locale: str, locale: str | None) -> str:
    """The title in ``locale``; else in its language ("fr-CA" -> "fr"); else the
    default locale's. An unreadable ``locale`` also gets the default."""
    if locale:
        try:
            wanted = normalise_locale(locale)
        except ValidationFailed:
            wanted = ""
        if wanted in titles:
            return titles[wanted]
        language = wanted.split("-")[0]
        if language in titles:
            return titles[language]
        for candidate in sorted(titles):
            if language and candidate.split("-")[0] == language:
                return titles[candidate]
    return titles[default_locale]


@dataclass(frozen=True)
class Terms:
    """What a reward gives and costs; validated by ``check_terms``."""

    kind: str
    points_cost: int
    value: Decimal | None
    variant_gid: str | None
    minimum_order_amount: Decimal | None
    usage_limit_per_customer: int | None
    starts_at: datetime | None
    ends_at: datetime | None
    code_validity_days: int


def _amount(value: Decimal, *, field: str, what: str) -> Decimal:
    if not value.is_finite() or value <= 0:
        raise ValidationFailed(f"{what} must be greater than 0", field=field)
    if value >= MAX_AMOUNT:
        raise ValidationFailed(f"{what} must be less than {MAX_AMOUNT}", field=field)
    if value != value.quantize(CENTS):  # "10.0000" as stored is fine, "10.001" is not
        raise ValidationFailed(f"{what} allows at most 2 decimal places", field=field)
    return value


def check_terms(terms: Terms) -> None:
    """Refuse a reward Shopify could not turn into a discount code, or that makes no sense."""
    if terms.kind not in KINDS:
        raise ValidationFailed(f"kind must be one of {', '.join(KINDS)}", field="kind")
    if not 0 < terms.points_cost <= MAX_POINTS_COST:
        raise ValidationFailed(f"points cost must be between 1 and {MAX_POINTS_COST}", field="pointsCost")
    if terms.kind in ("fixed_amount", "percentage"):
        if terms.value is None:
            raise ValidationFailed(f"a {terms.kind} reward needs a value", field="value")
        _amount(terms.value, field="value", what="value")
        if terms.kind == "percentage" and terms.value > 100:
            raise ValidationFailed("a percentage is at most 100", field="value")
    elif terms.value is not None:
        raise ValidationFailed(f"a {terms.kind} reward has no value", field="value")
    if terms.kind == "free_product":
        if terms.variant_gid is None or not _VARIANT_GID.fullmatch(terms.variant_gid):
            raise ValidationFailed(
                "a free product reward needs a product variant id (gid://shopify/ProductVariant/…)",
                field="productVariantId",
            )
    elif terms.variant_gid is not None:
        raise ValidationFailed("only a free product reward names a product variant", field="productVariantId")
    if terms.minimum_order_amount is not None:
        _amount(terms.minimum_order_amount, field="minimumOrderAmount", what="minimum order amount")
    limit = terms.usage_limit_per_customer
    if limit is not None and not 0 < limit <= MAX_USAGE_LIMIT:
        raise ValidationFailed(
            f"usage limit per customer must be between 1 and {MAX_USAGE_LIMIT}", field="usageLimitPerCustomer"
        )
    for name, moment in (("startsAt", terms.starts_at), ("endsAt", terms.ends_at)):
        if moment is not None and moment.tzinfo is None:
            raise ValidationFailed(f"{name} needs a time zone", field=name)
    if terms.starts_at is not None and terms.ends_at is not None and terms.starts_at >= terms.ends_at:
        raise ValidationFailed("endsAt must be after startsAt", field="endsAt")
    if not 0 < terms.code_validity_days <= MAX_CODE_VALIDITY_DAYS:
        raise ValidationFailed(
            f"code validity must be between 1 and {MAX_CODE_VALIDITY_DAYS} days", field="codeValidityDays"
        )


def in_window(starts_at: datetime | None, ends_at: datetime | None, now: datetime) -> bool:
    return (starts_at is None or starts_at <= now) and (ends_at is None or now < ends_at)


def unavailable_reason(
    archived_at: datetime | None, starts_at: datetime | None, ends_at: datetime | None, now: datetime
) -> str | None:
    """Why a reward cannot be redeemed now, or None."""
    if archived_at is not None:
        return "this reward has been archived"
    if starts_at is not None and now < starts_at:
        return "this reward is not available yet"
    if ends_at is not None and now >= ends_at:
        return "this reward is no longer available"
    return None


def code_expiry(now: datetime, validity_days: int) -> datetime:
    return now + timedelta(days=validity_days)


def points_short(balance: int, cost: int) -> int:
    return max(cost - balance, 0)


# --- a redemption's code, its blind index, and its ledger keys ----------------------------

CODE_INDEX_KIND = "discount_code"
LEDGER_SOURCE = "reward"


def new_code() -> str:
    """A fresh code to offer Shopify (60 random bits: never drawn twice)."""
    return format_code("".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_CHARACTERS)))


def code_index(keyring: Keyring, code: str) -> str:
    return keyring.blind_index(code, kind=CODE_INDEX_KIND)


def code_indexes(keyring: Keyring, code: str) -> list[str]:
    """What a stored index of ``code`` may be (one per configured blind key)."""
    return keyring.blind_indexes(code, kind=CODE_INDEX_KIND)


def looks_like_our_code(code: str) -> bool:
    return code.strip().upper().startswith(CODE_PREFIX)


def spend_key(redemption_id: int) -> str:
    return f"reward-redemption:{redemption_id}:spend"


def return_key(redemption_id: int) -> str:
    # one key for every way points come back (refused, expired): returned at most once
    return f"reward-redemption:{redemption_id}:return"


def source_ref(redemption_id: int) -> str:
    return f"redemption:{redemption_id}"


def customer_gid(shopify_customer_id: int) -> str:
    return f"gid://shopify/Customer/{shopify_customer_id}"
