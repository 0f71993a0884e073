"""Email nudges end to end: the staff request, the real worker running the actor, the
notifications context sending through SMTP to the real sink. Only customers who accept
marketing get it, at most once per nudge per 30 days; the actor is idempotent."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from loyalnest.contexts.analytics import api as analytics
from loyalnest.devtools.provider_fakes import SmtpSink
from loyalnest.platform.uow import unit_of_work
from tests.contexts.analytics.nudges_support import exclude, make_customer, make_nudge, set_segment
from tests.contexts.notifications.support import deliveries, set_smtp, settle


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as server:
        yield server


def _mime(raw: bytes) -> EmailMessage:
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


async def _request(merchant_id: int, nudge_id: int, segment: str | None = None) -> analytics.EmailRunDTO:
    async with unit_of_work() as uow:
        return await analytics.request_nudge_email(
            uow, merchant_id=merchant_id, actor="staff:test", nudge_id=nudge_id, segment=segment
        )


async def _run(merchant_id: int, run_id: int) -> analytics.EmailRunDTO:
    return (await analytics.get_email_runs(merchant_id, [run_id]))[run_id]


async def test_an_email_nudge_reaches_consenting_customers_once_per_30_days(shop, sink, drain) -> None:
    await set_smtp(shop.id, sink)
    yes = await make_customer(shop.id, email="yes@example.com", locale="fr")
    no = await make_customer(shop.id, email="no@example.com", accepts_marketing=False)
    champion = await make_customer(shop.id, email="champ@example.com")
    excluded = await make_customer(shop.id, email="out@example.com")
    for customer, segment in (
        (yes, "at_risk"),
        (no, "cant_lose_them"),
        (champion, "champions"),
        (excluded, "at_risk"),
    ):
        await set_segment(shop.id, customer, segment)
    await exclude(shop.id, excluded)
    nudge = await make_nudge(shop.id)

    run = await _request(shop.id, nudge.id)
    assert (run.status, run.segment) == ("queued", "type:at_risk")
    await drain()
    await settle(shop.id)

    done = await _run(shop.id, run.id)
    # the excluded customer is not even looked at; "no" has no marketing consent
    assert (done.status, done.seen, done.queued, done.skipped) == ("done", 2, 1, 1)
    [received] = sink.wait_for(1)
    mime = _mime(received.raw)
    assert mime["To"] == "yes@example.com"
    assert mime["Subject"].startswith("Vous nous manquez")  # the customer's language
    html = mime.get_body(("html",)).get_content()
    assert "Points doublés cette semaine" in html
    assert f'href="https://{shop.domain}/collections/new"' in html  # a path gets the shop's address
    [row] = await deliveries(shop.id, type_name="nudge")
    assert row["status"] == "sent"
    assert row["customer_id"] == yes

    # asked again: nobody is emailed twice within 30 days
    again = await _request(shop.id, nudge.id)
    assert again.id != run.id
    await drain()
    await settle(shop.id)
    assert (await _run(shop.id, again.id)).queued == 0
    # the actor delivered twice (at-least-once) changes nothing
    from loyalnest.contexts.analytics.tasks.nudges import send_nudge_email

    await send_nudge_email(shop.id, run.id)
    await drain()
    await settle(shop.id)
    assert len(await deliveries(shop.id, type_name="nudge")) == 1
    assert len(sink.messages) == 1

    # another segment reaches the champion
    other = await _request(shop.id, nudge.id, "champions")
    await drain()
    await settle(shop.id)
    assert (await _run(shop.id, other.id)).queued == 1
    assert sorted(m.rcpt_tos[0] for m in sink.wait_for(2)) == ["champ@example.com", "yes@example.com"]
    # the built-in Loyal segment alone is not the LOYAL type (Champions and Loyal)
    loyal = await _request(shop.id, nudge.id, "loyal")
    await drain()
    assert (await _run(shop.id, loyal.id)).seen == 0


async def test_a_run_still_going_is_returned_not_doubled(shop) -> None:
    nudge = await make_nudge(shop.id)
    async with unit_of_work() as uow:
        first = await analytics.request_nudge_email(
            uow, merchant_id=shop.id, actor="staff:test", nudge_id=nudge.id, segment=None
        )
        second = await analytics.request_nudge_email(
            uow, merchant_id=shop.id, actor="staff:test", nudge_id=nudge.id, segment=None
        )
    assert first.id == second.id
