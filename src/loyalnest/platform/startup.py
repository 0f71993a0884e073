"""Work a process does once before it serves, declared by the contexts that need it
(``@startup.warm``), run by the API's lifespan and the worker's boot: loading data the
first request would otherwise wait for (a notification preview's locale data, say).
Nothing here may need the database or Redis: it runs before either is used."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

_warmers: list[Callable[[], None]] = []


def warm(fn: Callable[[], None]) -> Callable[[], None]:
    """Declare ``fn`` to run once at process start (after the contexts are loaded)."""
    _warmers.append(fn)
    return fn


def run_warmers() -> None:
    for fn in _warmers:
        started = time.perf_counter()
        fn()
        log.debug("warmed up", extra={"what": fn.__qualname__, "ms": 1000 * (time.perf_counter() - started)})
