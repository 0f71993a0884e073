"""Integration events of the merchants context."""

from __future__ import annotations

from dataclasses import dataclass

from loyalnest.platform.events import Event


@dataclass(frozen=True, slots=True)
class ShopInstalled(Event):
    """A shop was installed (or installed again: handlers create what the shop lacks and
    leave what it has). Published in the installing transaction, so every context's
    defaults for the shop commit with it.

    ``starter_program``: the program a new shop ships with (every way to earn on, with
    its default points). False asks for the minimal program instead: purchases only, at
    1 point per unit of currency, every other way to earn off (tests use it, so their
    numbers say only what they are about)."""

    merchant_id: int
    starter_program: bool = True
