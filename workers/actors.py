"""Declares every context's actors on the configured broker.

Actors live in each context's ``tasks.py`` (``platform.jobs.actor``); this loads the
contexts and binds what they declared to the broker ``workers.broker`` set up. The
worker processes (``workers.main``) and the tests import it after ``configure_broker``;
a new context's actors need no line here.
"""

from __future__ import annotations

import dramatiq

from loyalnest import contexts
from loyalnest.platform import jobs

contexts.load()
jobs.declare_actors(dramatiq.get_broker())
