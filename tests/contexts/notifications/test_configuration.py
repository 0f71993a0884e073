"""What staff configure, through the api the GraphQL mutations call: templates (checked
before anything is saved), settings and branding, providers with encrypted secrets,
the preview, test sends and provider checks; customers' preferences. Audited."""

from __future__ import annotations

from datetime import time

import pytest

from loyalnest.contexts.notifications import api as notifications
from loyalnest.contexts.notifications import registry
from loyalnest.platform.errors import NotFound, ValidationFailed
from loyalnest.platform.uow import unit_of_work
from tests.contexts.notifications.support import (
    configure,
    deliveries,
    make_customer,
    set_klaviyo,
    set_provider,
    set_smtp,
)
from tests.contexts.support import rows

GOOD = notifications.Draft(
    subject="Your {{ reward_title }}",
    html="<p>Hi {{ customer_first_name }}, your code is <b>{{ code }}</b></p>",
    text="Hi {{ customer_first_name }}, your code is {{ code }}",
)


async def _update(
    shop_id: int, draft: notifications.Draft, locale: str = "fr", type_name: str = "reward_issued"
):
    async with unit_of_work() as uow:
        return await notifications.update_template(
            uow,
            merchant_id=shop_id,
            actor="staff:1",
            type_name=type_name,
            channel="email",
            locale=locale,
            draft=draft,
        )


async def _audit(shop_id: int) -> list[str]:
    found = await rows("select action from audit_entries where merchant_id = :m order by id", m=shop_id)
    return [r["action"] for r in found]


async def test_an_override_wins_then_a_reset_brings_the_default_back(shop) -> None:
    slot = await _update(shop.id, GOOD)
    assert (slot.source, slot.locale, slot.subject) == ("override", "fr", GOOD.subject)
    slots = {s.locale: s for s in await notifications.list_templates(shop.id, "reward_issued", "email")}
    assert slots["fr"].source == "override"
    assert slots["en"].source == "default"
    assert slots["en"].subject  # the shipped English template
    async with unit_of_work() as uow:
        reset = await notifications.reset_template(
            uow, merchant_id=shop.id, actor="staff:1", type_name="reward_issued", channel="email", locale="fr"
        )
    assert reset.source == "default"
    assert "notification.template_updated" in await _audit(shop.id)
    assert "notification.template_reset" in await _audit(shop.id)


async def test_a_non_shipped_locale_override_is_listed_after_the_shipped_ones(shop) -> None:
    await _update(shop.id, GOOD, locale="ca")
    slots = await notifications.list_templates(shop.id, "reward_issued", "email")
    assert [s.locale for s in slots][-1] == "ca"
    assert len(slots) == 23


@pytest.mark.parametrize(
    ("draft", "needle"),
    [
        (notifications.Draft("Hi {{ pointz }}", GOOD.html, GOOD.text), "pointz"),
        (notifications.Draft(GOOD.subject, "<p>{{ ''.__class__.__mro__ }}</p>", GOOD.text), None),
        (
            notifications.Draft(GOOD.subject, "<p>{% for x in range(10**9) %}x{% endfor %}</p>", GOOD.text),
            None,
        ),
        (notifications.Draft(GOOD.subject, "<p>{% if code %}</p>", GOOD.text), None),
    ],
)
async def test_a_bad_template_is_refused_and_nothing_is_saved(shop, draft, needle) -> None:
    with pytest.raises(notifications.TemplateInvalid) as refused:
        await _update(shop.id, draft)
    assert refused.value.errors
    if needle:
        assert any(needle in e.message for e in refused.value.errors)
    assert await rows("select id from notification_templates where merchant_id = :m", m=shop.id) == []


async def test_a_syntax_error_names_its_line_and_column(shop) -> None:
    with pytest.raises(notifications.TemplateInvalid) as refused:
        await _update(shop.id, notifications.Draft(GOOD.subject, "<p>ok</p>\n<p>{{ code </p>", GOOD.text))
    [error] = [e for e in refused.value.errors if e.field == "html"]
    assert error.line == 2


async def test_unknown_type_locale_or_channel(shop) -> None:
    with pytest.raises(NotFound):
        await _update(shop.id, GOOD, type_name="nope")
    with pytest.raises(ValidationFailed):
        await _update(shop.id, GOOD, locale="xx-!!")
    async with unit_of_work() as uow:
        with pytest.raises(ValidationFailed):
            await notifications.update_template(
                uow,
                merchant_id=shop.id,
                actor="staff:1",
                type_name="weekly_summary",
                channel="sms",
                locale="en",
                draft=GOOD,
            )


async def test_settings_defaults_then_changes(shop) -> None:
    settings = await notifications.get_settings(shop.id)
    assert settings.enabled["reward_issued"] == ("email",)
    assert settings.enabled["points_earned"] == ()
    assert (settings.quiet_start, settings.quiet_end) == (time(21, 0), time(8, 0))
    assert settings.branding.sender_name == "Maple & Moss"
    changed = await configure(
        shop.id,
        enabled={"points_earned": ("email", "sms")},
        staff_email="owner@shop.test",
        sender_name="Maple Rewards",
        primary_color="#2f855a",
        points_name={"pl": {"one": "gwiazdka", "few": "gwiazdki", "many": "gwiazdek", "other": "gwiazdki"}},
        footer={"en": "Thanks for being a member."},
    )
    assert changed.enabled["points_earned"] == ("email", "sms")
    assert changed.staff_email == "owner@shop.test"
    assert changed.branding.primary_color == "#2F855A"
    assert changed.branding.points_name["pl"]["many"] == "gwiazdek"
    [stored] = await rows(
        "select staff_email_enc from notification_settings where merchant_id = :m", m=shop.id
    )
    assert "owner@shop.test" not in stored["staff_email_enc"]
    assert "notification.settings_updated" in await _audit(shop.id)
    with pytest.raises(ValidationFailed):
        await configure(shop.id, primary_color="green")
    with pytest.raises(ValidationFailed):
        await configure(shop.id, enabled={"weekly_summary": ("sms",)})


async def test_provider_secrets_are_encrypted_and_never_shown(shop, klaviyo) -> None:
    await set_klaviyo(shop.id, klaviyo, key="pk_super_secret_key")
    [stored] = await rows("select secret_enc from notification_providers where merchant_id = :m", m=shop.id)
    assert "pk_super_secret_key" not in stored["secret_enc"]
    [provider] = (await notifications.get_settings(shop.id)).providers
    assert (provider.kind, provider.has_secret) == ("klaviyo", True)
    assert "pk_super_secret_key" not in repr(provider)
    # the key is wrong for the fake: the check says so, in words
    check = await notifications.test_provider(shop.id, channel="email", role="primary")
    assert not check.ok
    assert check.message
    await set_klaviyo(shop.id, klaviyo)
    assert (await notifications.test_provider(shop.id, channel="email", role="primary")).ok
    with pytest.raises(ValidationFailed):
        await set_provider(shop.id, notifications.ProviderInput("sms", "primary", "smtp", {}))
    async with unit_of_work() as uow:
        await notifications.remove_provider(
            uow, merchant_id=shop.id, actor="staff:1", channel="email", role="primary"
        )
    assert (await notifications.get_settings(shop.id)).providers == ()


async def test_preview_renders_samples_or_returns_errors(shop) -> None:
    result = await notifications.preview(
        shop.id,
        type_name="reward_issued",
        channel="email",
        locale="en",
        draft=GOOD,
        sample_overrides={"code": "PREVIEW-1"},
        customer_id=None,
    )
    assert result.errors == ()
    assert "PREVIEW-1" in (result.html or "")
    assert result.render_ms < 1000
    broken = await notifications.preview(
        shop.id,
        type_name="reward_issued",
        channel="email",
        locale="en",
        draft=notifications.Draft("x", "{{ nope }}", "y"),
        sample_overrides=None,
        customer_id=None,
    )
    assert broken.html is None
    assert broken.errors


async def test_preview_words_the_points_reason_in_its_locale(shop) -> None:
    async def text(locale: str, overrides: dict[str, str] | None) -> str:
        draft = notifications.Draft(None, None, "{{ reason }} | {{ trigger }}")
        result = await notifications.preview(
            shop.id,
            type_name="points_earned",
            channel="sms",
            locale=locale,
            draft=draft,
            sample_overrides=overrides,
            customer_id=None,
        )
        assert result.errors == ()
        return result.text or ""

    assert await text("de", None) == "Bestellung Nr. 1042 | order"
    assert await text("pl", {"trigger": "birthday"}) == "Urodziny | birthday"
    assert await text("ja", {"order_number": "77"}) == "ご注文番号 77 | order"
    # a reason typed for the preview is shown as typed
    assert await text("de", {"reason": "Sommerfest"}) == "Sommerfest |"


async def test_preview_with_a_real_customer_is_tenant_scoped(make_shop) -> None:
    a, b = await make_shop(), await make_shop()
    customer = await make_customer(a.id, first_name="Zofia")
    result = await notifications.preview(
        a.id,
        type_name="reward_issued",
        channel="email",
        locale="en",
        draft=GOOD,
        sample_overrides=None,
        customer_id=customer,
    )
    assert "Zofia" in (result.text or "")
    with pytest.raises(NotFound):
        await notifications.preview(
            b.id,
            type_name="reward_issued",
            channel="email",
            locale="en",
            draft=GOOD,
            sample_overrides=None,
            customer_id=customer,
        )


async def test_send_test_goes_out_now_and_is_logged(shop, sink) -> None:
    await set_smtp(shop.id, sink)
    result = await notifications.send_test(
        shop.id,
        actor="staff:1",
        to="me@shop.test",
        type_name="reward_issued",
        channel="email",
        locale="en",
        draft=GOOD,
    )
    assert result.status == "sent"
    [message] = sink.wait_for(1)
    assert message.rcpt_tos == ("me@shop.test",)
    [row] = await deliveries(shop.id)
    assert (row["status"], row["reason"], row["customer_id"]) == ("sent", "test", None)
    assert "notification.test_sent" in await _audit(shop.id)


async def test_preferences_of_a_customer(shop) -> None:
    customer = await make_customer(shop.id)
    before = await notifications.get_preferences(shop.id, customer)
    # every customer type a customer may opt out of: not the answers to privacy requests
    customer_types = [t for t in registry.TYPES.values() if t.audience == "customer" and t.can_opt_out]
    assert len(before) == sum(len(t.channels) for t in customer_types)
    assert all(p.subscribed for p in before)
    assert not {p.type for p in before} & {"privacy_request_confirm", "privacy_export_ready"}
    async with unit_of_work() as uow:
        after = await notifications.set_preferences(
            uow,
            merchant_id=shop.id,
            customer_id=customer,
            changes=[notifications.PreferenceChange("birthday", "email", False)],
        )
    off = [(p.type, p.channel, p.category) for p in after if not p.subscribed]
    assert off == [("birthday", "email", "marketing")]
    async with unit_of_work() as uow:
        with pytest.raises(ValidationFailed):
            await notifications.set_preferences(
                uow,
                merchant_id=shop.id,
                customer_id=customer,
                changes=[notifications.PreferenceChange("weekly_summary", "email", False)],
            )
    for privacy_type in ("privacy_request_confirm", "privacy_export_ready"):
        async with unit_of_work() as uow:
            with pytest.raises(ValidationFailed, match="privacy request"):
                await notifications.set_preferences(
                    uow,
                    merchant_id=shop.id,
                    customer_id=customer,
                    changes=[notifications.PreferenceChange(privacy_type, "email", False)],
                )
