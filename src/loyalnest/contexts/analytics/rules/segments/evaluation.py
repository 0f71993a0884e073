"""Evaluating a parsed rule against one customer's facts (the reference semantics; the
SQL the repository generates for RFM-only rules must agree with it, and a test checks).

Missing facts (no RFM row: no scores, no last order; no tier) make every comparison on
them false, and ``not`` is plain boolean negation of that (two-valued logic, so "not r
>= 4" includes customers without scores)."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from loyalnest.contexts.analytics.rules.rfm_segments import OTHER
from loyalnest.contexts.analytics.rules.segments.language import (
    LOCAL_FIELDS,
    And,
    Compare,
    Has,
    InList,
    Not,
    Or,
    Rule,
)


@dataclass(frozen=True, slots=True)
class CustomerFacts:
    r: int | None = None
    f: int | None = None
    m: int | None = None
    segment: str = OTHER
    last_order_days: int | None = None
    tier: str | None = None  # the tier's name
    points_balance: int = 0
    lifetime_points: int = 0
    tags: frozenset[str] = frozenset()  # lower case


# facts of a customer nobody knows anything about: a rule true for it cannot be
# evaluated on the RFM table alone (customers without a row would be missed)
BLANK = CustomerFacts()

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _fact(facts: CustomerFacts, field: str) -> int | str | None:
    value = getattr(facts, field)
    if field == "tier" and value is not None:
        return str(value).casefold()
    return value  # type: ignore[no-any-return]


def _norm(field: str, value: int | str) -> int | str:
    return value.casefold() if field == "tier" and isinstance(value, str) else value


def matches(rule: Rule, facts: CustomerFacts) -> bool:
    """Whether the customer with these facts is in the segment the rule describes."""
    match rule:
        case Compare(field=field, op=op, value=value):
            have = _fact(facts, field)
            return have is not None and _OPS[op](have, _norm(field, value))
        case InList(field=field, values=values):
            have = _fact(facts, field)
            return have is not None and have in {_norm(field, v) for v in values}
        case Has(value=value):
            return value in facts.tags
        case Not(item=item):
            return not matches(item, facts)
        case And(items=items):
            return all(matches(i, facts) for i in items)
        case Or(items=items):
            return any(matches(i, facts) for i in items)
    raise TypeError(rule)


def can_match_unscored(rule: Rule) -> bool:
    """Whether some customer without an RFM row (blank local facts) could match, whatever
    their tier, points and tags: the rule evaluated in three-valued logic with those
    unknown. False lets a refresh look at scored customers only."""
    return _known(rule) is not False


def _known(rule: Rule) -> bool | None:
    match rule:
        case Compare(field=field) | InList(field=field):
            return matches(rule, BLANK) if field in LOCAL_FIELDS else None
        case Has():
            return None
        case Not(item=item):
            inner = _known(item)
            return None if inner is None else not inner
        case And(items=items):
            values = [_known(i) for i in items]
            return False if False in values else (True if all(values) else None)
        case Or(items=items):
            values = [_known(i) for i in items]
            return True if True in values else (False if all(v is False for v in values) else None)
    raise TypeError(rule)
