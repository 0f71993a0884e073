"""Pure rules about customer facts (no I/O)."""

from __future__ import annotations

from datetime import date

from loyalnest.platform.crypto import Keyring
from loyalnest.platform.errors import ValidationFailed

# A birthday a person gives us must be plausible: nobody shops at 130, and account
# holders are at least 13 (the age most shops' terms, and COPPA, set for an account).
MIN_AGE = 13
MAX_AGE = 120


def month_day(birthday: date) -> str:
    """ "MM-DD": what the birthday index holds (the year never leaves the ciphertext)."""
    return f"{birthday.month:02d}-{birthday.day:02d}"


def age_on(birthday: date, day: date) -> int:
    """Whole years lived on ``day``."""
    return day.year - birthday.year - ((day.month, day.day) < (birthday.month, birthday.day))


def validate_birthday(birthday: date, *, today: date) -> None:
    """A birthday a customer or staff member enters: not in the future, a plausible age."""
    if birthday > today:
        raise ValidationFailed("birthday must not be in the future", field="birthday")
    age = age_on(birthday, today)
    if age < MIN_AGE:
        raise ValidationFailed(f"birthday must be at least {MIN_AGE} years ago", field="birthday")
    if age > MAX_AGE:
        raise ValidationFailed(f"birthday must be at most {MAX_AGE} years ago", field="birthday")


# --- blind indexes: the one place each is computed (writes, lookups and key rotation) ------

EMAIL_INDEX_KIND = "email"
BIRTHDAY_INDEX_KIND = "birthday_month_day"


def email_index(keyring: Keyring, email: str) -> str:
    return keyring.blind_index(email, kind=EMAIL_INDEX_KIND)


def email_indexes(keyring: Keyring, email: str) -> list[str]:
    """What a stored index of ``email`` may be (one per configured blind key)."""
    return keyring.blind_indexes(email, kind=EMAIL_INDEX_KIND)


def birthday_index(keyring: Keyring, merchant_id: int, month_day: str) -> str:
    """Blind index of a birthday's "MM-DD", per shop: the same day in two shops gives
    two unrelated tokens, and without the key a token says nothing about the day."""
    return keyring.blind_index(f"{merchant_id}:{month_day}", kind=BIRTHDAY_INDEX_KIND)


def birthday_indexes(keyring: Keyring, merchant_id: int, month_day: str) -> list[str]:
    return keyring.blind_indexes(f"{merchant_id}:{month_day}", kind=BIRTHDAY_INDEX_KIND)
