"""Program analytics reacts to no event in the publisher's transaction, on purpose: its
daily rollups are kept by the ``analytics.refresh_program_rollups`` periodic pass
(``tasks.program``), which reads the ledger by primary-key range once a minute, so the
webhooks' hot path carries no statement of it (the issue measures that path)."""
