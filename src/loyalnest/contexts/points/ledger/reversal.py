"""Taking back an earning (a refunded or cancelled order): the points come back out of
the earning's own lot first (refunding an order removes those points, not older ones),
then oldest first from the others for the part that was spent. The part its lot lost
to expiry is gone already: it is not taken a second time (it shows in the entry's
shortfall). Due lots expire first, so that part is known exactly."""

from __future__ import annotations

from loyalnest.contexts.points import repository, rules
from loyalnest.contexts.points.dto import PostingResult
from loyalnest.contexts.points.ledger.posting import expire_due, post
from loyalnest.platform.uow import UnitOfWork


async def reverse_earning(
    uow: UnitOfWork,
    *,
    merchant_id: int,
    customer_id: int,
    points: int,
    earning_key: str,
    source: str,
    source_ref: str | None,
    idempotency_key: str,
    already_lapsed: int = 0,
    origin_type: str | None = None,
    origin_id: int | None = None,
) -> tuple[PostingResult, int]:
    """Take ``points`` back from the earning posted under ``earning_key``: a ``reversal``
    that may fall short (what was spent or expired is recorded, the balance never goes
    negative). ``already_lapsed``: the points earlier reversals of this earning found
    gone to expiry. ``origin_*``: the origin of the earning taken back (its part of an
    earning's breakdown). Returns the posting and the points of this reversal found lapsed."""
    if points <= 0:
        raise ValueError("a reversal must be positive")
    await expire_due(uow, merchant_id, [customer_id])
    lapsed = 0
    lot = await repository.lot_of_entry(uow.session, merchant_id, earning_key)
    if lot is not None:
        remaining, expired = lot
        lapsed = rules.reversal_lapsed(points, remaining, expired, already_lapsed)
    result = await post(
        uow,
        merchant_id=merchant_id,
        customer_id=customer_id,
        delta=-points,
        kind="reversal",
        source=source,
        source_ref=source_ref,
        idempotency_key=idempotency_key,
        allow_shortfall=True,
        take_first_from=earning_key,
        lapsed=lapsed,
        origin_type=origin_type,
        origin_id=origin_id,
    )
    return result, lapsed
