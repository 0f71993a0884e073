"""Mutations of nudges. Staff (admin:full or admin:analytics; audited): create, update,
set the variants, archive, email to a segment. Storefront: record a view, click or
dismissal (rate-limited per customer)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from loyalnest.contexts.analytics import api as analytics
from loyalnest.graphql.analytics.nudges.loaders import NUDGE_CHANGED
from loyalnest.graphql.analytics.nudges.types import (
    NUDGE_VARIANT,
    Nudge,
    NudgeEmailRun,
    NudgeEventKind,
    NudgeType,
)
from loyalnest.graphql.analytics.permissions import CanUseAnalytics
from loyalnest.graphql.core.errors import USER_ERRORS, UserError
from loyalnest.graphql.core.mutations import Write, decode_or_refuse, mutation
from loyalnest.graphql.core.permissions import IsCustomer, IsStaff
from loyalnest.platform import rate_limit
from loyalnest.platform.errors import DomainError


@strawberry.input(description="A text in one locale.")
class NudgeTextInput:
    locale: str = strawberry.field(description="A BCP 47 tag (`en`, `fr-CA`).")
    text: str = strawberry.field(
        description="The text (titles 1-120, texts 1-1,000, labels 1-40 characters)."
    )


@strawberry.input(description="One A/B variant.")
class NudgeVariantInput:
    id: strawberry.ID | None = strawberry.field(
        default=None, description="An existing variant's global id to keep and change it; omit for a new one."
    )
    name: str = strawberry.field(description="Its name, unique within the nudge (1-60 characters).")
    weight: int = strawberry.field(default=1, description="Its share relative to the others (1-10,000).")
    control: bool = strawberry.field(
        default=False, description="The control (at most one; none marked: the first is)."
    )
    titles: list[NudgeTextInput] | None = strawberry.field(
        default=None, description="Titles replacing the nudge's; omit to use the nudge's."
    )
    bodies: list[NudgeTextInput] | None = strawberry.field(
        default=None, description="Texts replacing the nudge's; omit to use the nudge's."
    )
    cta_labels: list[NudgeTextInput] | None = strawberry.field(
        default=None, description="Call-to-action labels replacing the nudge's; omit to use the nudge's."
    )


@strawberry.input(description="A new nudge.")
class NudgeInput:
    name: str = strawberry.field(description="The merchant's name for it (1-100 characters).")
    type: NudgeType = strawberry.field(description="Who it is for.")
    segment: str | None = strawberry.field(
        default=None, description="With type SEGMENT: a built-in segment slug or `custom:<id>`; else omit."
    )
    default_locale: str = strawberry.field(
        description="The locale used when the customer's has no text; titles, bodies and ctaLabels need it."
    )
    titles: list[NudgeTextInput] = strawberry.field(description="The title per locale (1-120 characters).")
    bodies: list[NudgeTextInput] = strawberry.field(description="The text per locale (1-1,000 characters).")
    cta_labels: list[NudgeTextInput] = strawberry.field(
        description="The call to action's label per locale (1-40 characters)."
    )
    cta_url: str = strawberry.field(
        description="Where the call to action leads: https://... or a path (/...)."
    )
    enabled: bool = strawberry.field(default=False, description="Show it in the storefront now.")
    hide_days: int = strawberry.field(default=7, description="Days a dismissal hides it (0-365).")
    variants: list[NudgeVariantInput] | None = strawberry.field(
        default=None, description="1-10 variants; omit for one variant, the control, named Control."
    )


@strawberry.input(description="Changes to a nudge: omitted fields keep their value.")
class NudgeUpdateInput:
    name: str | None = strawberry.field(default=strawberry.UNSET, description="Its name.")
    type: NudgeType | None = strawberry.field(
        default=strawberry.UNSET, description="Who it is for (not SEGMENT: the segment is cleared)."
    )
    segment: str | None = strawberry.field(
        default=strawberry.UNSET, description="With type SEGMENT: the segment."
    )
    default_locale: str | None = strawberry.field(default=strawberry.UNSET, description="The default locale.")
    titles: list[NudgeTextInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces every title."
    )
    bodies: list[NudgeTextInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces every text."
    )
    cta_labels: list[NudgeTextInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces every call-to-action label."
    )
    cta_url: str | None = strawberry.field(default=strawberry.UNSET, description="The call to action's URL.")
    enabled: bool | None = strawberry.field(default=strawberry.UNSET, description="On or off.")
    hide_days: int | None = strawberry.field(
        default=strawberry.UNSET, description="Days a dismissal hides it."
    )
    variants: list[NudgeVariantInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces the variant list (as setNudgeVariants)."
    )


@strawberry.type(description="The result of createNudge, updateNudge, setNudgeVariants and archiveNudge.")
class NudgePayload:
    nudge: Nudge | None = strawberry.field(description="The nudge afterwards; null when refused.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of sendNudgeEmail.")
class SendNudgeEmailPayload:
    run: NudgeEmailRun | None = strawberry.field(
        description="The run and its progress (nudgeEmailRun refetches it); null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of recordNudgeEvent.")
class RecordNudgeEventPayload:
    counted: bool | None = strawberry.field(
        description="Whether it counted: false when the same kind was already recorded today for this "
        "nudge (once per customer, nudge, kind and day). Null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


def _pairs(items: Sequence[NudgeTextInput] | None) -> tuple[tuple[str, str], ...] | None:
    return None if items is None else tuple((t.locale, t.text) for t in items)


def _variants(items: Sequence[NudgeVariantInput]) -> tuple[analytics.VariantSpec, ...]:
    return tuple(
        analytics.VariantSpec(
            name=v.name,
            weight=v.weight,
            control=v.control,
            id=None if v.id is None else decode_or_refuse(v.id, NUDGE_VARIANT, field="variants"),
            titles=_pairs(v.titles),
            bodies=_pairs(v.bodies),
            cta_labels=_pairs(v.cta_labels),
        )
        for v in items
    )


def _input_path(exc: DomainError) -> Sequence[str]:
    return () if exc.field in (None, "id") else ("input",)


def _update(data: NudgeUpdateInput) -> analytics.NudgeUpdate:
    def given(value: Any, convert: Any = None) -> Any:
        if value is strawberry.UNSET:
            return analytics.NUDGE_KEEP
        if value is None:
            return None
        return value if convert is None else convert(value)

    def required(value: Any, field: str, convert: Any = None) -> Any:
        if value is None:
            raise DomainError(f"{field} cannot be null", field=field)
        return given(value, convert)

    return analytics.NudgeUpdate(
        name=required(data.name, "name"),
        kind=required(data.type, "type", lambda t: str(t.value)),
        segment=given(data.segment),
        default_locale=required(data.default_locale, "defaultLocale"),
        titles=required(data.titles, "titles", _pairs),
        bodies=required(data.bodies, "bodies", _pairs),
        cta_labels=required(data.cta_labels, "ctaLabels", _pairs),
        cta_url=required(data.cta_url, "ctaUrl"),
        enabled=required(data.enabled, "enabled"),
        hide_days=required(data.hide_days, "hideDays"),
        variants=required(data.variants, "variants", _variants),
    )


@strawberry.type
class NudgesMutation:
    @strawberry.mutation(
        permission_classes=[IsStaff, CanUseAnalytics],
        description="Create a nudge (admin:full or admin:analytics), validated as a whole; audited. "
        "Refusals: INVALID on the input field at fault (texts, lengths, URL, locale, variants, weights).",
    )
    @mutation(NudgePayload, error_path=_input_path)
    async def create_nudge(
        self,
        info: Info,
        write: Write,
        input: Annotated[NudgeInput, strawberry.argument(description="The nudge.")],
    ) -> NudgePayload:
        staff = info.context.staff
        dto = await analytics.create_nudge(
            write.uow,
            merchant_id=staff.merchant_id,
            actor=staff.actor,
            data=analytics.NudgeInput(
                name=input.name,
                kind=str(input.type.value),
                segment=input.segment,
                default_locale=input.default_locale,
                titles=_pairs(input.titles) or (),
                bodies=_pairs(input.bodies) or (),
                cta_labels=_pairs(input.cta_labels) or (),
                cta_url=input.cta_url,
                enabled=input.enabled,
                hide_days=input.hide_days,
                variants=None if input.variants is None else _variants(input.variants),
            ),
        )
        return NudgePayload(nudge=Nudge.from_dto(dto), user_errors=[])

    @strawberry.mutation(
        permission_classes=[IsStaff, CanUseAnalytics],
        description="Change a live nudge (admin:full or admin:analytics), validated as a whole; audited. "
        "Refusals: NOT_FOUND on `id` (no live nudge of this shop), INVALID on the input field at fault.",
    )
    @mutation(NudgePayload, ids={"id": "Nudge"}, error_path=_input_path)
    async def update_nudge(
        self,
        info: Info,
        write: Write,
        id: int,
        input: Annotated[NudgeUpdateInput, strawberry.argument(description="What to change.")],
    ) -> NudgePayload:
        staff = info.context.staff
        dto = await analytics.update_nudge(
            write.uow, merchant_id=staff.merchant_id, actor=staff.actor, nudge_id=id, update=_update(input)
        )
        write.changed(NUDGE_CHANGED, id)
        return NudgePayload(nudge=Nudge.from_dto(dto), user_errors=[])

    @strawberry.mutation(
        permission_classes=[IsStaff, CanUseAnalytics],
        description="Replace a live nudge's variants (admin:full or admin:analytics): a variant given with "
        "its id is changed, one without is new, a live one left out is removed (its results stay). "
        "Audited. Refusals: NOT_FOUND on `id` or `variants`, INVALID on `variants` (1-10 variants, "
        "weights 1-10,000, at most one control, unique names).",
    )
    @mutation(NudgePayload, ids={"id": "Nudge"})
    async def set_nudge_variants(
        self,
        info: Info,
        write: Write,
        id: int,
        variants: Annotated[
            list[NudgeVariantInput], strawberry.argument(description="The whole list, in order.")
        ],
    ) -> NudgePayload:
        staff = info.context.staff
        dto = await analytics.set_nudge_variants(
            write.uow,
            merchant_id=staff.merchant_id,
            actor=staff.actor,
            nudge_id=id,
            variants=_variants(variants),
        )
        write.changed(NUDGE_CHANGED, id)
        return NudgePayload(nudge=Nudge.from_dto(dto), user_errors=[])

    @strawberry.mutation(
        permission_classes=[IsStaff, CanUseAnalytics],
        description="Archive a nudge (admin:full or admin:analytics): off for good, gone from the storefront "
        "and the live list; its results stay readable. Audited. Refusals: NOT_FOUND (no live nudge).",
    )
    @mutation(NudgePayload, ids={"id": "Nudge"})
    async def archive_nudge(self, info: Info, write: Write, id: int) -> NudgePayload:
        staff = info.context.staff
        dto = await analytics.archive_nudge(
            write.uow, merchant_id=staff.merchant_id, actor=staff.actor, nudge_id=id
        )
        write.changed(NUDGE_CHANGED, id)
        return NudgePayload(nudge=Nudge.from_dto(dto), user_errors=[])

    @strawberry.mutation(
        permission_classes=[IsStaff, CanUseAnalytics],
        description="Email a nudge to a segment in the background (admin:full or admin:analytics), through "
        "the shop's notifications (the `nudge` message type): only customers who accept marketing, each "
        "at most once per nudge per 30 days, in their A/B variant and language. Asking again while a run "
        "for the same nudge and segment is going returns that run. Audited. Refusals: NOT_FOUND on `id`, "
        "INVALID on `segment`.",
    )
    @mutation(SendNudgeEmailPayload, ids={"id": "Nudge"})
    async def send_nudge_email(
        self,
        info: Info,
        write: Write,
        id: int,
        segment: Annotated[
            str | None,
            strawberry.argument(
                description="A built-in segment slug or `custom:<id>`; omit for the nudge's own audience."
            ),
        ] = None,
    ) -> SendNudgeEmailPayload:
        staff = info.context.staff
        dto = await analytics.request_nudge_email(
            write.uow, merchant_id=staff.merchant_id, actor=staff.actor, nudge_id=id, segment=segment
        )
        return SendNudgeEmailPayload(run=NudgeEmailRun.from_dto(dto), user_errors=[])

    @strawberry.mutation(
        permission_classes=[IsCustomer],
        description="Storefront: record that you saw, clicked or dismissed a nudge of me.nudges (counted "
        "once per nudge, kind and day; a dismissal hides it for its hideDays). Refusals (userErrors): "
        "NOT_FOUND on `nudgeId` or `variantId`, RATE_LIMITED (too many events a minute), NOT_ENROLLED.",
    )
    @mutation(RecordNudgeEventPayload, ids={"nudge_id": "Nudge", "variant_id": "NudgeVariant"})
    async def record_nudge_event(
        self,
        info: Info,
        write: Write,
        nudge_id: Annotated[int, strawberry.argument(description="The nudge's global id (me.nudges).")],
        variant_id: Annotated[int, strawberry.argument(description="Your variant's global id (me.nudges).")],
        kind: Annotated[NudgeEventKind, strawberry.argument(description="What you did.")],
    ) -> RecordNudgeEventPayload:
        principal = info.context.customer
        if principal.customer_id is None:
            raise DomainError("this shop has no loyalty account for you yet", code="NOT_ENROLLED")
        await _check_rate(principal.merchant_id, principal.customer_id)
        counted = await analytics.record_nudge_event(
            write.uow,
            merchant_id=principal.merchant_id,
            customer_id=principal.customer_id,
            nudge_id=nudge_id,
            variant_id=variant_id,
            kind=str(kind.value),
        )
        return RecordNudgeEventPayload(counted=counted, user_errors=[])


async def _check_rate(merchant_id: int, customer_id: int) -> None:
    """``nudge_event_limit_per_minute`` events per customer per minute (a fixed window)."""
    from loyalnest.settings import get_settings  # read per call, as the referrals' limits do

    decision = await rate_limit.hit(
        f"nudge_events:{customer_id}",
        merchant_id=merchant_id,
        limit=get_settings().nudge_event_limit_per_minute,
        window_seconds=60,
    )
    if not decision.allowed:
        raise DomainError(
            f"too many nudge events; try again in {decision.retry_after} s", code="RATE_LIMITED"
        )


MUTATIONS = (NudgesMutation,)
