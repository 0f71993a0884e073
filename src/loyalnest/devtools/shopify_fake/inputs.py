"""The two create mutations and their input types (checked field by field, as
GraphQL's variable coercion does), and Shopify's checks of a create input, answered
as ``userErrors``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

# Input object types of the two mutations: field -> nested input type (None: a scalar,
# enum or list of them). Unknown fields are refused as Shopify's coercion does.
INPUT_TYPES: dict[str, dict[str, str | None]] = {
    "DiscountCodeBasicInput": {
        "appliesOncePerCustomer": None,
        "code": None,
        "combinesWith": "DiscountCombinesWithInput",
        "context": "DiscountContextInput",
        "customerGets": "DiscountCustomerGetsInput",
        "customerSelection": "DiscountCustomerSelectionInput",
        "endsAt": None,
        "minimumRequirement": "DiscountMinimumRequirementInput",
        "recurringCycleLimit": None,
        "startsAt": None,
        "title": None,
        "usageLimit": None,
    },
    "DiscountCodeFreeShippingInput": {
        "appliesOncePerCustomer": None,
        "appliesOnOneTimePurchase": None,
        "appliesOnSubscription": None,
        "code": None,
        "combinesWith": "DiscountCombinesWithInput",
        "context": "DiscountContextInput",
        "customerSelection": "DiscountCustomerSelectionInput",
        "destination": "DiscountShippingDestinationSelectionInput",
        "endsAt": None,
        "maximumShippingPrice": None,
        "minimumRequirement": "DiscountMinimumRequirementInput",
        "recurringCycleLimit": None,
        "startsAt": None,
        "title": None,
        "usageLimit": None,
    },
    "DiscountCombinesWithInput": {
        "orderDiscounts": None,
        "productDiscounts": None,
        "shippingDiscounts": None,
    },
    "DiscountContextInput": {
        "all": None,
        "customers": "DiscountCustomersInput",
        "customerSegments": "DiscountCustomerSegmentsInput",
    },
    "DiscountCustomerSelectionInput": {
        "all": None,
        "customers": "DiscountCustomersInput",
        "customerSegments": "DiscountCustomerSegmentsInput",
    },
    "DiscountCustomersInput": {"add": None, "remove": None},
    "DiscountCustomerSegmentsInput": {"add": None, "remove": None},
    "DiscountCustomerGetsInput": {
        "appliesOnOneTimePurchase": None,
        "appliesOnSubscription": None,
        "items": "DiscountItemsInput",
        "value": "DiscountCustomerGetsValueInput",
    },
    "DiscountCustomerGetsValueInput": {
        "discountAmount": "DiscountAmountInput",
        "discountOnQuantity": "DiscountOnQuantityInput",
        "percentage": None,
    },
    "DiscountAmountInput": {"amount": None, "appliesOnEachItem": None},
    "DiscountOnQuantityInput": {"effect": "DiscountEffectInput", "quantity": None},
    "DiscountEffectInput": {"amount": None, "percentage": None},
    "DiscountItemsInput": {
        "all": None,
        "collections": "DiscountCollectionsInput",
        "products": "DiscountProductsInput",
    },
    "DiscountProductsInput": {
        "productVariantsToAdd": None,
        "productVariantsToRemove": None,
        "productsToAdd": None,
        "productsToRemove": None,
    },
    "DiscountCollectionsInput": {"add": None, "remove": None},
    "DiscountMinimumRequirementInput": {
        "quantity": "DiscountMinimumQuantityInput",
        "subtotal": "DiscountMinimumSubtotalInput",
    },
    "DiscountMinimumQuantityInput": {"greaterThanOrEqualToQuantity": None},
    "DiscountMinimumSubtotalInput": {"greaterThanOrEqualToSubtotal": None},
    "DiscountShippingDestinationSelectionInput": {"all": None, "countries": "DiscountCountriesInput"},
    "DiscountCountriesInput": {"add": None, "includeRestOfWorld": None, "remove": None},
}

_MUTATIONS = {
    "discountCodeBasicCreate": ("basicCodeDiscount", "DiscountCodeBasicInput", "DiscountCodeBasic"),
    "discountCodeFreeShippingCreate": (
        "freeShippingCodeDiscount",
        "DiscountCodeFreeShippingInput",
        "DiscountCodeFreeShipping",
    ),
}


def _input_problems(
    value: Any, type_name: str, path: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], str]]:
    fields = INPUT_TYPES[type_name]
    if not isinstance(value, Mapping):
        yield path, f"Expected value to be an object for {type_name}"
        return
    for name, item in value.items():
        if name not in fields:
            yield (*path, name), f"Field is not defined on {type_name}"
            continue
        nested = fields[name]
        if nested is not None and item is not None:
            yield from _input_problems(item, nested, (*path, name))


def _decimal(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _discount_user_errors(value: dict[str, Any], typename: str) -> Iterator[tuple[tuple[str, ...], str, str]]:
    """Shopify's checks of a create input, as (field path, message, code)."""
    for name, label in (("code", "Code"), ("title", "Title"), ("startsAt", "Starts at")):
        if not str(value.get(name) or "").strip():
            yield (name,), f"{label} can't be blank", "BLANK"
    if len(str(value.get("code") or "")) > 255:
        yield ("code",), "Code is too long (maximum is 255 characters)", "TOO_LONG"
    has_context = value.get("context") is not None
    has_selection = value.get("customerSelection") is not None
    if has_context and has_selection:
        yield ("context",), "Only one of context or customerSelection can be provided.", "INVALID"
    elif not has_context and not has_selection:
        yield ("context",), "Context can't be blank", "BLANK"
    elif has_context:
        context = value["context"]
        if sum(context.get(k) is not None for k in ("all", "customers", "customerSegments")) != 1:
            yield ("context",), "Exactly one of all, customers or customerSegments is required", "INVALID"
        elif context.get("all") is not None and context["all"] != "ALL":
            yield ("context", "all"), f'Expected "{context["all"]}" to be one of: ALL', "INVALID"
        elif context.get("customers") is not None:
            for gid in context["customers"].get("add") or ():
                if not str(gid).startswith("gid://shopify/Customer/"):
                    yield ("context", "customers", "add"), f"Invalid global id '{gid}'", "INVALID"
    usage_limit = value.get("usageLimit")
    if usage_limit is not None and (not isinstance(usage_limit, int) or usage_limit < 1):
        yield ("usageLimit",), "Usage limit must be greater than 0", "GREATER_THAN"
    starts, ends = value.get("startsAt"), value.get("endsAt")
    if starts and ends and str(ends) <= str(starts):
        yield ("endsAt",), "Ends at needs to be after starts_at", "INVALID"
    minimum = value.get("minimumRequirement")
    if minimum is not None and minimum.get("subtotal") is not None:
        subtotal = _decimal(minimum["subtotal"].get("greaterThanOrEqualToSubtotal"))
        if subtotal is None or subtotal <= 0:
            path = ("minimumRequirement", "subtotal", "greaterThanOrEqualToSubtotal")
            yield path, "Minimum subtotal must be greater than 0", "GREATER_THAN"
    if typename == "DiscountCodeFreeShipping":
        if value.get("destination") is None:
            yield ("destination",), "Destination can't be blank", "BLANK"
        if value.get("maximumShippingPrice") is not None:
            price = _decimal(value["maximumShippingPrice"])
            if price is None or price < 0:
                message = "Maximum shipping price must be greater than or equal to 0"
                yield ("maximumShippingPrice",), message, "GREATER_THAN_OR_EQUAL_TO"
        return
    gets = value.get("customerGets")
    if gets is None:
        yield ("customerGets",), "Customer gets can't be blank", "BLANK"
        return
    gets_value = gets.get("value") or {}
    options = [
        k for k in ("percentage", "discountAmount", "discountOnQuantity") if gets_value.get(k) is not None
    ]
    if len(options) != 1:
        yield (
            ("customerGets", "value"),
            "Exactly one of percentage, discountAmount or discountOnQuantity is required",
            "INVALID",
        )
    elif options[0] == "discountOnQuantity":
        yield (
            ("customerGets", "value", "discountOnQuantity"),
            "Only buy X get Y discounts support discountOnQuantity",
            "INVALID",
        )
    elif options[0] == "percentage":
        percentage = _decimal(gets_value["percentage"])
        if percentage is None or not 0 < percentage <= 1:
            yield (
                ("customerGets", "value", "percentage"),
                "Value must be between 0.0 and 1.0",
                "VALUE_OUTSIDE_RANGE",
            )
    else:
        amount = _decimal((gets_value["discountAmount"] or {}).get("amount"))
        if amount is None or amount <= 0:
            yield (
                ("customerGets", "value", "discountAmount", "amount"),
                "Value must be greater than 0",
                "GREATER_THAN",
            )
    items = gets.get("items") or {}
    chosen = [k for k in ("all", "products", "collections") if items.get(k) not in (None, False)]
    if len(chosen) != 1:
        yield ("customerGets", "items"), "Exactly one of all, products or collections is required", "INVALID"
    elif chosen[0] == "products":
        products = items["products"]
        variants = products.get("productVariantsToAdd") or []
        if not variants and not products.get("productsToAdd"):
            yield ("customerGets", "items", "products"), "Items can't be blank", "BLANK"
        for gid in variants:
            if not str(gid).startswith("gid://shopify/ProductVariant/"):
                yield (
                    ("customerGets", "items", "products", "productVariantsToAdd"),
                    f"Invalid global id '{gid}'",
                    "INVALID",
                )
