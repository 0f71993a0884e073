"""The ledger: posting (with lots), reversals, expiry policy and reminders, verification."""
