"""Referral codes an import from another loyalty app brings: an advocate keeps the code
their old links carry, so those links (``/r/<code>``, ``?ref=<code>``) keep working
once the shop points them here. The old app's domain is the shop's to redirect; the
code is what we keep."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.referrals import rules
from loyalnest.contexts.referrals.repository import codes as code_repository
from loyalnest.platform.uow import UnitOfWork


def importable_code(value: str) -> str | None:
    """The stored form of an imported code (letters and digits, at most 16, upper
    case); None when it cannot be kept as one."""
    code = rules.normalise_code(value)
    return code if code is not None and code.isascii() else None


async def import_codes(uow: UnitOfWork, merchant_id: int, codes: Sequence[tuple[int, str]]) -> set[int]:
    """Give each (customer, code) its code, where the customer has none yet and no other
    customer of the shop holds it; returns the customers who got theirs. A customer
    who already has a code keeps it (links to it are out already)."""
    wanted = [(c, code) for c, code in ((c, importable_code(v)) for c, v in codes) if code is not None]
    return await code_repository.insert_codes(uow.session, merchant_id, wanted)


async def remove_imported_codes(uow: UnitOfWork, merchant_id: int, codes: Sequence[tuple[int, str]]) -> int:
    """A revert: the codes its import gave go, unless the advocate referred someone
    with it since (a referral refers to its advocate's code)."""
    wanted = [(c, code) for c, code in ((c, importable_code(v)) for c, v in codes) if code is not None]
    return await code_repository.delete_unused_codes(uow.session, merchant_id, wanted)
