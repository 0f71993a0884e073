"""Self-registering DataLoaders.

Each context declares its batch loads in its own ``graphql/<ctx>/loaders.py``:

    @loader("points.account", invalidate_on="customer")
    async def accounts(merchant_id: int, ids: Sequence[int]) -> list[points.AccountDTO]: ...

    @loader("points.first_transactions", invalidate_on="customer")
    async def first_transactions(merchant_id: int, ids: Sequence[int], first: int) -> ...

and resolvers ask the request for one by key: ``info.context.loaders.get("points.account")``,
``loaders.get("points.first_transactions", 10)`` (one loader per parameter value, made on
first use: a request needs a few of them, not all). Nothing outside the context's folder
changes when it adds one: the schema assembler imports every context's ``loaders`` module.

``invalidate_on`` names what the keys are ("customer": customer ids). After a write, the
mutation helper calls ``loaders.forget("customer", customer_id)`` so fields resolved
later in the request (the payload, the next mutation) read the new state.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

BatchLoad = Callable[..., Awaitable[Sequence[Any]]]
F = TypeVar("F", bound=BatchLoad)

CUSTOMER = "customer"


@dataclass(frozen=True)
class LoaderSpec:
    key: str
    # (merchant_id, ids, *params) -> one value per id, in order
    load: BatchLoad
    invalidate_on: str | None


_SPECS: dict[str, LoaderSpec] = {}


def loader(key: str, *, invalidate_on: str | None = None) -> Callable[[F], F]:
    """Register a batch load under ``key`` ("<ctx>.<what>"). The function takes the
    merchant id, the batch of keys and the loader's parameters, and returns one value
    per key in the same order."""

    def register(load: F) -> F:
        existing = _SPECS.get(key)
        if existing is not None and existing.load is not load:
            raise ValueError(f"DataLoader {key!r} is declared twice")
        _SPECS[key] = LoaderSpec(key=key, load=load, invalidate_on=invalidate_on)
        return load

    return register


def registered() -> dict[str, LoaderSpec]:
    return dict(_SPECS)


class RequestLoaders:
    """The DataLoaders of one request (or one subscription connection), scoped to one
    merchant: tenancy is fixed when the loaders are made, never taken from a key."""

    __slots__ = ("_made", "_merchant_id")

    def __init__(self, merchant_id: int):
        self._merchant_id = merchant_id
        self._made: dict[tuple[Hashable, ...], tuple[LoaderSpec, DataLoader[Any, Any]]] = {}

    def get(self, key: str, *params: Hashable) -> DataLoader[Any, Any]:
        slot = (key, *params)
        made = self._made.get(slot)
        if made is None:
            spec = _SPECS.get(key)
            if spec is None:
                raise KeyError(f"no DataLoader registered as {key!r}")

            async def load(ids: Sequence[Any], _load: BatchLoad = spec.load) -> Sequence[Any]:
                return await _load(self._merchant_id, ids, *params)

            made = (spec, DataLoader(load_fn=load))
            self._made[slot] = made
        return made[1]

    def forget(self, kind: str, key: Hashable) -> None:
        """Drop every cached value keyed by ``key`` in the loaders declared with
        ``invalidate_on=kind``. Keys never loaded are fine: there is nothing to drop."""
        for spec, made in self._made.values():
            if spec.invalidate_on == kind:
                with contextlib.suppress(KeyError):
                    made.clear(key)

    def forget_customer(self, customer_id: int) -> None:
        """Drop what this request cached about a customer (profile, points, redemptions...)."""
        self.forget(CUSTOMER, customer_id)
