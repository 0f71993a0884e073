"""One request to the fake, under the lock: version, shop and token checks, armed
faults, parsing, the cost and the leaky bucket, then the queries or the discount
create mutations, every request recorded."""

from __future__ import annotations

import copy
import time
from datetime import UTC, datetime
from typing import Any

import orjson
from graphql import FieldNode, FragmentDefinitionNode, GraphQLError, parse

from loyalnest.devtools.shopify_fake.bulk import (
    BULK_IN_PROGRESS,
    advance,
    bulk_operation_object,
    jsonl_lines,
)
from loyalnest.devtools.shopify_fake.constants import (
    CODE_TAKEN,
    MUTATION_COST,
    SINGLE_QUERY_MAX_COST,
    THROTTLED_DOCS,
    UNAUTHORIZED,
)
from loyalnest.devtools.shopify_fake.documents import (
    _arguments,
    _cost,
    _objects_in,
    _operation,
    _project,
    _requested_cost,
)
from loyalnest.devtools.shopify_fake.inputs import _MUTATIONS, _discount_user_errors, _input_problems
from loyalnest.devtools.shopify_fake.objects import _discount_node, _shop_object
from loyalnest.devtools.shopify_fake.records import (
    FakeBulkOperation,
    FakeDiscount,
    FakeShop,
    RecordedRequest,
    _Answer,
    _Fault,
    _GraphQLFailure,
)
from loyalnest.devtools.shopify_fake.state import FakeState

# discountCode(De)activate(id:): switch a code discount off and on
_TOGGLES = ("discountCodeDeactivate", "discountCodeActivate")


class FakeExecution(FakeState):
    """Answering one GraphQL request against the state (the caller holds the lock)."""

    # --- one request (under the lock) ---------------------------------------------------

    def _record(
        self,
        shop: str,
        answer: _Answer,
        outcome: str,
        *,
        operation_type: str | None = None,
        root_fields: tuple[str, ...] = (),
        variables: dict[str, Any] | None = None,
        requested_cost: int | None = None,
    ) -> _Answer:
        self._requests.append(
            RecordedRequest(
                shop=shop,
                operation_type=operation_type,
                root_fields=root_fields,
                variables=copy.deepcopy(variables or {}),
                status=answer.status,
                outcome=outcome,
                requested_cost=requested_cost,
                at=time.monotonic(),
            )
        )
        return answer

    @staticmethod
    def _take(faults: list[_Fault], shop: str) -> _Fault | None:
        for fault in faults:
            if fault.matches(shop):
                fault.remaining -= 1
                return fault
        return None

    def _answer(self, domain: str, version: str, token: str | None, body: bytes) -> _Answer:
        if not (
            version == "unstable"
            or (len(version) == 7 and version[4] == "-" and version.replace("-", "").isdigit())
        ):
            return self._record(domain, _Answer(404, {"errors": "Not Found"}), "unknown_shop")
        shop = self._shops.get(domain)
        if shop is None and self.auto_register and token:
            shop = self.add_shop(domain, token=token)
        if shop is None:
            return self._record(domain, _Answer(404, {"errors": "Not Found"}), "unknown_shop")
        if token != shop.token:
            return self._record(domain, _Answer(401, {"errors": UNAUTHORIZED}), "unauthorized")

        try:
            payload = orjson.loads(body)
            query = payload["query"]
            variables = payload.get("variables") or {}
            if not isinstance(query, str) or not isinstance(variables, dict):
                raise TypeError
        except (orjson.JSONDecodeError, KeyError, TypeError):
            answer = _Answer(400, {"errors": {"query": "Required parameter missing or invalid"}})
            return self._record(domain, answer, "bad_request")

        fault = self._take(self._status_faults, domain)
        if fault is not None:
            headers = {"Retry-After": "1"} if fault.status in (429, 503) else {}
            answer = _Answer(fault.status, {"errors": "Internal Server Error"}, headers=headers)
            return self._record(domain, answer, f"injected_{fault.status}", variables=variables)
        delay = self._take(self._delay_faults, domain)
        answer = self._execute(shop, query, variables, payload.get("operationName"))
        if delay is not None:
            answer.delay = delay.seconds
        return answer

    def _execute(self, shop: FakeShop, query: str, variables: dict[str, Any], operation_name: Any) -> _Answer:
        domain = shop.domain
        try:
            document = parse(query)
        except GraphQLError as exc:
            answer = _Answer(200, {"errors": [exc.formatted]})
            return self._record(domain, answer, "graphql_error", variables=variables)
        operation, fragments = _operation(
            document, operation_name if isinstance(operation_name, str) else None
        )
        if operation is None:
            answer = _Answer(200, {"errors": [{"message": "No operation named in the document"}]})
            return self._record(domain, answer, "graphql_error", variables=variables)
        op_type = operation.operation.value
        fields = [s for s in operation.selection_set.selections if isinstance(s, FieldNode)]
        root_fields = tuple(f.name.value for f in fields if f.name.value != "__typename")
        requested = _requested_cost(op_type, fields)
        record: dict[str, Any] = {
            "operation_type": op_type,
            "root_fields": root_fields,
            "variables": variables,
        }

        shop.refill(time.monotonic())
        if requested > SINGLE_QUERY_MAX_COST:
            error = {
                "message": f"Query cost is {requested}, which exceeds the single query max cost limit "
                f"({SINGLE_QUERY_MAX_COST}).",
                "extensions": {
                    "code": "MAX_COST_EXCEEDED",
                    "cost": requested,
                    "maxCost": SINGLE_QUERY_MAX_COST,
                },
            }
            answer = _Answer(200, {"errors": [error], "extensions": _cost(shop, requested, None)})
            return self._record(domain, answer, "graphql_error", requested_cost=requested, **record)
        if requested > shop.available:
            throttled = {
                "message": "Throttled",
                "extensions": {"code": "THROTTLED", "documentation": THROTTLED_DOCS},
            }
            answer = _Answer(200, {"errors": [throttled], "extensions": _cost(shop, requested, None)})
            return self._record(domain, answer, "throttled", requested_cost=requested, **record)
        shop.available -= requested

        outcome = "ok"
        try:
            if op_type == "mutation":
                data, actual, user_errors = self._run_mutations(shop, fields, fragments, variables)
                outcome = "user_errors" if user_errors else "ok"
            elif op_type == "query":
                data, actual = self._run_queries(shop, fields, fragments, variables)
            else:
                raise _GraphQLFailure("Subscriptions are not supported", code="unsupported")
        except _GraphQLFailure as failure:
            # refused before running: Shopify charges nothing for it
            shop.available = min(shop.maximum, shop.available + requested)
            answer = _Answer(200, {"errors": [failure.as_error()], "extensions": _cost(shop, requested, 0)})
            return self._record(domain, answer, "graphql_error", requested_cost=requested, **record)
        shop.available = min(shop.maximum, shop.available + max(0, requested - actual))
        answer = _Answer(200, {"data": data, "extensions": _cost(shop, requested, actual)})
        return self._record(domain, answer, outcome, requested_cost=requested, **record)

    # --- queries ------------------------------------------------------------------------

    def _run_queries(
        self,
        shop: FakeShop,
        fields: list[FieldNode],
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
    ) -> tuple[dict[str, Any], int]:
        data: dict[str, Any] = {}
        actual = 0
        for node in fields:
            name = node.name.value
            key = node.alias.value if node.alias else name
            args = _arguments(node, variables)
            if name == "__typename":
                data[key] = "QueryRoot"
                continue
            if name == "shop":
                value: Any = _shop_object(shop)
            elif name == "customer":
                value = shop.customers.get(str(args.get("id")))
            elif name == "currentBulkOperation":
                current = shop.bulk_operations[-1] if shop.bulk_operations else None
                value = None if current is None else self._bulk_object(shop, current)
            elif name == "node":
                value = self._node(shop, str(args.get("id")))
            elif name == "codeDiscountNodeByCode":
                discount = shop.discounts.get(str(args.get("code", "")).lower())
                value = None if discount is None else _discount_node(discount)
            else:
                raise _GraphQLFailure(
                    f"Field '{name}' doesn't exist on type 'QueryRoot'",
                    code="undefinedField",
                    typeName="QueryRoot",
                    fieldName=name,
                )
            data[key] = _project(value, node.selection_set, fragments)
            actual += max(1, _objects_in(data[key]))
        return data, actual

    # --- mutations ----------------------------------------------------------------------

    def _run_mutations(
        self,
        shop: FakeShop,
        fields: list[FieldNode],
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
    ) -> tuple[dict[str, Any], int, bool]:
        data: dict[str, Any] = {}
        user_errors = False
        for node in fields:
            name = node.name.value
            key = node.alias.value if node.alias else name
            if name == "bulkOperationRunQuery":
                started = self._start_bulk_operation(shop, _arguments(node, variables).get("query"))
                user_errors = user_errors or bool(started["userErrors"])
                data[key] = _project(started, node.selection_set, fragments)
                continue
            if name in _TOGGLES:
                toggled = self._toggle_discount(shop, name, _arguments(node, variables).get("id"))
                user_errors = user_errors or bool(toggled["userErrors"])
                data[key] = _project(toggled, node.selection_set, fragments)
                continue
            if name not in _MUTATIONS:
                raise _GraphQLFailure(
                    f"Field '{name}' doesn't exist on type 'Mutation'",
                    code="undefinedField",
                    typeName="Mutation",
                    fieldName=name,
                )
            argument, input_type, typename = _MUTATIONS[name]
            value = _arguments(node, variables).get(argument)
            if not isinstance(value, dict):
                raise _GraphQLFailure(
                    f"Argument '{argument}' on Field '{name}' has an invalid value. "
                    f"Expected type '{input_type}!'.",
                    code="argumentLiteralsIncompatible",
                )
            problems = list(_input_problems(value, input_type, ()))
            if problems:
                raise _GraphQLFailure(
                    f"Variable ${argument} of type {input_type}! was provided invalid value",
                    value=value,
                    problems=[{"path": list(path), "explanation": why} for path, why in problems],
                )
            fault = self._take(self._user_error_faults, shop.domain)
            if fault is not None:
                errors = [
                    {
                        "__typename": "DiscountUserError",
                        "field": [argument, *fault.field] if fault.field else None,
                        "message": fault.message,
                        "code": fault.code,
                        "extraInfo": None,
                    }
                ]
                result: dict[str, Any] = {"codeDiscountNode": None, "userErrors": errors}
            else:
                result = self._create_discount(shop, argument, typename, value)
            user_errors = user_errors or bool(result["userErrors"])
            result["__typename"] = f"{name[0].upper()}{name[1:]}Payload"
            data[key] = _project(result, node.selection_set, fragments)
        return data, MUTATION_COST * len(fields), user_errors

    # --- bulk operations ----------------------------------------------------------------

    def _public_base(self) -> str:
        """Where the fake is reached (the server overrides it with its bound address)."""
        return "http://127.0.0.1"

    def _bulk_object(self, shop: FakeShop, op: FakeBulkOperation) -> dict[str, Any]:
        """The operation as answered; each read moves it one step."""
        advance(op)
        url = f"{self._public_base()}/__fake__/bulk/{shop.domain}/{op.number}.jsonl"
        return bulk_operation_object(op, url)

    def _node(self, shop: FakeShop, gid: str) -> dict[str, Any] | None:
        """``node(id:)``: bulk operations, customers and orders of the shop."""
        for op in shop.bulk_operations:
            if op.gid == gid:
                return self._bulk_object(shop, op)
        return shop.customers.get(gid) or shop.orders.get(gid)

    def _start_bulk_operation(self, shop: FakeShop, query: Any) -> dict[str, Any]:
        payload: dict[str, Any] = {"__typename": "BulkOperationRunQueryPayload", "bulkOperation": None}
        running = next((op for op in shop.bulk_operations if op.running), None)
        if running is not None:
            error = {
                "__typename": "BulkOperationUserError",
                "field": None,
                "message": BULK_IN_PROGRESS.format(gid=running.gid),
                "code": "OPERATION_IN_PROGRESS",
            }
            return payload | {"userErrors": [error]}
        if not isinstance(query, str):
            raise _GraphQLFailure(
                "Argument 'query' on Field 'bulkOperationRunQuery' has an invalid value. "
                "Expected type 'String!'.",
                code="argumentLiteralsIncompatible",
            )
        try:
            lines, roots = jsonl_lines(
                query,
                {"customers": list(shop.customers.values()), "orders": list(shop.orders.values())},
            )
        except _GraphQLFailure as failure:
            invalid: dict[str, Any] = {
                "__typename": "BulkOperationUserError",
                "field": ["query"],
                "message": failure.message,
                "code": "INVALID",
            }
            return payload | {"userErrors": [invalid]}
        fault = self._take(self._bulk_faults, shop.domain)
        op = FakeBulkOperation(
            number=next(self._bulk_ids),
            query=query,
            lines=lines,
            root_object_count=roots,
            created_at=datetime.now(UTC),
            fail_with=None if fault is None else fault.code,
        )
        shop.bulk_operations.append(op)
        answered = bulk_operation_object(op, None)
        return payload | {"bulkOperation": answered, "userErrors": []}

    def bulk_download(self, domain: str, number: int) -> list[bytes] | None:
        """The JSONL lines of a completed operation (what its ``url`` serves), or None."""
        with self._lock:
            shop = self._shops.get(domain)
            if shop is None:
                return None
            op = next((o for o in shop.bulk_operations if o.number == number), None)
            if op is None or op.status != "COMPLETED":
                return None
            op.downloads += 1
            return list(op.lines)

    def _toggle_discount(self, shop: FakeShop, name: str, gid: Any) -> dict[str, Any]:
        """discountCodeDeactivate / discountCodeActivate(id:): an unknown id is a userError."""
        found = next((d for d in shop.discounts.values() if d.gid == gid), None)
        payload: dict[str, Any] = {"__typename": f"{name[0].upper()}{name[1:]}Payload"}
        if found is None:
            error = {"__typename": "DiscountUserError", "field": ["id"], "message": "Discount does not exist",
                     "code": "INVALID", "extraInfo": None}  # fmt: skip
            return payload | {"codeDiscountNode": None, "userErrors": [error]}
        found.deactivated = name == "discountCodeDeactivate"
        return payload | {"codeDiscountNode": _discount_node(found), "userErrors": []}

    def _create_discount(
        self, shop: FakeShop, argument: str, typename: str, value: dict[str, Any]
    ) -> dict[str, Any]:
        errors = [
            {
                "__typename": "DiscountUserError",
                "field": [argument, *path],
                "message": message,
                "code": code,
                "extraInfo": None,
            }
            for path, message, code in _discount_user_errors(value, typename)
        ]
        code = str(value.get("code") or "").strip()
        if not errors and code.lower() in shop.discounts:
            errors.append(
                {
                    "__typename": "DiscountUserError",
                    "field": [argument, "code"],
                    "message": CODE_TAKEN,
                    "code": "TAKEN",
                    "extraInfo": None,
                }
            )
        if errors:
            return {"codeDiscountNode": None, "userErrors": errors}
        discount = FakeDiscount(
            gid=f"gid://shopify/DiscountCodeNode/{next(self._ids)}",
            code=code,
            typename=typename,
            input=copy.deepcopy(value),
            created_at=datetime.now(UTC),
        )
        shop.discounts[code.lower()] = discount
        return {"codeDiscountNode": _discount_node(discount), "userErrors": []}
