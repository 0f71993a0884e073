"""The fake's state and how a test arranges and inspects it: shops, customers,
discount codes, armed faults and recorded requests, every access under one lock."""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

from loyalnest.devtools.shopify_fake.bulk import demo_history
from loyalnest.devtools.shopify_fake.constants import PLAN_LIMITS
from loyalnest.devtools.shopify_fake.records import (
    FakeBulkOperation,
    FakeDiscount,
    FakeShop,
    RecordedRequest,
    _Fault,
)


class FakeState:
    """Shops, requests and faults of the fake (the server thread and the test share
    them; the lock guards every access)."""

    def __init__(self, *, auto_register: bool = False):
        self.auto_register = auto_register
        self._lock = threading.RLock()
        self._shops: dict[str, FakeShop] = {}
        self._requests: list[RecordedRequest] = []
        self._status_faults: list[_Fault] = []
        self._user_error_faults: list[_Fault] = []
        self._delay_faults: list[_Fault] = []
        self._bulk_faults: list[_Fault] = []
        self._ids = itertools.count(1_000_001)
        self._bulk_ids = itertools.count(4_000_000_001)

    # --- arranging ----------------------------------------------------------------------

    def add_shop(
        self,
        domain: str,
        *,
        token: str,
        plan: str = "standard",
        bucket_size: float | None = None,
        restore_rate: float | None = None,
        name: str | None = None,
        currency: str = "USD",
    ) -> FakeShop:
        """Register (or replace) a shop. ``bucket_size``/``restore_rate`` override the
        plan's numbers (small buckets make throttling tests fast)."""
        maximum, rate = PLAN_LIMITS.get(plan.lower(), PLAN_LIMITS["standard"])
        maximum = float(bucket_size) if bucket_size is not None else maximum
        rate = float(restore_rate) if restore_rate is not None else rate
        shop = FakeShop(
            domain=domain,
            token=token,
            plan=plan.lower(),
            maximum=maximum,
            restore_rate=rate,
            available=maximum,
            updated_at=time.monotonic(),
            gid=f"gid://shopify/Shop/{next(self._ids)}",
            name=name or domain.split(".")[0].title(),
            currency=currency,
        )
        with self._lock:
            self._shops[domain] = shop
        return shop

    def set_token(self, domain: str, token: str) -> None:
        with self._lock:
            self._shop(domain).token = token

    def add_customer(
        self,
        domain: str,
        *,
        gid: str | None = None,
        email: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        number_of_orders: int = 0,
        amount_spent: str = "0.0",
        tags: tuple[str, ...] = (),
    ) -> str:
        with self._lock:
            shop = self._shop(domain)
            gid = gid or f"gid://shopify/Customer/{next(self._ids)}"
            name = " ".join(p for p in (first_name, last_name) if p) or email or ""
            shop.customers[gid] = {
                "__typename": "Customer",
                "id": gid,
                "firstName": first_name,
                "lastName": last_name,
                "displayName": name,
                "email": email,
                "defaultEmailAddress": None
                if email is None
                else {
                    "__typename": "CustomerEmailAddress",
                    "emailAddress": email,
                    "marketingState": "NOT_SUBSCRIBED",
                },
                "numberOfOrders": str(number_of_orders),  # UnsignedInt64 is a string
                "amountSpent": {
                    "__typename": "MoneyV2",
                    "amount": amount_spent,
                    "currencyCode": shop.currency,
                },
                "tags": list(tags),
                "state": "ENABLED",
            }
            return gid

    def add_customer_object(self, domain: str, customer: dict[str, Any]) -> str:
        """Add a ``Customer`` in the Admin GraphQL shape (``bulk.customer_object``)."""
        with self._lock:
            self._shop(domain).customers[str(customer["id"])] = customer
            return str(customer["id"])

    def add_order(self, domain: str, order: dict[str, Any]) -> str:
        """Add an ``Order`` in the Admin GraphQL shape (``bulk.order_object``)."""
        with self._lock:
            self._shop(domain).orders[str(order["id"])] = order
            return str(order["id"])

    def seed_history(self, domain: str, **kwargs: Any) -> tuple[int, int]:
        """Give the shop the demo history (``bulk.demo_history``: deterministic customers
        and orders); returns (customers, orders)."""
        with self._lock:
            shop = self._shop(domain)
            people, orders = demo_history(currency=shop.currency, **kwargs)
            for customer in people:
                shop.customers[str(customer["id"])] = customer
            for order in orders:
                shop.orders[str(order["id"])] = order
            return len(people), len(orders)

    def fail_next_bulk_operation(
        self, *, error_code: str = "INTERNAL_SERVER_ERROR", shop: str | None = None
    ) -> None:
        """The next bulk operation started (for ``shop``, or any) ends FAILED with this
        ``errorCode`` (ACCESS_DENIED, INTERNAL_SERVER_ERROR, TIMEOUT)."""
        with self._lock:
            self._bulk_faults.append(_Fault(remaining=1, shop=shop, code=error_code))

    def bulk_operations(self, domain: str) -> list[FakeBulkOperation]:
        with self._lock:
            return list(self._shop(domain).bulk_operations)

    def fail_next(self, count: int = 1, *, status: int = 500, shop: str | None = None) -> None:
        """Answer the next ``count`` requests (for ``shop``, or any) with HTTP ``status``."""
        with self._lock:
            self._status_faults.append(_Fault(remaining=count, shop=shop, status=status))

    def fail_next_mutation(
        self,
        count: int = 1,
        *,
        message: str,
        field: tuple[str, ...] | None = ("code",),
        code: str | None = "INVALID",
        shop: str | None = None,
    ) -> None:
        """Refuse the next ``count`` create mutations with this ``userError`` (the
        argument name is put in front of ``field``, as Shopify does)."""
        with self._lock:
            self._user_error_faults.append(
                _Fault(remaining=count, shop=shop, message=message, field=field, code=code)
            )

    def delay_next(self, count: int = 1, *, seconds: float, shop: str | None = None) -> None:
        """Process the next ``count`` requests, then hold each answer ``seconds``."""
        with self._lock:
            self._delay_faults.append(_Fault(remaining=count, shop=shop, seconds=seconds))

    def drain(self, domain: str, *, to: float = 0.0) -> None:
        """Empty the shop's bucket down to ``to`` points (as another app's burst would)."""
        with self._lock:
            shop = self._shop(domain)
            shop.refill(time.monotonic())
            shop.available = min(shop.available, to)

    def mark_code_used(self, domain: str, code: str) -> FakeDiscount:
        """An order used the code (what a checkout would do)."""
        with self._lock:
            discount = self._shop(domain).discounts.get(code.lower())
            if discount is None:
                raise KeyError(f"{domain} has no discount code {code!r}")
            discount.usage_count += 1
            return discount

    def reset(self) -> None:
        with self._lock:
            self._shops.clear()
            self._requests.clear()
            self._status_faults.clear()
            self._user_error_faults.clear()
            self._delay_faults.clear()
            self._bulk_faults.clear()

    # --- inspecting ---------------------------------------------------------------------

    def requests(self, shop: str | None = None, *, operation: str | None = None) -> list[RecordedRequest]:
        with self._lock:
            return [
                r
                for r in self._requests
                if (shop is None or r.shop == shop) and (operation is None or operation in r.root_fields)
            ]

    def throttled_count(self, shop: str | None = None) -> int:
        return sum(1 for r in self.requests(shop) if r.outcome == "throttled")

    def discounts(self, domain: str) -> list[FakeDiscount]:
        with self._lock:
            return list(self._shop(domain).discounts.values())

    def discount(self, domain: str, code: str) -> FakeDiscount | None:
        with self._lock:
            return self._shop(domain).discounts.get(code.lower())

    def available(self, domain: str) -> float:
        with self._lock:
            shop = self._shop(domain)
            shop.refill(time.monotonic())
            return shop.available

    def _shop(self, domain: str) -> FakeShop:
        shop = self._shops.get(domain)
        if shop is None:
            raise KeyError(f"the fake knows no shop {domain!r}")
        return shop
