"""Leaves that talk to the outside world (Shopify's Admin API today).

An integration imports only ``loyalnest.platform`` (and reads settings where a
process has not configured it): never a context. What it needs from a context (a
shop's access token) comes through a port the context side plugs in, so any context
may call an integration and none is called back by it.
"""
