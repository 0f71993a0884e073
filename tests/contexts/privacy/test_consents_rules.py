"""The pure rule deciding whether Shopify's marketing state is a change to record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from loyalnest.contexts.privacy.consents.rules import DEFAULTS, Latest, is_granted, shopify_change

T = datetime(2026, 11, 1, 12, tzinfo=UTC)


def test_defaults_opt_in_for_marketing_and_granted_until_revoked_otherwise() -> None:
    assert DEFAULTS == {
        "newsletter": False,
        "sms_marketing": False,
        "rfm_tracking": True,
        "referrals": True,
        "profiling": True,
    }


def test_only_subscribed_is_a_consent() -> None:
    assert is_granted("subscribed")
    assert is_granted("SUBSCRIBED")
    for state in ("not_subscribed", "unsubscribed", "pending", "redacted", "invalid", "", None):
        assert not is_granted(state)


def test_a_shopify_state_is_recorded_when_it_changes_and_is_newer() -> None:
    # no row: against the default
    assert shopify_change(None, granted=True, consented_at=T, default=False)
    assert shopify_change(None, granted=True, consented_at=None, default=False)
    assert not shopify_change(None, granted=False, consented_at=T, default=False)
    latest = Latest(granted=False, occurred_at=T, source="shopify")
    # the same state: nothing, whatever its time
    assert not shopify_change(latest, granted=False, consented_at=T + timedelta(days=1), default=False)
    # a different state: only when newer than the latest row (equal: a redelivery)
    assert shopify_change(latest, granted=True, consented_at=T + timedelta(seconds=1), default=False)
    assert not shopify_change(latest, granted=True, consented_at=T, default=False)
    assert not shopify_change(latest, granted=True, consented_at=T - timedelta(hours=1), default=False)
    # undated, over Shopify's own row: the newest thing Shopify said
    assert shopify_change(latest, granted=True, consented_at=None, default=False)


def test_an_undated_shopify_state_never_overrides_a_choice_made_here() -> None:
    for source in ("storefront", "staff", "import"):
        chosen = Latest(granted=False, occurred_at=T, source=source)
        assert not shopify_change(chosen, granted=True, consented_at=None, default=False)
        # a dated consent given in Shopify afterwards does
        assert shopify_change(chosen, granted=True, consented_at=T + timedelta(days=1), default=False)
