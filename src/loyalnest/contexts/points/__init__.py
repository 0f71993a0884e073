"""Points: the ledger (append-only entries, balances, lots), the expiry policy and its
pass, and live balance updates."""
