"""Actors and periodic jobs, declared where their work lives.

Each context declares its Dramatiq actors in its own ``tasks.py`` with ``@actor`` (and
``@periodic`` for the recurring ones). Declaring only records them: the worker process
binds them to its broker (``declare_actors``) once the broker exists, and the scheduler
sends the periodic ones. A new context's jobs therefore need no line anywhere else.

Senders never import actor functions: they name the actor (``platform.queue.send`` or
``UnitOfWork.enqueue``), so the API process needs no actor code at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class ActorSpec:
    name: str
    queue_name: str
    fn: Callable[..., Any]
    # passed to ``dramatiq.actor`` (throws, max_retries, time_limit, ...)
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PeriodicJob:
    """An actor the scheduler sends every ``every_seconds`` (named, never imported)."""

    actor_name: str
    queue_name: str
    every_seconds: float
    kwargs: dict[str, Any] = field(default_factory=dict)


_actors: dict[str, ActorSpec] = {}
_periodic: dict[str, PeriodicJob] = {}


def actor(name: str, *, queue_name: str, **options: Any) -> Callable[[F], F]:
    """Declare the decorated async function as the actor ``name`` ("<ctx>.<verb_noun>")
    on ``queue_name``. The function itself is returned unchanged (callable in tests)."""

    def declare(fn: F) -> F:
        _actors[name] = ActorSpec(name, queue_name, fn, options)
        fn.__loyalnest_actor__ = name  # type: ignore[attr-defined]
        return fn

    return declare


def periodic(every_seconds: float, **kwargs: Any) -> Callable[[F], F]:
    """Have the scheduler send the decorated actor every ``every_seconds`` (at most once
    per period across the fleet). Goes above ``@actor``."""

    def schedule(fn: F) -> F:
        name = getattr(fn, "__loyalnest_actor__", None)
        if name is None:
            raise TypeError("@periodic goes above @actor")
        spec = _actors[name]
        _periodic[name] = PeriodicJob(name, spec.queue_name, every_seconds, dict(kwargs))
        return fn

    return schedule


def actors() -> list[ActorSpec]:
    return list(_actors.values())


def periodic_jobs() -> list[PeriodicJob]:
    return list(_periodic.values())


def declare_actors(broker: Any) -> None:
    """Bind every declared actor to ``broker`` (the worker's, set up by workers.broker)."""
    import dramatiq

    for spec in _actors.values():
        declare = dramatiq.actor(
            actor_name=spec.name, queue_name=spec.queue_name, broker=broker, **spec.options
        )
        declare(spec.fn)


# --- relays -------------------------------------------------------------------------------

Relay = Callable[..., Any]
_relays: dict[str, Relay] = {}


def relay(name: str) -> Callable[[F], F]:
    """Declare ``async def fn(*, older_than_seconds: float) -> int``: re-sends work of
    this context that never reached the broker (rows older than that still waiting).
    The scheduler runs every relay once per pass, under one fleet-wide lock."""

    def declare(fn: F) -> F:
        _relays[name] = fn
        return fn

    return declare


def relays() -> dict[str, Relay]:
    return dict(_relays)
