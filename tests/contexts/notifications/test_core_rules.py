"""Pure rules of the core: quiet hours in the shop's time, channels on by default,
idempotency keys, masking, and a cause's facts through their stored form."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from loyalnest.contexts.notifications import registry, rules
from loyalnest.contexts.notifications.registry import Money
from loyalnest.platform.errors import ValidationFailed


@pytest.mark.parametrize(
    ("utc_now", "expected"),
    [
        # 23:30 in Warsaw (UTC+1 in winter): held until 08:00 Warsaw the next morning
        (datetime(2026, 12, 3, 22, 30, tzinfo=UTC), datetime(2026, 12, 4, 7, 0, tzinfo=UTC)),
        # 02:00 in Warsaw: until 08:00 the same day
        (datetime(2026, 12, 4, 1, 0, tzinfo=UTC), datetime(2026, 12, 4, 7, 0, tzinfo=UTC)),
        # 12:00 in Warsaw: not quiet
        (datetime(2026, 12, 4, 11, 0, tzinfo=UTC), None),
        # 21:00 sharp is quiet, 08:00 sharp is not
        (datetime(2026, 12, 4, 20, 0, tzinfo=UTC), datetime(2026, 12, 5, 7, 0, tzinfo=UTC)),
        (datetime(2026, 12, 5, 7, 0, tzinfo=UTC), None),
    ],
)
def test_quiet_hours_in_shop_time(utc_now: datetime, expected: datetime | None) -> None:
    assert rules.quiet_until(utc_now, "Europe/Warsaw", time(21, 0), time(8, 0)) == expected


def test_a_daytime_window_and_an_empty_one() -> None:
    noon = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    assert rules.quiet_until(noon, "UTC", time(11, 0), time(13, 0)) == datetime(2026, 6, 1, 13, 0, tzinfo=UTC)
    assert rules.quiet_until(noon, "UTC", time(3, 0), time(3, 0)) is None


def test_default_channels_and_choices() -> None:
    assert rules.enabled_channels({}, registry.get("reward_issued")) == ("email",)
    assert rules.enabled_channels({}, registry.get("points_earned")) == ()
    assert rules.enabled_channels({"reward_issued": ["sms", "email"]}, registry.get("reward_issued")) == (
        "email",
        "sms",
    )
    assert rules.enabled_channels({"reward_issued": []}, registry.get("reward_issued")) == ()


def test_keys_masks_and_locales() -> None:
    assert rules.idempotency_key("reward_issued", "42", "email") == "reward_issued:42:email"
    assert rules.mask("ana.maria@example.com") == "a***@example.com"
    assert rules.mask("+15551234567") == "+15*******67"
    assert rules.check_locale("pt_br") == "pt-BR"
    with pytest.raises(ValidationFailed):
        rules.check_locale("klingon-XX")


def test_facts_survive_their_stored_form() -> None:
    mt = registry.get("reward_issued")
    facts = {
        "value": Money(Decimal("10.50"), "EUR"),
        "expires_at": datetime(2027, 1, 2, 3, 4, tzinfo=UTC),
        "points_spent": 500,
    }
    assert rules.decode_variables(mt, rules.encode_variables(facts)) == facts
    expiring = registry.get("points_expiring")
    assert rules.decode_variables(expiring, rules.encode_variables({"expires_on": date(2027, 1, 15)})) == {
        "expires_on": date(2027, 1, 15)
    }
