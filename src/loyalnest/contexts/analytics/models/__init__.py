"""Tables of the analytics context, one module per concern (importing this package
registers them all with SQLModel's metadata)."""

from loyalnest.contexts.analytics.models import consents, nudges, products, program, rfm, segments

__all__ = ["consents", "nudges", "products", "program", "rfm", "segments"]
