"""Pure rules of the tiers context (no I/O): the ladder's validation, periods and their
windows, the evaluation of one customer's standing (up, retention, down, manual), the
multiplier's bonus, and progress toward the next tier.

Evaluation, in words (``evaluate``):

- A manual tier that has not ended wins: the customer holds it whatever the metric.
  When it ends (or its tier is deleted), the customer goes to the tier the metric
  supports, as if newly evaluated.
- The metric supports the highest tier whose threshold it reaches. A customer below
  that tier moves up to it at once (several ranks in one step; only the tier reached
  gives its entry reward: passing through a tier is not entering it).
- A customer whose metric no longer supports the tier held (the window slid, a refund,
  a new calendar year) is handled by the shop's retention policy:
  ``never``: keeps it; ``immediate``: goes down at once to the tier the metric supports;
  ``end_of_next_period``: keeps it until the end of the period after the one in which
  it was last supported ("earn it this year, keep it next year"), then goes down one
  tier, which is kept on the same terms for one more period, and so on: a customer who
  stops buying drops one tier a period.
- A tier that was deleted is held by nobody: its holders go to the tier the metric
  supports (no entry reward: that is not a climb).

Periods: ``lifetime`` (no window), ``calendar_year`` (from 1 January, shop time),
``rolling_12_months`` (the last twelve months). For retention, the "period" of the two
periods without calendar ends is twelve months from the last time the tier was
supported. Entry rewards are given once per customer, tier and period key:
``lifetime`` for the lifetime period, else the calendar year (shop time) of entry.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from loyalnest.platform.errors import ValidationFailed

MAX_TIERS = 10
MIN_MULTIPLIER = Decimal("1.00")
MAX_MULTIPLIER = Decimal("10.00")
MAX_THRESHOLD = Decimal("1000000000000")
MAX_NAME_LENGTH = 100
MAX_PERK_LENGTH = 2000
MAX_LOCALES = 50
MAX_REASON_LENGTH = 500

METRICS = ("points", "money", "orders")
PERIODS = ("lifetime", "calendar_year", "rolling_12_months")
RETENTIONS = ("never", "immediate", "end_of_next_period")
# the earning triggers a multiplier may apply to (the earning context's rule names)
# "referral": an advocate's referral rewards, multiplied only when the referral program
# also says multipliers apply to them (both must agree)
TRIGGERS = ("order", "signup", "newsletter", "birthday", "review", "custom", "referral")
DEFAULT_TRIGGERS = ("order",)
REASONS = ("qualified", "retention_expired", "refund", "manual", "import")

# what the ledger calls a tier's entry bonus (kind, source)
ENTRY_BONUS_KIND = "tier_bonus"
ENTRY_BONUS_SOURCE = "tier_entry"

_LOCALE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


# --- names, perks, locales ---------------------------------------------------------------------


def normalise_locale(raw: str, *, field: str = "locale") -> str:
    """ "en-us" -> "en-US" (the same tags reward titles take)."""
    value = raw.strip().replace("_", "-")
    if len(value) > 35 or not _LOCALE.fullmatch(value):
        raise ValidationFailed(f"{raw!r} is not a locale tag such as en, en-US or pt-BR", field=field)
    language, *rest = value.split("-")
    parts = [language.lower()]
    for part in rest:
        if len(part) == 4 and part.isalpha():
            parts.append(part.title())
        elif (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            parts.append(part.upper())
        else:
            parts.append(part.lower())
    return "-".join(parts)


def _clean_texts(
    pairs: Sequence[tuple[str, str]], *, field: str, what: str, max_length: int, allow_newlines: bool
) -> dict[str, str]:
    if len(pairs) > MAX_LOCALES:
        raise ValidationFailed(f"at most {MAX_LOCALES} {what}s", field=field)
    cleaned: dict[str, str] = {}
    for raw_locale, raw_text in pairs:
        locale = normalise_locale(raw_locale, field=field)
        if locale in cleaned:
            raise ValidationFailed(f"two {what}s for locale {locale}", field=field)
        text = raw_text.strip()
        if not text or len(text) > max_length:
            raise ValidationFailed(f"the {locale} {what} must be 1-{max_length} characters", field=field)
        allowed = "\n\t" if allow_newlines else ""
        if any((ord(c) < 32 and c not in allowed) or ord(c) == 127 for c in text):
            raise ValidationFailed(f"the {locale} {what} must not contain control characters", field=field)
        cleaned[locale] = text
    return cleaned


def clean_names(names: Sequence[tuple[str, str]], default_locale: str) -> tuple[str, dict[str, str]]:
    """(default locale, {locale: name}): at least one name, one per locale, the
    default among them."""
    if not names:
        raise ValidationFailed("a tier needs at least one name", field="names")
    cleaned = _clean_texts(
        names, field="names", what="name", max_length=MAX_NAME_LENGTH, allow_newlines=False
    )
    default = normalise_locale(default_locale, field="defaultLocale")
    if default not in cleaned:
        raise ValidationFailed(f"there is no name for the default locale {default}", field="defaultLocale")
    return default, cleaned


def clean_perks(perks: Sequence[tuple[str, str]]) -> dict[str, str]:
    """{locale: free text} (may be empty)."""
    return _clean_texts(
        perks, field="perks", what="perk text", max_length=MAX_PERK_LENGTH, allow_newlines=True
    )


def text_for(texts: Mapping[str, str], default_locale: str, locale: str | None) -> str | None:
    """The text in ``locale``; else in its language ("fr-CA" -> "fr", or any "fr-*");
    else the default locale's (None when there is none: perks are optional)."""
    if locale:
        try:
            wanted = normalise_locale(locale)
        except ValidationFailed:
            wanted = ""
        if wanted in texts:
            return texts[wanted]
        language = wanted.split("-")[0]
        if language in texts:
            return texts[language]
        for candidate in sorted(texts):
            if language and candidate.split("-")[0] == language:
                return texts[candidate]
    return texts.get(default_locale)


# --- a tier's numbers ------------------------------------------------------------------------------


def _decimal(value: Decimal | int | str, field: str) -> Decimal:
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed("not a number", field=field) from exc
    if not number.is_finite():
        raise ValidationFailed("not a number", field=field)
    return number


def check_multiplier(value: Decimal | int | str) -> Decimal:
    """1.00-10.00 with at most two decimals (1 = no bonus)."""
    number = _decimal(value, "multiplier")
    if number != number.quantize(Decimal("0.01")):
        raise ValidationFailed("the multiplier takes at most 2 decimals (e.g. 1.25)", field="multiplier")
    if not MIN_MULTIPLIER <= number <= MAX_MULTIPLIER:
        raise ValidationFailed(
            f"the multiplier must be between {MIN_MULTIPLIER} and {MAX_MULTIPLIER}", field="multiplier"
        )
    return number.quantize(Decimal("0.01"))


def check_threshold(value: Decimal | int | str) -> Decimal:
    """Above 0 (customers below the lowest tier hold none), at most 2 decimals."""
    number = _decimal(value, "threshold")
    if number != number.quantize(Decimal("0.01")):
        raise ValidationFailed("the threshold takes at most 2 decimals", field="threshold")
    if not 0 < number <= MAX_THRESHOLD:
        raise ValidationFailed(
            f"the threshold must be above 0 and at most {MAX_THRESHOLD}", field="threshold"
        )
    return number


def check_triggers(triggers: Sequence[str]) -> list[str]:
    """Known earning triggers, each once, in ``TRIGGERS`` order."""
    unknown = sorted(set(triggers) - set(TRIGGERS))
    if unknown:
        raise ValidationFailed(
            f"unknown trigger {unknown[0]!r}; one of {', '.join(TRIGGERS)}", field="multipliedTriggers"
        )
    return [t for t in TRIGGERS if t in set(triggers)]


def check_entry_bonus(points: int) -> int:
    if not 0 <= points <= 10_000_000:
        raise ValidationFailed("the entry bonus must be 0-10,000,000 points", field="entryBonusPoints")
    return points


def check_ladder(thresholds: Sequence[Decimal]) -> None:
    """A ladder (lowest rank first) has at most ``MAX_TIERS`` tiers whose thresholds
    strictly increase with rank: two tiers may not share a threshold (which one would
    a customer be in?) nor may a higher tier be easier to reach."""
    if len(thresholds) > MAX_TIERS:
        raise ValidationFailed(f"a shop has at most {MAX_TIERS} tiers", field="rank")
    for rank, (below, above) in enumerate(itertools.pairwise(thresholds), start=1):
        if above <= below:
            raise ValidationFailed(
                f"thresholds must increase with rank: rank {rank + 1} needs more than {below} "
                f"(rank {rank}), not {above}",
                field="threshold",
            )


def check_reason(reason: str | None) -> str | None:
    if reason is None:
        return None
    text = reason.strip()
    if len(text) > MAX_REASON_LENGTH:
        raise ValidationFailed(f"the reason must be at most {MAX_REASON_LENGTH} characters", field="reason")
    return text or None


def multiplier_bonus(base_points: int, multiplier: Decimal) -> int:
    """The points a tier adds on top of ``base_points``: floor(base * (m - 1))."""
    if base_points <= 0 or multiplier <= 1:
        return 0
    return int((Decimal(base_points) * (multiplier - 1)).to_integral_value(rounding=ROUND_FLOOR))


def multiplier_label(name: str, multiplier: Decimal) -> str:
    """ "Gold x1.50" with the multiplication sign (the ledger row's reason)."""
    return f"{name} ×{multiplier.quantize(Decimal('0.01'))}"  # noqa: RUF001


# --- periods ---------------------------------------------------------------------------------------


def zone(tz_name: str | None) -> ZoneInfo:
    """The shop's timezone; UTC for an unknown name."""
    try:
        return ZoneInfo(tz_name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def add_months(at: datetime, months: int) -> datetime:
    """``at`` moved by whole months, the day clamped to the month's end (29 Feb + 12 -> 28 Feb)."""
    index = at.year * 12 + (at.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    days = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return at.replace(year=year, month=month, day=min(at.day, days))


def _year_start(year: int, tz: ZoneInfo) -> datetime:
    return datetime(year, 1, 1, tzinfo=tz).astimezone(UTC)


def window_start(period: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    """The start of the window the metric counts over at ``now`` (None: all time)."""
    if period == "calendar_year":
        return _year_start(now.astimezone(tz).year, tz)
    if period == "rolling_12_months":
        return add_months(now.astimezone(UTC), -12)
    return None


def period_end(period: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    """When the current period ends (the deadline progress speaks of): the next
    1 January for a calendar year; None for the others (they never reset at once)."""
    if period == "calendar_year":
        return _year_start(now.astimezone(tz).year + 1, tz)
    return None


def period_key(period: str, at: datetime, tz: ZoneInfo) -> str:
    """Which period an entry reward belongs to (once per customer, tier and key)."""
    if period == "lifetime":
        return "lifetime"
    return str(at.astimezone(tz).year)


def retain_until(period: str, supported_at: datetime, tz: ZoneInfo) -> datetime:
    """The end of the period after the one in which a tier was last supported: 1
    January two years on for a calendar year (supported in 2026: kept through 2027);
    twelve months on for the others."""
    if period == "calendar_year":
        return _year_start(supported_at.astimezone(tz).year + 2, tz)
    return add_months(supported_at.astimezone(UTC), 12)


# --- evaluation -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rung:
    """One live tier as evaluation sees it."""

    id: int
    rank: int
    threshold: Decimal


@dataclass(frozen=True, slots=True)
class Policy:
    period: str
    retention: str
    tz: ZoneInfo


@dataclass(frozen=True, slots=True)
class Standing:
    tier_id: int | None = None
    metric_value: Decimal = Decimal(0)
    earned_tier_id: int | None = None
    qualified_at: datetime | None = None
    retain_until: datetime | None = None
    manual_tier_id: int | None = None
    manual_until: datetime | None = None
    manual_reason: str | None = None


@dataclass(frozen=True, slots=True)
class Move:
    from_tier_id: int | None
    to_tier_id: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class Outcome:
    standing: Standing
    # the change of tier, if any (one history row, one event)
    move: Move | None
    # a tier entered by climbing (its entry reward is due, once per period)
    entered: int | None


def supported(ladder: Sequence[Rung], metric: Decimal) -> Rung | None:
    """The highest tier the metric reaches (``ladder`` lowest first)."""
    best = None
    for rung in ladder:
        if metric >= rung.threshold:
            best = rung
    return best


def _by_id(ladder: Sequence[Rung], tier_id: int | None) -> Rung | None:
    if tier_id is None:
        return None
    return next((r for r in ladder if r.id == tier_id), None)


def _rank(rung: Rung | None) -> int:
    return 0 if rung is None else rung.rank


def _below(ladder: Sequence[Rung], rung: Rung) -> Rung | None:
    lower = [r for r in ladder if r.rank < rung.rank]
    return lower[-1] if lower else None


def evaluate(
    ladder: Sequence[Rung],
    standing: Standing,
    metric: Decimal,
    now: datetime,
    policy: Policy,
    *,
    refund: bool = False,
) -> Outcome:
    """Where the customer stands after this evaluation (see the module docstring).
    ``refund``: the metric went down because of a refund or cancellation (the reason a
    downgrade it causes is recorded under)."""
    ladder = sorted(ladder, key=lambda r: r.rank)
    earned = supported(ladder, metric)
    base = replace(standing, metric_value=metric, earned_tier_id=earned.id if earned else None)

    manual = _by_id(ladder, standing.manual_tier_id)
    if standing.manual_tier_id is not None:
        if manual is not None and (standing.manual_until is None or standing.manual_until > now):
            return Outcome(
                replace(base, tier_id=manual.id), _move(standing.tier_id, manual.id, "manual"), None
            )
        # the manual tier ended: from now on the metric decides, with nothing retained
        base = replace(base, manual_tier_id=None, manual_until=None, manual_reason=None)
        return _settle(standing.tier_id, earned, base, now, climbing_from=manual, reason="retention_expired")

    held = _by_id(ladder, standing.tier_id)
    if standing.tier_id is not None and held is None:
        # the tier held was deleted: the metric decides (not a climb: no entry reward)
        return _settle(
            standing.tier_id, earned, base, now, climbing_from=None, reason="qualified", reward=False
        )

    if _rank(earned) >= _rank(held):
        entered = earned.id if earned is not None and _rank(earned) > _rank(held) else None
        kept = replace(base, tier_id=earned.id if earned else None, retain_until=None)
        if earned is not None:
            kept = replace(kept, qualified_at=now)
        return Outcome(kept, _move(standing.tier_id, kept.tier_id, "qualified"), entered)

    # the metric no longer supports the tier held
    assert held is not None
    down_reason = "refund" if refund else "retention_expired"
    if policy.retention == "never":
        return Outcome(replace(base, retain_until=None), None, None)
    if policy.retention == "immediate":
        target = earned
        moved = replace(base, tier_id=target.id if target else None, retain_until=None)
        return Outcome(moved, _move(standing.tier_id, moved.tier_id, down_reason), None)
    # end_of_next_period
    supported_at = standing.qualified_at or now
    until = standing.retain_until or retain_until(policy.period, supported_at, policy.tz)
    if until > now:
        return Outcome(replace(base, retain_until=until), None, None)
    # the grace is over: one tier down (or to the tier the metric supports, if higher)
    below = _below(ladder, held)
    target = earned if _rank(earned) > _rank(below) else below
    if target is None or target is earned:
        moved = replace(
            base,
            tier_id=target.id if target else None,
            retain_until=None,
            qualified_at=now if target else None,
        )
    else:
        # the lower tier is held on the same terms: as if supported until the grace ended
        grace_end = until - timedelta(microseconds=1)
        next_until = retain_until(policy.period, grace_end, policy.tz)
        moved = replace(base, tier_id=target.id, qualified_at=grace_end, retain_until=next_until)
        if next_until <= now:
            # a long gap without evaluation: decay on, one period per tier
            return _chain(ladder, standing, moved, metric, now, policy)
    return Outcome(moved, _move(standing.tier_id, moved.tier_id, "retention_expired"), None)


def _chain(
    ladder: Sequence[Rung],
    original: Standing,
    moved: Standing,
    metric: Decimal,
    now: datetime,
    policy: Policy,
) -> Outcome:
    outcome = evaluate(ladder, moved, metric, now, policy)
    final = outcome.standing
    return Outcome(final, _move(original.tier_id, final.tier_id, "retention_expired"), None)


def _settle(
    previous_tier_id: int | None,
    earned: Rung | None,
    base: Standing,
    now: datetime,
    *,
    climbing_from: Rung | None,
    reason: str,
    reward: bool = True,
) -> Outcome:
    """The customer goes to the tier the metric supports (a manual tier ended, the tier
    held was deleted): up is a qualification, down is ``reason``."""
    standing = replace(
        base,
        tier_id=earned.id if earned else None,
        retain_until=None,
        qualified_at=now if earned else base.qualified_at,
    )
    up = _rank(earned) > _rank(climbing_from)
    entered = earned.id if (earned is not None and up and reward) else None
    return Outcome(
        standing, _move(previous_tier_id, standing.tier_id, "qualified" if up else reason), entered
    )


def _move(from_id: int | None, to_id: int | None, reason: str) -> Move | None:
    return None if from_id == to_id else Move(from_id, to_id, reason)


def assign_manually(
    standing: Standing, tier_id: int | None, until: datetime | None, reason: str | None, now: datetime
) -> Outcome:
    """Staff put the customer in ``tier_id`` until ``until`` (None: until changed
    again). ``tier_id`` None ends a manual tier now: the next evaluation puts the
    customer where the metric says, retention aside."""
    if tier_id is None:
        if standing.manual_tier_id is None:
            return Outcome(standing, None, None)
        return Outcome(replace(standing, manual_until=now), None, None)
    assigned = replace(
        standing,
        tier_id=tier_id,
        manual_tier_id=tier_id,
        manual_until=until,
        manual_reason=reason,
        retain_until=None,
    )
    return Outcome(assigned, _move(standing.tier_id, tier_id, "manual"), None)


# --- progress --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a customer stands against the ladder: what reaching the next tier takes,
    and what keeping the current one takes (both in the shop's metric)."""

    metric: str
    value: Decimal
    next_tier_id: int | None
    # still needed for the next tier (None: at the top)
    to_next: Decimal | None
    # by when (the end of the calendar year; None: no deadline)
    next_by: datetime | None
    # still needed to keep the tier held (None: nothing, or the policy never downgrades)
    to_keep: Decimal | None
    # by when it must be reached: the current period's end, or the retention date
    keep_by: datetime | None
    # 0-100: how far from the tier held (or 0) to the next one
    percent: int


def progress(
    ladder: Sequence[Rung],
    *,
    metric: str,
    value: Decimal,
    tier_id: int | None,
    retain_until_at: datetime | None,
    policy: Policy,
    now: datetime,
) -> Progress:
    ladder = sorted(ladder, key=lambda r: r.rank)
    held = _by_id(ladder, tier_id)
    above = [r for r in ladder if r.rank > _rank(held)]
    nxt = above[0] if above else None
    deadline = period_end(policy.period, now, policy.tz)
    to_next = max(nxt.threshold - value, Decimal(0)) if nxt else None
    floor = held.threshold if held else Decimal(0)
    percent = 100
    if nxt is not None:
        span = nxt.threshold - floor
        percent = max(0, min(100, math.floor((value - floor) / span * 100))) if span > 0 else 0
    to_keep: Decimal | None = None
    keep_by: datetime | None = None
    if held is not None and policy.retention != "never":
        short = held.threshold - value
        if short > 0:
            to_keep = short
            keep_by = retain_until_at if policy.retention == "end_of_next_period" else None
        elif deadline is not None:
            # a calendar year resets: next year's tier is earned again by its end
            keep_by = deadline
    if to_keep is not None and keep_by is None:
        keep_by = deadline
    return Progress(
        metric=metric,
        value=value,
        next_tier_id=nxt.id if nxt else None,
        to_next=to_next,
        next_by=deadline if nxt else None,
        to_keep=to_keep,
        keep_by=keep_by,
        percent=int(percent),
    )


def _amount(metric: str, amount: Decimal, currency: str) -> str:
    if metric == "money":
        return f"{amount.quantize(Decimal('0.01'))} {currency}"
    whole = int(amount.to_integral_value(rounding="ROUND_CEILING"))
    noun = "point" if metric == "points" else "order"
    return f"{whole:,} {noun}{'' if whole == 1 else 's'}"


_VERBS = {"points": "earn", "money": "spend", "orders": "place"}


def describe(metric: str, amount: Decimal, by: datetime | None, tz: ZoneInfo, currency: str) -> str:
    """ "spend 42.50 USD more by 31 Dec 2026" (English; the widget may word its own
    from the structured fields). ``by`` is an exclusive end: the day before is named."""
    text = f"{_VERBS[metric]} {_amount(metric, amount, currency)} more"
    if by is not None:
        last = (by - timedelta(microseconds=1)).astimezone(tz)
        text += f" by {last.day} {last.strftime('%b %Y')}"
    return text
