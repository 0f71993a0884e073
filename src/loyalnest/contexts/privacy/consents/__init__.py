"""Consents: what each customer allows the shop's program to do with them, and the
history that proves it.

Types (``platform.consents``): ``newsletter`` (marketing email), ``sms_marketing``
(marketing SMS), ``rfm_tracking`` (scoring their purchases: RFM scores, segments),
``referrals`` (receiving referral invites from other customers), ``profiling`` (being
targeted with personalised offers: nudges, segment emails).

- **History, append-only** (``privacy_consents``): one row per change of one type:
  granted or revoked, source (``shopify``, ``storefront``, ``staff``, ``import``),
  who (the audit trail's actor), when the choice was made (``occurred_at``) and when we
  recorded it. Rows are never updated or deleted (the shop's own deletion aside). A
  row is written only when it changes the current state (or, for a choice made by the
  customer or staff, is the first of its type: an explicit choice confirming the
  default is kept once as its proof), so the history is the list of changes, and a
  repeated choice or a redelivered webhook writes nothing.
- **Current state** = the latest row of the type (by id: rows are appended in order,
  see ``rules.shopify_change`` for why that order is also the order of the choices).
- **Defaults**, when a type has no row (``rules.DEFAULTS``):
  - ``newsletter`` and ``sms_marketing``: not granted. Marketing needs an opt-in (GDPR
    and ePrivacy in Europe, CASL, TCPA for SMS), and Shopify is where customers opt in
    at checkout: its ``email_marketing_consent`` / ``sms_marketing_consent`` in the
    customers webhooks become rows (source ``shopify``), so these two follow Shopify's
    marketing state until the customer or staff choose otherwise here. The migration
    that created the table recorded ``newsletter`` granted for every customer Shopify
    had told us accepts marketing, so nothing changed for them.
  - ``rfm_tracking``, ``referrals``, ``profiling``: granted until revoked. They are the
    loyalty program the customer joined working as described (legitimate interest),
    with the right to object at any time (GDPR art. 21): revoking stops it at once.
- **Ordering with Shopify**: a webhook carries the consent's ``consent_updated_at``; a
  webhook whose choice is older than the latest row (a storefront choice made since,
  or a newer webhook already seen) changes nothing, so a late or redelivered webhook
  never overwrites a newer choice.
- **Honouring**: every change publishes ``ConsentChanged`` in its transaction; each
  context that honours a consent keeps what it needs in its own tables (notifications:
  marketing consent per channel; analytics: RFM and profiling exclusions; referrals:
  the addresses that take no invites).
- **Erasure** (``customers/redact``): the history is kept. It names our customer id
  (which names nobody once the customer is erased), types, states, sources and times:
  no personal data, and it is the proof that marketing was consented to (GDPR art.
  7(1)) or that an objection was honoured, which outlives the person's data. It goes
  with the shop (shop deletion deletes every row naming the shop).
"""
