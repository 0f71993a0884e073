"""Realistic Shopify webhook bodies (shaped as Shopify sends them) and signed requests.

Money is in the shop's currency (``*_set.shop_money``, with presentment_money beside
it), amounts are strings, ids are large integers, and every delivery is signed with
the app secret exactly as Shopify signs it: base64 HMAC-SHA256 of the raw body.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import orjson

from loyalnest.contexts.webhooks import api as webhooks
from loyalnest.devtools.loadgen import build_request

WEBHOOK_PATH = "/webhooks/shopify"
API_VERSION = "2025-10"
CENT = Decimal("0.01")
TAX_RATE = Decimal("0.08")

FIRST_NAMES = (
    "Ada",
    "Grace",
    "Linus",
    "Margaret",
    "Alan",
    "Katherine",
    "Dennis",
    "Barbara",
    "Ken",
    "Frances",
)
LAST_NAMES = (
    "Lovelace",
    "Hopper",
    "Torvalds",
    "Hamilton",
    "Turing",
    "Johnson",
    "Ritchie",
    "Liskov",
    "Thompson",
)
PRODUCTS = (
    ("Merino Beanie", "29.00"),
    ("Trail Socks (3-pack)", "18.50"),
    ("Canvas Tote", "24.00"),
    ("Ceramic Mug", "16.00"),
    ("Rain Shell Jacket", "149.00"),
    ("Leather Wallet", "59.90"),
    ("Organic Tea Sampler", "21.75"),
    ("Wool Blanket", "119.00"),
)


def money(amount: Decimal, currency: str = "USD") -> str:
    return str(amount.quantize(CENT, rounding=ROUND_HALF_UP))


def money_set(amount: Decimal, currency: str = "USD") -> dict[str, Any]:
    text = money(amount)
    return {
        "shop_money": {"amount": text, "currency_code": currency},
        "presentment_money": {"amount": text, "currency_code": currency},
    }


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "-00:00")


@dataclass(frozen=True)
class FakeCustomer:
    shopify_id: int
    first_name: str
    last_name: str
    email: str
    phone: str
    accepts_marketing: bool
    created_at: datetime

    def payload(self, *, updated_at: datetime | None = None, orders_count: int = 0) -> dict[str, Any]:
        updated = updated_at or self.created_at
        address = {
            "id": self.shopify_id * 10 + 1,
            "customer_id": self.shopify_id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "address1": "1 Loyalty Lane",
            "city": "Ottawa",
            "province": "Ontario",
            "country": "Canada",
            "zip": "K1A 0A1",
            "phone": self.phone,
            "province_code": "ON",
            "country_code": "CA",
            "default": True,
        }
        return {
            "id": self.shopify_id,
            "admin_graphql_api_id": f"gid://shopify/Customer/{self.shopify_id}",
            "email": self.email,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "phone": self.phone,
            "state": "enabled",
            "verified_email": True,
            "currency": "USD",
            "tags": "",
            "note": None,
            "tax_exempt": False,
            "orders_count": orders_count,
            "created_at": _timestamp(self.created_at),
            "updated_at": _timestamp(updated),
            "email_marketing_consent": {
                "state": "subscribed" if self.accepts_marketing else "not_subscribed",
                "opt_in_level": "single_opt_in",
                "consent_updated_at": _timestamp(self.created_at),
            },
            "sms_marketing_consent": None,
            "addresses": [address],
            "default_address": address,
        }


@dataclass(frozen=True)
class LineItem:
    id: int
    product_id: int
    variant_id: int
    title: str
    price: Decimal
    quantity: int

    @property
    def total(self) -> Decimal:
        return self.price * self.quantity


@dataclass(frozen=True)
class FakeOrder:
    shopify_id: int
    number: int
    customer: FakeCustomer | None
    line_items: tuple[LineItem, ...]
    discount: Decimal
    shipping: Decimal
    created_at: datetime
    discount_code: str | None = None

    @property
    def line_total(self) -> Decimal:
        return sum((item.total for item in self.line_items), Decimal("0"))

    @property
    def subtotal(self) -> Decimal:
        return self.line_total - self.discount

    @property
    def tax(self) -> Decimal:
        return (self.subtotal * TAX_RATE).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.tax + self.shipping

    def payload(self, *, cancelled_at: datetime | None = None) -> dict[str, Any]:
        customer = self.customer.payload(updated_at=self.created_at) if self.customer else None
        line_items = [
            {
                "id": item.id,
                "admin_graphql_api_id": f"gid://shopify/LineItem/{item.id}",
                "product_id": item.product_id,
                "variant_id": item.variant_id,
                "title": item.title,
                "name": item.title,
                "sku": f"SKU-{item.product_id % 100000}",
                "quantity": item.quantity,
                "current_quantity": 0 if cancelled_at else item.quantity,
                "price": money(item.price),
                "price_set": money_set(item.price),
                "total_discount": "0.00",
                "total_discount_set": money_set(Decimal("0")),
                "taxable": True,
                "requires_shipping": True,
                "gift_card": False,
                "fulfillment_status": None,
                "tax_lines": [
                    {
                        "title": "Sales tax",
                        "rate": float(TAX_RATE),
                        "price": money(item.total * TAX_RATE),
                        "price_set": money_set(item.total * TAX_RATE),
                    }
                ],
                "discount_allocations": [],
            }
            for item in self.line_items
        ]
        codes = (
            [{"code": self.discount_code, "amount": money(self.discount), "type": "fixed_amount"}]
            if self.discount_code
            else []
        )
        return {
            "id": self.shopify_id,
            "admin_graphql_api_id": f"gid://shopify/Order/{self.shopify_id}",
            "name": f"#{self.number}",
            "order_number": self.number,
            "number": self.number - 1000,
            "email": self.customer.email if self.customer else None,
            "contact_email": self.customer.email if self.customer else None,
            "created_at": _timestamp(self.created_at),
            "updated_at": _timestamp(cancelled_at or self.created_at),
            "processed_at": _timestamp(self.created_at),
            "cancelled_at": _timestamp(cancelled_at) if cancelled_at else None,
            "cancel_reason": "customer" if cancelled_at else None,
            "closed_at": None,
            "currency": "USD",
            "presentment_currency": "USD",
            "financial_status": "voided" if cancelled_at else "paid",
            "fulfillment_status": None,
            "confirmed": True,
            "test": False,
            "source_name": "web",
            "taxes_included": False,
            "tags": "",
            "buyer_accepts_marketing": bool(self.customer and self.customer.accepts_marketing),
            "total_line_items_price": money(self.line_total),
            "total_line_items_price_set": money_set(self.line_total),
            "total_discounts": money(self.discount),
            "total_discounts_set": money_set(self.discount),
            "subtotal_price": money(self.subtotal),
            "subtotal_price_set": money_set(self.subtotal),
            "total_tax": money(self.tax),
            "total_tax_set": money_set(self.tax),
            "total_shipping_price_set": money_set(self.shipping),
            "total_price": money(self.total),
            "total_price_set": money_set(self.total),
            "current_total_price": money(Decimal("0") if cancelled_at else self.total),
            "discount_codes": codes,
            "tax_lines": [
                {
                    "title": "Sales tax",
                    "rate": float(TAX_RATE),
                    "price": money(self.tax),
                    "price_set": money_set(self.tax),
                }
            ],
            "shipping_lines": [
                {
                    "id": self.shopify_id * 10 + 7,
                    "title": "Standard",
                    "code": "STANDARD",
                    "source": "shopify",
                    "price": money(self.shipping),
                    "price_set": money_set(self.shipping),
                    "discounted_price": money(self.shipping),
                    "discounted_price_set": money_set(self.shipping),
                    "tax_lines": [],
                }
            ],
            "line_items": line_items,
            "customer": customer,
        }

    def refund_payload(
        self, refund_id: int, item: LineItem, *, quantity: int, shipping: Decimal, created_at: datetime
    ) -> dict[str, Any]:
        """A partial refund of ``quantity`` of one line (and optionally some shipping)."""
        subtotal = item.price * quantity
        tax = (subtotal * TAX_RATE).quantize(CENT, rounding=ROUND_HALF_UP)
        adjustments = []
        if shipping > 0:
            adjustments.append(
                {
                    "id": refund_id * 10 + 3,
                    "order_id": self.shopify_id,
                    "refund_id": refund_id,
                    "kind": "shipping_refund",
                    "reason": "Shipping refund",
                    "amount": money(-shipping),
                    "amount_set": money_set(-shipping),
                    "tax_amount": "0.00",
                    "tax_amount_set": money_set(Decimal("0")),
                }
            )
        refunded = subtotal + tax + shipping
        return {
            "id": refund_id,
            "admin_graphql_api_id": f"gid://shopify/Refund/{refund_id}",
            "order_id": self.shopify_id,
            "created_at": _timestamp(created_at),
            "processed_at": _timestamp(created_at),
            "note": "Customer changed their mind",
            "restock": True,
            "user_id": 1,
            "refund_line_items": [
                {
                    "id": refund_id * 10 + 1,
                    "line_item_id": item.id,
                    "quantity": quantity,
                    "restock_type": "return",
                    "location_id": 1,
                    "subtotal": money(subtotal),
                    "subtotal_set": money_set(subtotal),
                    "total_tax": money(tax),
                    "total_tax_set": money_set(tax),
                    "line_item": {"id": item.id, "title": item.title, "price": money(item.price)},
                }
            ],
            "order_adjustments": adjustments,
            "transactions": [
                {
                    "id": refund_id * 10 + 2,
                    "order_id": self.shopify_id,
                    "kind": "refund",
                    "gateway": "shopify_payments",
                    "status": "success",
                    "amount": money(refunded),
                    "currency": "USD",
                }
            ],
        }


class Catalog:
    """Deterministic fake customers and orders from a seed."""

    def __init__(self, seed: int, *, id_base: int | None = None):
        self.random = random.Random(seed)
        # ids of one run never collide with another run's (unless the same seed is reused)
        self._next_id = id_base if id_base is not None else 5_000_000_000 + self.random.randrange(10**12)
        self._next_number = 1001
        self.now = datetime.now(UTC).replace(microsecond=0)

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def customer(self) -> FakeCustomer:
        first = self.random.choice(FIRST_NAMES)
        last = self.random.choice(LAST_NAMES)
        shopify_id = self.new_id()
        return FakeCustomer(
            shopify_id=shopify_id,
            first_name=first,
            last_name=last,
            email=f"{first}.{last}.{shopify_id}@example.com".lower(),
            phone=f"+1555{self.random.randrange(10**7):07d}",
            accepts_marketing=self.random.random() < 0.6,
            created_at=self.now - timedelta(days=self.random.randrange(1, 400)),
        )

    def order(self, customer: FakeCustomer | None) -> FakeOrder:
        items = []
        for _ in range(self.random.choice((1, 1, 2, 2, 3))):
            title, price = self.random.choice(PRODUCTS)
            product_id = self.new_id()
            items.append(
                LineItem(
                    id=self.new_id(),
                    product_id=product_id,
                    variant_id=product_id + 1,
                    title=title,
                    price=Decimal(price),
                    quantity=self.random.choice((1, 1, 1, 2)),
                )
            )
        line_total = sum((i.total for i in items), Decimal("0"))
        discounted = self.random.random() < 0.2
        discount = (line_total * Decimal("0.10")).quantize(CENT) if discounted else Decimal("0")
        self._next_number += 1
        return FakeOrder(
            shopify_id=self.new_id(),
            number=self._next_number,
            customer=customer,
            line_items=tuple(items),
            discount=discount,
            shipping=Decimal(self.random.choice(("0.00", "5.00", "9.95", "14.50"))),
            created_at=self.now - timedelta(minutes=self.random.randrange(1, 10_000)),
            discount_code="WELCOME10" if discounted else None,
        )


def sign(secret: str, body: bytes) -> str:
    return webhooks.webhook_hmac(secret, body)


def webhook_request(
    *,
    port: int,
    shop_domain: str,
    topic: str,
    payload: dict[str, Any] | bytes,
    secret: str,
    event_id: str | None = None,
) -> bytes:
    """The full bytes of one signed delivery, as Shopify would POST it."""
    body = payload if isinstance(payload, bytes) else orjson.dumps(payload)
    headers = [
        ("Content-Type", "application/json"),
        ("User-Agent", "Shopify-Captain-Hook"),
        ("X-Shopify-Topic", topic),
        ("X-Shopify-Shop-Domain", shop_domain),
        ("X-Shopify-Hmac-Sha256", sign(secret, body)),
        ("X-Shopify-Event-Id", event_id or str(uuid.uuid4())),
        ("X-Shopify-Webhook-Id", str(uuid.uuid4())),
        ("X-Shopify-Triggered-At", _timestamp(datetime.now(UTC))),
        ("X-Shopify-API-Version", API_VERSION),
    ]
    return build_request("POST", WEBHOOK_PATH, port=port, headers=headers, body=body)
