"""Actors and periodic jobs declared by the contexts' tasks.py, collected once."""

from __future__ import annotations

from loyalnest import contexts
from loyalnest.platform import jobs


def test_every_context_actor_is_collected_with_its_queue() -> None:
    contexts.load()
    names = {spec.name: spec.queue_name for spec in jobs.actors()}
    # one of each context that has work of its own (names are in production queues)
    assert names["shopify.process_webhook"] == "shopify"
    assert names["points.expire_lots"] == "points"
    assert names["earning.award_birthdays"] == "earning"
    assert names["rewards.settle_pending_redemptions"] == "rewards"
    for spec in jobs.actors():
        assert spec.name.split(".")[0] in {*contexts.CONTEXTS, "shopify"}, spec.name


def test_periodic_jobs_name_declared_actors() -> None:
    contexts.load()
    declared = {spec.name for spec in jobs.actors()}
    periods = {job.actor_name: job.every_seconds for job in jobs.periodic_jobs()}
    assert set(periods) <= declared
    assert periods["points.release_pending"] == 900
    assert periods["rewards.settle_pending_redemptions"] == 60
    assert "webhooks" in jobs.relays()
