"""All SQL of the earning context, by concern; every call takes the merchant id (the
release pass across shops excepted). Re-exported here so callers write ``repository.X``."""

from loyalnest.contexts.earning.repository.orders import (
    OrderRow,
    insert_refund,
    products_tagged,
    settle_provisional_refunds,
    update_orders,
    upsert_order,
    upsert_orders,
    upsert_product_tags,
)
from loyalnest.contexts.earning.repository.pending import (
    PendingRow,
    due_pending,
    insert_pending,
    lock_pending,
    pending_points,
    update_pending,
)
from loyalnest.contexts.earning.repository.purchase import (
    PurchaseRow,
    get_purchase_rule,
    insert_purchase_rule,
    lock_purchase_rule,
    update_purchase_rule,
)
from loyalnest.contexts.earning.repository.rules import (
    RuleRow,
    SecretRow,
    claim_birthdays,
    get_rules,
    get_secret,
    insert_rules,
    insert_secret,
    lock_earning_rule,
    replace_secret,
    update_earning_rule,
)

__all__ = [
    "OrderRow",
    "PendingRow",
    "PurchaseRow",
    "RuleRow",
    "SecretRow",
    "claim_birthdays",
    "due_pending",
    "get_purchase_rule",
    "get_rules",
    "get_secret",
    "insert_pending",
    "insert_purchase_rule",
    "insert_refund",
    "insert_rules",
    "insert_secret",
    "lock_earning_rule",
    "lock_pending",
    "lock_purchase_rule",
    "pending_points",
    "products_tagged",
    "replace_secret",
    "settle_provisional_refunds",
    "update_earning_rule",
    "update_orders",
    "update_pending",
    "update_purchase_rule",
    "upsert_order",
    "upsert_orders",
    "upsert_product_tags",
]
