"""What the notifications context puts in the storefront ``Me`` type: the customer's own
subscriptions to each message type and channel (the widget's "emails I get" screen)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from loyalnest.contexts.notifications import api as notifications
from loyalnest.graphql.notifications.types import NotificationPreference


@strawberry.type
class MeNotifications:
    local_id: strawberry.Private[int | None]

    @strawberry.field(
        description="Every message type the shop may send you, by channel, and whether you receive it "
        "(change them with updateMyNotificationPreferences); empty until the shop has told us about you."
    )
    async def notification_preferences(self, info: Info) -> list[NotificationPreference]:
        if self.local_id is None:
            return []
        found = await notifications.get_preferences(info.context.merchant_id, self.local_id)
        return [NotificationPreference.from_dto(dto) for dto in found]


ME_FIELDS = (MeNotifications,)
