"""Reward discount codes in the shop: the ``discountCode*Create`` documents, their
input built from a reward's terms, and the call. A code the shop already has comes
back as data (``TAKEN``, with the existing discount's id), so a retried call finds its
own code.

The documents follow the pinned Admin API version (2025-10): discounts target buyers
with ``context`` (``customerSelection`` is deprecated since 2025-04 in favour of it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from loyalnest.integrations.shopify_admin.client import ShopifyAdminError, admin_graphql
from loyalnest.integrations.shopify_admin.gids import check_gid
from loyalnest.platform.errors import ValidationFailed

DiscountKind = Literal["fixed_amount", "percentage", "free_shipping", "free_product"]
DISCOUNT_KINDS: tuple[str, ...] = ("fixed_amount", "percentage", "free_shipping", "free_product")

# Shopify's calculated costs: a mutation is 10 points, an object 1.
MUTATION_COST = 10

DISCOUNT_CODE_BASIC_CREATE = """
mutation discountCodeBasicCreate($basicCodeDiscount: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {
    codeDiscountNode {
      id
      codeDiscount {
        ... on DiscountCodeBasic {
          codes(first: 1) { nodes { code } }
        }
      }
    }
    userErrors { field message code }
  }
}
"""

DISCOUNT_CODE_FREE_SHIPPING_CREATE = """
mutation discountCodeFreeShippingCreate($freeShippingCodeDiscount: DiscountCodeFreeShippingInput!) {
  discountCodeFreeShippingCreate(freeShippingCodeDiscount: $freeShippingCodeDiscount) {
    codeDiscountNode {
      id
      codeDiscount {
        ... on DiscountCodeFreeShipping {
          codes(first: 1) { nodes { code } }
        }
      }
    }
    userErrors { field message code }
  }
}
"""

CODE_DISCOUNT_BY_CODE_QUERY = """
query codeDiscountNodeByCode($code: String!) {
  codeDiscountNodeByCode(code: $code) { id }
}
"""
CODE_DISCOUNT_BY_CODE_COST = 1


# --- DTOs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DiscountUserError:
    field: tuple[str, ...] | None
    message: str
    code: str | None


@dataclass(frozen=True)
class DiscountCodeResult:
    """The created discount (``discount_gid``, ``code``) or why Shopify refused it.

    When the refusal is that the shop already has the code (``TAKEN``),
    ``existing_discount_gid`` is that discount: a retried job (or a retry after a 5xx
    whose first attempt went through) finds its own code there, and the caller, which
    chose the code, decides whether it is."""

    discount_gid: str | None
    code: str | None
    user_errors: tuple[DiscountUserError, ...]
    existing_discount_gid: str | None = None

    @property
    def ok(self) -> bool:
        return not self.user_errors and self.discount_gid is not None

    @property
    def code_taken(self) -> bool:
        return any(error.code == "TAKEN" for error in self.user_errors)


# --- discount codes -----------------------------------------------------------------


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValidationFailed("datetimes sent to Shopify must be timezone-aware", field="endsAt")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _money(value: Decimal | int | str | None, *, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(f"{field} must be a number", field=field) from exc
    if not amount.is_finite() or amount <= 0:
        raise ValidationFailed(f"{field} must be greater than 0", field=field)
    return amount


def discount_code_input(
    *,
    code: str,
    title: str,
    kind: DiscountKind,
    value: Decimal | int | str | None,
    minimum_subtotal: Decimal | int | str | None,
    customer_gid: str | None,
    ends_at: datetime | None,
    usage_limit: int | None = 1,
    applies_once_per_customer: bool = True,
    variant_gid: str | None = None,
    starts_at: datetime | None = None,
) -> tuple[str, str, dict[str, Any]]:
    """``(document, variable name, input)`` of the mutation creating this reward's code.

    ``value``: ``fixed_amount`` an amount in the shop's currency; ``percentage`` a
    percent, 0 < value <= 100 (Shopify takes a 0-1 fraction; converted here);
    ``free_shipping`` an optional cap on the shipping price (``maximumShippingPrice``);
    ``free_product`` unused: the product is ``variant_gid`` at 100 % off. Shopify's
    amount-off code discounts cannot limit the number of units: with the defaults
    (one use, once per customer) the code works on one order, where every unit of the
    variant is free.
    ``customer_gid`` None: any buyer may use the code."""
    code = code.strip()
    if not code or len(code) > 255:
        raise ValidationFailed("code must be 1-255 characters", field="code")
    if not title.strip() or len(title) > 255:
        raise ValidationFailed("title must be 1-255 characters", field="title")
    if kind not in DISCOUNT_KINDS:
        raise ValidationFailed(f"kind must be one of {', '.join(DISCOUNT_KINDS)}", field="kind")
    if usage_limit is not None and usage_limit < 1:
        raise ValidationFailed("usage limit must be at least 1", field="usageLimit")
    check_gid(customer_gid, "Customer", field="customerGid")
    check_gid(variant_gid, "ProductVariant", field="variantGid")

    starts = starts_at or datetime.now(UTC)
    common: dict[str, Any] = {
        "title": title,
        "code": code,
        "startsAt": _iso(starts),
        "endsAt": _iso(ends_at) if ends_at is not None else None,
        "context": {"customers": {"add": [customer_gid]}} if customer_gid else {"all": "ALL"},
        "usageLimit": usage_limit,
        "appliesOncePerCustomer": applies_once_per_customer,
    }
    if ends_at is not None and ends_at <= starts:
        raise ValidationFailed("the code must end after it starts", field="endsAt")
    if minimum_subtotal is not None:
        minimum = _money(minimum_subtotal, field="minimumSubtotal")
        common["minimumRequirement"] = {"subtotal": {"greaterThanOrEqualToSubtotal": str(minimum)}}

    if kind == "free_shipping":
        shipping: dict[str, Any] = {**common, "destination": {"all": True}}
        if value is not None:
            shipping["maximumShippingPrice"] = str(_money(value, field="value"))
        return DISCOUNT_CODE_FREE_SHIPPING_CREATE, "freeShippingCodeDiscount", shipping

    if kind == "fixed_amount":
        amount = _money(value, field="value")
        customer_gets = {
            # one amount for the order, split across its items
            "value": {"discountAmount": {"amount": str(amount), "appliesOnEachItem": False}},
            "items": {"all": True},
        }
    elif kind == "percentage":
        percent = _money(value, field="value")
        if percent > 100:
            raise ValidationFailed("a percentage is at most 100", field="value")
        customer_gets = {"value": {"percentage": float(percent / 100)}, "items": {"all": True}}
    else:  # free_product
        if variant_gid is None:
            raise ValidationFailed("a free product reward needs the product variant", field="variantGid")
        customer_gets = {
            "value": {"percentage": 1.0},
            "items": {"products": {"productVariantsToAdd": [variant_gid]}},
        }
    return DISCOUNT_CODE_BASIC_CREATE, "basicCodeDiscount", {**common, "customerGets": customer_gets}


def _user_errors(raw: Any) -> tuple[DiscountUserError, ...]:
    errors = []
    for item in raw or ():
        if not isinstance(item, Mapping):
            continue
        path = item.get("field")
        errors.append(
            DiscountUserError(
                field=tuple(str(p) for p in path) if isinstance(path, list) else None,
                message=str(item.get("message", "")),
                code=item.get("code") if isinstance(item.get("code"), str) else None,
            )
        )
    return tuple(errors)


async def create_discount_code(
    merchant_id: int,
    *,
    code: str,
    title: str,
    kind: DiscountKind,
    value: Decimal | int | str | None,
    minimum_subtotal: Decimal | int | str | None,
    customer_gid: str | None,
    ends_at: datetime | None,
    usage_limit: int | None = 1,
    applies_once_per_customer: bool = True,
    variant_gid: str | None = None,
    starts_at: datetime | None = None,
) -> DiscountCodeResult:
    """Create a reward's discount code in the shop (see ``discount_code_input`` for
    what each ``kind`` and ``value`` mean). A code the shop already has comes back as a
    user error ("Code must be unique. Please try a different code.", ``TAKEN``) with
    the existing discount's id, not as an exception; so does anything else Shopify
    refuses."""
    document, variable, payload = discount_code_input(
        code=code,
        title=title,
        kind=kind,
        value=value,
        minimum_subtotal=minimum_subtotal,
        customer_gid=customer_gid,
        ends_at=ends_at,
        usage_limit=usage_limit,
        applies_once_per_customer=applies_once_per_customer,
        variant_gid=variant_gid,
        starts_at=starts_at,
    )
    root = "discountCodeFreeShippingCreate" if kind == "free_shipping" else "discountCodeBasicCreate"
    response = await admin_graphql(merchant_id, document, {variable: payload}, estimated_cost=MUTATION_COST)
    result = response.data.get(root)
    if not isinstance(result, Mapping):
        raise ShopifyAdminError("INVALID_RESPONSE", f"{root} returned no payload", attempts=response.attempts)
    user_errors = _user_errors(result.get("userErrors"))
    node = result.get("codeDiscountNode")
    gid = created_code = None
    if isinstance(node, Mapping):
        gid = node.get("id") if isinstance(node.get("id"), str) else None
        codes = ((node.get("codeDiscount") or {}).get("codes") or {}).get("nodes") or []
        if codes and isinstance(codes[0], Mapping):
            created_code = codes[0].get("code")
    outcome = DiscountCodeResult(
        discount_gid=gid, code=created_code if gid else None, user_errors=user_errors
    )
    if outcome.code_taken:
        existing = await admin_graphql(
            merchant_id,
            CODE_DISCOUNT_BY_CODE_QUERY,
            {"code": code.strip()},
            estimated_cost=CODE_DISCOUNT_BY_CODE_COST,
        )
        node = existing.data.get("codeDiscountNodeByCode")
        if isinstance(node, Mapping) and isinstance(node.get("id"), str):
            outcome = replace(outcome, existing_discount_gid=node["id"])
    return outcome


DISCOUNT_CODE_DEACTIVATE = """
mutation discountCodeDeactivate($id: ID!) {
  discountCodeDeactivate(id: $id) { codeDiscountNode { id } userErrors { field message code } }
}
"""
DISCOUNT_CODE_ACTIVATE = """
mutation discountCodeActivate($id: ID!) {
  discountCodeActivate(id: $id) { codeDiscountNode { id } userErrors { field message code } }
}
"""


async def set_discount_active(
    merchant_id: int, discount_gid: str, *, active: bool
) -> tuple[DiscountUserError, ...]:
    """Switch a code discount on or off (doing it twice is harmless). Returns what
    Shopify refused (an unknown or deleted discount: a user error, not an exception);
    ``ShopifyAdminError`` for a call that failed (``retryable`` says whether to ask again)."""
    document, root = (
        (DISCOUNT_CODE_ACTIVATE, "discountCodeActivate")
        if active
        else (DISCOUNT_CODE_DEACTIVATE, "discountCodeDeactivate")
    )
    response = await admin_graphql(merchant_id, document, {"id": discount_gid}, estimated_cost=MUTATION_COST)
    payload = response.data.get(root)
    if not isinstance(payload, Mapping):
        raise ShopifyAdminError("INVALID_RESPONSE", f"{root} returned nothing", attempts=response.attempts)
    return _user_errors(payload.get("userErrors"))
