"""Work of the merchants context that spans several transactions."""

from __future__ import annotations

from loyalnest.contexts.merchants import commands
from loyalnest.contexts.merchants.dto import CreditSweepReport
from loyalnest.platform.uow import unit_of_work

# referrals handled per transaction: a batch's credits commit together, and a crash
# loses at most one batch's work (done again by the next run)
SWEEP_BATCH = 500


async def credit_referrals(*, batch: int = SWEEP_BATCH) -> CreditSweepReport:
    """Qualify, credit and cancel every due merchant referral, a batch per transaction,
    until a batch comes back short."""
    qualified = credited = cancelled = 0
    while True:
        async with unit_of_work() as uow:
            report = await commands.credit_due_referrals(uow, limit=batch)
        qualified += report.qualified
        credited += report.credited
        cancelled += report.cancelled
        if report.qualified < batch and report.cancelled < batch:
            return CreditSweepReport(qualified=qualified, credited=credited, cancelled=cancelled)
