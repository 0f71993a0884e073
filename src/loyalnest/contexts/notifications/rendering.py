"""Merchant templates: checked, compiled and rendered in a sandbox.

A template is Jinja2 text run by a ``SandboxedEnvironment`` with ``StrictUndefined``
(autoescape on for the HTML body only). The sandbox alone would still let a template
allocate (``'x' * 10**9``), spin, or read what it should not, so ``check`` also walks
the parsed template and refuses, with the line and column of the offending token:

- any name that is not one of the message type's declared variables (found in every
  branch, taken or not: a typo in an ``{% else %}`` is caught when it is saved, not the
  day a customer's message takes that branch);
- attribute and item access (``x.y``, ``x[0]``, so ``''.__class__.__mro__``), every call
  but ``plural(...)`` (so ``range(10**9)``), the ``**`` operator, ``%`` formatting of
  text, and the tags that define, assign or load (set, macro, call, import, include,
  extends, block, with, filter, autoescape);
- loops over anything but a declared ``string_list`` variable (at most 20 items), nested
  at most two deep: a render is bounded by the template's size;
- filters and tests outside a short list; a field over 64 KiB.

At render time ``*`` is intercepted (no repetition beyond 4,096 items), the output is
capped at 256 Ki characters and the render has a deadline (50 ms of CPU time by
default), checked between output chunks: with loops bounded as above no chunk can take
long.

Positions: Jinja's nodes carry only a line number, so the lexer's tokens are fed to the
parser with their character offset (+1) in place of the line; every node, syntax error
and runtime traceback then points at an exact offset, which becomes line and column.

Compiled templates are cached by source (bounded LRU): the shipped defaults and a
shop's overrides are compiled once per process, so a bulk send only runs them.
"""

from __future__ import annotations

import difflib
import re
import time
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import TracebackType
from typing import Any

from jinja2 import StrictUndefined, nodes, pass_context, pass_eval_context
from jinja2.defaults import DEFAULT_FILTERS, DEFAULT_TESTS
from jinja2.environment import Template
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from jinja2.lexer import TokenStream
from jinja2.nodes import EvalContext
from jinja2.parser import Parser
from jinja2.runtime import Context, LoopContext, Undefined
from jinja2.sandbox import SandboxedEnvironment

from loyalnest.contexts.notifications import formatting, layout
from loyalnest.contexts.notifications.locales import LOCALES
from loyalnest.contexts.notifications.registry import MAX_LIST_ITEMS, MessageType
from loyalnest.platform.errors import DomainError

MAX_TEMPLATE_BYTES = 64 * 1024  # per field
MAX_OUTPUT_CHARS = 256 * 1024  # all fields of one message together
RENDER_TIMEOUT = 0.050  # seconds
MAX_LOOP_DEPTH = 2
MAX_REPEAT = 4096  # 'ab' * n, [..] * n: at most this many items in the result
MAX_ERRORS = 50
TEMPLATE_CACHE_SIZE = 512

FIELDS = ("subject", "html", "text")
LOOP_ATTRIBUTES = frozenset(
    {"index", "index0", "revindex", "revindex0", "first", "last", "length", "previtem", "nextitem"}
)
# Built-in filters that cannot grow their input (no center/indent/format/replace/wordwrap)
# and never reach attributes on their own.
_BUILTIN_FILTERS = (
    "abs", "capitalize", "count", "d", "default", "e", "escape", "first", "int", "join", "last",
    "length", "lower", "round", "striptags", "title", "trim", "truncate", "upper", "wordcount",
)  # fmt: skip
OUR_FILTERS = ("number", "money", "date", "datetime", "points")
ALLOWED_FILTERS = frozenset(OUR_FILTERS + _BUILTIN_FILTERS)
ALLOWED_TESTS = frozenset(
    {"defined", "undefined", "none", "number", "string", "even", "odd", "divisibleby", "eq", "ne",
     "lt", "le", "gt", "ge", "in", "true", "false", "integer", "float", "lower", "upper"}
)  # fmt: skip

_FORMATTER = "__loyalnest_formatter__"  # not a valid template name: check() refuses it
_TEMPLATE_FILE = "<template>"
_REFUSED_TAGS: dict[type[nodes.Node], str] = {
    nodes.Extends: "extends",
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "from ... import",
    nodes.Macro: "macro",
    nodes.CallBlock: "call",
    nodes.Block: "block",
    nodes.Assign: "set",
    nodes.AssignBlock: "set",
    nodes.With: "with",
    nodes.FilterBlock: "filter",
    nodes.Scope: "autoescape",  # the parser makes a Scope only for {% autoescape %}
    nodes.ScopedEvalContextModifier: "autoescape",
    nodes.EvalContextModifier: "autoescape",
    nodes.ExprStmt: "do",
    nodes.Continue: "continue",
    nodes.Break: "break",
}
# Nodes with nothing to check of their own: their children are walked.
_PLAIN_NODES: tuple[type[nodes.Node], ...] = (
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.Const, nodes.If, nodes.Compare,
    nodes.Operand, nodes.And, nodes.Or, nodes.Not, nodes.Neg, nodes.Pos, nodes.Add, nodes.Sub,
    nodes.Mul, nodes.Div, nodes.FloorDiv, nodes.Mod, nodes.Concat, nodes.CondExpr, nodes.List,
    nodes.Tuple, nodes.Dict, nodes.Pair, nodes.Keyword,
)  # fmt: skip


# --- the contract ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Draft:
    """A template as a merchant edits it. Email: subject + html + text; SMS: text only."""

    subject: str | None
    html: str | None
    text: str | None


@dataclass(frozen=True, slots=True)
class TemplateError:
    field: str  # "subject" | "html" | "text"
    message: str
    line: int | None  # 1-based, within that field's source
    column: int | None  # 1-based when known


@dataclass(frozen=True, slots=True)
class Branding:
    sender_name: str
    reply_to: str | None
    logo_url: str | None
    primary_color: str  # "#RRGGBB"; anything else renders with the default colour
    footer: Mapping[str, str] = field(default_factory=dict)  # locale -> plain text
    # locale -> CLDR category -> word ({"pl": {"one": "punkt", "few": "punkty", ...}});
    # a locale missing here uses the shipped word
    points_name: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str | None
    html: str | None  # the complete document (layout applied)
    text: str  # the plain-text part (email) or the SMS


class TemplateInvalid(DomainError):
    code = "INVALID_TEMPLATE"

    def __init__(self, errors: list[TemplateError]):
        first = errors[0] if errors else TemplateError("text", "the template is invalid", None, None)
        where = f" (line {first.line}, column {first.column})" if first.line is not None else ""
        super().__init__(f"{first.field}: {first.message}{where}", field=first.field)
        self.errors = errors


class RenderFailed(Exception):
    """A template that passed ``check`` failed on real values: the deadline, the output
    cap, or a value a filter cannot format. ``error`` locates it when known."""

    def __init__(self, message: str, error: TemplateError | None = None):
        super().__init__(message)
        self.error = error


# --- the sandbox -------------------------------------------------------------------------


class _Sandbox(SandboxedEnvironment):
    # intercepted operators are also never constant-folded at compile time
    intercepted_binops = frozenset({"*", "**", "%"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        # check() refuses attribute access but the loop's counters; this is the belt
        return isinstance(obj, LoopContext) and attr in LOOP_ATTRIBUTES

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            raise SecurityError("the ** operator is not allowed")
        if operator == "%" and isinstance(left, str):
            raise SecurityError("formatting text with % is not allowed")
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                sized = isinstance(sequence, str | list | tuple) and isinstance(times, int)
                if sized and len(sequence) * times > MAX_REPEAT:
                    raise SecurityError(f"repeating with * is limited to {MAX_REPEAT:,} characters")
        return super().call_binop(context, operator, left, right)


def _formatter(context: Context) -> formatting.Formatter:
    value: formatting.Formatter = context.parent[_FORMATTER]
    return value


def _blank(value: Any) -> bool:
    # a value the message does not have (a percentage reward has no money value) prints
    # nothing rather than failing the whole message; a variable never given still fails
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    return value is None


@pass_context
def _number(context: Context, value: Any) -> str:
    return "" if _blank(value) else _formatter(context).number(value)


@pass_context
def _money(context: Context, value: Any) -> str:
    return "" if _blank(value) else _formatter(context).money(value)


@pass_context
def _date(context: Context, value: Any, format: str = "medium") -> str:
    return "" if _blank(value) else _formatter(context).date(value, format)


@pass_context
def _datetime(context: Context, value: Any, timezone: str | None = None, format: str = "medium") -> str:
    return "" if _blank(value) else _formatter(context).datetime(value, timezone, format)


@pass_context
def _points(context: Context, value: Any) -> str:
    return "" if _blank(value) else _formatter(context).points(value)


@pass_context
def _plural(context: Context, n: Any, **forms: str) -> str:
    return _formatter(context).plural(n, **forms)


_builtin_join = DEFAULT_FILTERS["join"]


@pass_eval_context
def _join(eval_context: EvalContext, value: Any, d: Any = "", attribute: Any = None) -> str:
    # the one growing filter: joins nested as separators multiply (20 items, 20 times
    # 20...) inside a single expression, before any output chunk could be measured
    items = list(value)
    size = sum(len(str(item)) for item in items) + max(len(items) - 1, 0) * len(str(d))
    if size > MAX_OUTPUT_CHARS:
        raise SecurityError(f"join would make {size:,} characters")
    result: str = _builtin_join(eval_context, items, d, attribute)
    return result


def _environment(*, autoescape: bool) -> _Sandbox:
    env = _Sandbox(autoescape=autoescape, undefined=StrictUndefined, cache_size=0, auto_reload=False)
    env.filters = {name: DEFAULT_FILTERS[name] for name in _BUILTIN_FILTERS}
    env.filters["join"] = _join
    env.filters.update(number=_number, money=_money, date=_date, datetime=_datetime, points=_points)
    env.tests = {name: DEFAULT_TESTS[name] for name in ALLOWED_TESTS}
    env.globals.clear()  # no range, dict, lipsum, cycler, joiner, namespace
    env.globals["plural"] = _plural
    return env


_HTML_ENV = _environment(autoescape=True)
_TEXT_ENV = _environment(autoescape=False)


# --- positions -----------------------------------------------------------------------------


class _Positions:
    """Character offsets (as the parser's fake line numbers, offset + 1) to line and column."""

    __slots__ = ("length", "starts")

    def __init__(self, source: str):
        self.starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.length = len(source)

    def at(self, fake_lineno: int | None) -> tuple[int | None, int | None]:
        if fake_lineno is None or fake_lineno < 1:
            return None, None
        offset = min(fake_lineno - 1, self.length)
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def end(self) -> tuple[int, int]:
        line, column = self.at(self.length + 1)
        return line or 1, column or 1


def _normalize_newlines(source: str) -> str:
    # what Jinja's lexer does, so our offsets index the text it lexes; Jinja also drops
    # one trailing newline, which changes no offset before it
    return source.replace("\r\n", "\n").replace("\r", "\n")


def _lex(env: _Sandbox, source: str) -> tuple[list[tuple[int, str, str]], TemplateSyntaxError | None]:
    """The raw tokens, each with its offset + 1 where the lexer puts the line number."""
    tokens: list[tuple[int, str, str]] = []
    position = 0
    try:
        for _line, kind, value in env.lexer.tokeniter(source, None):
            found = source.find(value, position) if value else position
            if found >= 0:
                position = found + len(value)
            else:  # a value the lexer rewrote: keep the last known position
                found = position
            tokens.append((found + 1, kind, value))
    except TemplateSyntaxError as exc:
        # where the lexer stopped: the first non-blank character after the last token
        exc.loyalnest_offset = len(source) - len(source[position:].lstrip())  # type: ignore[attr-defined]
        return tokens, exc
    return tokens, None


# --- the static check ------------------------------------------------------------------


class _Walker:
    """Walks a parsed field and records what the sandbox does not allow."""

    def __init__(self, name: str, positions: _Positions, declared: Mapping[str, str]):
        self.field = name
        self.positions = positions
        self.declared = declared
        self.lists = sorted(n for n, t in declared.items() if t == "string_list")
        self.errors: list[TemplateError] = []
        self.loops = False

    def fail(self, node: nodes.Node, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            lineno = getattr(node, "lineno", None)
            if lineno is None:  # a node the parser made without one ({% autoescape %}'s Scope)
                lineno = next((n.lineno for n in node.find_all(nodes.Node) if n.lineno), None)
            line, column = self.positions.at(lineno)
            self.errors.append(TemplateError(self.field, message, line, column))

    def _suggest(self, name: str, candidates: Iterable[str]) -> str:
        close = difflib.get_close_matches(name, list(candidates), n=1)
        return f" (did you mean '{close[0]}'?)" if close else ""

    def walk(self, node: nodes.Node, scope: frozenset[str], depth: int) -> None:
        if isinstance(node, nodes.Name):
            self._name(node, scope)
        elif isinstance(node, nodes.Getattr | nodes.Getitem | nodes.Slice):
            self._access(node, scope, depth)
        elif isinstance(node, nodes.Call):
            self._call(node, scope, depth)
        elif isinstance(node, nodes.Filter):
            self._filter(node, scope, depth)
        elif isinstance(node, nodes.Test):
            if node.name not in ALLOWED_TESTS:
                self.fail(node, f"unknown test '{node.name}'")
            self._children(node, scope, depth)
        elif isinstance(node, nodes.For):
            self._for(node, scope, depth)
        elif isinstance(node, nodes.Pow):
            self.fail(node, "the ** operator is not allowed")
        elif (
            isinstance(node, nodes.Mod)
            and isinstance(node.left, nodes.Const)
            and isinstance(node.left.value, str)
        ):
            self.fail(node, "formatting text with % is not allowed")
        elif isinstance(node, _PLAIN_NODES):
            self._children(node, scope, depth)
        else:
            tag = _REFUSED_TAGS.get(type(node))
            if tag is not None:
                self.fail(
                    node, f"{{% {tag} %}} is not allowed: a template can only show its message's variables"
                )
            else:
                self.fail(node, f"{type(node).__name__.lower()} is not allowed in a template")

    def _children(self, node: nodes.Node, scope: frozenset[str], depth: int) -> None:
        for child in node.iter_child_nodes():
            self.walk(child, scope, depth)

    def _name(self, node: nodes.Name, scope: frozenset[str]) -> None:
        if node.name in scope or node.name in self.declared:
            return
        if node.name == "plural":
            self.fail(node, "plural is a function: plural(n, one='…', other='…')")
            return
        self.fail(node, f"unknown variable '{node.name}'{self._suggest(node.name, self.declared)}")

    def _access(
        self, node: nodes.Getattr | nodes.Getitem | nodes.Slice, scope: frozenset[str], depth: int
    ) -> None:
        if (
            isinstance(node, nodes.Getattr)
            and isinstance(node.node, nodes.Name)
            and node.node.name == "loop"
            and "loop" in scope
        ):
            if node.attr not in LOOP_ATTRIBUTES:
                self.fail(
                    node, f"loop.{node.attr} is not available (use {', '.join(sorted(LOOP_ATTRIBUTES))})"
                )
            return
        inner = getattr(node, "node", None)
        if isinstance(inner, nodes.Getattr | nodes.Getitem):
            self.walk(inner, scope, depth)  # report the first access in the chain only
            return
        if isinstance(node, nodes.Getattr):
            self.fail(
                node, f"attribute access is not allowed ('.{node.attr}'): use the variables as they are"
            )
        else:
            self.fail(node, "indexing with [...] is not allowed: use the variables as they are")
        self._children(node, scope, depth)

    def _call(self, node: nodes.Call, scope: frozenset[str], depth: int) -> None:
        function = node.node
        if not (isinstance(function, nodes.Name) and function.name == "plural"):
            if isinstance(function, nodes.Name) and function.name == "range":
                self.fail(function, "range() is not available: a loop goes over a list variable")
            elif isinstance(function, nodes.Name):
                self.fail(function, f"{function.name}() is not available: the only function is plural(...)")
            else:
                before = len(self.errors)
                self.walk(function, scope, depth)  # x.y() reports the attribute access
                if len(self.errors) == before:
                    self.fail(node, "only plural(...) can be called")
            return
        if node.dyn_args is not None or node.dyn_kwargs is not None:
            self.fail(node, "plural() takes a number and named forms, not *args or **kwargs")
        if len(node.args) != 1:
            self.fail(node, "plural() takes one number: plural(n, one='…', other='…')")
        names = [keyword.key for keyword in node.kwargs]
        for name in names:
            if name not in formatting.PLURAL_CATEGORIES:
                self.fail(
                    node,
                    f"plural() has no form '{name}' (use {', '.join(formatting.PLURAL_CATEGORIES)})",
                )
        if "other" not in names:
            self.fail(node, "plural() needs an other='…' form")
        for child in [*node.args, *node.kwargs]:
            self.walk(child, scope, depth)

    def _filter(self, node: nodes.Filter, scope: frozenset[str], depth: int) -> None:
        if node.name not in ALLOWED_FILTERS:
            self.fail(node, f"unknown filter '{node.name}'{self._suggest(node.name, ALLOWED_FILTERS)}")
        self._children(node, scope, depth)

    def _for(self, node: nodes.For, scope: frozenset[str], depth: int) -> None:
        self.loops = True
        if depth >= MAX_LOOP_DEPTH:
            self.fail(node, f"loops can be nested at most {MAX_LOOP_DEPTH} deep")
        if node.recursive:
            self.fail(node, "recursive loops are not allowed")
        iterable = node.iter
        if not (isinstance(iterable, nodes.Name) and self.declared.get(iterable.name) == "string_list"):
            lists = ", ".join(f"'{n}'" for n in self.lists)
            where = f"a list variable ({lists})" if lists else "a list variable, and this message has none"
            if isinstance(iterable, nodes.Call) and isinstance(iterable.node, nodes.Name):
                self.fail(iterable.node, f"{iterable.node.name}() is not available: a loop goes over {where}")
            else:
                self.fail(iterable, f"a loop can only go over {where}")
        inner = scope | {"loop"}
        if isinstance(node.target, nodes.Name):
            inner = inner | {node.target.name}
        else:
            self.fail(node.target, "a loop takes one name per item: {% for item in list %}")
        if node.test is not None:
            self.walk(node.test, inner, depth)
        for child in node.body:
            self.walk(child, inner, depth + 1)
        for child in node.else_:
            self.walk(child, scope, depth)


@dataclass(frozen=True, slots=True)
class _Compiled:
    template: Template | None
    positions: _Positions
    errors: tuple[TemplateError, ...]
    # without a loop every expression runs once: the work and the output are bounded by
    # the template and its values, so the render needs no per-chunk watch
    loops: bool = True


def _syntax_error(name: str, positions: _Positions, exc: TemplateSyntaxError, *, fake: bool) -> TemplateError:
    message = exc.message or "syntax error"
    if "end of template" in message:
        end_line, end_column = positions.end()
        return TemplateError(name, message, end_line, end_column)
    if fake:
        return TemplateError(name, message, *positions.at(exc.lineno))
    # the lexer's own errors carry the real line, and sometimes the offset in words
    offset = re.search(r" at (\d+)$", message)
    if offset is not None:
        return TemplateError(name, message, *positions.at(int(offset.group(1)) + 1))
    stopped = getattr(exc, "loyalnest_offset", None)
    if stopped is not None:
        return TemplateError(name, message, *positions.at(stopped + 1))
    return TemplateError(name, message, exc.lineno, None)


@lru_cache(maxsize=TEMPLATE_CACHE_SIZE)
def _compile(name: str, source: str, declared: tuple[tuple[str, str], ...]) -> _Compiled:
    """Check and compile one field (cached: the result depends only on its arguments)."""
    env = _HTML_ENV if name == "html" else _TEXT_ENV
    positions = _Positions(source)
    tokens, lex_error = _lex(env, source)
    if lex_error is not None:
        return _Compiled(None, positions, (_syntax_error(name, positions, lex_error, fake=False),))
    try:
        parser = Parser(env, "")
        parser.stream = TokenStream(env.lexer.wrap(tokens), None, None)
        tree = parser.parse()
    except TemplateSyntaxError as exc:
        return _Compiled(None, positions, (_syntax_error(name, positions, exc, fake=True),))
    except RecursionError:
        return _Compiled(
            None, positions, (TemplateError(name, "the template is nested too deeply", None, None),)
        )
    walker = _Walker(name, positions, dict(declared))
    try:
        walker.walk(tree, frozenset(), 0)
    except RecursionError:
        walker.errors.append(TemplateError(name, "the template is nested too deeply", None, None))
    if walker.errors:
        return _Compiled(None, positions, tuple(walker.errors))
    try:
        code = env.compile(tree, filename=_TEMPLATE_FILE)
        # a plain dict, not Jinja's ChainMap: every render copies it into its context
        template = env.template_class.from_code(env, code, dict(env.globals))
    except TemplateSyntaxError as exc:
        return _Compiled(None, positions, (_syntax_error(name, positions, exc, fake=True),))
    except RecursionError:
        return _Compiled(
            None, positions, (TemplateError(name, "the template is nested too deeply", None, None),)
        )
    return _Compiled(template, positions, (), loops=walker.loops)


def _signature(message_type: MessageType) -> tuple[tuple[str, str], ...]:
    return tuple((v.name, v.type) for v in message_type.all_variables)


def _present(value: str | None) -> bool:
    return value is not None and value.strip() != ""


@dataclass(frozen=True, slots=True)
class _Prepared:
    fields: tuple[tuple[str, _Compiled], ...]  # the fields the channel uses, in order
    errors: tuple[TemplateError, ...]


@lru_cache(maxsize=TEMPLATE_CACHE_SIZE)
def _prepare_cached(
    type_name: str,
    type_channels: tuple[str, ...],
    declared: tuple[tuple[str, str], ...],
    channel: str,
    subject: str | None,
    html: str | None,
    text: str | None,
) -> _Prepared:
    errors: list[TemplateError] = []
    sources = {"subject": subject, "html": html, "text": text}
    if channel == "email":
        wanted: tuple[str, ...] = FIELDS
        for name, what in (("subject", "a subject"), ("html", "an HTML body"), ("text", "a plain-text body")):
            if not _present(sources[name]):
                errors.append(TemplateError(name, f"an email needs {what}", None, None))
    elif channel == "sms":
        wanted = ("text",)
        if not _present(text):
            errors.append(TemplateError("text", "an SMS needs a text", None, None))
        for name in ("subject", "html"):
            if _present(sources[name]):
                errors.append(TemplateError(name, f"an SMS has no {name}", None, None))
    else:
        return _Prepared((), (TemplateError("text", f"unknown channel '{channel}'", None, None),))
    if channel not in type_channels:
        errors.append(TemplateError("text", f"{type_name} messages are not sent by {channel}", None, None))
    compiled: list[tuple[str, _Compiled]] = []
    for name in wanted:
        source = sources[name]
        if not _present(source):
            continue
        assert source is not None
        size = len(source.encode("utf-8"))
        if size > MAX_TEMPLATE_BYTES:
            errors.append(
                TemplateError(
                    name, f"the {name} is {size:,} bytes: the limit is {MAX_TEMPLATE_BYTES:,}", None, None
                )
            )
            continue
        field_compiled = _compile(name, _normalize_newlines(source), declared)
        errors.extend(field_compiled.errors)
        compiled.append((name, field_compiled))
    return _Prepared(tuple(compiled), tuple(errors))


def _prepare(message_type: MessageType, channel: str, draft: Draft) -> _Prepared:
    return _prepare_cached(
        message_type.name,
        tuple(message_type.channels),
        _signature(message_type),
        channel,
        draft.subject,
        draft.html,
        draft.text,
    )


# --- rendering ---------------------------------------------------------------------------


def _template_position(tb: TracebackType | None, positions: _Positions) -> tuple[int | None, int | None]:
    """The template position of the innermost template frame of a rewritten traceback."""
    fake_lineno = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == _TEMPLATE_FILE:
            fake_lineno = tb.tb_lineno
        tb = tb.tb_next
    return positions.at(fake_lineno)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, SecurityError | TypeError | ValueError | ArithmeticError | LookupError):
        return str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {exc}"


class _Deadline:
    """The render's time budget, in CPU time of this thread.

    Wall time is read between chunks (cheap); only once it runs out is the thread's CPU
    time asked (a system call): on a busy machine a render preempted for a while has
    not used its budget, and failing it would drop a good message. A template that
    really computes for ``timeout`` seconds fails either way."""

    __slots__ = ("cpu_started", "timeout", "wall")

    def __init__(self, timeout: float):
        self.timeout = timeout
        self.wall = time.perf_counter() + timeout
        self.cpu_started = time.thread_time()

    def passed(self) -> bool:
        used = time.thread_time() - self.cpu_started
        if used >= self.timeout:
            return True
        self.wall = time.perf_counter() + (self.timeout - used)
        return False


def _run(name: str, compiled: _Compiled, context: Context, deadline: _Deadline, budget: int) -> str:
    """One field, checking the output cap and the deadline between chunks."""
    template = compiled.template
    assert template is not None
    parts: list[str] = []
    total = 0
    try:
        try:
            if not compiled.loops:
                # the common case, at C speed; the cap is checked on the whole
                text = "".join(template.root_render_func(context))
                if time.perf_counter() > deadline.wall and deadline.passed():
                    raise RenderFailed(
                        "the render took too long",
                        TemplateError(name, "the render took too long", None, None),
                    )
                if len(text) > budget:
                    raise RenderFailed(
                        f"the message is over {MAX_OUTPUT_CHARS:,} characters",
                        TemplateError(
                            name, f"the output is over {MAX_OUTPUT_CHARS:,} characters", None, None
                        ),
                    )
                return text
            for chunk in template.root_render_func(context):
                parts.append(chunk)
                total += len(chunk)
                if total > budget:
                    raise RenderFailed(
                        f"the message is over {MAX_OUTPUT_CHARS:,} characters",
                        TemplateError(
                            name, f"the output is over {MAX_OUTPUT_CHARS:,} characters", None, None
                        ),
                    )
                if time.perf_counter() > deadline.wall and deadline.passed():
                    raise RenderFailed(
                        "the render took too long",
                        TemplateError(name, "the render took too long", None, None),
                    )
        except RenderFailed:
            raise
        except Exception:
            template.environment.handle_exception()  # re-raises with template frames
    except RenderFailed:
        raise
    except Exception as exc:
        line, column = _template_position(exc.__traceback__, compiled.positions)
        message = _describe(exc)
        where = f" at line {line}, column {column}" if line is not None else ""
        raise RenderFailed(f"{name}{where}: {message}", TemplateError(name, message, line, column)) from exc
    return "".join(parts)


def _with_reason(message_type: MessageType, variables: Mapping[str, Any], locale: str) -> Mapping[str, Any]:
    """A type that declares ``trigger`` gets its ``reason`` in the message's locale, made
    from the trigger and ``order_number`` ("Zamówienie nr 1042" in pl): the shipped
    templates and a merchant's own ``{{ reason }}`` both read it. Without a trigger (a
    row queued before triggers were stored, a preview that sets only ``reason``) the
    given reason stays; ``trigger`` and ``order_number`` are then empty."""
    if message_type.variable("trigger") is None:
        return variables
    trigger = variables.get("trigger") or ""
    number = variables.get("order_number") or ""
    values = {**variables, "trigger": str(trigger), "order_number": str(number)}
    if trigger:
        from loyalnest.contexts.notifications import defaults  # defaults imports rendering lazily too

        values["reason"] = defaults.earn_reason(locale, str(trigger), str(number))
    return values


def _values(message_type: MessageType, variables: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for variable in message_type.all_variables:
        if variable.name not in variables:
            continue  # StrictUndefined reports it if the template uses it
        value = variables[variable.name]
        if variable.type == "string_list":
            items = [] if value is None else [value] if isinstance(value, str) else list(value)
            value = [str(item) for item in items[:MAX_LIST_ITEMS]]
        elif value is None and variable.type in ("string", "url"):
            value = ""
        values[variable.name] = value
    return values


_BLANK_LINES = re.compile(r"[ \t]+\n|\n{3,}")


def _tidy_text(text: str) -> str:
    # conditional blocks leave trailing blanks and gaps; plain text reads better without
    if " \n" not in text and "\t\n" not in text and "\n\n\n" not in text:
        return text.strip()
    return _BLANK_LINES.sub(lambda m: "\n\n" if m.group(0).startswith("\n") else "\n", text).strip()


def _render_fields(
    prepared: _Prepared,
    values: dict[str, Any],
    formatter: formatting.Formatter,
    timeout: float,
) -> dict[str, str]:
    values[_FORMATTER] = formatter
    deadline = _Deadline(timeout)
    budget = MAX_OUTPUT_CHARS
    out: dict[str, str] = {}
    # one context per environment: the fields only read it (check() refuses {% set %}),
    # and the HTML one must keep its own, whose eval context says "autoescape"
    contexts: dict[int, Context] = {}
    for name, compiled in prepared.fields:
        template = compiled.template
        assert template is not None
        context = contexts.get(id(template.environment))
        if context is None:
            context = contexts[id(template.environment)] = template.new_context(values)
        out[name] = _run(name, compiled, context, deadline, budget)
        budget -= len(out[name])
    return out


def _formatter_for(branding: Branding, locale: str, timezone: str | None) -> formatting.Formatter:
    formatting.warm(locale)  # before the deadline starts
    try:
        formatting.zone(timezone)
    except ValueError:
        # a shop whose zone Python does not know still gets its messages, in UTC
        timezone = "UTC"
    return formatting.Formatter(locale, timezone=timezone, points_names=layout.points_name(branding, locale))


def render(
    message_type: MessageType,
    channel: str,
    draft: Draft,
    *,
    locale: str,
    variables: Mapping[str, Any],
    branding: Branding,
    shop_name: str | None = None,
    timezone: str = "UTC",
    timeout: float = RENDER_TIMEOUT,
) -> Rendered:
    """The message for these values. ``locale`` is the template's locale (numbers,
    dates, plurals and the layout's words follow it); ``timezone`` the shop's, for
    dates and times. Raises TemplateInvalid when ``check`` refuses the draft (cached:
    checking again costs nothing) and RenderFailed past the deadline or the output
    cap, or when a value cannot be formatted."""
    prepared = _prepare(message_type, channel, draft)
    if prepared.errors:
        raise TemplateInvalid(list(prepared.errors))
    formatter = _formatter_for(branding, locale, timezone)
    values = _values(message_type, _with_reason(message_type, variables, locale))
    out = _render_fields(prepared, values, formatter, timeout)
    if channel == "sms":
        return Rendered(subject=None, html=None, text=_tidy_text(out["text"]))
    subject = " ".join(out["subject"].split())  # one line: it becomes a header
    shop = shop_name if shop_name is not None else str(variables.get("shop_name") or branding.sender_name)
    unsubscribe_url = variables.get("unsubscribe_url")
    unsubscribe = unsubscribe_url if isinstance(unsubscribe_url, str) else None
    html = layout.wrap(
        out["html"],
        locale=formatter.locale,
        subject=subject,
        branding=branding,
        shop_name=shop,
        unsubscribe_url=unsubscribe,
    )
    text = (
        _tidy_text(out["text"])
        + "\n"
        + layout.text_footer(branding, locale=formatter.locale, shop_name=shop, unsubscribe_url=unsubscribe)
    )
    return Rendered(subject=subject, html=html, text=text)


def check(message_type: MessageType, channel: str, draft: Draft) -> list[TemplateError]:
    """Every reason to refuse ``draft`` (empty: it may be saved): the channel's shape,
    sizes, syntax, unknown variables and refused constructs (statically, every branch),
    then a render with the type's sample values for what only running shows (a filter
    given the wrong kind of value)."""
    prepared = _prepare(message_type, channel, draft)
    if prepared.errors:
        return list(prepared.errors)
    formatter = _formatter_for(_SAMPLE_BRANDING, "en", "UTC")
    try:
        _render_fields(
            prepared, _values(message_type, sample_variables(message_type)), formatter, RENDER_TIMEOUT
        )
    except RenderFailed as failed:
        return [failed.error or TemplateError("text", str(failed), None, None)]
    return []


def preview(
    message_type: MessageType,
    channel: str,
    draft: Draft,
    *,
    locale: str,
    variables: Mapping[str, Any],
    branding: Branding,
    shop_name: str | None = None,
    timezone: str = "UTC",
) -> tuple[Rendered | None, list[TemplateError]]:
    """The live preview: the rendered message, or the errors with their positions;
    never raises for a template's fault. One check and one render (``check`` would
    render the samples a second time)."""
    prepared = _prepare(message_type, channel, draft)
    if prepared.errors:
        return None, list(prepared.errors)
    try:
        rendered = render(
            message_type,
            channel,
            draft,
            locale=locale,
            variables=variables,
            branding=branding,
            shop_name=shop_name,
            timezone=timezone,
        )
    except RenderFailed as failed:
        return None, [failed.error or TemplateError("text", str(failed), None, None)]
    return rendered, []


def warm_up(tags: Iterable[str] = LOCALES) -> None:
    """Load the CLDR data of ``tags`` (10-20 ms each the first time in a process), so
    that the first preview or message in a locale does not pay for it. For the API's
    and the workers' startup (~0.3 s for the 22 shipped locales)."""
    for tag in tags:
        formatting.warm(tag)


# --- variables -----------------------------------------------------------------------------

_SAMPLE_BRANDING = Branding(
    sender_name="", reply_to=None, logo_url=None, primary_color=layout.DEFAULT_PRIMARY_COLOR
)


def sample_variables(message_type: MessageType, *, unsubscribe_url: str | None = None) -> dict[str, Any]:
    """The registry's sample values (what the preview shows), lists copied."""
    values = {
        name: list(value) if isinstance(value, list) else value
        for name, value in message_type.samples().items()
    }
    if unsubscribe_url is not None and "unsubscribe_url" in values:
        values["unsubscribe_url"] = unsubscribe_url
    return values


# --- the benchmark -------------------------------------------------------------------------

_TYPICAL_HTML = (
    "<p>Hi {{ customer_first_name }},</p>\n"
    "<p>Your reward <strong>{{ reward_title }}</strong> is ready: {{ points_spent|points }} well spent.</p>\n"
    '<div style="padding:16px;border:2px dashed #888;text-align:center;font-size:24px;">{{ code }}</div>\n'
    "{% if value %}<p>Worth {{ value|money }}, valid until {{ expires_at|datetime }}.</p>{% endif %}\n"
    "<p>You now have {{ points_balance|points }}.</p>\n"
    '<p><a class="ln-button" href="{{ shop_url }}">Shop now</a></p>\n'
)
_TYPICAL_TEXT = (
    "Hi {{ customer_first_name }},\n\nYour reward {{ reward_title }} is ready: {{ points_spent|points }}.\n\n"
    "Code: {{ code }}\n"
    "{% if value %}Worth {{ value|money }}, valid until {{ expires_at|datetime }}.\n{% endif %}\n"
    "You now have {{ points_balance|points }}.\n\nShop now: {{ shop_url }}\n"
)


def _typical_draft(locale: str) -> Draft:
    try:
        from loyalnest.contexts.notifications import defaults  # written beside us, in parallel

        draft: Draft | None = defaults.default_draft("reward_issued", "email", locale)
    except (ImportError, AttributeError, LookupError):
        draft = None
    return draft or Draft("{{ reward_title }}: your code from {{ shop_name }}", _TYPICAL_HTML, _TYPICAL_TEXT)


def render_benchmark(count: int, *, locale: str = "en", cpu_time: bool = False) -> float:
    """Render-only throughput in messages per second: ``count`` reward_issued emails
    (subject, HTML body in the layout, text) from the shipped template with the sample
    values, the customer's name and balance varying per message. ``cpu_time``: per
    second of this thread's CPU time, which other processes on the machine do not
    disturb (what a test can assert)."""
    clock = time.thread_time if cpu_time else time.perf_counter
    from loyalnest.contexts.notifications import registry

    message_type = registry.get("reward_issued")
    draft = _typical_draft(locale)
    branding = Branding(
        sender_name="Maple & Moss",
        reply_to=None,
        logo_url="https://cdn.example.com/logo.png",
        primary_color="#2F855A",
    )
    variables = sample_variables(message_type)
    render(message_type, "email", draft, locale=locale, variables=variables, branding=branding)  # compile
    names = ("Ana", "Bruno", "Chloé", "Dmitri", "Emma")
    started = clock()
    for i in range(count):
        variables["customer_first_name"] = names[i % len(names)]
        variables["points_balance"] = 500 + i % 97
        render(message_type, "email", draft, locale=locale, variables=variables, branding=branding)
    elapsed = clock() - started
    return count / elapsed if elapsed > 0 else float("inf")
