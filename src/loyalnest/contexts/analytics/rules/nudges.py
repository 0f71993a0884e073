"""Pure rules of nudges: who a nudge is for, validating a definition and its variants,
picking a customer's variant, the texts in a locale, and the statistics of the results.

Variant choice is a stable hash of (shop, nudge, customer) onto the cumulative weights:
the same customer always sees the same variant while the variant list is unchanged, no
state is stored for it, and over many customers each variant's share tends to its weight.

Results compare each variant with the control by a two-proportion z-test (pooled
standard error, two-sided), with the normal CDF from ``math.erfc``: no scipy.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from loyalnest.platform.errors import ValidationFailed

# the nudge types; 'segment' is "any segment" (a built-in slug or custom:<id>)
KINDS: tuple[str, ...] = ("at_risk", "loyal", "new", "inactive", "tier_dropped", "segment")
# which RFM segments each type targets (tier_dropped is its own table; 'segment' names one)
KIND_SEGMENTS: Mapping[str, tuple[str, ...]] = {
    "at_risk": ("at_risk", "cant_lose_them"),
    "loyal": ("champions", "loyal"),
    "new": ("new_customers",),
    "inactive": ("about_to_sleep", "hibernating", "lost"),
}
BUILT_IN_SEGMENTS: tuple[str, ...] = (
    "champions", "loyal", "potential_loyalist", "new_customers", "promising", "need_attention",
    "about_to_sleep", "at_risk", "cant_lose_them", "hibernating", "lost", "other",
)  # fmt: skip
EVENT_KINDS: tuple[str, ...] = ("view", "click", "dismiss")

# a customer whose tier dropped is a tier_dropped nudge's audience for this long
TIER_DROP_ELIGIBLE_DAYS = 30
# an order within this long after a click converts for the clicked variant
CONVERSION_WINDOW_DAYS = 7
# an email nudge reaches a customer at most once per nudge in this many days
EMAIL_WINDOW_DAYS = 30

MAX_VARIANTS = 10
MAX_WEIGHT = 10_000
MAX_NAME = 100
MAX_TITLE = 120
MAX_BODY = 1_000
MAX_CTA_LABEL = 40
MAX_URL = 2_000
MAX_HIDE_DAYS = 365
MAX_LOCALES = 30

_LOCALE = re.compile(r"^([a-zA-Z]{2,3})(?:[-_]([a-zA-Z0-9]{2,8}))?$")
_CUSTOM = re.compile(r"^custom:([0-9]{1,18})$")


# --- audience ------------------------------------------------------------------------------


def check_audience(kind: str, segment: str | None) -> str | None:
    """The stored segment for ``kind`` (None unless kind is 'segment'), or INVALID."""
    if kind not in KINDS:
        raise ValidationFailed(f"unknown nudge type {kind!r}", field="type")
    if kind != "segment":
        if segment is not None:
            raise ValidationFailed("a segment is given only with the type SEGMENT", field="segment")
        return None
    if segment is None:
        raise ValidationFailed("the type SEGMENT needs a segment", field="segment")
    if segment in BUILT_IN_SEGMENTS or _CUSTOM.match(segment):
        return segment
    raise ValidationFailed("not a segment: a built-in slug or custom:<id>", field="segment")


def custom_segment_id(segment: str) -> int | None:
    """``custom:12`` -> 12; a built-in slug -> None."""
    found = _CUSTOM.match(segment)
    return int(found.group(1)) if found else None


def audience_segments(kind: str, segment: str | None) -> tuple[str, ...]:
    """The segment names (built-in slugs or custom:<id>) a nudge of ``kind`` is for;
    empty for tier_dropped."""
    if kind == "segment":
        return (segment,) if segment else ()
    return KIND_SEGMENTS.get(kind, ())


# --- texts ---------------------------------------------------------------------------------------


def normalise_locale(locale: str, *, field: str) -> str:
    """``fr_ca`` -> ``fr-CA``, ``EN`` -> ``en``; INVALID otherwise."""
    found = _LOCALE.match(locale.strip())
    if not found:
        raise ValidationFailed(f"not a locale: {locale!r}", field=field)
    language, region = found.group(1).lower(), found.group(2)
    if region is None:
        return language
    return f"{language}-{region.upper() if len(region) == 2 else region.title()}"


def clean_texts(
    texts: Sequence[tuple[str, str]], *, field: str, max_length: int, required_locale: str | None
) -> dict[str, str]:
    """{locale: text} from (locale, text) pairs: locales normalised and unique, texts
    stripped, 1..max_length characters; ``required_locale`` must have one."""
    cleaned: dict[str, str] = {}
    if len(texts) > MAX_LOCALES:
        raise ValidationFailed(f"at most {MAX_LOCALES} locales", field=field)
    for raw_locale, raw_text in texts:
        locale = normalise_locale(raw_locale, field=field)
        if locale in cleaned:
            raise ValidationFailed(f"locale {locale} is given twice", field=field)
        value = raw_text.strip()
        if not value:
            raise ValidationFailed("a text cannot be empty", field=field)
        if len(value) > max_length:
            raise ValidationFailed(f"a text is at most {max_length} characters", field=field)
        cleaned[locale] = value
    if required_locale is not None and required_locale not in cleaned:
        raise ValidationFailed(f"needs a text in the default locale {required_locale}", field=field)
    return cleaned


def check_name(name: str, *, field: str = "name", max_length: int = MAX_NAME) -> str:
    value = name.strip()
    if not value or len(value) > max_length:
        raise ValidationFailed(f"a name is 1-{max_length} characters", field=field)
    return value


def check_url(url: str) -> str:
    """An https URL or a path of the shop (``/collections/sale``): never http, never
    ``javascript:``, never a protocol-relative ``//host``."""
    value = url.strip()
    if not value or len(value) > MAX_URL or any(c.isspace() for c in value):
        raise ValidationFailed(f"a URL is 1-{MAX_URL} characters without spaces", field="ctaUrl")
    if value.startswith("/") and not value.startswith("//"):
        return value
    if re.match(r"^https://[^/?#\s]+", value, flags=re.IGNORECASE):
        return value
    raise ValidationFailed("the call to action's URL is https:// or a path starting with /", field="ctaUrl")


def check_hide_days(days: int) -> int:
    if not 0 <= days <= MAX_HIDE_DAYS:
        raise ValidationFailed(f"hide days are 0-{MAX_HIDE_DAYS}", field="hideDays")
    return days


def text_for(texts: Mapping[str, str], default_locale: str, locale: str | None) -> str:
    """The text in ``locale``; else in its language (``fr-CA`` -> ``fr``, or any
    ``fr-*``); else the default locale's (the product's fallback, as tiers')."""
    if locale:
        try:
            wanted = normalise_locale(locale, field="locale")
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
    return texts.get(default_locale) or next(iter(texts.values()), "")


# --- variants ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VariantSpec:
    """A variant as the merchant gives it (``id`` None: a new one)."""

    name: str
    weight: int
    control: bool = False
    id: int | None = None
    titles: tuple[tuple[str, str], ...] | None = None
    bodies: tuple[tuple[str, str], ...] | None = None
    cta_labels: tuple[tuple[str, str], ...] | None = None


@dataclass(frozen=True)
class CleanVariant:
    id: int | None
    name: str
    weight: int
    control: bool
    position: int
    titles: dict[str, str] | None
    bodies: dict[str, str] | None
    cta_labels: dict[str, str] | None


def clean_variants(variants: Sequence[VariantSpec]) -> list[CleanVariant]:
    """1..10 variants, unique names, weights 1..10,000, exactly one control (none
    marked: the first is the control). Text overrides are checked like the nudge's."""
    if not 1 <= len(variants) <= MAX_VARIANTS:
        raise ValidationFailed(f"a nudge has 1-{MAX_VARIANTS} variants", field="variants")
    controls = [v for v in variants if v.control]
    if len(controls) > 1:
        raise ValidationFailed("exactly one variant is the control", field="variants")
    names: set[str] = set()
    ids: set[int] = set()
    cleaned = []
    for position, spec in enumerate(variants):
        name = check_name(spec.name, field="variants", max_length=60)
        if name.lower() in names:
            raise ValidationFailed(f"variant name {name!r} is given twice", field="variants")
        names.add(name.lower())
        if spec.id is not None:
            if spec.id in ids:
                raise ValidationFailed("a variant id is given twice", field="variants")
            ids.add(spec.id)
        if not 1 <= spec.weight <= MAX_WEIGHT:
            raise ValidationFailed(f"a variant's weight is 1-{MAX_WEIGHT}", field="variants")

        def texts(pairs: tuple[tuple[str, str], ...] | None, max_length: int) -> dict[str, str] | None:
            if not pairs:
                return None
            return clean_texts(pairs, field="variants", max_length=max_length, required_locale=None)

        cleaned.append(
            CleanVariant(
                id=spec.id,
                name=name,
                weight=spec.weight,
                control=spec.control or (not controls and position == 0),
                position=position,
                titles=texts(spec.titles, MAX_TITLE),
                bodies=texts(spec.bodies, MAX_BODY),
                cta_labels=texts(spec.cta_labels, MAX_CTA_LABEL),
            )
        )
    return cleaned


def bucket(merchant_id: int, nudge_id: int, customer_id: int) -> float:
    """A stable number in [0, 1) for this customer and nudge (SHA-256, so it is the same
    in every process and Python version, unlike ``hash``)."""
    digest = hashlib.sha256(f"{merchant_id}:{nudge_id}:{customer_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def choose_variant(
    merchant_id: int, nudge_id: int, customer_id: int, weighted: Sequence[tuple[int, int]]
) -> int:
    """The variant id of ``weighted`` ((id, weight), in the nudge's order) this customer
    sees: their bucket's place on the cumulative weights."""
    if not weighted:
        raise ValueError("a nudge without variants")
    total = sum(weight for _, weight in weighted)
    point = bucket(merchant_id, nudge_id, customer_id) * total
    running = 0
    for variant_id, weight in weighted:
        running += weight
        if point < running:
            return variant_id
    return weighted[-1][0]


# as ``api`` names it (the analytics context's other concerns choose other things)
choose_nudge_variant = choose_variant


# --- windows and statistics ----------------------------------------------------------------------


def email_window(day: date) -> int:
    """The number of the 30-day window ``day`` falls in (days since 1970-01-01 // 30)."""
    return (day - date(1970, 1, 1)).days // EMAIL_WINDOW_DAYS


def rate(successes: int, trials: int) -> float | None:
    return None if trials <= 0 else successes / trials


def normal_cdf(z: float) -> float:
    """Standard normal CDF: Φ(z) = erfc(-z / √2) / 2."""
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def two_proportion_p_value(x1: int, n1: int, x2: int, n2: int) -> float | None:
    """Two-sided p-value of H0 "both proportions are equal" for x1/n1 against x2/n2, by
    the pooled two-proportion z-test. None when it is undefined: an empty group, or both
    rates 0 or both 1 (no variance: nothing to tell apart)."""
    if n1 <= 0 or n2 <= 0:
        return None
    pooled = (x1 + x2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance <= 0:
        return None
    z = (x1 / n1 - x2 / n2) / math.sqrt(variance)
    # 2 * (1 - Φ(|z|)), written as erfc so tiny p-values keep their precision
    return min(1.0, math.erfc(abs(z) / math.sqrt(2.0)))


SIGNIFICANCE = 0.05


def significant(p_value: float | None) -> bool:
    """Significant at 95%: p < 0.05."""
    return p_value is not None and p_value < SIGNIFICANCE
