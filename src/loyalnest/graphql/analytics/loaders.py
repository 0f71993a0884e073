"""Analytics' DataLoaders: importing each concern's ``loaders`` module registers them."""

from __future__ import annotations

import importlib
import importlib.util

for _concern in ("rfm", "segments", "program", "nudges", "products"):
    _module = f"loyalnest.graphql.analytics.{_concern}.loaders"
    if importlib.util.find_spec(_module) is not None:
        importlib.import_module(_module)
