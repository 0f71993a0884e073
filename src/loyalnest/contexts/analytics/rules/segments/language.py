"""The custom-segment rule language: its tree, tokenizer, parser and printer. Pure, no
``eval``: a rule is text a merchant typed, parsed by hand into a small tree.

    rule       := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | "(" or ")" | condition
    condition  := NUMBER_FIELD op INTEGER | NUMBER_FIELD "in" "(" INTEGER ("," INTEGER)* ")"
                | TEXT_FIELD ("=" | "!=") TEXT | TEXT_FIELD "in" "(" TEXT ("," TEXT)* ")"
                | "tags" "has" TEXT
    op         := "=" | "!=" | "<" | "<=" | ">" | ">="

Numeric fields: r, f, m (scores 1..5), points_balance, lifetime_points, last_order_days.
Text fields: segment (a built-in slug, bare or quoted), tier (a tier name, compared
case-insensitively). TEXT is a double-quoted string (``\\"`` and ``\\\\`` escape) or a
bare word. Keywords and fields are case-insensitive. Every error names what went wrong
and the character offset where (``RuleError``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from loyalnest.contexts.analytics.rules.rfm_segments import SEGMENTS

NUMBER_FIELDS = ("r", "f", "m", "points_balance", "lifetime_points", "last_order_days")
TEXT_FIELDS = ("segment", "tier")
TAGS = "tags"
FIELDS = (*NUMBER_FIELDS, *TEXT_FIELDS, TAGS)
# fields held by the analytics tables (evaluated in SQL); the rest come from other contexts
LOCAL_FIELDS = frozenset({"r", "f", "m", "segment", "last_order_days"})
OPERATORS = ("=", "!=", "<", "<=", ">", ">=")
KEYWORDS = frozenset({"and", "or", "not", "in", "has"})

MAX_RULE_LENGTH = 2000
MAX_DEPTH = 32  # nesting of parentheses and "not": keeps the recursive parser far from the stack limit
MAX_LIST = 100
MAX_INTEGER = 10**12
SCORE_FIELDS = frozenset({"r", "f", "m"})


class RuleError(ValueError):
    """A rule the language refuses: ``code`` names the mistake, ``position`` is the
    0-based character offset where it was found."""

    def __init__(self, code: str, message: str, position: int):
        super().__init__(f"{message} (at character {position + 1})")
        self.code = code
        self.detail = message
        self.position = position


# --- the tree -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Compare:
    field: str
    op: str
    value: int | str


@dataclass(frozen=True, slots=True)
class InList:
    field: str
    values: tuple[int | str, ...]


@dataclass(frozen=True, slots=True)
class Has:
    value: str  # a tag, lower case (tags compare case-insensitively)


@dataclass(frozen=True, slots=True)
class Not:
    item: Rule


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Rule, ...]


Rule = Compare | InList | Has | Not | And | Or


def fields_of(rule: Rule) -> frozenset[str]:
    """Every field the rule reads."""
    match rule:
        case Compare(field=field) | InList(field=field):
            return frozenset({field})
        case Has():
            return frozenset({TAGS})
        case Not(item=item):
            return fields_of(item)
        case And(items=items) | Or(items=items):
            return frozenset().union(*(fields_of(i) for i in items))
    raise TypeError(rule)


def local_conjuncts(rule: Rule) -> Rule | None:
    """The part of ``rule`` over RFM facts only that any match must also meet: the rule
    itself if it is RFM-only, its RFM-only conjuncts if it is an ``and``; else None."""
    if fields_of(rule) <= LOCAL_FIELDS:
        return rule
    if isinstance(rule, And):
        local = tuple(item for item in rule.items if fields_of(item) <= LOCAL_FIELDS)
        if local:
            return local[0] if len(local) == 1 else And(local)
    return None


# --- tokens -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "word", "int", "string", "op", "(", ")", ",", "end"
    text: str
    value: int | str | None
    position: int


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_INT = re.compile(r"-?[0-9]+")


def tokenize(source: str) -> list[Token]:
    """The rule's tokens, ending with an ``end`` token."""
    if len(source) > MAX_RULE_LENGTH:
        raise RuleError("too_long", f"a rule has at most {MAX_RULE_LENGTH} characters", MAX_RULE_LENGTH)
    tokens: list[Token] = []
    i, n = 0, len(source)
    while i < n:
        c = source[i]
        if c.isspace():
            i += 1
        elif c in "(),":
            tokens.append(Token(c, c, None, i))
            i += 1
        elif c in "=!<>":
            two = source[i : i + 2]
            if two in ("!=", "<=", ">="):
                tokens.append(Token("op", two, None, i))
                i += 2
            elif c == "!":
                raise RuleError("unexpected_character", "'!' must be followed by '='", i)
            else:
                tokens.append(Token("op", c, None, i))
                i += 1
        elif c == '"':
            token, i = _string(source, i)
            tokens.append(token)
        elif (number := _INT.match(source, i)) is not None:
            tokens.append(_integer(source, number))
            i = number.end()
        elif (word := _WORD.match(source, i)) is not None:
            tokens.append(Token("word", word.group(), word.group(), i))
            i = word.end()
        else:
            raise RuleError("unexpected_character", f"unexpected character {c!r}", i)
    tokens.append(Token("end", "", None, n))
    return tokens


def _integer(source: str, number: re.Match[str]) -> Token:
    text, start, end = number.group(), number.start(), number.end()
    if end < len(source) and (source[end].isalpha() or source[end] == "_"):
        raise RuleError("unexpected_character", f"a number cannot run into letters: {text!r}", start)
    value = int(text)
    if abs(value) > MAX_INTEGER:
        raise RuleError("bad_value", f"the number {text} is too large", start)
    return Token("int", text, value, start)


def _string(source: str, start: int) -> tuple[Token, int]:
    """A double-quoted string starting at ``start``, and the offset just after it."""
    out: list[str] = []
    i = start + 1
    while i < len(source):
        c = source[i]
        if c == "\\":
            if i + 1 < len(source) and source[i + 1] in '"\\':
                out.append(source[i + 1])
                i += 2
                continue
            raise RuleError("bad_escape", 'only \\" and \\\\ may be escaped in a string', i)
        if c == '"':
            return Token("string", source[start : i + 1], "".join(out), start), i + 1
        out.append(c)
        i += 1
    raise RuleError("unterminated_string", "a string is not closed with '\"'", start)


# --- parser -----------------------------------------------------------------------------------


def parse_rule(source: str) -> Rule:
    """The rule's tree, or ``RuleError`` naming the first mistake and where it is."""
    parser = _Parser(tokenize(source))
    if parser.peek.kind == "end":
        raise RuleError("empty", "the rule is empty", 0)
    rule = parser.disjunction(0)
    if parser.peek.kind != "end":
        raise parser.unexpected("'and', 'or' or the end of the rule")
    return rule


class _Parser:
    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.at = 0

    @property
    def peek(self) -> Token:
        return self.tokens[self.at]

    def take(self) -> Token:
        token = self.tokens[self.at]
        if token.kind != "end":
            self.at += 1
        return token

    def is_word(self, *words: str) -> bool:
        token = self.peek
        return token.kind == "word" and str(token.value).lower() in words

    def unexpected(self, wanted: str) -> RuleError:
        token = self.peek
        if token.kind == "end":
            return RuleError("unexpected_end", f"the rule ends where {wanted} was expected", token.position)
        return RuleError("unexpected_token", f"expected {wanted}, found {token.text!r}", token.position)

    def disjunction(self, depth: int) -> Rule:
        items = [self.conjunction(depth)]
        while self.is_word("or"):
            self.take()
            items.append(self.conjunction(depth))
        return items[0] if len(items) == 1 else Or(tuple(items))

    def conjunction(self, depth: int) -> Rule:
        items = [self.negation(depth)]
        while self.is_word("and"):
            self.take()
            items.append(self.negation(depth))
        return items[0] if len(items) == 1 else And(tuple(items))

    def negation(self, depth: int) -> Rule:
        if depth >= MAX_DEPTH:
            raise RuleError("too_deep", f"a rule nests at most {MAX_DEPTH} levels", self.peek.position)
        if self.is_word("not"):
            self.take()
            return Not(self.negation(depth + 1))
        if self.peek.kind == "(":
            self.take()
            inner = self.disjunction(depth + 1)
            if self.peek.kind != ")":
                raise self.unexpected("')'")
            self.take()
            return inner
        return self.condition()

    def condition(self) -> Rule:
        token = self.peek
        if token.kind != "word" or str(token.value).lower() in KEYWORDS:
            raise self.unexpected("a field (" + ", ".join(FIELDS) + ")")
        field = str(token.value).lower()
        if field not in FIELDS:
            raise RuleError(
                "unknown_field",
                f"unknown field {token.text!r}; fields are " + ", ".join(FIELDS),
                token.position,
            )
        self.take()
        if field == TAGS:
            if not self.is_word("has"):
                raise self.unexpected("'has' (tags has \"a tag\")")
            self.take()
            return Has(str(self.text_value(field)).lower())
        if self.is_word("in"):
            self.take()
            return InList(field, self.value_list(field))
        op = self.peek
        if op.kind != "op":
            raise self.unexpected("an operator (= != < <= > >= in)")
        if field in TEXT_FIELDS and op.text not in ("=", "!="):
            raise RuleError("bad_operator", f"{field} is compared with = != or in only", op.position)
        self.take()
        return Compare(field, op.text, self.value(field))

    def value_list(self, field: str) -> tuple[int | str, ...]:
        if self.peek.kind != "(":
            raise self.unexpected("'(' opening the list of values")
        self.take()
        values = [self.value(field)]
        while self.peek.kind == ",":
            self.take()
            values.append(self.value(field))
            if len(values) > MAX_LIST:
                raise RuleError("bad_value", f"a list has at most {MAX_LIST} values", self.peek.position)
        if self.peek.kind != ")":
            raise self.unexpected("',' or ')'")
        self.take()
        return tuple(values)

    def value(self, field: str) -> int | str:
        return self.text_value(field) if field in TEXT_FIELDS else self.number_value(field)

    def number_value(self, field: str) -> int:
        token = self.peek
        if token.kind != "int":
            raise self.unexpected(f"a whole number for {field}")
        value = int(token.text)
        if field in SCORE_FIELDS and not 1 <= value <= 5:
            raise RuleError("bad_value", f"{field} is a score from 1 to 5, not {value}", token.position)
        self.take()
        return value

    def text_value(self, field: str) -> str:
        token = self.peek
        if token.kind not in ("string", "word") or (
            token.kind == "word" and str(token.value).lower() in KEYWORDS
        ):
            raise self.unexpected(f"a quoted text value for {field}")
        value = str(token.value)
        if field == "segment":
            value = value.lower()
            if value not in SEGMENTS:
                raise RuleError(
                    "bad_value",
                    f"unknown segment {token.text!r}; segments are " + ", ".join(SEGMENTS),
                    token.position,
                )
        elif not value.strip():
            raise RuleError("bad_value", f"{field} needs a non-empty value", token.position)
        self.take()
        return value


# --- printer and storage ----------------------------------------------------------------------


def format_rule(rule: Rule) -> str:
    """The rule in canonical form: ``parse_rule(format_rule(x)) == x``."""
    match rule:
        case Compare(field=field, op=op, value=value):
            return f"{field} {op} {_literal(value)}"
        case InList(field=field, values=values):
            return f"{field} in (" + ", ".join(_literal(v) for v in values) + ")"
        case Has(value=value):
            return f"tags has {_literal(value)}"
        case Not(item=item):
            inner = format_rule(item)
            return f"not ({inner})" if isinstance(item, And | Or) else f"not {inner}"
        case And(items=items):
            return " and ".join(
                f"({format_rule(i)})" if isinstance(i, And | Or) else format_rule(i) for i in items
            )
        case Or(items=items):
            return " or ".join(f"({format_rule(i)})" if isinstance(i, Or) else format_rule(i) for i in items)
    raise TypeError(rule)


def _literal(value: int | str) -> str:
    if isinstance(value, int):
        return str(value)
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_json(rule: Rule) -> dict[str, Any]:
    """The tree as stored in ``parsed_rule`` (jsonb)."""
    match rule:
        case Compare(field=field, op=op, value=value):
            return {"cmp": [field, op, value]}
        case InList(field=field, values=values):
            return {"in": [field, list(values)]}
        case Has(value=value):
            return {"has": value}
        case Not(item=item):
            return {"not": to_json(item)}
        case And(items=items):
            return {"and": [to_json(i) for i in items]}
        case Or(items=items):
            return {"or": [to_json(i) for i in items]}
    raise TypeError(rule)


def from_json(data: dict[str, Any]) -> Rule:
    """The tree ``to_json`` stored (trusted: only parsed rules are stored)."""
    (kind, body), *_ = data.items()
    if kind == "cmp":
        return Compare(str(body[0]), str(body[1]), body[2])
    if kind == "in":
        return InList(str(body[0]), tuple(body[1]))
    if kind == "has":
        return Has(str(body))
    if kind == "not":
        return Not(from_json(body))
    if kind == "and":
        return And(tuple(from_json(i) for i in body))
    if kind == "or":
        return Or(tuple(from_json(i) for i in body))
    raise ValueError(f"unknown rule node {kind!r}")
