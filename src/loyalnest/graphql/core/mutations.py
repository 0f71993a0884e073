"""The one mutation helper: every mutation resolver is its business and nothing else.

    @strawberry.mutation(permission_classes=[IsStaff, CanAdjustPoints], description="...")
    @mutation(AdjustPointsPayload, ids={"customer_id": "Customer"})
    async def adjust_points(self, info: Info, write: Write, customer_id: int, delta: int) -> ...:
        ...
        result = await points.adjust_points(write.uow, ...)
        write.changed_customer(customer_id)
        return AdjustPointsPayload(transaction=..., customer=..., user_errors=[])

The helper
- decodes the global ids named in ``ids`` (argument -> GraphQL type name): the schema
  shows the argument as ``ID``, the body gets the local id, and an id that is malformed
  or names another type is refused as ``NOT_FOUND`` ("customer not found", field
  "customerId") before the body runs;
- opens the unit of work the body writes through (``write.uow``) and commits it when the
  body returns; ``unit_of_work=False`` for a body that calls a flow, which opens its own;
- turns a ``DomainError`` raised by the ids, the body or the commit into the payload's
  ``userErrors`` (every other field null), after the transaction rolled back;
- after a commit, drops the request's cached loads the body said it changed
  (``write.changed_customer(id)``, ``write.changed("reward", id)``), so the payload's
  fields and later mutations of the same request read the new state;
- makes the root field nullable (``Payload``, not ``Payload!``): a refusal (a missing
  role) is an error on that field's own path, and never nulls the whole ``data``, which
  would hide the payloads of the document's other mutations, already committed.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import re
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from typing import Annotated, Any, TypeVar, get_origin

import strawberry
from strawberry.types import Info
from strawberry.utils.str_converters import to_camel_case

from loyalnest.graphql.core.errors import UserError, user_error_code
from loyalnest.graphql.core.ids import decode_id
from loyalnest.graphql.core.loaders import CUSTOMER
from loyalnest.platform.errors import DomainError, NotFound
from loyalnest.platform.uow import UnitOfWork
from loyalnest.platform.uow import unit_of_work as open_unit_of_work

P = TypeVar("P")
Body = Callable[..., Awaitable[P]]

# the parameter of the body that receives the Write handle (not a GraphQL argument)
WRITE_PARAMETER = "write"


class Write:
    """What the helper hands a mutation's body: the open unit of work, and a note of the
    cached loads the write changes."""

    __slots__ = ("_changed", "_uow")

    def __init__(self, uow: UnitOfWork | None):
        self._uow = uow
        self._changed: list[tuple[str, Hashable]] = []

    @property
    def uow(self) -> UnitOfWork:
        if self._uow is None:
            raise RuntimeError("this mutation runs without a unit of work (the flow it calls opens its own)")
        return self._uow

    def changed(self, kind: str, key: Hashable) -> None:
        """After the commit, forget the loads keyed ``key`` of loaders invalidated on ``kind``."""
        self._changed.append((kind, key))

    def changed_customer(self, customer_id: int) -> None:
        self.changed(CUSTOMER, customer_id)


def not_found(type_name: str, field: str) -> NotFound:
    """The refusal for an id that names nothing of this shop: "customer not found"."""
    return NotFound(f"{_words(type_name)} not found", field=field)


def decode_or_refuse(global_id: str, type_name: str, *, field: str) -> int:
    """The local id behind ``global_id``, or ``NOT_FOUND`` (for ids a body decodes itself,
    when the order of its refusals matters)."""
    local_id = decode_id(global_id, type_name)
    if local_id is None:
        raise not_found(type_name, field)
    return local_id


def user_error(exc: DomainError, path: Sequence[str] = ()) -> UserError:
    """``exc`` as a userError; ``path`` prefixes its field (an input object's fields)."""
    field = [*path, exc.field] if exc.field else (list(path) or None)
    return UserError(field=field, message=exc.message, code=user_error_code(exc.code))


def mutation(
    payload: type[P],
    *,
    ids: Mapping[str, str] | None = None,
    unit_of_work: bool = True,
    error_path: Callable[[DomainError], Sequence[str]] | None = None,
) -> Callable[[Body[P]], Body[P]]:
    """Wrap a mutation body (see the module docstring). ``error_path`` gives the field
    prefix of a refusal (e.g. ``("input",)``) when the body's arguments are input objects."""
    declared_ids = dict(ids or {})

    def decorate(body: Body[P]) -> Body[P]:
        signature = inspect.signature(body)
        if WRITE_PARAMETER not in signature.parameters:
            raise TypeError(f"{body.__qualname__} must take a `{WRITE_PARAMETER}: Write` parameter")
        missing = set(declared_ids) - set(signature.parameters)
        if missing:
            raise TypeError(f"{body.__qualname__} has no argument {sorted(missing)}")
        fields = {name: to_camel_case(name) for name in declared_ids}
        exposed = _graphql_signature(body, signature, declared_ids).replace(return_annotation=payload | None)
        make: Any = payload  # a Strawberry type: a dataclass of its fields
        others = [f.name for f in dataclasses.fields(make) if f.name != "user_errors"]

        def failed(exc: DomainError) -> P:
            path = error_path(exc) if error_path is not None else ()
            return make(**dict.fromkeys(others), user_errors=[user_error(exc, path)])

        @functools.wraps(body)
        async def resolver(self: Any, info: Info, **kwargs: Any) -> P:
            try:
                for name, type_name in declared_ids.items():
                    value = kwargs.get(name)
                    if value is not None:
                        kwargs[name] = decode_or_refuse(value, type_name, field=fields[name])
                if unit_of_work:
                    async with open_unit_of_work() as uow:
                        write = Write(uow)
                        result = await body(self, info, write, **kwargs)
                else:
                    write = Write(None)
                    result = await body(self, info, write, **kwargs)
            except DomainError as exc:
                return failed(exc)
            if write._changed:
                loaders = info.context.loaders
                for kind, key in write._changed:
                    loaders.forget(kind, key)
            return result

        # What Strawberry reads to build the field's arguments: the body's, without the
        # Write handle, with the declared ids as ID.
        resolver.__signature__ = exposed  # type: ignore[attr-defined]
        resolver.__annotations__ = {
            name: p.annotation for name, p in exposed.parameters.items() if p.annotation is not p.empty
        } | {"return": exposed.return_annotation}
        del resolver.__wrapped__  # type: ignore[attr-defined]
        return resolver

    return decorate


def _graphql_signature(
    body: Body[Any], signature: inspect.Signature, ids: Mapping[str, str]
) -> inspect.Signature:
    parameters = []
    for name, parameter in signature.parameters.items():
        if name == WRITE_PARAMETER:
            continue
        if name in ids:
            optional = parameter.default is None
            id_type: Any = strawberry.ID | None if optional else strawberry.ID
            parameter = parameter.replace(
                annotation=Annotated[id_type, *_id_metadata(body, parameter, ids[name])]
            )
        parameters.append(parameter)
    return signature.replace(parameters=parameters)


def _id_metadata(body: Body[Any], parameter: inspect.Parameter, type_name: str) -> tuple[Any, ...]:
    """The argument's own ``strawberry.argument`` (``Annotated[int, ...]``), or one
    describing it as the global id it is."""
    annotation = parameter.annotation
    if isinstance(annotation, str):  # postponed (``from __future__ import annotations``)
        annotation = eval(annotation, body.__globals__)  # the body's own source, as Strawberry would
    if get_origin(annotation) is Annotated:
        return tuple(annotation.__metadata__)
    return (strawberry.argument(description=f"The {_words(type_name)}'s global id."),)


def _words(type_name: str) -> str:
    """RewardTitle -> "reward title"."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", type_name).lower()
