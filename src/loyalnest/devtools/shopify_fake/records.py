"""What the fake holds and answers: shops (with their leaky bucket), discount codes,
recorded requests, armed faults, GraphQL failures and the answer to one request."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class FakeDiscount:
    gid: str
    code: str
    typename: str  # DiscountCodeBasic or DiscountCodeFreeShipping
    input: dict[str, Any]
    created_at: datetime
    usage_count: int = 0
    # switched off by discountCodeDeactivate (and on again by discountCodeActivate)
    deactivated: bool = False


@dataclass
class FakeBulkOperation:
    """One ``bulkOperationRunQuery``: its JSONL is built from the shop's data when it
    is created (a snapshot, as Shopify's is of the moment it ran); every read of it
    (``currentBulkOperation``, ``node``) moves it one step, CREATED -> RUNNING ->
    COMPLETED (or FAILED with ``error_code`` when a failure was armed)."""

    number: int
    query: str
    lines: list[bytes]
    root_object_count: int
    created_at: datetime
    status: str = "CREATED"
    error_code: str | None = None
    fail_with: str | None = None
    completed_at: datetime | None = None
    downloads: int = 0

    @property
    def gid(self) -> str:
        return f"gid://shopify/BulkOperation/{self.number}"

    @property
    def running(self) -> bool:
        return self.status in ("CREATED", "RUNNING", "CANCELING")


@dataclass
class FakeShop:
    domain: str
    token: str
    plan: str
    maximum: float
    restore_rate: float
    available: float
    updated_at: float
    gid: str
    name: str
    currency: str
    discounts: dict[str, FakeDiscount] = field(default_factory=dict)  # by code, case-insensitive
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Admin GraphQL Order objects by gid (``add_order``), the bulk operations' sources
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    # every bulk query operation of the shop, oldest first (the last is "current")
    bulk_operations: list[FakeBulkOperation] = field(default_factory=list)

    def refill(self, now: float) -> None:
        self.available = min(
            self.maximum, self.available + max(0.0, now - self.updated_at) * self.restore_rate
        )
        self.updated_at = now


@dataclass(frozen=True)
class RecordedRequest:
    shop: str
    operation_type: str | None  # "query" / "mutation"; None if the body did not parse
    root_fields: tuple[str, ...]
    variables: dict[str, Any]
    status: int
    # ok, user_errors (a mutation refused, e.g. code taken), throttled, unauthorized,
    # unknown_shop, injected_<status>, graphql_error, bad_request
    outcome: str
    requested_cost: int | None
    at: float  # time.monotonic()

    @property
    def operation(self) -> str | None:
        return self.root_fields[0] if self.root_fields else None


@dataclass
class _Fault:
    remaining: int
    shop: str | None
    status: int = 500
    seconds: float = 0.0
    message: str = ""
    field: tuple[str, ...] | None = None
    code: str | None = None

    def matches(self, shop: str) -> bool:
        return self.remaining > 0 and (self.shop is None or self.shop == shop)


class _GraphQLFailure(Exception):
    def __init__(self, message: str, **extensions: Any):
        super().__init__(message)
        self.message = message
        self.extensions = extensions

    def as_error(self) -> dict[str, Any]:
        error: dict[str, Any] = {"message": self.message}
        if self.extensions:
            error["extensions"] = self.extensions
        return error


@dataclass
class _Answer:
    status: int
    body: Any
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
