"""RFM scoring rules, pure: the configuration and its validation, the shipped presets,
quintile cut points and scores, threshold scores, and the time-weighting arithmetic.

The SQL in ``repository.rfm`` scores with exactly these rules; ``tests`` compare the two
on generated data. Both modes give each dimension a score 1..5, 5 being the most recent /
most frequent / highest spend.

QUINTILES. For each dimension the four cut points are the 20th, 40th, 60th and 80th
percentiles (PostgreSQL's ``percentile_disc``: the first value whose cumulative share
reaches p, i.e. ``sorted[ceil(p * n) - 1]``) of the values of the shop's scored
customers, and a value's score is ``1 + (number of cut points strictly below it)``.
Ties: equal values always share a score (a score is a function of the value, never of
the customer's id or row order), which is what a merchant expects of two customers
with identical behaviour; when many customers share a value (most shops have a majority
of one-order customers) the scores skip numbers rather than split them arbitrarily.
Recency is scored on the last order's time (later = higher), frequency on the order
count, monetary on net spend (or their time-weighted versions).

THRESHOLDS. Recency: days since the last order ``<= recency_days[0]`` is R5, ``<= [1]``
R4, ``<= [2]`` R3, ``<= [3]`` R2, else R1. Frequency: orders ``<= frequency_max[0]`` is
F1 ... ``<= [3]`` F4, else F5. Monetary: net spend ``< monetary_ratios[0] x AOV`` is M1
... ``< [3] x AOV`` M4, else M5 (AOV: the shop's average order value, from the last full
pass).

TIME WEIGHTING. An order placed at t weighs ``2 ** -(age_days / half_life_days)``. We
store ``ln(sum of 2 ** ((t - EPOCH) / half_life))``: relative to a fixed epoch, so a
customer's value does not change as time passes (no rewrite of old rows; the common
factor ``2 ** -(now - EPOCH)/h`` is the same for everyone, so quintiles are invariant
under it), and in log space so the sum never overflows however far from the epoch
(log-sum-exp). Thresholds mode rescales to now: ``exp(stored - ln2 * (now - EPOCH)/h)``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal

MODES = ("quintiles", "thresholds")
LOOKBACK_RANGE = (30, 3650)
HALF_LIFE_RANGE = (7, 3650)
# the fixed origin of the log-space weighted sums (any fixed instant would do)
WEIGHT_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
LN2 = math.log(2.0)
QUINTILE_POINTS = (0.2, 0.4, 0.6, 0.8)


@dataclass(frozen=True, slots=True)
class Thresholds:
    # R5..R2 upper bounds in days since the last order (ascending)
    recency_days: tuple[int, int, int, int]
    # F1..F4 upper bounds in orders (ascending)
    frequency_max: tuple[int, int, int, int]
    # M1..M4 upper bounds as multiples of the shop's average order value (ascending)
    monetary_ratios: tuple[Decimal, Decimal, Decimal, Decimal]


def _t(r: tuple[int, ...], f: tuple[int, ...], m: tuple[str, ...]) -> Thresholds:
    return Thresholds(r, f, tuple(Decimal(x) for x in m))  # type: ignore[arg-type]


# Presets by business type: each fills the three threshold rows.
PRESETS: dict[str, Thresholds] = {
    # the shipped defaults: a general store
    "default": _t((7, 30, 60, 90), (1, 3, 6, 10), ("0.5", "1", "2", "5")),
    # boxes renew monthly: a subscriber who skipped two weeks is no longer "recent", and a
    # year of renewals is the norm, so frequency needs more orders per score
    "subscription": _t((14, 35, 65, 95), (2, 4, 8, 12), ("0.5", "1", "3", "6")),
    # clothing is bought per season (every 2-3 months): recency bands follow seasons,
    # and a handful of orders a year is already a loyal shopper
    "apparel": _t((30, 90, 180, 270), (1, 2, 4, 8), ("0.5", "1", "2", "4")),
    # big tickets bought once every year or two: long recency bands, few orders, and a
    # second purchase is worth a lot (monetary bands closer together)
    "electronics": _t((60, 180, 365, 540), (1, 2, 3, 5), ("0.5", "1", "1.5", "3")),
    # food and litter are replenished every 3-6 weeks: a missed refill is the signal
    "pet_supplies": _t((21, 45, 75, 120), (1, 3, 6, 12), ("0.5", "1", "2", "4")),
}
DEFAULTS = PRESETS["default"]


@dataclass(frozen=True, slots=True)
class RfmConfig:
    """A shop's scoring configuration (what merchants edit and preview)."""

    mode: str = "quintiles"
    preset: str | None = None
    thresholds: Thresholds = DEFAULTS
    lookback_days: int = 365
    time_weighting: bool = False
    half_life_days: int = 90

    def with_preset(self, preset: str) -> RfmConfig:
        return replace(self, preset=preset, thresholds=PRESETS[preset])


DEFAULT_CONFIG = RfmConfig()


@dataclass(frozen=True, slots=True)
class ConfigError:
    """A named reason a configuration is refused (a GraphQL userError)."""

    field: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Boundaries:
    """What scoring needs besides the configuration: the last full pass's quintile cut
    points (None before the first pass: thresholds score meanwhile) and the AOV."""

    r_cuts: tuple[float, ...] | None = None
    f_cuts: tuple[float, ...] | None = None
    m_cuts: tuple[float, ...] | None = None
    average_order_value: Decimal | None = None
    computed_at: datetime | None = None


def _increasing(values: Sequence[object]) -> bool:
    return all(a < b for a, b in itertools.pairwise(values))  # type: ignore[operator]


def validate_config(config: RfmConfig) -> list[ConfigError]:
    """Every reason ``config`` cannot be saved (empty = valid)."""
    errors: list[ConfigError] = []
    if config.mode not in MODES:
        errors.append(ConfigError("mode", "INVALID_MODE", f"mode must be one of {', '.join(MODES)}"))
    if config.preset is not None and config.preset not in PRESETS:
        errors.append(ConfigError("preset", "UNKNOWN_PRESET", f"preset must be one of {', '.join(PRESETS)}"))
    t = config.thresholds
    rows: tuple[tuple[str, Sequence[object]], ...] = (
        ("recencyDays", t.recency_days),
        ("frequencyMax", t.frequency_max),
        ("monetaryRatios", t.monetary_ratios),
    )
    for name, values in rows:
        if len(values) != 4:
            errors.append(ConfigError(name, "WRONG_THRESHOLD_COUNT", f"{name} needs exactly 4 boundaries"))
        elif any(v <= 0 for v in values):  # type: ignore[operator]
            errors.append(ConfigError(name, "NEGATIVE_THRESHOLD", f"{name} boundaries must be positive"))
        elif not _increasing(values):
            errors.append(
                ConfigError(
                    name, "THRESHOLDS_NOT_INCREASING", f"{name} boundaries must be strictly increasing"
                )
            )
    low, high = LOOKBACK_RANGE
    if not low <= config.lookback_days <= high:
        errors.append(
            ConfigError("lookbackDays", "LOOKBACK_OUT_OF_RANGE", f"lookbackDays must be {low}..{high}")
        )
    low, high = HALF_LIFE_RANGE
    if not low <= config.half_life_days <= high:
        errors.append(
            ConfigError("halfLifeDays", "HALF_LIFE_OUT_OF_RANGE", f"halfLifeDays must be {low}..{high}")
        )
    return errors


# --- quintiles --------------------------------------------------------------------------


def quintile_cuts(values: Sequence[float]) -> tuple[float, ...] | None:
    """The four cut points of ``values`` (PostgreSQL ``percentile_disc``), None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    n = len(ordered)
    return tuple(ordered[max(math.ceil(p * n), 1) - 1] for p in QUINTILE_POINTS)


def quintile_score(value: float, cuts: Sequence[float]) -> int:
    """1 + the number of cut points strictly below ``value`` (equal values share a score)."""
    return 1 + sum(1 for cut in cuts if value > cut)


# --- thresholds -------------------------------------------------------------------------


def days_since(last: datetime, now: datetime) -> float:
    """Days from ``last`` to ``now`` as the SQL computes them (float epoch seconds)."""
    return (now.timestamp() - last.timestamp()) / 86400.0


def recency_score(days_since_last: float, thresholds: Thresholds) -> int:
    for score, bound in zip((5, 4, 3, 2), thresholds.recency_days, strict=True):
        if days_since_last <= bound:
            return score
    return 1


def frequency_score(orders: float, thresholds: Thresholds) -> int:
    for score, bound in zip((1, 2, 3, 4), thresholds.frequency_max, strict=True):
        if orders <= bound:
            return score
    return 5


def monetary_score(spend: float | Decimal, aov: Decimal, thresholds: Thresholds) -> int:
    """Net spend (Decimal, exact) or time-weighted spend (float) against ratio x AOV."""
    for score, ratio in zip((1, 2, 3, 4), thresholds.monetary_ratios, strict=True):
        bound = ratio * aov
        if spend < (float(bound) if isinstance(spend, float) else bound):
            return score
    return 5


# --- time weighting ---------------------------------------------------------------------


def weight_exponent(at: datetime, half_life_days: int) -> float:
    """ln of an order's weight relative to the epoch: ``ln2 * (at - EPOCH) / half_life``."""
    return LN2 * (at.timestamp() - WEIGHT_EPOCH.timestamp()) / 86400.0 / half_life_days


def log_weighted_sum(exponents: Sequence[float], amounts: Sequence[float] | None = None) -> float:
    """``ln(sum(amount_i * exp(exponent_i)))`` without overflow (log-sum-exp); amounts
    must be positive (None = all 1: the weighted count)."""
    terms = (
        list(exponents)
        if amounts is None
        else [e + math.log(a) for e, a in zip(exponents, amounts, strict=True)]
    )
    top = max(terms)
    return top + math.log(sum(math.exp(t - top) for t in terms))


def rescale_to_now(log_sum: float, now: datetime, half_life_days: int) -> float:
    """The weighted sum as of ``now`` (weights 1 for an order placed now)."""
    return math.exp(log_sum - weight_exponent(now, half_life_days))
