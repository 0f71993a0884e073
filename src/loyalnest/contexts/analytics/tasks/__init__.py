"""Actors and periodic jobs of the analytics context (declared on import)."""

from loyalnest.contexts.analytics.tasks import nudges, products, program, rfm, segments

__all__ = ["nudges", "products", "program", "rfm", "segments"]
