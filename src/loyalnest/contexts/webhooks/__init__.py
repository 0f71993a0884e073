"""Shopify webhook intake: verify, store, parse, and publish what happened as events."""
