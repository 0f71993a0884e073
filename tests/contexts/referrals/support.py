"""What the referrals tests share: the program set through the api (as the GraphQL
mutation does), advocates and friends' orders through the signed webhook route with
Shopify-shaped payloads carrying each referral marker, the stored rows read with SQL,
and "time passing" (stored times moved back; the real sweep, sent through the real
broker, decides what that means)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from loyalnest.contexts.referrals import api as referrals
from loyalnest.platform import queue
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work
from tests import payloads
from tests.contexts.points.helpers import execute, local_id, new_id, send
from tests.contexts.support import rows


async def enable(shop: Any, **changes: Any) -> referrals.ProgramDTO:
    async with unit_of_work() as uow:
        return await referrals.update_program(
            uow,
            merchant_id=shop.id,
            actor="staff:test",
            update=referrals.ProgramUpdate(enabled=True, **changes),
        )


def friend_customer(shopify_id: int, **kwargs: Any) -> dict[str, Any]:
    """``created_at``: when Shopify created the account (default: now, at checkout)."""
    body = payloads.customer(
        shopify_id,
        email=kwargs.pop("email", f"friend{shopify_id}@example.com"),
        phone=kwargs.pop("phone", None),
        first_name=kwargs.pop("first_name", "Fran"),
    )
    body["created_at"] = kwargs.get("created_at") or utcnow().isoformat()
    return body


async def advocate(
    shop: Any, drain: Any, *, email: str = "ada@example.com", phone: str | None = "+15555550100"
) -> int:
    """An existing customer with a first order of her own; returns our customer id."""
    shopify_id = new_id()
    body = payloads.order(
        new_id(),
        subtotal="20.00",
        customer_body=payloads.customer(shopify_id, email=email, phone=phone, first_name="Ada"),
    )
    await send(shop, drain, "orders/create", body)
    return await local_id(shop, shopify_id)


async def code_of(shop: Any, customer_id: int) -> str:
    async with unit_of_work() as uow:
        return await referrals.ensure_code(uow, merchant_id=shop.id, customer_id=customer_id)


def friend_order(
    order_id: int,
    friend_shopify_id: int,
    *,
    subtotal: str = "80.00",
    discount_codes: list[str] | None = None,
    ref_attribute: str | None = None,
    landing: str | None = None,
    ip: str | None = None,
    address: dict[str, Any] | None = None,
    card: tuple[str, str] | None = None,
    placed_at: str | None = None,
    **customer: Any,
) -> dict[str, Any]:
    body = payloads.order(
        order_id,
        subtotal=subtotal,
        customer_body=friend_customer(friend_shopify_id, **customer),
        discount_codes=discount_codes,
    )
    body["created_at"] = placed_at or utcnow().isoformat()
    body["email"] = body["customer"]["email"]
    # each order from its own network unless a test says otherwise
    ip = ip or f"10.{order_id % 250}.{order_id // 250 % 250}.7"
    body["browser_ip"] = ip
    body["client_details"] = {"browser_ip": ip, "user_agent": "Mozilla/5.0"}
    body["note_attributes"] = [{"name": "gift", "value": "no"}]
    if ref_attribute is not None:
        body["note_attributes"].append({"name": "loyalnest_ref", "value": ref_attribute})
    body["landing_site"] = landing or "/collections/all?utm_source=newsletter"
    body["shipping_address"] = address or {
        "address1": f"{order_id} Elm Street",
        "address2": "",
        "city": "Springfield",
        "province_code": "IL",
        "zip": "62701",
        "country_code": "US",
    }
    if card is not None:
        body["payment_details"] = {
            "credit_card_bin": card[0],
            "credit_card_number": f"•••• •••• •••• {card[1]}",
            "credit_card_company": "Visa",
        }
    return body


async def place(shop: Any, drain: Any, body: dict[str, Any]) -> None:
    await send(shop, drain, "orders/create", body)


async def referral_rows(shop: Any) -> list[dict[str, Any]]:
    return await rows(
        "select id, advocate_customer_id, friend_customer_id, source, status, held, reasons,"
        " shopify_order_id, order_subtotal, order_refunded, reward_points, ip_hash, address_hash,"
        " friend_email_enc, friend_code_enc, friend_discount_gid, decided_by"
        " from referrals where merchant_id = :m order by id",
        m=shop.id,
    )


async def one_referral(shop: Any) -> dict[str, Any]:
    [row] = await referral_rows(shop)
    return row


def checks_of(row: dict[str, Any]) -> dict[str, str]:
    return {reason["check"]: reason["verdict"] for reason in row["reasons"]}


async def confirmation_passes(shop: Any, drain: Any) -> None:
    """The confirmation period of every pending referral of the shop is over; the real
    ``referrals.settle_due`` runs on the real worker."""
    await execute(
        "update referrals set confirm_at = now() - interval '1 minute'"
        " where merchant_id = :m and status = 'pending'",
        m=shop.id,
    )
    await settle(drain)


async def settle(drain: Any) -> None:
    queue.send(referrals.SETTLE_DUE_ACTOR, referrals.REFERRALS_QUEUE, {})
    await drain()


async def referral_ledger(shop: Any, customer_id: int) -> list[tuple[str, int, str]]:
    found = await rows(
        "select kind, delta, idempotency_key from points_ledger"
        " where merchant_id = :m and customer_id = :c and source = 'referral' order by id",
        m=shop.id,
        c=customer_id,
    )
    return [(r["kind"], r["delta"], r["idempotency_key"]) for r in found]


DEC = Decimal
