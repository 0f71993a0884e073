"""A Shopify Admin GraphQL API fake: a real HTTP server on loopback, for tests and for
``make run`` without a Shopify account.

It serves ``POST /{shop}/admin/api/{version}/graphql.json`` (one server, many shops:
the shop is the first path segment, so point ``LOYALNEST_SHOPIFY_ADMIN_BASE_URL`` at
the fake's base URL) and speaks enough of the real API for LoyalNest:

- queries ``shop``, ``customer(id:)``, ``codeDiscountNodeByCode(code:)``;
- mutations ``discountCodeBasicCreate(basicCodeDiscount:)`` and
  ``discountCodeFreeShippingCreate(freeShippingCodeDiscount:)``, with the input types
  checked field by field (an unknown or misplaced field is a top-level error, as
  GraphQL's variable coercion makes it), Shopify's required fields and ranges as
  ``userErrors``, and codes unique per shop ("Code must be unique. Please try a
  different code.");
- only the fields the client selects come back (aliases, inline fragments and named
  fragments are honoured; an unknown field is an ``undefinedField`` error);
- ``X-Shopify-Access-Token`` must be the shop's token (401 otherwise);
- calculated query cost (mutation 10, object 1, connection 2 + first x node) and a
  leaky bucket per shop with Shopify's numbers (Standard 2,000 points restoring 100/s,
  Advanced 4,000 / 200, Plus 20,000 / 1,000; or any size given to ``add_shop``):
  ``extensions.cost`` on every answer, the real ``THROTTLED`` error when the bucket
  cannot cover the requested cost, the requested-minus-actual refund, and
  ``MAX_COST_EXCEEDED`` over 1,000;
- it records every request (shop, operation, variables, outcome) and can be told to
  fail: the next N requests with an HTTP status, the next N mutations with a
  ``userError``, or the next N answers delayed (for timeouts);
- ``mark_code_used`` (or ``POST /__fake__/shops/{shop}/discount-codes/{code}/use``)
  records that an order used a code.

In tests: ``with ShopifyFake() as fake: fake.add_shop(domain, token=...)`` (a
background thread with its own event loop, so it works beside pytest's loop).
Standalone: ``loyalnest shopify-fake --port 8081`` (shops are registered on first
use with the token they present, unless ``--no-auto-register``).
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
import uvicorn
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)
from graphql.utilities import value_from_ast_untyped
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

# The token `make run`'s demo shop is installed with (dev only; the fake accepts it).
DEV_ACCESS_TOKEN = "shpat_loyalnest_dev_fake_admin_token"
DEMO_SHOP = "demo.myshopify.com"

# plan -> (bucket size, restore rate per second), as Shopify reports them
PLAN_LIMITS: dict[str, tuple[float, float]] = {
    "standard": (2_000.0, 100.0),
    "advanced": (4_000.0, 200.0),
    "plus": (20_000.0, 1_000.0),
    "shopify_plus": (20_000.0, 1_000.0),
    "enterprise": (40_000.0, 2_000.0),
}
MUTATION_COST = 10
SINGLE_QUERY_MAX_COST = 1_000
THROTTLED_DOCS = "https://shopify.dev/api/usage/rate-limits"
UNAUTHORIZED = "[API] Invalid API key or access token (unrecognized login or wrong password)"
CODE_TAKEN = "Code must be unique. Please try a different code."

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


@dataclass
class FakeDiscount:
    gid: str
    code: str
    typename: str  # DiscountCodeBasic or DiscountCodeFreeShipping
    input: dict[str, Any]
    created_at: datetime
    usage_count: int = 0


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


class ShopifyFake:
    """The fake Admin API server. Thread-safe: the server thread and the test share it."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, auto_register: bool = False):
        self.host = host
        self.port = port
        self.auto_register = auto_register
        self._lock = threading.RLock()
        self._shops: dict[str, FakeShop] = {}
        self._requests: list[RecordedRequest] = []
        self._status_faults: list[_Fault] = []
        self._user_error_faults: list[_Fault] = []
        self._delay_faults: list[_Fault] = []
        self._ids = itertools.count(1_000_001)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.app = Starlette(
            routes=[
                Route("/{shop}/admin/api/{version}/graphql.json", self._graphql_endpoint, methods=["POST"]),
                Route("/__fake__/state", self._state_endpoint, methods=["GET"]),
                Route(
                    "/__fake__/shops/{shop}/discount-codes/{code}/use",
                    self._use_code_endpoint,
                    methods=["POST"],
                ),
            ]
        )

    # --- running ----------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """What ``LOYALNEST_SHOPIFY_ADMIN_BASE_URL`` should be (the shop is appended)."""
        return f"http://{self.host}:{self.port}"

    def _bind(self) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        return sock

    def _config(self) -> uvicorn.Config:
        return uvicorn.Config(
            self.app,
            log_config=None,
            access_log=False,
            lifespan="off",
            loop="asyncio",
            timeout_graceful_shutdown=1,
        )

    def start(self, *, timeout: float = 10.0) -> str:
        """Serve from a background thread; returns the base URL once it accepts."""
        if self._thread is not None:
            return self.base_url
        sock = self._bind()
        self._server = uvicorn.Server(self._config())
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="shopify-fake", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the Shopify fake did not start")
            time.sleep(0.01)
        return self.base_url

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
        self._server = None
        self._thread = None

    def serve_forever(self, on_bound: Callable[[str], None] | None = None) -> None:
        """Serve in this thread until interrupted (the CLI); ``on_bound`` gets the base
        URL once the port is bound."""
        sock = self._bind()
        if on_bound is not None:
            on_bound(self.base_url)
        uvicorn.Server(self._config()).run(sockets=[sock])

    def __enter__(self) -> ShopifyFake:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

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

    # --- HTTP ---------------------------------------------------------------------------

    async def _graphql_endpoint(self, request: Request) -> Response:
        body = await request.body()
        with self._lock:
            answer = self._answer(
                request.path_params["shop"],
                request.path_params["version"],
                request.headers.get("x-shopify-access-token"),
                body,
            )
        if answer.delay > 0:
            await asyncio.sleep(answer.delay)
        return Response(
            orjson.dumps(answer.body),
            status_code=answer.status,
            media_type="application/json",
            headers=answer.headers,
        )

    async def _state_endpoint(self, request: Request) -> Response:
        with self._lock:
            state = {
                "shops": {
                    domain: {
                        "plan": shop.plan,
                        "maximumAvailable": shop.maximum,
                        "restoreRate": shop.restore_rate,
                        "discountCodes": {
                            d.code: {"id": d.gid, "type": d.typename, "usageCount": d.usage_count}
                            for d in shop.discounts.values()
                        },
                    }
                    for domain, shop in self._shops.items()
                },
                "requests": len(self._requests),
                "throttled": sum(1 for r in self._requests if r.outcome == "throttled"),
            }
        return Response(orjson.dumps(state), media_type="application/json")

    async def _use_code_endpoint(self, request: Request) -> Response:
        try:
            discount = self.mark_code_used(request.path_params["shop"], request.path_params["code"])
        except KeyError:
            return Response(
                orjson.dumps({"errors": "Not Found"}), status_code=404, media_type="application/json"
            )
        return Response(
            orjson.dumps({"code": discount.code, "usageCount": discount.usage_count}),
            media_type="application/json",
        )

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


# --- GraphQL helpers --------------------------------------------------------------------


def _operation(
    document: Any, name: str | None
) -> tuple[OperationDefinitionNode | None, dict[str, FragmentDefinitionNode]]:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    if name:
        chosen = [o for o in operations if o.name is not None and o.name.value == name]
        return (chosen[0] if chosen else None), fragments
    return (operations[0] if len(operations) == 1 else None), fragments


def _arguments(node: FieldNode, variables: dict[str, Any]) -> dict[str, Any]:
    return {arg.name.value: value_from_ast_untyped(arg.value, variables) for arg in node.arguments or ()}


def _selection_cost(selection_set: SelectionSetNode | None) -> int:
    """Shopify's requested cost of a selection: objects 1, scalars 0, a connection
    2 + first (or last) x its node cost."""
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.selection_set is None:
                continue
            size = None
            for arg in selection.arguments or ():
                if arg.name.value in ("first", "last"):
                    literal = value_from_ast_untyped(arg.value, {})
                    size = literal if isinstance(literal, int) else 1
            inner = _selection_cost(selection.selection_set)
            total += 2 + size * inner if size is not None else 1 + inner
        elif isinstance(selection, InlineFragmentNode):
            total += _selection_cost(selection.selection_set)
    return total


def _requested_cost(op_type: str, fields: list[FieldNode]) -> int:
    if op_type == "mutation":
        return MUTATION_COST * max(1, len(fields))
    total = 0
    for node in fields:
        if node.selection_set is not None:
            total += 1 + _selection_cost(node.selection_set)
    return max(1, total)


def _objects_in(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + sum(_objects_in(v) for v in value.values())
    if isinstance(value, list):
        return sum(_objects_in(v) for v in value)
    return 0


def _project(
    value: Any, selection_set: SelectionSetNode | None, fragments: dict[str, FragmentDefinitionNode]
) -> Any:
    """Only what the client selected, under its aliases."""
    if selection_set is None or value is None:
        return value
    if isinstance(value, list):
        return [_project(item, selection_set, fragments) for item in value]
    out: dict[str, Any] = {}
    typename = value.get("__typename")
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            name = selection.name.value
            key = selection.alias.value if selection.alias else name
            if name == "__typename":
                out[key] = typename
            elif name not in value:
                raise _GraphQLFailure(
                    f"Field '{name}' doesn't exist on type '{typename}'",
                    code="undefinedField",
                    typeName=typename,
                    fieldName=name,
                )
            else:
                out[key] = _project(value[name], selection.selection_set, fragments)
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition.name.value if selection.type_condition else None
            if condition is None or condition == typename:
                out.update(_project(value, selection.selection_set, fragments))
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is None:
                raise _GraphQLFailure(f"Fragment {selection.name.value} was used, but not defined")
            if fragment.type_condition.name.value == typename:
                out.update(_project(value, fragment.selection_set, fragments))
    return out


def _cost(shop: FakeShop, requested: int, actual: int | None) -> dict[str, Any]:
    return {
        "cost": {
            "requestedQueryCost": requested,
            "actualQueryCost": actual,
            "throttleStatus": {
                "maximumAvailable": float(shop.maximum),
                "currentlyAvailable": int(shop.available),
                "restoreRate": float(shop.restore_rate),
            },
        }
    }


def _shop_object(shop: FakeShop) -> dict[str, Any]:
    plus = shop.plan in ("plus", "shopify_plus")
    return {
        "__typename": "Shop",
        "id": shop.gid,
        "name": shop.name,
        "myshopifyDomain": shop.domain,
        "url": f"https://{shop.domain}",
        "email": f"owner@{shop.domain}",
        "currencyCode": shop.currency,
        "ianaTimezone": "UTC",
        "plan": {
            "__typename": "ShopPlan",
            "shopifyPlus": plus,
            "partnerDevelopment": False,
            "publicDisplayName": "Plus" if plus else "Basic",
        },
    }


def _discount_node(discount: FakeDiscount) -> dict[str, Any]:
    given = discount.input
    starts = given.get("startsAt")
    ends = given.get("endsAt")
    limit = given.get("usageLimit")
    status = "ACTIVE"
    if ends is not None and ends <= datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"):
        status = "EXPIRED"
    code_node = {
        "__typename": "DiscountRedeemCode",
        "id": discount.gid.replace("DiscountCodeNode", "DiscountRedeemCode"),
        "code": discount.code,
        "asyncUsageCount": discount.usage_count,
    }
    code_discount = {
        "__typename": discount.typename,
        "title": given.get("title"),
        "status": status,
        "startsAt": starts,
        "endsAt": ends,
        "usageLimit": limit,
        "appliesOncePerCustomer": bool(given.get("appliesOncePerCustomer")),
        "asyncUsageCount": discount.usage_count,
        "codesCount": {"__typename": "Count", "count": 1, "precision": "EXACT"},
        "codes": {"__typename": "DiscountRedeemCodeConnection", "nodes": [code_node]},
        "createdAt": discount.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    return {"__typename": "DiscountCodeNode", "id": discount.gid, "codeDiscount": code_discount}


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


def start_demo_fake(*, host: str = "127.0.0.1", port: int = 0, shop: str = DEMO_SHOP) -> ShopifyFake:
    """The fake ``loyalnest run`` can start beside the API (a background thread): the
    demo shop with ``DEV_ACCESS_TOKEN``, and any other shop accepted with the first
    token it presents. Point the processes at ``fake.base_url`` and ``stop()`` it at
    exit."""
    fake = ShopifyFake(host=host, port=port, auto_register=True)
    fake.add_shop(shop, token=DEV_ACCESS_TOKEN, plan="standard", name="Demo Shop")
    fake.start()
    return fake
