"""The ledger's invariants: every balance equals the sum of its ledger rows and of its
open lots, and every lot's remaining follows from what entries took from it."""

from __future__ import annotations

from loyalnest.contexts.points import repository
from loyalnest.contexts.points.dto import LedgerMismatch, LotMismatch
from loyalnest.platform.uow import UnitOfWork


async def verify_ledger(uow: UnitOfWork, merchant_id: int | None = None) -> list[LedgerMismatch]:
    """Accounts whose balance, ledger sum and open lots' remaining points do not all
    agree (should be none)."""
    rows = await repository.find_ledger_mismatches(uow.session, merchant_id)
    return [
        LedgerMismatch(merchant_id=m, customer_id=c, balance=b, ledger_sum=s, lots_remaining=o)
        for m, c, b, s, o in rows
    ]


async def verify_lots(uow: UnitOfWork, merchant_id: int | None = None) -> list[LotMismatch]:
    """Lots whose remaining points are not their points less what ledger entries took
    from them and gave back (should be none)."""
    rows = await repository.find_lot_mismatches(uow.session, merchant_id)
    return [
        LotMismatch(merchant_id=m, lot_id=lot, customer_id=c, points=p, remaining=r, consumed=used)
        for m, lot, c, p, r, used in rows
    ]
