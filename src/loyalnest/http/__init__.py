"""Non-GraphQL transport: Shopify webhooks, app proxy, health and metrics."""
