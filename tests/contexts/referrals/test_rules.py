"""The pure rules: codes, normalisation, the checks' verdicts, milestones, share URLs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loyalnest.contexts.referrals import rules
from loyalnest.contexts.referrals.dto import MilestoneDTO

SETTINGS = rules.CheckSettings({}, 10, True, (), ())


def _friend(**kwargs) -> rules.FriendFacts:
    values = {
        "customer_id": 2,
        "email": "f@example.org",
        "phone": None,
        "address_hash": None,
        "ip_hash": None,
        "payment_hash": None,
        "not_new_reason": None,
    }
    values.update(kwargs)
    return rules.FriendFacts(**values)


def _advocate(**kwargs) -> rules.AdvocateFacts:
    values = {
        "customer_id": 1,
        "email": "a@example.org",
        "phone": None,
        "address_hash": None,
        "ip_hash": None,
        "payment_hash": None,
        "other_address_hashes": frozenset(),
        "other_ip_hashes": frozenset(),
        "referrals_this_week": 0,
    }
    values.update(kwargs)
    return rules.AdvocateFacts(**values)


def test_codes_use_the_unambiguous_alphabet():
    codes = {rules.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 7 and set(c) <= set(rules.ALPHABET) for c in codes)
    assert not set("01OIL") & set(rules.ALPHABET)
    assert rules.new_friend_code().startswith("FRIEND-")
    assert rules.code_of_discount("ref-abc2345") == ("link", "ABC2345")
    assert rules.code_of_discount("WELCOME") is None


@pytest.mark.parametrize(
    ("email", "canonical"),
    [
        ("J.Doe+shop@Gmail.com", "jdoe@gmail.com"),
        ("j.d.o.e@googlemail.com", "jdoe@gmail.com"),
        ("j.doe+x@example.com", "j.doe@example.com"),
    ],
)
def test_emails_are_compared_as_the_mailbox_they_reach(email, canonical):
    assert rules.canonical_email(email) == canonical


def test_household_and_shared_ip_alone_never_decide():
    reasons = rules.run_checks(
        SETTINGS,
        _friend(address_hash="h", ip_hash="i"),
        _advocate(other_address_hashes=frozenset({"h"}), other_ip_hashes=frozenset({"i"})),
    )
    assert {(r.check, r.verdict) for r in reasons} == {
        ("household_address", "signal"),
        ("shared_ip", "signal"),
    }
    assert rules.verdict(reasons) is None


def test_verdicts_reject_over_review_over_signal():
    reasons = rules.run_checks(
        SETTINGS,
        _friend(address_hash="h", payment_hash="p"),
        _advocate(address_hash="h", payment_hash="p", referrals_this_week=10),
    )
    assert {r.check: r.verdict for r in reasons} == {
        "self_referral_address": "review",
        "payment_fingerprint": "reject",
        "velocity": "review",
    }
    assert rules.verdict(reasons) == "reject"
    off = rules.CheckSettings({"payment_fingerprint": False}, 10, True, (), ())
    assert (
        rules.verdict(rules.run_checks(off, _friend(payment_hash="p"), _advocate(payment_hash="p"))) is None
    )


def test_disposable_domains_cover_subdomains_and_allow_overrides():
    assert rules.is_disposable("mailinator.com", extra=(), allowed=())
    assert rules.is_disposable("eu.mailinator.com", extra=(), allowed=())
    assert not rules.is_disposable("mailinator.com", extra=(), allowed=("mailinator.com",))
    assert rules.is_disposable("temp.example", extra=("temp.example",), allowed=())
    assert not rules.is_disposable("gmail.com", extra=(), allowed=())


def test_milestones_are_reached_once_each():
    stones = (MilestoneDTO(1, 10), MilestoneDTO(3, 30))
    assert rules.reached_milestones(stones, 0, 1) == [MilestoneDTO(1, 10)]
    assert rules.reached_milestones(stones, 1, 2) == []
    assert rules.reached_milestones(stones, 2, 3) == [MilestoneDTO(3, 30)]
    assert rules.next_milestone(stones, 1) == MilestoneDTO(3, 30)
    assert rules.next_milestone(stones, 3) is None


def test_offer_text_and_masking():
    assert rules.offer_text("percentage", Decimal("15.00"), Decimal("40.00"), "EUR") == (
        "15% off your first order of EUR 40.00 or more"
    )
    assert rules.offer_text("free_shipping", None, None, "USD") == "Free shipping on your first order"
    assert rules.mask_email("alice@example.com") == "a***@example.com"
