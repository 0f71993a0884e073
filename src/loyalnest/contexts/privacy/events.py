"""Public integration events of the privacy context.

``ConsentChanged`` is declared in the shared kernel (``platform.consents``, where the
contexts privacy depends on can handle it without an import cycle) and published by
privacy's consents (``privacy.consents.commands``); this is its public name for every
other context."""

from __future__ import annotations

from loyalnest.platform.consents import CONSENT_SOURCES, CONSENT_TYPES, ConsentChanged

__all__ = ["CONSENT_SOURCES", "CONSENT_TYPES", "ConsentChanged"]
