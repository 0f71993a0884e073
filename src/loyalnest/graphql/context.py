"""The typed per-request GraphQL context: principal, merchant scope and DataLoaders."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from strawberry.dataloader import DataLoader

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.points import api as points
from loyalnest.contexts.rewards import api as rewards
from loyalnest.graphql.customers.loaders import customer_loader
from loyalnest.graphql.errors import PublicError
from loyalnest.graphql.points.loaders import (
    account_loader,
    expiring_points_loader,
    first_transactions_loader,
    pending_points_loader,
)
from loyalnest.graphql.rewards.loaders import first_redemptions_loader, reward_loader
from loyalnest.platform.tenancy import Customer, Principal, Staff
from loyalnest.settings import Settings


class Loaders:
    """Created per request (and per subscription connection), scoped to one merchant.
    Each loader is made on first use: a request needs a few of them, not all."""

    def __init__(self, merchant_id: int):
        self._merchant_id = merchant_id
        self._first_transactions: dict[int, DataLoader[int, points.LedgerPage]] = {}
        self._expiring_points: dict[int, DataLoader[int, points.ExpiringPointsDTO]] = {}
        self._first_redemptions: dict[int, DataLoader[int, rewards.RedemptionPage]] = {}

    @cached_property
    def customer(self) -> DataLoader[int, customers.CustomerDTO | None]:
        return customer_loader(self._merchant_id)

    @cached_property
    def account(self) -> DataLoader[int, points.AccountDTO]:
        return account_loader(self._merchant_id)

    @cached_property
    def pending_points(self) -> DataLoader[int, int]:
        return pending_points_loader(self._merchant_id)

    @cached_property
    def reward(self) -> DataLoader[int, rewards.RewardDTO | None]:
        return reward_loader(self._merchant_id)

    def first_transactions(self, first: int) -> DataLoader[int, points.LedgerPage]:
        loader = self._first_transactions.get(first)
        if loader is None:
            loader = first_transactions_loader(self._merchant_id, first)
            self._first_transactions[first] = loader
        return loader

    def expiring_points(self, within_days: int) -> DataLoader[int, points.ExpiringPointsDTO]:
        loader = self._expiring_points.get(within_days)
        if loader is None:
            loader = expiring_points_loader(self._merchant_id, within_days)
            self._expiring_points[within_days] = loader
        return loader

    def first_redemptions(self, first: int) -> DataLoader[int, rewards.RedemptionPage]:
        loader = self._first_redemptions.get(first)
        if loader is None:
            loader = first_redemptions_loader(self._merchant_id, first)
            self._first_redemptions[first] = loader
        return loader

    def forget_redemptions(self, customer_id: int) -> None:
        """Like ``forget_points``, for a customer's redemptions after a redemption."""
        for loader in self._first_redemptions.values():
            with contextlib.suppress(KeyError):
                loader.clear(customer_id)

    def forget_points(self, customer_id: int) -> None:
        """Drop what this request cached about a customer's points after a write, so
        fields resolved later in the request (the mutation payload, the next mutation)
        read the new state. Keys never loaded are fine: there is nothing to drop."""
        for name in ("account", "pending_points"):
            loader = self.__dict__.get(name)  # made only if this request used it
            if loader is not None:
                with contextlib.suppress(KeyError):
                    loader.clear(customer_id)
        for loader in self._first_transactions.values():
            with contextlib.suppress(KeyError):
                loader.clear(customer_id)
        for expiring in self._expiring_points.values():
            with contextlib.suppress(KeyError):
                expiring.clear(customer_id)


@dataclass
class Context:
    settings: Settings
    request: Any = None
    principal: Principal | None = None
    # Credential problem found while building the context; raised by fields that need one.
    auth_error: str | None = None
    connection_params: dict[str, Any] | None = None
    _loaders: Loaders | None = field(default=None, repr=False)

    @property
    def merchant_id(self) -> int:
        if self.principal is None:
            raise PublicError(self.auth_error or "authentication required", code="UNAUTHENTICATED")
        return self.principal.merchant_id

    @property
    def staff(self) -> Staff:
        assert isinstance(self.principal, Staff)
        return self.principal

    @property
    def customer(self) -> Customer:
        assert isinstance(self.principal, Customer)
        return self.principal

    @property
    def loaders(self) -> Loaders:
        if self._loaders is None:
            self._loaders = Loaders(self.merchant_id)
        return self._loaders
