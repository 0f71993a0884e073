"""All SQL of the points context, by concern; every call takes the merchant id (the
passes across shops excepted). Re-exported here so callers write ``repository.X``."""

from loyalnest.contexts.points.repository.expiry import (
    cancel_stale_reminders,
    customers_with_due_lots,
    record_expiry_reminders,
    shops_with_due_reminders,
    shops_with_lots_expiring,
)
from loyalnest.contexts.points.repository.lots import (
    LotRow,
    RedemptionLots,
    expiring_points,
    lot_of_entry,
    lots_of_entries,
    open_lots,
    redemption_lots,
)
from loyalnest.contexts.points.repository.policies import (
    PolicyRow,
    get_policy,
    insert_policy,
    lock_policy,
    update_policy,
)
from loyalnest.contexts.points.repository.postings import (
    AccountState,
    Consumption,
    LedgerRow,
    LotChange,
    NewEntry,
    NewLot,
    get_entries_by_keys,
    get_entry_by_key,
    lock_accounts,
    set_balances,
    write_postings,
)
from loyalnest.contexts.points.repository.reads import (
    AccountRow,
    count_entries,
    get_accounts,
    get_entries,
    list_entries,
    list_entries_for_customers,
)
from loyalnest.contexts.points.repository.verify import find_ledger_mismatches, find_lot_mismatches

__all__ = [
    "AccountRow",
    "AccountState",
    "Consumption",
    "LedgerRow",
    "LotChange",
    "LotRow",
    "NewEntry",
    "NewLot",
    "PolicyRow",
    "RedemptionLots",
    "cancel_stale_reminders",
    "count_entries",
    "customers_with_due_lots",
    "expiring_points",
    "find_ledger_mismatches",
    "find_lot_mismatches",
    "get_accounts",
    "get_entries",
    "get_entries_by_keys",
    "get_entry_by_key",
    "get_policy",
    "insert_policy",
    "list_entries",
    "list_entries_for_customers",
    "lock_accounts",
    "lock_policy",
    "lot_of_entry",
    "lots_of_entries",
    "open_lots",
    "record_expiry_reminders",
    "redemption_lots",
    "set_balances",
    "shops_with_due_reminders",
    "shops_with_lots_expiring",
    "update_policy",
    "write_postings",
]
