"""Public door of the notifications context: the message types, templates per shop x
type x channel x locale with live preview, settings and branding, providers with
fallback, the delivery log, customers' preferences and the one-click unsubscribe.

Messages are owed by this context's handlers of other contexts' events (nobody calls in
to send); later issues with their own causes use ``queue_messages`` in their
transaction (``Outgoing(type, cause, customer_id, variables, sealed)``). A message to
someone who is not a customer yet (a referral invite, a friend's welcome code) passes
``customer_id=None`` with ``recipient`` (an email or a phone, encrypted at once) and
``locale``; ``delivery``'s docstring says what protects such an address."""

from __future__ import annotations

from loyalnest.contexts.notifications import (
    commands,
    defaults,
    delivery,
    flows,
    locales,
    queries,
    retention,
    tokens,
)
from loyalnest.contexts.notifications.delivery import DELIVER_BATCH_ACTOR, NOTIFICATIONS_QUEUE, Outgoing
from loyalnest.contexts.notifications.dto import (
    Branding,
    DeliveryDTO,
    DeliveryPage,
    Draft,
    NotificationSettingsDTO,
    PreferenceChange,
    PreferenceDTO,
    PreviewDTO,
    ProviderCheckDTO,
    ProviderDTO,
    ProviderInput,
    SettingsUpdate,
    TemplateError,
    TemplateInvalid,
    TemplateSlotDTO,
    TestSendDTO,
    UnsubscribeResult,
)
from loyalnest.contexts.notifications.registry import CHANNELS, MessageType, Money, Variable
from loyalnest.contexts.notifications.tasks import QUEUE_REMINDERS_ACTOR, SWEEP_ACTOR

__all__ = [
    "CHANNELS",
    "DELIVER_BATCH_ACTOR",
    "MAX_DELIVERY_PAGE",
    "NOTIFICATIONS_QUEUE",
    "QUEUE_REMINDERS_ACTOR",
    "SWEEP_ACTOR",
    "Branding",
    "DeliveryDTO",
    "DeliveryPage",
    "Draft",
    "MessageType",
    "Money",
    "NotificationSettingsDTO",
    "Outgoing",
    "PreferenceChange",
    "PreferenceDTO",
    "PreviewDTO",
    "ProviderCheckDTO",
    "ProviderDTO",
    "ProviderInput",
    "SettingsUpdate",
    "TemplateError",
    "TemplateInvalid",
    "TemplateSlotDTO",
    "TestSendDTO",
    "UnsubscribeResult",
    "Variable",
    "count_deliveries",
    "count_finished_before",
    "current_draft",
    "deliver_batch",
    "get_preferences",
    "get_settings",
    "is_rtl",
    "list_deliveries",
    "list_templates",
    "message_topic",
    "message_types",
    "preview",
    "purge_finished_before",
    "queue_expiring_codes",
    "queue_expiry_reminders",
    "queue_messages",
    "read_unsubscribe_token",
    "remove_provider",
    "reset_template",
    "send_test",
    "set_preferences",
    "set_provider",
    "shipped_locale",
    "shops_that_turned_on",
    "sweep",
    "test_provider",
    "unsubscribe",
    "unsubscribe_page_words",
    "unsubscribe_url",
    "update_settings",
    "update_template",
    "was_queued",
]

MAX_DELIVERY_PAGE = queries.MAX_PAGE

# --- reads (their own read session) -------------------------------------------------------------

message_types = queries.message_types
get_settings = queries.get_settings
list_templates = queries.list_templates
# the template that applies now for a type, channel and locale (override or shipped)
current_draft = queries.current_draft
list_deliveries = queries.list_deliveries
count_deliveries = queries.count_deliveries
get_preferences = queries.get_preferences
# the shops that switched on a type off by default (their weekly summary is owed)
shops_that_turned_on = queries.shops_that_turned_on
# a message of this type and cause was queued already (its facts need not be computed)
was_queued = queries.was_queued
# template errors come back in PreviewDTO.errors; NotFound for an unknown type or customer
preview = queries.preview

# --- commands (the caller's unit of work; DomainError subclasses for userErrors) ----------------

update_template = commands.update_template
reset_template = commands.reset_template
update_settings = commands.update_settings
set_provider = commands.set_provider
remove_provider = commands.remove_provider
set_preferences = commands.set_preferences
# a message owed, in the cause's transaction (later issues' causes)
queue_messages = delivery.queue_messages

# --- flows (outside calls, own transactions) -------------------------------------------------------

test_provider = flows.test_provider
send_test = flows.send_test
unsubscribe = flows.unsubscribe
# verify only (the confirmation page): outcome "valid" or "invalid"
read_unsubscribe_token = flows.read_unsubscribe_token
unsubscribe_url = tokens.unsubscribe_url
# the unsubscribe page's language and words: the shipped locale for a tag (None: none
# speaks it), whether it is written right to left, the page's phrases (plain text) and
# what a type's messages are about ("the points you earn"), each in that locale
shipped_locale = locales.shipped
is_rtl = locales.is_rtl
unsubscribe_page_words = defaults.unsubscribe_page
message_topic = defaults.topic

# --- passes (the actors call these; tests and the bench too) ---------------------------------------

deliver_batch = delivery.deliver_batch
sweep = delivery.sweep
queue_expiry_reminders = flows.queue_expiry_reminders
queue_expiring_codes = flows.queue_expiring_codes

# retention: finished deliveries created before a date (the privacy context's pass)
purge_finished_before = retention.purge_finished_before
count_finished_before = retention.count_finished_before
