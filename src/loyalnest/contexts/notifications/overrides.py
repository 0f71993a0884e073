"""A preview's sample overrides (JSON from the dashboard, variable name -> value) read as
the variables' own types, with an error for each name the type does not declare and each
value that is not of its variable's type, so the preview can show them all at once."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from loyalnest.contexts.notifications import registry
from loyalnest.contexts.notifications.rendering import TemplateError

FIELD = "sampleOverrides"


class _Refused(Exception):
    """A value that is not of its variable's type; the message says what is expected."""


def _as_datetime(value: Any) -> datetime:
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _as_money(value: Any) -> registry.Money:
    if isinstance(value, Mapping):
        amount, currency = value.get("amount"), value.get("currency")
    else:
        amount, _, currency = str(value).strip().partition(" ")
    if not isinstance(currency, str) or len(currency.strip()) != 3:
        raise _Refused('money is "10.00 USD" or {"amount": "10.00", "currency": "USD"}')
    return registry.Money(Decimal(str(amount)), currency.strip().upper())


def _convert(variable: registry.Variable, value: Any) -> Any:
    kind = variable.type
    if kind in ("string", "url"):
        if not isinstance(value, str):
            raise _Refused("expected a string")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise _Refused("expected a whole number")
        return int(value)
    if kind == "money":
        return _as_money(value)
    if kind == "date":
        return date.fromisoformat(str(value))
    if kind == "datetime":
        return _as_datetime(value)
    if kind == "string_list":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _Refused("expected a list of strings")
        if len(value) > registry.MAX_LIST_ITEMS:
            raise _Refused(f"at most {registry.MAX_LIST_ITEMS} items")
        return list(value)
    raise _Refused(f"unsupported type {kind}")  # pragma: no cover - the registry's types


def parse_overrides(
    message_type: registry.MessageType, raw: Any
) -> tuple[dict[str, Any], list[TemplateError]]:
    """The overrides as their variables' types, and an error for each that is not."""
    if raw is None:
        return {}, []
    if not isinstance(raw, Mapping):
        return {}, [TemplateError(field=FIELD, message="expected an object", line=None, column=None)]
    values: dict[str, Any] = {}
    errors: list[TemplateError] = []
    for name, value in raw.items():
        variable = message_type.variable(str(name))
        where = f"{FIELD}.{name}"
        if variable is None:
            message = f"unknown variable '{name}'"
            errors.append(TemplateError(field=where, message=message, line=None, column=None))
            continue
        try:
            values[variable.name] = _convert(variable, value)
        except (_Refused, ValueError, InvalidOperation) as exc:
            message = str(exc) if isinstance(exc, _Refused) else f"not a valid {variable.type}"
            errors.append(TemplateError(field=where, message=message, line=None, column=None))
    return values, errors
