"""Pure rules about customer facts (no I/O)."""

from __future__ import annotations

from datetime import date

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
