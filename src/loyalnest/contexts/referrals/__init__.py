"""Referrals: customers share a personal link or code, friends get a welcome discount,
advocates are rewarded once the friend's first order is real."""
