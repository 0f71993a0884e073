"""Privacy: Shopify's compliance webhooks and the duties behind them, with a log that proves each was done."""
