"""Pure rules of the Shopify history backfill: the bulk queries (Shopify's documented
field names), reading their JSONL objects, and which orders earn."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

# root objects per transaction (customers, or orders with their lines)
BATCH_SIZE = 250
# awardPointsDays: at most a year of history may earn
MAX_AWARD_POINTS_DAYS = 365
PHASES = ("customers", "orders")

CUSTOMERS_BULK_QUERY = """
{
  customers {
    edges {
      node {
        id
        email
        firstName
        lastName
        phone
        createdAt
        updatedAt
        tags
        state
        emailMarketingConsent { marketingState consentUpdatedAt }
        amountSpent { amount currencyCode }
        numberOfOrders
      }
    }
  }
}
"""

_ORDER_FIELDS = """
        id
        name
        createdAt
        processedAt
        cancelledAt
        test
        taxesIncluded
        displayFinancialStatus
        displayFulfillmentStatus
        discountCodes
        customer { id }
        currentSubtotalPriceSet { shopMoney { amount currencyCode } }
        currentTotalTaxSet { shopMoney { amount currencyCode } }
        totalShippingPriceSet { shopMoney { amount currencyCode } }
        totalRefundedSet { shopMoney { amount currencyCode } }
        lineItems {
          edges {
            node {
              id
              product { id }
              quantity
              currentQuantity
              originalUnitPriceSet { shopMoney { amount currencyCode } }
              totalDiscountSet { shopMoney { amount currencyCode } }
            }
          }
        }
"""


def orders_bulk_query(since: datetime | None) -> str:
    """Every order, or those created since ``since`` (Shopify's search syntax)."""
    search = "" if since is None else f"(query: \"created_at:>='{iso(since)}'\")"
    return f"{{\n  orders{search} {{\n    edges {{\n      node {{{_ORDER_FIELDS}      }}\n    }}\n  }}\n}}\n"


def iso(moment: datetime) -> str:
    """Shopify's DateTime (UTC, seconds, ``Z``); a naive moment is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def legacy_id(gid: Any) -> int | None:
    """``gid://shopify/Order/123`` -> 123."""
    if not isinstance(gid, str) or not gid.startswith("gid://shopify/"):
        return None
    tail = gid.rsplit("/", 1)[-1].split("?", 1)[0]
    return int(tail) if tail.isdigit() else None


def timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def shop_money(value: Any) -> tuple[Decimal, str]:
    """A ``MoneyBag``'s shop money: (amount, currency); (0, "") when absent."""
    money = (value or {}).get("shopMoney") if isinstance(value, dict) else None
    if not isinstance(money, dict):
        return Decimal(0), ""
    try:
        amount = Decimal(str(money.get("amount") or "0"))
    except InvalidOperation:
        amount = Decimal(0)
    return amount, str(money.get("currencyCode") or "")


def lower_status(value: Any, *, none_for: tuple[str, ...] = ()) -> str | None:
    """Shopify's enum (``PARTIALLY_REFUNDED``) as the webhooks spell it (``partially_refunded``)."""
    if not isinstance(value, str) or not value or value in none_for:
        return None
    return value.lower()


def awards_points(placed_at: datetime | None, award_points_days: int, now: datetime) -> bool:
    """Whether a historical order goes through earning: placed in the last
    ``award_points_days`` days (0: none does)."""
    if award_points_days <= 0 or placed_at is None:
        return False
    return placed_at >= now - timedelta(days=award_points_days)


def lines_of(obj: dict[str, Any]) -> int:
    """The JSONL lines an object and its gathered children took in the file."""
    return 1 + sum(lines_of(child) for child in obj.get("children", ()))
