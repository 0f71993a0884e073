"""Pure rules of the referrals context: codes, normalisation and hashing of the facts
the fraud checks compare, the checks themselves, program validation, milestones, and
the texts and URLs shown to customers. No I/O."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote, urlencode

from loyalnest.contexts.referrals.disposable_domains import DISPOSABLE_DOMAINS
from loyalnest.contexts.referrals.dto import CHECKS, MilestoneDTO, ReasonDTO, ShareLinksDTO
from loyalnest.platform.crypto import Keyring
from loyalnest.platform.errors import ValidationFailed

# No 0/O, 1/I/L: a code read aloud or copied by hand is not mistaken.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 7
FRIEND_CODE_LENGTH = 8
LINK_DISCOUNT_PREFIX = "REF-"
FRIEND_CODE_PREFIX = "FRIEND-"
INVITES_PER_DAY = 20
MAX_EMAIL_LENGTH = 254

REJECT = "reject"
REVIEW = "review"
SIGNAL = "signal"

# The verdict of each check when it fires. Address and IP alone never reject: flatmates
# and families share both (a signal recorded for staff, not a verdict).
VERDICTS: Mapping[str, str] = {
    "self_referral_customer": REJECT,
    "self_referral_email": REJECT,
    "self_referral_phone": REJECT,
    "self_referral_address": REVIEW,
    "payment_fingerprint": REJECT,
    "not_new": REJECT,
    "velocity": REVIEW,
    "disposable_email": REJECT,
    "shared_ip": SIGNAL,
    "household_address": SIGNAL,
}


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def new_friend_code() -> str:
    return FRIEND_CODE_PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(FRIEND_CODE_LENGTH))


def normalise_code(value: str) -> str | None:
    """A typed or linked referral code, upper case; None when it cannot be one."""
    code = value.strip().upper()
    if not 1 <= len(code) <= 16 or not code.isalnum():
        return None
    return code


def link_discount_code(code: str) -> str:
    return f"{LINK_DISCOUNT_PREFIX}{code}"


def code_of_discount(discount_code: str) -> tuple[str, str] | None:
    """("link", referral code) or ("friend", friend code) for a discount code of the
    referral program, by its prefix; None otherwise."""
    upper = discount_code.strip().upper()
    if upper.startswith(LINK_DISCOUNT_PREFIX):
        code = normalise_code(upper[len(LINK_DISCOUNT_PREFIX) :])
        return None if code is None else ("link", code)
    if upper.startswith(FRIEND_CODE_PREFIX):
        return ("friend", upper)
    return None


# --- emails, phones and hashed facts --------------------------------------------------------

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_GMAIL = frozenset({"gmail.com", "googlemail.com"})


def validate_email(email: str) -> str:
    email = email.strip()
    if len(email) > MAX_EMAIL_LENGTH or not _EMAIL.match(email):
        raise ValidationFailed("enter a valid email address", field="email")
    return email


def canonical_email(email: str) -> str:
    """The mailbox an address reaches: lower case, ``+tags`` removed, and Gmail's dots
    (which Gmail ignores) removed, googlemail.com read as gmail.com."""
    local, _, domain = email.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in _GMAIL:
        local = local.replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"


def email_domain(email: str) -> str:
    return email.strip().lower().rpartition("@")[2]


def canonical_phone(phone: str | None) -> str | None:
    """Digits only, without a leading international ``00``; too short to mean a phone
    number is None (nothing to compare)."""
    if not phone:
        return None
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("00"):
        digits = digits[2:]
    return digits if len(digits) >= 7 else None


# --- blind indexes: computed here only (writes, lookups, key rotation) ----------------------
# Kinds: a friend's canonical email, a friend code, an invite's recipient. A lookup
# matches the ``*_indexes`` (one per configured blind key); a write stores the index.
EMAIL_INDEX = "referral_email"
FRIEND_CODE_INDEX = "referral_friend_code"
INVITE_INDEX = "referral_invite"


def email_index(keyring: Keyring, email: str) -> str:
    return keyring.blind_index(canonical_email(email), kind=EMAIL_INDEX)


def email_indexes(keyring: Keyring, email: str) -> list[str]:
    return keyring.blind_indexes(canonical_email(email), kind=EMAIL_INDEX)


def friend_code_index(keyring: Keyring, code: str) -> str:
    return keyring.blind_index(code.upper(), kind=FRIEND_CODE_INDEX)


def friend_code_indexes(keyring: Keyring, code: str) -> list[str]:
    return keyring.blind_indexes(code.upper(), kind=FRIEND_CODE_INDEX)


def invite_index(keyring: Keyring, recipient: str) -> str:
    """``recipient``: a canonical email or phone (the invite keeps nothing else of it)."""
    return keyring.blind_index(recipient, kind=INVITE_INDEX)


def invite_indexes(keyring: Keyring, recipient: str) -> list[str]:
    return keyring.blind_indexes(recipient, kind=INVITE_INDEX)


def fact_hash(salt: str, kind: str, value: str) -> str:
    """HMAC of a fact (IP, address, card fingerprint) under the shop's salt: comparable
    within the shop, useless elsewhere, never the value itself."""
    return hmac.new(salt.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def address_hash(salt: str, address: Sequence[str] | None) -> str | None:
    if not address or not any(address):
        return None
    return fact_hash(salt, "address", "|".join(address))


def optional_hash(salt: str, kind: str, value: str | None) -> str | None:
    return None if not value else fact_hash(salt, kind, value.strip().lower())


def mask_email(email: str | None) -> str | None:
    """``a***@example.com``: enough for staff to tell two friends apart."""
    if not email:
        return None
    local, _, domain = email.rpartition("@")
    return f"{local[:1]}***@{domain}"


def is_disposable(domain: str, *, extra: Iterable[str], allowed: Iterable[str]) -> bool:
    allowed_set = {d.lower() for d in allowed}
    listed = DISPOSABLE_DOMAINS | {d.lower() for d in extra}
    labels = domain.lower().split(".")
    # a subdomain of a listed domain is listed too (x.mailinator.com)
    candidates = [".".join(labels[i:]) for i in range(len(labels) - 1)]
    if any(candidate in allowed_set for candidate in candidates):
        return False
    return any(candidate in listed for candidate in candidates)


# --- fraud checks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FriendFacts:
    """What is known of the friend when a referral is checked (hashes, not values)."""

    customer_id: int | None
    email: str | None
    phone: str | None
    address_hash: str | None
    ip_hash: str | None
    payment_hash: str | None
    # an order of the friend before this one, or an account older than the referral
    not_new_reason: str | None


@dataclass(frozen=True)
class AdvocateFacts:
    customer_id: int
    email: str | None
    phone: str | None
    address_hash: str | None
    ip_hash: str | None
    payment_hash: str | None
    # hashes of the advocate's other referrals' orders (household / shared IP)
    other_address_hashes: frozenset[str]
    other_ip_hashes: frozenset[str]
    # the advocate's referrals in the last 7 days, this one excluded
    referrals_this_week: int


@dataclass(frozen=True)
class CheckSettings:
    checks: Mapping[str, bool]
    velocity_per_week: int
    disposable_blocked: bool
    disposable_extra: tuple[str, ...]
    disposable_allowed: tuple[str, ...]

    def on(self, check: str) -> bool:
        return self.checks.get(check, True)


def run_checks(settings: CheckSettings, friend: FriendFacts, advocate: AdvocateFacts) -> list[ReasonDTO]:
    """Every check that fires, with its verdict; details name what matched, never the
    value (no PII in reasons)."""
    found: list[ReasonDTO] = []

    def fire(check: str, detail: str) -> None:
        if settings.on(check):
            found.append(ReasonDTO(check, VERDICTS[check], detail))

    if friend.customer_id is not None and friend.customer_id == advocate.customer_id:
        fire("self_referral_customer", "the friend is the advocate")
    if friend.email and advocate.email and canonical_email(friend.email) == canonical_email(advocate.email):
        fire("self_referral_email", "same email address as the advocate (normalised)")
    friend_phone, advocate_phone = canonical_phone(friend.phone), canonical_phone(advocate.phone)
    if friend_phone and friend_phone == advocate_phone:
        fire("self_referral_phone", "same phone number as the advocate")
    if friend.address_hash and friend.address_hash == advocate.address_hash:
        fire("self_referral_address", "shipping address equals the advocate's")
    if friend.payment_hash and friend.payment_hash == advocate.payment_hash:
        fire("payment_fingerprint", "same card as an order of the advocate")
    if friend.not_new_reason is not None:
        fire("not_new", friend.not_new_reason)
    if advocate.referrals_this_week >= settings.velocity_per_week:
        fire("velocity", f"more than {settings.velocity_per_week} referrals in 7 days")
    if (
        settings.disposable_blocked
        and friend.email
        and is_disposable(
            email_domain(friend.email), extra=settings.disposable_extra, allowed=settings.disposable_allowed
        )
    ):
        fire("disposable_email", "disposable email domain")
    if friend.ip_hash and (friend.ip_hash == advocate.ip_hash or friend.ip_hash in advocate.other_ip_hashes):
        fire("shared_ip", "same network address as the advocate or another of their referrals")
    if friend.address_hash and friend.address_hash in advocate.other_address_hashes:
        fire("household_address", "same address as another referral of this advocate")
    return found


def verdict(reasons: Sequence[ReasonDTO]) -> str | None:
    """ "reject" when any check rejects, "review" when one asks for review, else None
    (signals alone decide nothing)."""
    verdicts = {reason.verdict for reason in reasons}
    if REJECT in verdicts:
        return REJECT
    if REVIEW in verdicts:
        return REVIEW
    return None


def reasons_json(reasons: Iterable[ReasonDTO]) -> list[dict[str, str]]:
    return [{"check": r.check, "verdict": r.verdict, "detail": r.detail} for r in reasons]


def reasons_of(stored: Iterable[Mapping[str, str]]) -> tuple[ReasonDTO, ...]:
    return tuple(ReasonDTO(str(r["check"]), str(r["verdict"]), str(r.get("detail", ""))) for r in stored)


# --- program validation ----------------------------------------------------------------------


def validate_money(value: Decimal | None, field: str, *, allow_zero: bool = False) -> Decimal | None:
    if value is None:
        return None
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValidationFailed(f"{field} must be a number", field=field)
    if value < 0 or (value == 0 and not allow_zero):
        raise ValidationFailed(f"{field} must be greater than 0", field=field)
    if value >= Decimal("10000000000"):
        raise ValidationFailed(f"{field} is too large", field=field)
    return value.quantize(Decimal("0.01"))


def validate_range(value: int, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed(f"{field} must be between {low:,} and {high:,}", field=field)
    return value


def validate_friend_reward(kind: str, value: Decimal | None) -> Decimal | None:
    if kind not in ("fixed_amount", "percentage", "free_shipping"):
        raise ValidationFailed(
            "friendKind must be fixed_amount, percentage or free_shipping", field="friendKind"
        )
    if kind == "free_shipping":
        return None
    if value is None:
        raise ValidationFailed("the friend's reward needs a value", field="friendValue")
    value = validate_money(value, "friendValue")
    assert value is not None
    if kind == "percentage" and value > 100:
        raise ValidationFailed("a percentage is at most 100", field="friendValue")
    return value


def validate_milestones(milestones: Iterable[MilestoneDTO]) -> list[dict[str, int]]:
    items = list(milestones)
    if len(items) > 20:
        raise ValidationFailed("at most 20 milestones", field="milestones")
    counts = [validate_range(m.count, "milestones.count", 1, 1000) for m in items]
    for m in items:
        validate_range(m.points, "milestones.points", 1, 1_000_000)
    if len(set(counts)) != len(counts):
        raise ValidationFailed("milestone counts must be unique", field="milestones")
    return [{"count": m.count, "points": m.points} for m in sorted(items, key=lambda m: m.count)]


def validate_checks(current: Mapping[str, bool], changes: Mapping[str, bool]) -> dict[str, bool]:
    unknown = sorted(set(changes) - set(CHECKS))
    if unknown:
        raise ValidationFailed(f"unknown fraud check: {', '.join(unknown)}", field="checks")
    merged = {name: bool(current.get(name, True)) for name in CHECKS}
    merged.update({name: bool(on) for name, on in changes.items()})
    return merged


def validate_domains(domains: Iterable[str], field: str) -> list[str]:
    cleaned = sorted({d.strip().lower().lstrip("@") for d in domains if d.strip()})
    if len(cleaned) > 1000:
        raise ValidationFailed("at most 1,000 domains", field=field)
    for domain in cleaned:
        if "." not in domain or len(domain) > 253 or any(ch.isspace() or ch == "@" for ch in domain):
            raise ValidationFailed(f"not a domain: {domain[:60]!r}", field=field)
    return cleaned


# --- milestones and progress ------------------------------------------------------------------


def milestones_of(stored: Iterable[Mapping[str, int]]) -> tuple[MilestoneDTO, ...]:
    return tuple(MilestoneDTO(int(m["count"]), int(m["points"])) for m in stored)


def reached_milestones(milestones: Sequence[MilestoneDTO], before: int, after: int) -> list[MilestoneDTO]:
    """The milestones crossed when the advocate's rewarded count went from ``before`` to
    ``after`` (each is paid once: its key names the count)."""
    return [m for m in milestones if before < m.count <= after]


def next_milestone(milestones: Sequence[MilestoneDTO], rewarded: int) -> MilestoneDTO | None:
    return next((m for m in milestones if m.count > rewarded), None)


# --- what customers see ------------------------------------------------------------------------


def link(shop_domain: str, proxy_subpath: str, code: str) -> str:
    return f"https://{shop_domain}/apps/{proxy_subpath}/r/{code}"


def offer_text(kind: str, value: Decimal | None, min_order: Decimal | None, currency: str) -> str:
    """A short English description of the friend's offer."""
    if kind == "percentage":
        text = f"{value.normalize() if value is not None else 0:f}% off your first order"
    elif kind == "fixed_amount":
        text = f"{currency} {value} off your first order"
    else:
        text = "Free shipping on your first order"
    if min_order is not None:
        text += f" of {currency} {min_order} or more"
    return text


def share_links(shop_name: str, url: str, offer: str) -> ShareLinksDTO:
    """Ready-to-open share URLs (English text with the shop's name, not localized)."""
    message = f"{offer} at {shop_name}: {url}"
    subject = f"A gift for you from {shop_name}"
    return ShareLinksDTO(
        email=f"mailto:?{urlencode({'subject': subject, 'body': message}, quote_via=quote)}",
        sms=f"sms:?&body={quote(message)}",
        whatsapp=f"https://wa.me/?text={quote(message)}",
        facebook=f"https://www.facebook.com/sharer/sharer.php?u={quote(url, safe='')}",
        x=f"https://x.com/intent/post?text={quote(f'{offer} at {shop_name}')}&url={quote(url, safe='')}",
    )
