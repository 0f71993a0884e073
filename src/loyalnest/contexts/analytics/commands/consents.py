"""Analytics honours customers' consents (``privacy.events.ConsentChanged``), in the
transaction that records them:

- ``rfm_tracking`` revoked: the customer is excluded (``analytics_rfm_exclusions``,
  which the real-time scoring, the full pass, custom segments, exports and nudges
  already leave out with a join on that table) and their score, segment history and
  custom segment memberships are deleted now. Granted again: they are scored from
  their orders at once (history starts anew).
- ``profiling`` revoked: a row of ``analytics_profiling_exclusions``: no nudge is shown
  to them (``me.nudges``) and no nudge email is sent to them; their RFM scores stay
  (the shop's statistics). Nudges are also hidden from customers who revoked
  ``rfm_tracking``: without a score they are in no segment to target.
"""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.analytics.commands.rfm import set_tracking
from loyalnest.contexts.analytics.repository import consents as repository
from loyalnest.contexts.privacy.events import ConsentChanged
from loyalnest.platform.consents import PROFILING, RFM_TRACKING
from loyalnest.platform.uow import UnitOfWork


async def honour_consents(uow: UnitOfWork, events: Sequence[ConsentChanged]) -> None:
    for event in events:
        if event.type == RFM_TRACKING:
            await set_tracking(
                uow,
                event.merchant_id,
                event.customer_id,
                enabled=event.granted,
                actor=event.actor,
                now=event.occurred_at,
            )
            if not event.granted:
                await repository.delete_rfm_traces(uow.session, event.merchant_id, event.customer_id)
        elif event.type == PROFILING:
            if event.granted:
                await repository.remove_profiling_exclusion(uow.session, event.merchant_id, event.customer_id)
            else:
                await repository.add_profiling_exclusion(uow.session, event.merchant_id, event.customer_id)
