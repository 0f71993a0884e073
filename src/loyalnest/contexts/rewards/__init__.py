"""Rewards: the catalog customers spend points on, and redemptions into Shopify discount codes."""
