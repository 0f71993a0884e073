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
  different code."); ``discountCodeDeactivate(id:)`` / ``discountCodeActivate(id:)``
  switch a code off and on (campaign discounts);
- bulk query operations: ``bulkOperationRunQuery(query:)`` over the shop's
  ``customers`` or ``orders`` (``add_customer_object``/``add_order``, or the demo
  history of ``seed_history``; a ``query: "created_at:>=..."`` filter honoured), one
  running per shop (a second is refused with Shopify's ``OPERATION_IN_PROGRESS``
  userError), ``currentBulkOperation`` and ``node(id:)`` moving it CREATED -> RUNNING
  -> COMPLETED one read at a time (or FAILED with an ``errorCode``:
  ``fail_next_bulk_operation``), its ``url`` a JSONL download on the fake itself
  (``GET /__fake__/bulk/{shop}/{n}.jsonl``, no token, streamed) in Shopify's format:
  nested connections (an order's ``lineItems``) flattened into lines with
  ``__parentId``;
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

Modules: ``constants`` (the dev token, plan limits, costs, messages), ``records``
(shops, codes, recorded requests, faults), ``inputs`` (the mutations' input types and
Shopify's checks of them), ``documents`` (GraphQL: operation, arguments, cost,
projection), ``objects`` (the shop and discount objects answered), ``bulk`` (customers, orders,
the JSONL of bulk operations, the demo history), ``state``
(arranging and inspecting), ``execution`` (one request under the lock), ``server``
(``ShopifyFake``: the HTTP server) and ``demo`` (``start_demo_fake``).
"""

from loyalnest.devtools.shopify_fake.constants import (
    CODE_TAKEN,
    DEMO_SHOP,
    DEV_ACCESS_TOKEN,
    MUTATION_COST,
    PLAN_LIMITS,
    SINGLE_QUERY_MAX_COST,
    THROTTLED_DOCS,
    UNAUTHORIZED,
)
from loyalnest.devtools.shopify_fake.demo import start_demo_fake
from loyalnest.devtools.shopify_fake.inputs import INPUT_TYPES
from loyalnest.devtools.shopify_fake.records import FakeDiscount, FakeShop, RecordedRequest
from loyalnest.devtools.shopify_fake.server import ShopifyFake

__all__ = [
    "CODE_TAKEN",
    "DEMO_SHOP",
    "DEV_ACCESS_TOKEN",
    "INPUT_TYPES",
    "MUTATION_COST",
    "PLAN_LIMITS",
    "SINGLE_QUERY_MAX_COST",
    "THROTTLED_DOCS",
    "UNAUTHORIZED",
    "FakeDiscount",
    "FakeShop",
    "RecordedRequest",
    "ShopifyFake",
    "start_demo_fake",
]
