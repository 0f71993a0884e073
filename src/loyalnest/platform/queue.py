"""Hand messages to Dramatiq by actor name.

Senders never import actor functions (transport and contexts must not depend on
``workers``); they name the actor and its queue, and the broker configured by
``workers.broker`` delivers it.
"""

from __future__ import annotations

from typing import Any

import dramatiq


def send(actor_name: str, queue_name: str, kwargs: dict[str, Any]) -> None:
    message: dramatiq.Message[Any] = dramatiq.Message(
        queue_name=queue_name,
        actor_name=actor_name,
        args=(),
        kwargs=kwargs,
        options={},
    )
    dramatiq.get_broker().enqueue(message)
