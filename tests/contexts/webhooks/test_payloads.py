"""Parsing Shopify payloads: shop money, exact decimals, and refusal of what cannot be read."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from loyalnest.contexts.webhooks import payloads as parse
from tests import payloads

D = Decimal


class TestParseOrder:
    def test_amounts_come_from_shop_money_as_exact_decimals(self):
        body = payloads.order(
            1,
            subtotal="90.10",
            shipping="5.00",
            tax="7.21",
            presentment_currency="EUR",
            presentment_subtotal="83.00",
            customer_body=payloads.customer(7),
        )
        order = parse.parse_order(body)
        assert order.shopify_order_id == 1
        assert order.subtotal == D("90.10")
        assert order.shipping == D("5.00")
        assert order.tax == D("7.21")
        assert order.customer is not None
        assert order.customer.shopify_customer_id == 7

    def test_currency_is_the_shop_currency_the_amounts_are_in(self):
        # `currency` in the payload is the presentment currency here; the amounts are USD
        body = payloads.order(1, presentment_currency="EUR", presentment_subtotal="83.00")
        assert body["currency"] == "EUR"
        assert parse.parse_order(body).currency == "USD"

    def test_currency_falls_back_to_the_payload_currency(self):
        body = {"id": 1, "currency": "cad", "subtotal_price": "10.00"}
        order = parse.parse_order(body)
        assert order.currency == "CAD"
        assert order.subtotal == D("10.00")

    def test_a_currency_that_is_not_a_code_is_dropped(self):
        assert parse.parse_order({"id": 1, "currency": "EURO"}).currency is None

    def test_guest_order_has_no_customer(self):
        assert parse.parse_order(payloads.order(1, customer_body=None)).customer is None

    def test_discount_codes_and_tax_flag(self):
        body = payloads.order(1, taxes_included=True, discount_codes=["SPRING", "VIP"])
        order = parse.parse_order(body)
        assert order.discount_codes == ("SPRING", "VIP")
        assert order.taxes_included is True

    def test_missing_money_is_zero(self):
        order = parse.parse_order({"id": 5})
        assert (order.subtotal, order.shipping, order.tax) == (D("0"), D("0"), D("0"))

    @pytest.mark.parametrize(
        "order_id",
        [None, "", "abc", 0, -3, True, 1.5, 2**63, "99999999999999999999", [1], {"a": 1}],
    )
    def test_bad_order_ids_are_refused(self, order_id):
        body = payloads.order(1)
        body["id"] = order_id
        with pytest.raises(parse.PayloadError):
            parse.parse_order(body)

    def test_missing_order_id_is_refused(self):
        body = payloads.order(1)
        del body["id"]
        with pytest.raises(parse.PayloadError, match="order id"):
            parse.parse_order(body)

    def test_string_ids_are_accepted(self):
        assert parse.parse_order({"id": "4711"}).shopify_order_id == 4711

    @pytest.mark.parametrize("amount", ["abc", "NaN", "Infinity", 12.5, True, "1e12", "-1e15"])
    def test_bad_or_out_of_range_amounts_are_refused(self, amount):
        body = payloads.order(1)
        body["subtotal_price_set"]["shop_money"]["amount"] = amount
        with pytest.raises(parse.PayloadError):
            parse.parse_order(body)

    @pytest.mark.parametrize("value", [5, "codes", {"code": "X"}])
    def test_discount_codes_that_are_not_a_list_are_refused(self, value):
        body = payloads.order(1)
        body["discount_codes"] = value
        with pytest.raises(parse.PayloadError):
            parse.parse_order(body)

    def test_customer_that_is_not_an_object_is_refused(self):
        body = payloads.order(1)
        body["customer"] = "jane"
        with pytest.raises(parse.PayloadError):
            parse.parse_order(body)


class TestParseCustomer:
    def test_all_the_facts(self):
        body = payloads.customer(
            42,
            email=" jane@example.com ",
            tags="VIP, wholesale ,",
            birthday="1990-04-01",
            updated_at="2026-11-01T10:00:00-05:00",
        )
        facts = parse.parse_customer(body)
        assert facts.shopify_customer_id == 42
        assert facts.email == "jane@example.com"
        assert (facts.first_name, facts.last_name, facts.phone) == ("Jane", "Doe", "+15555550100")
        assert facts.birthday == date(1990, 4, 1)
        assert facts.birthday_known is True
        assert facts.accepts_marketing is True
        assert facts.tags == ("VIP", "wholesale")
        assert facts.state == "enabled"
        assert facts.shopify_updated_at == datetime(2026, 11, 1, 15, 0, tzinfo=UTC)

    def test_tags_as_a_list(self):
        body = payloads.customer(1)
        body["tags"] = ["a", "b"]
        assert parse.parse_customer(body).tags == ("a", "b")

    def test_unsubscribed_consent(self):
        assert parse.parse_customer(payloads.customer(1, marketing="unsubscribed")).accepts_marketing is False

    def test_legacy_accepts_marketing_flag(self):
        body = {"id": 1, "accepts_marketing": True}
        assert parse.parse_customer(body).accepts_marketing is True

    def test_consent_unknown_when_the_payload_says_nothing(self):
        assert parse.parse_customer({"id": 1}).accepts_marketing is None

    def test_birthday_unknown_without_metafields(self):
        facts = parse.parse_customer(payloads.customer(1))
        assert facts.birthday is None
        assert facts.birthday_known is False

    def test_birthday_explicitly_cleared(self):
        body = payloads.customer(1)
        body["metafields"] = [{"key": "birth_date", "value": None}]
        facts = parse.parse_customer(body)
        assert facts.birthday is None
        assert facts.birthday_known is True

    def test_birthday_from_a_plain_field_and_bad_dates(self):
        assert parse.parse_customer({"id": 1, "birthday": "2001-02-03T00:00:00Z"}).birthday == date(
            2001, 2, 3
        )
        assert parse.parse_customer({"id": 1, "birthday": "not a date"}).birthday is None

    def test_locale_is_kept_as_sent_and_junk_is_unknown(self):
        assert parse.parse_customer(payloads.customer(1, locale="pt-BR")).locale == "pt-BR"
        assert parse.parse_customer(payloads.customer(1, locale=" de ")).locale == "de"
        for junk in ("", "x" * 36, "en<script>", 42):
            body = payloads.customer(1)
            body["locale"] = junk
            assert parse.parse_customer(body).locale is None

    def test_a_full_payload_leaves_nothing_absent(self):
        assert parse.parse_customer(payloads.customer(1, birthday="1990-04-01")).absent == frozenset()

    def test_keys_left_out_are_absent_and_keys_with_null_are_not(self):
        """An order's customer object for an app without protected-data access: the
        email, names, phone and tags are left out (kept), a null phone clears it."""
        facts = parse.parse_customer({"id": 1, "phone": None, "state": "enabled"})
        assert facts.absent == {
            "email",
            "first_name",
            "last_name",
            "tags",
            "birthday",
            "accepts_marketing",
            "shopify_updated_at",
            "locale",
        }
        assert facts.carries("phone")
        assert facts.phone is None
        assert not facts.carries("tags")
        assert not facts.carries("accepts_marketing")

    def test_metafields_that_are_not_a_list_are_ignored(self):
        assert parse.parse_customer({"id": 1, "metafields": 7}).birthday is None

    def test_blank_strings_become_none(self):
        facts = parse.parse_customer({"id": 1, "email": "  ", "phone": ""})
        assert facts.email is None
        assert facts.phone is None

    @pytest.mark.parametrize("updated_at", ["yesterday", 1700000000, ["2026-01-01"]])
    def test_bad_updated_at_is_refused(self, updated_at):
        with pytest.raises(parse.PayloadError):
            parse.parse_customer({"id": 1, "updated_at": updated_at})

    def test_overlong_state_is_refused(self):
        with pytest.raises(parse.PayloadError):
            parse.parse_customer({"id": 1, "state": "x" * 33})

    def test_customer_without_id_is_refused(self):
        with pytest.raises(parse.PayloadError):
            parse.parse_customer({"email": "a@b.c"})


class TestParseRefund:
    def test_lines_tax_and_shipping_adjustment(self):
        body = payloads.refund(3, 9, subtotal="40.00", tax="3.20", shipping="10.00")
        refund = parse.parse_refund(body)
        assert refund.shopify_refund_id == 3
        assert refund.shopify_order_id == 9
        assert refund.line_subtotal == D("40.00")
        assert refund.line_tax == D("3.20")
        assert refund.shipping == D("10.00")  # Shopify sends it negative

    def test_refund_shipping_lines(self):
        body = payloads.refund(3, 9, subtotal="0.00")
        body["refund_shipping_lines"] = [{"subtotal_amount_set": payloads.money_set("4.50")}]
        assert parse.parse_refund(body).shipping == D("4.50")

    def test_several_lines_add_up(self):
        body = payloads.refund(3, 9, subtotal="10.10")
        body["refund_line_items"].append(dict(body["refund_line_items"][0]))
        assert parse.parse_refund(body).line_subtotal == D("20.20")

    def test_refund_without_order_id_is_refused(self):
        body = payloads.refund(3, 9, subtotal="1.00")
        del body["order_id"]
        with pytest.raises(parse.PayloadError):
            parse.parse_refund(body)

    @pytest.mark.parametrize("items", [5, [5], "lines"])
    def test_malformed_lines_are_refused(self, items):
        body = payloads.refund(3, 9, subtotal="1.00")
        body["refund_line_items"] = items
        with pytest.raises(parse.PayloadError):
            parse.parse_refund(body)

    def test_out_of_range_total_is_refused(self):
        body = payloads.refund(3, 9, subtotal="90000000000")
        body["refund_line_items"] *= 2
        with pytest.raises(parse.PayloadError):
            parse.parse_refund(body)

    def test_old_shape_lines_from_price_quantity_and_tax_lines(self):
        """Shopify's shopify_python_api refund fixture: no subtotal on its lines."""
        refund = parse.parse_refund(payloads.SHOPIFY_PYTHON_API_REFUND["refund"])
        assert (refund.shopify_refund_id, refund.shopify_order_id) == (509562969, 450789469)
        assert refund.line_subtotal == D("398.00")
        assert refund.line_tax == D("7.96")
        assert [(line.product_id, line.subtotal, line.tax) for line in refund.lines] == [
            (632910392, D("199.00"), D("3.98")),
            (632910392, D("199.00"), D("3.98")),
        ]

    def test_old_shape_partial_quantity_takes_its_share_of_discount_and_tax(self):
        line_item = {
            "quantity": 3,
            "price_set": payloads.money_set("20.00"),
            "discount_allocations": [{"amount_set": payloads.money_set("6.00")}],
            "tax_lines": [{"price_set": payloads.money_set("5.40")}],
        }
        body = {"id": 1, "order_id": 2, "refund_line_items": [{"quantity": 2, "line_item": line_item}]}
        refund = parse.parse_refund(body)
        assert refund.line_subtotal == D("36.00")  # 2 x 20.00 - 2/3 of 6.00
        assert refund.line_tax == D("3.60")

    def test_no_itemised_amount_falls_back_to_successful_refund_transactions(self):
        body = {
            "id": 1,
            "order_id": 2,
            "refund_line_items": [],
            "transactions": [
                {"amount": "12.50", "kind": "refund", "status": "success"},
                {
                    "amount_set": payloads.money_set("7.50"),
                    "amount": "9.99",
                    "kind": "refund",
                    "status": "success",
                },
                {"amount": "40.00", "kind": "refund", "status": "failure"},
                {"amount": "40.00", "kind": "sale", "status": "success"},
            ],
        }
        refund = parse.parse_refund(body)
        assert (refund.line_subtotal, refund.line_tax, refund.shipping) == (D("20.00"), D("0"), D("0"))

    def test_itemised_lines_win_over_transactions(self):
        body = payloads.refund(3, 9, subtotal="40.00")
        body["transactions"] = [{"amount": "99.00", "kind": "refund", "status": "success"}]
        assert parse.parse_refund(body).line_subtotal == D("40.00")


class TestOrderStages:
    """What shops earning on payment or fulfilment need from order and fulfilment payloads."""

    def test_an_order_says_how_far_it_is_fulfilled(self):
        assert parse.parse_order(payloads.order(1)).fulfillment_status is None
        body = payloads.order(1, fulfillment_status=" Fulfilled ")
        assert parse.parse_order(body).fulfillment_status == "fulfilled"
        assert (
            parse.parse_order(payloads.order(1, fulfillment_status="partial")).fulfillment_status == "partial"
        )

    def test_a_fulfillment_names_its_order_and_status(self):
        fulfillment = parse.parse_fulfillment(payloads.fulfillment(5, 77, status="SUCCESS"))
        assert (fulfillment.shopify_order_id, fulfillment.status) == (77, "success")
        assert parse.parse_fulfillment({"order_id": "77"}).status is None

    @pytest.mark.parametrize("body", [{}, {"order_id": None}, {"order_id": "x"}, {"order_id": -1}])
    def test_a_fulfillment_without_its_order_is_refused(self, body):
        with pytest.raises(parse.PayloadError):
            parse.parse_fulfillment(body)

    def test_a_stage_payload_is_read_for_its_order_only(self):
        assert parse.parse_order_id({"id": 9, "line_items": "not a list"}) == 9
        with pytest.raises(parse.PayloadError):
            parse.parse_order_id({"id": True})
