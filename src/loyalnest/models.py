"""Every table's metadata in one place, for Alembic and the schema-drift test.

Importing the models here (and only here, outside the contexts) registers them all.
"""

from __future__ import annotations

from sqlmodel import SQLModel

from loyalnest.contexts.audit import models as audit_models
from loyalnest.contexts.customers import models as customers_models
from loyalnest.contexts.earning import models as earning_models
from loyalnest.contexts.merchants import models as merchants_models
from loyalnest.contexts.points import models as points_models
from loyalnest.contexts.rewards import models as rewards_models
from loyalnest.contexts.shopify import admin_models as shopify_admin_models
from loyalnest.contexts.shopify import models as shopify_models
from loyalnest.platform import outbox

metadata = SQLModel.metadata

__all__ = [
    "audit_models",
    "customers_models",
    "earning_models",
    "merchants_models",
    "metadata",
    "outbox",
    "points_models",
    "rewards_models",
    "shopify_admin_models",
    "shopify_models",
]
