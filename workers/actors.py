"""Every actor module, imported once to declare its actors on the configured broker.

``workers.main`` (the worker processes) and the tests import this module after
``configure_broker``; add a line here when a context gains actors.
"""

from __future__ import annotations

import workers.earning
import workers.points
import workers.rewards
import workers.shopify  # noqa: F401
