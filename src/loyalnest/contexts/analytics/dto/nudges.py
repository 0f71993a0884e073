"""Frozen DTOs of analytics' nudges (re-exported by ``api``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from loyalnest.contexts.analytics.rules import nudges as rules
from loyalnest.contexts.analytics.rules.nudges import VariantSpec

__all__ = [
    "KEEP",
    "NUDGE_KEEP",
    "EmailRunDTO",
    "MyNudgeDTO",
    "NudgeDTO",
    "NudgeInput",
    "NudgePage",
    "NudgeResultsDTO",
    "NudgeUpdate",
    "NudgeVariantDTO",
    "VariantResultDTO",
    "VariantSpec",
]

# Leave a field of an update as ``KEEP`` to keep its value.
KEEP: Any = object()
# the name ``api`` re-exports it under (the other concerns have their own KEEP)
NUDGE_KEEP = KEEP

Texts = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class NudgeVariantDTO:
    id: int
    nudge_id: int
    name: str
    weight: int
    control: bool
    position: int
    # per-locale overrides of the nudge's texts, sorted by locale; None: the nudge's own
    titles: Texts | None
    bodies: Texts | None
    cta_labels: Texts | None
    # set when a later variant list left it out (its results stay readable)
    removed_at: datetime | None


@dataclass(frozen=True)
class NudgeDTO:
    id: int
    merchant_id: int
    name: str
    # one of rules.KINDS; ``segment`` set only for 'segment'
    kind: str
    segment: str | None
    default_locale: str
    titles: Texts
    bodies: Texts
    cta_labels: Texts
    cta_url: str
    enabled: bool
    hide_days: int
    archived_at: datetime | None
    created_at: datetime
    updated_at: datetime
    # the live variants, in the merchant's order (the removed ones are in results only)
    variants: tuple[NudgeVariantDTO, ...]

    def title(self, locale: str | None, variant: NudgeVariantDTO | None = None) -> str:
        return self._text("titles", locale, variant)

    def body(self, locale: str | None, variant: NudgeVariantDTO | None = None) -> str:
        return self._text("bodies", locale, variant)

    def cta_label(self, locale: str | None, variant: NudgeVariantDTO | None = None) -> str:
        return self._text("cta_labels", locale, variant)

    def _text(self, what: str, locale: str | None, variant: NudgeVariantDTO | None) -> str:
        """The variant's override when it has one in some locale, else the nudge's text,
        each through the locale fallback (locale, its language, the default locale)."""
        texts = dict(getattr(self, what))
        override = getattr(variant, what) if variant is not None else None
        if override:
            texts = {**texts, **dict(override)}
        return rules.text_for(texts, self.default_locale, locale)

    def variant(self, variant_id: int) -> NudgeVariantDTO | None:
        return next((v for v in self.variants if v.id == variant_id), None)


@dataclass(frozen=True)
class NudgePage:
    items: tuple[NudgeDTO, ...]
    has_next: bool


@dataclass(frozen=True)
class NudgeInput:
    """A new nudge. ``variants`` None: one variant, "Control", weight 1."""

    name: str
    kind: str
    default_locale: str
    titles: Texts
    bodies: Texts
    cta_labels: Texts
    cta_url: str
    segment: str | None = None
    enabled: bool = False
    hide_days: int = 7
    variants: tuple[VariantSpec, ...] | None = None


@dataclass(frozen=True)
class NudgeUpdate:
    """Fields left ``KEEP`` keep their value; texts, when given, replace every locale's;
    ``variants``, when given, replace the list (see ``commands.nudges.set_nudge_variants``)."""

    name: Any = KEEP
    kind: Any = KEEP
    segment: Any = KEEP
    default_locale: Any = KEEP
    titles: Any = KEEP
    bodies: Any = KEEP
    cta_labels: Any = KEEP
    cta_url: Any = KEEP
    enabled: Any = KEEP
    hide_days: Any = KEEP
    variants: Any = KEEP


@dataclass(frozen=True)
class MyNudgeDTO:
    """A nudge as the storefront shows it to one customer: their variant's texts in
    their locale."""

    nudge_id: int
    variant_id: int
    kind: str
    title: str
    body: str
    cta_label: str
    cta_url: str


@dataclass(frozen=True)
class VariantResultDTO:
    variant_id: int
    name: str
    control: bool
    weight: int
    removed: bool
    # distinct customers who saw / clicked it
    views: int
    clicks: int
    ctr: float | None
    # orders within 7 days of a click, the customers who placed them, their revenue
    conversions: int
    converted_customers: int
    revenue: Decimal
    # converted customers / viewers
    conversion_rate: float | None
    # two-proportion z-test against the control (None for the control itself, or when
    # undefined); significant: p < 0.05
    p_value: float | None
    significant: bool
    ctr_p_value: float | None


@dataclass(frozen=True)
class NudgeResultsDTO:
    nudge_id: int
    control_variant_id: int | None
    variants: tuple[VariantResultDTO, ...]


@dataclass(frozen=True)
class EmailRunDTO:
    id: int
    nudge_id: int
    segment: str
    # 'queued', 'running' or 'done'
    status: str
    seen: int
    queued: int
    skipped: int
    created_at: datetime
    finished_at: datetime | None
