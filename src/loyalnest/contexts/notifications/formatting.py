"""Numbers, money, dates, plurals and the points name, formatted for a locale with
Babel (CLDR data): what the template filters ``number``, ``money``, ``date``,
``datetime``, ``points`` and the global ``plural(...)`` return.

Every function here is pure, so its results are memoised in bounded caches: Babel takes
20-50 µs per call, and a bulk send formats the same few values (the points of a batch
of reminders, one expiry date, one reward value) thousands of times; the caches are what
let rendering reach thousands of emails per second.

Values may arrive typed (``int``, ``Decimal``, ``registry.Money``, ``date``,
``datetime``) or in their JSON form (a numeric string, ``{"amount": "10.00",
"currency": "USD"}``, an ISO 8601 string), because delivery rows keep a message's
variables as JSON until it is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from loyalnest.contexts.notifications import locales
from loyalnest.contexts.notifications.registry import Money

DATE_FORMATS = frozenset({"short", "medium", "long", "full"})
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")
# The English word, when neither the shop nor the shipped defaults name the points.
FALLBACK_POINTS_NAME: Mapping[str, str] = {"one": "point", "other": "points"}
# Languages that write a count and its counter word without a space ("1,250ポイント").
_NO_SPACE_BEFORE_UNIT = frozenset({"ja", "zh", "ko"})


@lru_cache(maxsize=256)
def babel_locale(tag: str | None) -> Locale:
    """The Babel locale for one of our tags: ``zh-CN`` -> ``zh_Hans_CN``, ``pt-BR`` ->
    ``pt_BR``, ``iw`` -> ``he_IL``. A tag Babel does not know falls back to its
    language, then to English: formatting never fails on a customer's odd locale."""
    normalized = locales.normalize(tag)
    candidates = [normalized, locales.language(normalized)] if normalized else []
    for candidate in [*candidates, locales.FALLBACK]:
        try:
            return Locale.parse(candidate, sep="-")
        except (UnknownLocaleError, ValueError, TypeError):
            continue
    raise AssertionError("Babel always knows English")  # pragma: no cover


@lru_cache(maxsize=64)
def zone(name: str | None) -> ZoneInfo:
    """The time zone called ``name`` (None: UTC); ValueError for an unknown one."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def to_number(value: Any) -> int | Decimal:
    """An int or a Decimal from what a template variable may hold."""
    if isinstance(value, bool):
        raise TypeError("expected a number, got a true/false value")
    if isinstance(value, int | Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise TypeError(f"expected a number, got {value!r}") from None
        if not number.is_finite():
            raise TypeError(f"expected a number, got {value!r}")
        return int(number) if number == number.to_integral_value() and "." not in value else number
    raise TypeError(f"expected a number, got {type(value).__name__}")


def to_money(value: Any) -> Money:
    if isinstance(value, Money):
        return value
    if isinstance(value, Mapping) and "amount" in value and "currency" in value:
        return Money(Decimal(str(value["amount"])), str(value["currency"]))
    raise TypeError(f"expected an amount with its currency, got {type(value).__name__}")


def to_datetime(value: Any) -> datetime:
    """An aware datetime (naive ones are UTC)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise TypeError(f"expected a date and time, got {value!r}") from None
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    raise TypeError(f"expected a date and time, got {type(value).__name__}")


def to_date(value: Any, timezone: str | None = None) -> date:
    """A calendar date; a datetime is first moved to ``timezone`` (the day the
    customer sees on their calendar)."""
    if isinstance(value, str):
        try:
            value = (
                datetime.fromisoformat(value) if "T" in value or " " in value else date.fromisoformat(value)
            )
        except ValueError:
            raise TypeError(f"expected a date, got {value!r}") from None
    if isinstance(value, datetime):
        return to_datetime(value).astimezone(zone(timezone)).date()
    if isinstance(value, date):
        return value
    raise TypeError(f"expected a date, got {type(value).__name__}")


def _check_format(format: str) -> str:
    if format not in DATE_FORMATS:
        raise ValueError(f"unknown format {format!r} (use short, medium, long or full)")
    return format


# --- the memoised Babel calls (keyed by our normalised tag) ---------------------------


@lru_cache(maxsize=8192)
def _number(tag: str, value: int | Decimal) -> str:
    return babel_numbers.format_decimal(value, locale=babel_locale(tag))


@lru_cache(maxsize=4096)
def _money(tag: str, amount: Decimal, currency: str) -> str:
    return babel_numbers.format_currency(amount, currency, locale=babel_locale(tag))


@lru_cache(maxsize=4096)
def _date(tag: str, value: date, format: str) -> str:
    return babel_dates.format_date(value, format, locale=babel_locale(tag))


@lru_cache(maxsize=4096)
def _datetime(tag: str, value: datetime, timezone: str, format: str) -> str:
    return babel_dates.format_datetime(value, format, tzinfo=zone(timezone), locale=babel_locale(tag))


@lru_cache(maxsize=8192)
def _category(tag: str, value: int | Decimal) -> str:
    return str(babel_locale(tag).plural_form(value))


def plural_categories(tag: str) -> frozenset[str]:
    """The CLDR categories ``tag``'s plural rule uses (always with ``other``)."""
    return frozenset(babel_locale(tag).plural_form.tags) | {"other"}


@lru_cache(maxsize=256)
def warm(locale: str) -> None:
    """Load ``locale``'s CLDR data (10-20 ms the first time in a process) so that a
    render's deadline measures the template, not Babel reading its files."""
    loaded = babel_locale(locale)
    for name in ("decimal_formats", "currency_formats", "date_formats", "datetime_formats", "number_symbols"):
        getattr(loaded, name)
    loaded.plural_form(1)
    babel_numbers.format_currency(Decimal(1), "USD", locale=loaded)
    babel_dates.format_datetime(datetime(2000, 1, 1, tzinfo=UTC), "medium", tzinfo=UTC, locale=loaded)


@lru_cache(maxsize=256)
def _tag(locale: str) -> tuple[str, str]:
    tag = locales.normalize(locale) or locales.FALLBACK
    return tag, locales.language(tag)


class Formatter:
    """Formats values for one message: its locale, the shop's time zone and the shop's
    name for points. Templates reach it through the filters (see rendering)."""

    __slots__ = ("_tag", "language", "points_names", "timezone")

    def __init__(
        self, locale: str, *, timezone: str | None = "UTC", points_names: Mapping[str, str] | None = None
    ):
        self._tag, self.language = _tag(locale)
        self.timezone = timezone or "UTC"
        self.points_names = points_names or FALLBACK_POINTS_NAME

    @property
    def locale(self) -> str:
        return self._tag

    def number(self, value: Any) -> str:
        return _number(self._tag, to_number(value))

    def money(self, value: Any) -> str:
        money = to_money(value)
        return _money(self._tag, money.amount, money.currency.upper())

    def date(self, value: Any, format: str = "medium") -> str:
        return _date(self._tag, to_date(value, self.timezone), _check_format(format))

    def datetime(self, value: Any, timezone: str | None = None, format: str = "medium") -> str:
        zone_name = timezone or self.timezone
        zone(zone_name)  # an unknown zone is an error even when the result is cached
        return _datetime(self._tag, to_datetime(value), zone_name, _check_format(format))

    def category(self, value: Any) -> str:
        """The CLDR plural category of ``value`` in this locale: pl 1 one, 2 few,
        5 many; ar 0 zero ... 100 other; ja always other."""
        return _category(self._tag, to_number(value))

    def plural(self, value: Any, **forms: str) -> str:
        """The form for ``value``'s category, else ``other``."""
        unknown = set(forms) - set(PLURAL_CATEGORIES)
        if unknown:
            raise TypeError(
                f"plural() has no form {sorted(unknown)[0]!r} (use {', '.join(PLURAL_CATEGORIES)})"
            )
        if "other" not in forms:
            raise TypeError("plural() needs an other=... form")
        return str(forms.get(self.category(value), forms["other"]))

    def points_word(self, value: Any) -> str:
        names = self.points_names
        word = names.get(self.category(value)) or names.get("other") or FALLBACK_POINTS_NAME["other"]
        return str(word)

    def points(self, value: Any) -> str:
        """``1,250 points``, ``5 punktów``, ``1,250ポイント``."""
        # a plain space: a no-break space would push an SMS out of the GSM-7 alphabet
        separator = "" if self.language in _NO_SPACE_BEFORE_UNIT else " "
        return f"{self.number(value)}{separator}{self.points_word(value)}"
