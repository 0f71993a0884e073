"""Staff mutations over HTTP: adjustPoints and updateProgramSettings, their userErrors,
idempotency, audit rows, and program settings taking effect on the next order."""

from __future__ import annotations

import pytest

from loyalnest.contexts.audit import api as audit
from tests import payloads
from tests.graphql.conftest import ADJUST, adjust, balance_of, customer_gid, only_error

SETTINGS_FIELDS = "pointsPerCurrencyUnit rounding earnOnShipping earnOnTax"
UPDATE = f"""
mutation ($rate: Decimal, $rounding: PointsRounding, $shipping: Boolean, $tax: Boolean) {{
  updateProgramSettings(pointsPerCurrencyUnit: $rate, rounding: $rounding,
                        earnOnShipping: $shipping, earnOnTax: $tax) {{
    programSettings {{ {SETTINGS_FIELDS} }}
    userErrors {{ field message code }}
  }}
}}
"""
DEFAULTS = {
    "pointsPerCurrencyUnit": "1.0000",
    "rounding": "DOWN",
    "earnOnShipping": False,
    "earnOnTax": False,
}


async def program(shop) -> dict:
    return (await shop.gql(f"{{ shop {{ programSettings {{ {SETTINGS_FIELDS} }} }} }}"))["data"]["shop"][
        "programSettings"
    ]


@pytest.fixture
async def customer(shop, drain):
    """A customer with 100 points from one order."""
    await shop.webhook(
        "orders/create", payloads.order(1, subtotal="100.00", customer_body=payloads.customer(42))
    )
    await drain()
    return await customer_gid(shop, 42)


# --- adjustPoints -------------------------------------------------------------------


async def test_positive_and_negative_adjustments(shop, customer):
    added = (await adjust(shop, customer, 25, "birthday gift"))["data"]["adjustPoints"]
    assert added["userErrors"] == []
    assert added["transaction"] | {"id": None} == {
        "id": None,
        "delta": 25,
        "kind": "ADJUST",
        "source": "staff",
        "reason": "birthday gift",
        "actor": "staff:1",
        "balanceAfter": 125,
    }
    # the payload's customer shows the balance after the change
    assert added["customer"] == {"id": customer, "pointsBalance": 125, "lifetimePoints": 125}

    taken = (await adjust(shop, customer, -30, "  damaged parcel  "))["data"]["adjustPoints"]
    assert taken["userErrors"] == []
    assert (taken["transaction"]["delta"], taken["transaction"]["reason"]) == (-30, "damaged parcel")
    assert taken["customer"]["pointsBalance"] == 95
    assert taken["customer"]["lifetimePoints"] == 125  # spending does not lower lifetime points
    assert await balance_of(shop, customer) == (95, 125, 3)

    trail = await audit.list_recent(shop.id)
    assert [(e.action, e.actor, e.target_type, e.details["delta"]) for e in trail] == [
        ("points.adjusted", "staff:1", "Customer", -30),
        ("points.adjusted", "staff:1", "Customer", 25),
    ]


async def test_two_adjustments_in_one_request_see_each_others_effect(shop, customer):
    fields = "customer { pointsBalance transactions(first: 3) { nodes { delta } } }"
    result = await shop.gql(
        f"""mutation ($id: ID!) {{
          one: adjustPoints(customerId: $id, delta: 5, reason: "a") {{ {fields} }}
          two: adjustPoints(customerId: $id, delta: 7, reason: "b") {{ {fields} }}
        }}""",
        {"id": customer},
    )
    assert result["data"] == {
        "one": {
            "customer": {"pointsBalance": 105, "transactions": {"nodes": [{"delta": 5}, {"delta": 100}]}}
        },
        "two": {
            "customer": {
                "pointsBalance": 112,
                "transactions": {"nodes": [{"delta": 7}, {"delta": 5}, {"delta": 100}]},
            }
        },
    }


async def test_insufficient_points_writes_nothing(shop, customer):
    payload = (await adjust(shop, customer, -101, "too much"))["data"]["adjustPoints"]
    assert payload == {
        "transaction": None,
        "customer": None,
        "userErrors": [
            {
                "field": ["delta"],
                "message": "balance is 100 points; 101 needed",
                "code": "INSUFFICIENT_POINTS",
            }
        ],
    }
    assert await balance_of(shop, customer) == (100, 100, 1)
    assert await audit.list_recent(shop.id) == []
    # exactly the balance is fine
    assert (await adjust(shop, customer, -100, "all of it"))["data"]["adjustPoints"]["userErrors"] == []
    assert await balance_of(shop, customer) == (0, 100, 2)


@pytest.mark.parametrize(
    ("delta", "reason", "key", "field", "code"),
    [
        (0, "nothing", None, "delta", "INVALID"),
        (10_000_001, "huge", None, "delta", "INVALID"),
        (-10_000_001, "huge", None, "delta", "INVALID"),
        (5, "", None, "reason", "INVALID"),
        (5, "   \n\t", None, "reason", "INVALID"),
        (5, "x" * 501, None, "reason", "INVALID"),
        (5, "ok", "", "idempotencyKey", "INVALID"),
        (5, "ok", "k" * 201, "idempotencyKey", "INVALID"),
        (5, "nul\x00byte", None, "reason", "INVALID"),
        (5, "ok", "nul\x00key", "idempotencyKey", "INVALID"),
    ],
)
async def test_invalid_adjustments_are_user_errors(shop, customer, delta, reason, key, field, code):
    payload = (await adjust(shop, customer, delta, reason, key=key))["data"]["adjustPoints"]
    assert payload["transaction"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [([field], code)]
    assert payload["userErrors"][0]["message"]
    assert await balance_of(shop, customer) == (100, 100, 1)
    assert await audit.list_recent(shop.id) == []


async def test_delta_outside_int32_is_refused_by_graphql(shop, customer):
    result = await shop.gql(ADJUST, {"id": customer, "delta": 2**31, "reason": "overflow"})
    assert result["data"] is None
    assert "Int cannot represent non 32-bit signed integer value" in only_error(result)["message"]
    assert await balance_of(shop, customer) == (100, 100, 1)


async def test_same_idempotency_key_writes_one_row(shop, customer):
    first = (await adjust(shop, customer, 10, "retry me", key="req-1"))["data"]["adjustPoints"]
    again = (await adjust(shop, customer, 10, "retry me", key="req-1"))["data"]["adjustPoints"]
    assert first["userErrors"] == again["userErrors"] == []
    assert again["transaction"]["id"] == first["transaction"]["id"]
    assert again["customer"]["pointsBalance"] == 110
    # a debit replayed after the balance moved on is still the same one debit
    debit = (await adjust(shop, customer, -110, "all", key="req-2"))["data"]["adjustPoints"]
    replay = (await adjust(shop, customer, -110, "all", key="req-2"))["data"]["adjustPoints"]
    assert replay["userErrors"] == []
    assert replay["transaction"]["id"] == debit["transaction"]["id"]
    assert await balance_of(shop, customer) == (0, 110, 3)
    assert [e.details["delta"] for e in await audit.list_recent(shop.id)] == [-110, 10]


async def test_idempotency_key_reused_for_a_different_adjustment_is_refused(shop, customer):
    first = (await adjust(shop, customer, 10, "goodwill", key="req-9"))["data"]["adjustPoints"]
    assert first["userErrors"] == []
    for delta, reason in ((11, "goodwill"), (10, "another reason")):
        reused = (await adjust(shop, customer, delta, reason, key="req-9"))["data"]["adjustPoints"]
        assert reused["transaction"] is None
        assert [(e["code"], e["field"]) for e in reused["userErrors"]] == [
            ("IDEMPOTENCY_KEY_REUSED", ["idempotencyKey"])
        ]
    assert await balance_of(shop, customer) == (110, 110, 2)


async def test_idempotency_key_reused_for_another_customer_is_refused(shop, customer, drain):
    await shop.webhook(
        "orders/create", payloads.order(2, subtotal="50.00", customer_body=payloads.customer(43))
    )
    await drain()
    other = await customer_gid(shop, 43)
    first = (await adjust(shop, customer, 10, "goodwill", key="req-7"))["data"]["adjustPoints"]
    assert first["userErrors"] == []
    reused = (await adjust(shop, other, 10, "goodwill", key="req-7"))["data"]["adjustPoints"]
    assert reused["transaction"] is None
    assert [e["code"] for e in reused["userErrors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    assert await balance_of(shop, other) == (50, 50, 1)


async def test_idempotency_keys_are_per_staff_user(shop, customer):
    one = (await adjust(shop, customer, 3, "a", key="same", token=shop.token(user_id="1")))["data"][
        "adjustPoints"
    ]
    two = (await adjust(shop, customer, 3, "a", key="same", token=shop.token(user_id="2")))["data"][
        "adjustPoints"
    ]
    assert one["transaction"]["id"] != two["transaction"]["id"]
    assert (one["transaction"]["actor"], two["transaction"]["actor"]) == ("staff:1", "staff:2")
    assert await balance_of(shop, customer) == (106, 106, 3)


@pytest.mark.parametrize("bad_id", ["", "nonsense", "Q3VzdG9tZXI6OTk5OTk5OTk5"])
async def test_adjusting_an_unknown_customer_is_not_found(shop, customer, bad_id):
    payload = (await adjust(shop, bad_id, 5))["data"]["adjustPoints"]
    assert payload["userErrors"] == [
        {"field": ["customerId"], "message": "customer not found", "code": "NOT_FOUND"}
    ]
    assert await audit.list_recent(shop.id) == []


# --- updateProgramSettings ----------------------------------------------------------------


async def test_settings_change_is_returned_audited_and_earns_on_the_next_order(shop, drain):
    result = await shop.gql(UPDATE, {"rate": "2.5", "rounding": "NEAREST", "shipping": True})
    assert result["data"]["updateProgramSettings"] == {
        "programSettings": {
            "pointsPerCurrencyUnit": "2.5000",
            "rounding": "NEAREST",
            "earnOnShipping": True,
            "earnOnTax": False,
        },
        "userErrors": [],
    }
    assert await program(shop) == result["data"]["updateProgramSettings"]["programSettings"]
    (entry,) = await audit.list_recent(shop.id)
    assert (entry.action, entry.actor, entry.target_type) == (
        "program_settings.updated",
        "staff:1",
        "ProgramSettings",
    )
    assert set(entry.details) == {"points_per_currency_unit", "rounding", "earn_on_shipping"}

    # (10.30 + 10.00 shipping) x 2.5 = 50.75 -> 51 (tax 8.00 excluded); down would give 50
    await shop.webhook(
        "orders/create",
        payloads.order(
            11, subtotal="10.30", shipping="10.00", tax="8.00", customer_body=payloads.customer(5)
        ),
    )
    # (10.10 + 10.00) x 2.5 = 50.25 -> 50; up would give 51
    await shop.webhook(
        "orders/create",
        payloads.order(
            12, subtotal="10.10", shipping="10.00", tax="8.00", customer_body=payloads.customer(5)
        ),
    )
    await drain()
    gid = await customer_gid(shop, 5)
    assert await balance_of(shop, gid) == (101, 101, 2)

    # earning on tax too: (10.00 + 10.00 + 8.00) x 2.5 = 70
    await shop.gql(UPDATE, {"tax": True})
    await shop.webhook(
        "orders/create",
        payloads.order(
            13, subtotal="10.00", shipping="10.00", tax="8.00", customer_body=payloads.customer(5)
        ),
    )
    await drain()
    assert await balance_of(shop, gid) == (171, 171, 3)


async def test_omitted_arguments_keep_their_values_and_no_change_writes_no_audit(shop):
    await shop.gql(UPDATE, {"rate": "3", "shipping": True})
    await shop.gql(UPDATE, {"rounding": "UP"})
    assert await program(shop) == {
        "pointsPerCurrencyUnit": "3.0000",
        "rounding": "UP",
        "earnOnShipping": True,
        "earnOnTax": False,
    }
    before = len(await audit.list_recent(shop.id))
    unchanged = (await shop.gql(UPDATE, {"rate": "3.0", "rounding": "UP"}))["data"]["updateProgramSettings"]
    assert unchanged["userErrors"] == []
    assert len(await audit.list_recent(shop.id)) == before == 2


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"rate": "-1"}, "between 0 and 10000"),
        ({"rate": "10000.0001"}, "between 0 and 10000"),
        ({"rate": "NaN"}, "must be a number"),
        ({"rate": "Infinity"}, "must be a number"),
        ({"rate": "-Infinity"}, "must be a number"),
        ({"rate": "1.23456"}, "at most 4 decimal places"),
        ({"rate": "1e-5"}, "at most 4 decimal places"),
        ({"rate": "sNaN"}, "must be a number"),
        # one bad value refuses the whole update: the valid ones are not applied either
        ({"rate": "-0.5", "shipping": True, "rounding": "UP", "tax": True}, "between 0 and 10000"),
    ],
)
async def test_invalid_settings_are_user_errors_and_change_nothing(shop, variables, message):
    payload = (await shop.gql(UPDATE, variables))["data"]["updateProgramSettings"]
    assert payload["programSettings"] is None
    (error,) = payload["userErrors"]
    assert error["field"] == ["pointsPerCurrencyUnit"]
    assert error["code"] == "INVALID"
    assert message in error["message"]
    assert await program(shop) == DEFAULTS
    assert await audit.list_recent(shop.id) == []


@pytest.mark.parametrize("rate", ["abc", "", "1,5", [1], {"a": 1}, True])
async def test_rates_that_are_not_decimals_are_refused_by_graphql(shop, rate):
    result = await shop.gql(UPDATE, {"rate": rate})
    assert result["data"] is None
    assert "pointsPerCurrencyUnit" in only_error(result)["message"] or "rate" in only_error(result)["message"]
    assert await program(shop) == DEFAULTS


@pytest.mark.parametrize(
    ("rate", "stored"),
    [
        (0.1, "0.1000"),
        (2.5, "2.5000"),
        (3, "3.0000"),
        ("0.0001", "0.0001"),
        ("1e3", "1000.0000"),
        ("-0", "0.0000"),
    ],
)
async def test_rates_sent_as_json_numbers_are_exact(shop, rate, stored):
    """A client sending 0.1 means one tenth, not the binary float nearest to it."""
    payload = (await shop.gql(UPDATE, {"rate": rate}))["data"]["updateProgramSettings"]
    assert payload["userErrors"] == []
    # the payload shows the rate as every later read will
    assert payload["programSettings"]["pointsPerCurrencyUnit"] == stored
    assert (await program(shop))["pointsPerCurrencyUnit"] == stored


@pytest.mark.parametrize(("literal", "stored"), [("0.1", "0.1000"), ("7", "7.0000"), ('"1.25"', "1.2500")])
async def test_rates_written_inline_are_exact(shop, literal, stored):
    payload = (
        await shop.gql(
            f"mutation {{ updateProgramSettings(pointsPerCurrencyUnit: {literal}) {{"
            " programSettings { pointsPerCurrencyUnit } userErrors { message } } }"
        )
    )["data"]["updateProgramSettings"]
    assert payload["userErrors"] == []
    assert payload["programSettings"]["pointsPerCurrencyUnit"] == stored
