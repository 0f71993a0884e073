"""The Shopify Admin GraphQL API, as one leaf integration: the client (per-shop token,
shared Redis leaky bucket, retries, usage records) and the calls made through it
(discount codes, the shop, a customer). Callers use ``api``::

    from loyalnest.integrations.shopify_admin import api as shopify_admin

Modules: ``config`` (where and how to call), ``credentials`` (the port giving a shop's
token), ``client`` (``admin_graphql``: one document, retries, throttle), ``throttle``
(the bucket in Redis), ``cost`` (Shopify's ``extensions.cost``), ``usage`` /
``repository`` / ``models`` (the per-minute usage table), ``discounts`` and ``shop``
(the documents and their DTOs).
"""
