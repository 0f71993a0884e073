"""The bounded contexts, in one list.

A context is its folder here (and, if it has a GraphQL face, ``loyalnest/graphql/<name>``),
its migration, and one line in ``CONTEXTS``. Everything else finds it by convention:

- ``models``   tables (Alembic and the drift test see them; encrypted columns declared)
- ``handlers`` reactions to other contexts' events (``platform.events.handles``)
- ``tasks``    actors and periodic jobs (``platform.jobs.actor`` / ``periodic``)
- ``loyalnest.graphql.<name>`` its GraphQL roots, loaders and Customer/Me fields

The order matters in one way: handlers of the same event run in this order. Contexts
that lock rows other contexts' handlers lock later come first (rewards marks a used
code's redemption before earning locks the customer's points account), the order
every path takes, so two transactions never wait on each other in a circle.
"""

from __future__ import annotations

import importlib
import importlib.util

CONTEXTS: tuple[str, ...] = (
    "audit",
    "merchants",
    "customers",
    "points",
    "rewards",
    "earning",
    "tiers",
    "campaigns",
    "notifications",
    "referrals",
    "analytics",
    "privacy",
    "imports",
    "webhooks",
)

_PARTS = ("models", "handlers", "tasks")
_loaded = False


def _import_if_present(module: str) -> None:
    if importlib.util.find_spec(module) is not None:
        importlib.import_module(module)


def load() -> None:
    """Import every context's models, handlers and tasks (registering tables, event
    handlers, actors and periodic jobs). Idempotent; called by every process entry
    point (API, worker, scheduler, CLI) before it does any work."""
    global _loaded
    if _loaded:
        return
    from loyalnest.platform import events

    for name in CONTEXTS:
        for part in _PARTS:
            _import_if_present(f"{__name__}.{name}.{part}")
    events.mark_loaded()
    _loaded = True
