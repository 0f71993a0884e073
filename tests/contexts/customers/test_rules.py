"""Birthday rules of the customers context: a plausible age, never in the future."""

from __future__ import annotations

from datetime import date

import pytest

from loyalnest.contexts.customers import rules
from loyalnest.platform.errors import ValidationFailed

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("birthday", "age"),
    [(date(2000, 11, 22), 26), (date(2000, 11, 23), 25), (date(2000, 2, 29), 26), (date(1990, 12, 31), 35)],
)
def test_age_on(birthday, age):
    assert rules.age_on(birthday, TODAY) == age


@pytest.mark.parametrize(
    ("birthday", "message"),
    [
        (date(2026, 11, 23), "future"),
        (date(2030, 1, 1), "future"),
        (date(2020, 1, 1), "at least 13"),
        (date(2013, 11, 23), "at least 13"),  # 12 until tomorrow
        (date(1905, 1, 1), "at most 120"),
    ],
)
def test_implausible_birthdays_are_refused(birthday, message):
    with pytest.raises(ValidationFailed, match=message) as refused:
        rules.validate_birthday(birthday, today=TODAY)
    assert refused.value.field == "birthday"


@pytest.mark.parametrize("birthday", [date(2013, 11, 22), date(1990, 6, 5), date(1906, 11, 23)])
def test_plausible_birthdays_pass(birthday):
    rules.validate_birthday(birthday, today=TODAY)


def test_month_day_keeps_no_year():
    assert rules.month_day(date(1987, 6, 5)) == "06-05"
    assert rules.month_day(date(2000, 2, 29)) == "02-29"
