"""All SQL of the referrals context, by concern; every query takes the merchant id
(the periodic sweep finds the shops with due referrals, then works shop by shop).

- ``programs``: the shop's program row.
- ``codes``: advocates' codes, link discounts and hashed order facts.
- ``referrals``: referrals (claims, attributed orders, the sweep, lists) and progress counts.
- ``invites``: invites sent.
- ``clicks``, ``links``, ``analytics``: click counters, link resolution, analytics.
"""
