"""Staff mutations of analytics' custom segments (admin:full or admin:analytics; audited).
A rule the language refuses comes back as a userError on `input.rule` with the parser's
message and position; nothing is saved."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.analytics import api as analytics
from loyalnest.graphql.analytics.permissions import CanUseAnalytics
from loyalnest.graphql.analytics.segments.loaders import CUSTOM_SEGMENT
from loyalnest.graphql.analytics.segments.types import CustomSegment
from loyalnest.graphql.core.errors import USER_ERRORS, UserError
from loyalnest.graphql.core.ids import encode_id
from loyalnest.graphql.core.mutations import Write, mutation
from loyalnest.platform.errors import DomainError


@strawberry.input(description="A custom segment: its name and the rule that picks its customers.")
class CustomSegmentInput:
    name: str = strawberry.field(description="1-100 characters.")
    rule: str = strawberry.field(
        description="Conditions over r, f, m (scores 1-5), segment (a built-in slug, e.g. at_risk), tier "
        '(a tier name, any case), points_balance, lifetime_points, tags (`tags has "vip"`) and '
        "last_order_days, with = != < <= > >= and `in (..)`, combined with and, or, not and parentheses. "
        'Example: `segment in (loyal, champions) and points_balance >= 500 and not tags has "staff"`. '
        "At most 2,000 characters."
    )
    description: str | None = strawberry.field(default=None, description="What it is for (optional).")

    def to_api(self) -> analytics.CustomSegmentInput:
        return analytics.CustomSegmentInput(name=self.name, rule=self.rule, description=self.description)


def _input_path(exc: DomainError) -> Sequence[str]:
    return ("input",) if exc.field in ("name", "rule", "description") else ()


@strawberry.type(description="The result of creating or updating a custom segment.")
class CustomSegmentPayload:
    custom_segment: CustomSegment | None = strawberry.field(description="The segment; null when refused.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of deleting a custom segment.")
class DeleteCustomSegmentPayload:
    deleted_custom_segment_id: strawberry.ID | None = strawberry.field(
        description="The global id of the deleted segment; null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


INPUT = strawberry.argument(description="The segment's name, rule and description.")


@strawberry.type
class SegmentsMutation:
    @strawberry.mutation(
        permission_classes=[CanUseAnalytics],
        description="Create a custom segment (admin:full or admin:analytics; audited). Its members are "
        "computed in the background (`refreshedAt` null until then). Refusals: INVALID on input.name or "
        "input.rule (the parser's message, with the character position).",
    )
    @mutation(CustomSegmentPayload, error_path=_input_path)
    async def create_custom_segment(
        self, info: Info, write: Write, input: Annotated[CustomSegmentInput, INPUT]
    ) -> CustomSegmentPayload:
        staff = info.context.staff
        dto = await analytics.create_custom_segment(
            write.uow, staff.merchant_id, input.to_api(), actor=staff.actor
        )
        return CustomSegmentPayload(custom_segment=CustomSegment.from_dto(dto), user_errors=[])

    @strawberry.mutation(
        permission_classes=[CanUseAnalytics],
        description="Replace a custom segment's name, rule and description (audited with what changed). A "
        "changed rule recomputes the members in the background. Refusals: NOT_FOUND, INVALID on input.*.",
    )
    @mutation(CustomSegmentPayload, ids={"id": "CustomSegment"}, error_path=_input_path)
    async def update_custom_segment(
        self,
        info: Info,
        write: Write,
        id: Annotated[int, strawberry.argument(description="The segment's global id.")],
        input: Annotated[CustomSegmentInput, INPUT],
    ) -> CustomSegmentPayload:
        staff = info.context.staff
        dto = await analytics.update_custom_segment(
            write.uow, staff.merchant_id, id, input.to_api(), actor=staff.actor
        )
        write.changed(CUSTOM_SEGMENT, id)
        return CustomSegmentPayload(custom_segment=CustomSegment.from_dto(dto), user_errors=[])

    @strawberry.mutation(
        permission_classes=[CanUseAnalytics],
        description="Delete a custom segment and its memberships (audited). Refusals: NOT_FOUND.",
    )
    @mutation(DeleteCustomSegmentPayload, ids={"id": "CustomSegment"})
    async def delete_custom_segment(
        self,
        info: Info,
        write: Write,
        id: Annotated[int, strawberry.argument(description="The segment's global id.")],
    ) -> DeleteCustomSegmentPayload:
        staff = info.context.staff
        await analytics.delete_custom_segment(write.uow, staff.merchant_id, id, actor=staff.actor)
        write.changed(CUSTOM_SEGMENT, id)
        return DeleteCustomSegmentPayload(
            deleted_custom_segment_id=encode_id("CustomSegment", id), user_errors=[]
        )
