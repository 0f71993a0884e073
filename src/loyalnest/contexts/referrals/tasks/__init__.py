"""Actors of the referrals context (declared on import): the Shopify discounts and the
settlement sweep (``referrals``), the click flush (``clicks``)."""

from loyalnest.contexts.referrals.tasks import clicks, referrals

__all__ = ["clicks", "referrals"]
