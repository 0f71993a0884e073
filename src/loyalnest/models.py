"""Every table's metadata in one place, for Alembic and the schema-drift test.

Loading the contexts imports each one's ``models`` (``loyalnest.contexts.CONTEXTS``),
which registers its tables on SQLModel's metadata. The outbox is the platform's own,
and integrations (leaves, not contexts) keep tables of their own too.
"""

from __future__ import annotations

from sqlmodel import SQLModel

from loyalnest import contexts
from loyalnest.integrations.shopify_admin import models as shopify_admin_models
from loyalnest.platform import outbox

contexts.load()

metadata = SQLModel.metadata

__all__ = ["metadata", "outbox", "shopify_admin_models"]
