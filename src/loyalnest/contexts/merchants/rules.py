"""Pure rules of the merchants context: what a shop domain and an access token look
like, and the merchant referral program's codes, links and numbers."""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlencode

from loyalnest.platform.errors import ValidationFailed

SHOP_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")


def normalise_shop_domain(domain: str) -> str:
    domain = domain.strip().lower()
    if not SHOP_DOMAIN.match(domain):
        raise ValidationFailed(f"not a myshopify.com domain: {domain!r}", field="shopDomain")
    return domain


def validate_access_token(token: str) -> None:
    if not token or token != token.strip() or len(token) > 512:
        # the message never echoes the value
        raise ValidationFailed(
            "access token must be a non-empty string without surrounding spaces", field="accessToken"
        )


# The plan names a shop may have here, lower-case. They name Shopify's Admin API rate
# tiers (integrations/shopify_admin/throttle.py sizes each shop's bucket from them):
# "free" (development and trial stores) and "standard" get Standard's limits, then
# Advanced, Plus and Enterprise.
PLANS = ("free", "standard", "advanced", "plus", "enterprise")

# ISO 4217 active currency codes (the shop's currency, in which orders earn).
_ISO_4217_CODES = (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD "
    "BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP "
    "DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR "
    "IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD "
    "MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB "
    "PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD "
    "SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS "
    "VED VES VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XUA "
    "YER ZAR ZMW ZWG ZWL "
)
ISO_4217 = frozenset(_ISO_4217_CODES.split())


def normalise_plan(plan: str) -> str:
    value = plan.strip().lower()
    if value not in PLANS:
        raise ValidationFailed(f"plan must be one of {', '.join(PLANS)}; got {plan[:40]!r}", field="plan")
    return value


def normalise_currency(currency: str) -> str:
    value = currency.strip().upper()
    if value not in ISO_4217:
        raise ValidationFailed(
            f"currency must be an ISO 4217 code such as USD or EUR; got {currency[:20]!r}", field="currency"
        )
    return value


# --- merchant referral program ----------------------------------------------------------

# No 0/O, 1/I/L: a code read aloud or copied from a screenshot is typed right.
REFERRAL_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERRAL_CODE_LENGTH = 8
# A referred shop qualifies after this many days installed (and not uninstalled).
QUALIFYING_DAYS = 30
# What a qualified referral earns the referring shop.
CREDIT_MONTHS_PER_REFERRAL = 1
CREDIT_KIND_REFERRAL = "referral"


def new_referral_code() -> str:
    """A random code (31^8, about 8.5e11 of them: collisions are rare, and the unique
    constraint catches the rare one)."""
    return "".join(secrets.choice(REFERRAL_CODE_ALPHABET) for _ in range(REFERRAL_CODE_LENGTH))


def normalise_referral_code(code: str) -> str:
    """The code as stored: upper case, surrounding spaces dropped. Anything that cannot
    be a code is refused here, before any lookup (the message does not echo the value
    beyond its first characters)."""
    value = code.strip().upper()
    if len(value) != REFERRAL_CODE_LENGTH or any(c not in REFERRAL_CODE_ALPHABET for c in value):
        raise ValidationFailed(
            f"a merchant referral code is {REFERRAL_CODE_LENGTH} characters from "
            f"{REFERRAL_CODE_ALPHABET}; got {code[:20]!r}",
            field="referredBy",
        )
    return value


def referral_link(public_base_url: str, code: str) -> str:
    """Where a referred merchant installs from: the app's install entry point with the
    code in ``ref`` (the OAuth install reads it and passes it to ``install_shop``)."""
    return f"{public_base_url.rstrip('/')}/install?{urlencode({'ref': code})}"


def referral_credit_key(referral_id: int) -> str:
    """The credit's idempotency key: one credit per referral, however often the sweep runs."""
    return f"merchant_referral:{referral_id}"
