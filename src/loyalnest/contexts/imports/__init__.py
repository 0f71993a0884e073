"""The imports context: customers, balances, tiers, referral codes and consents brought
over from another loyalty app (Smile.io, LoyaltyLion, Yotpo, any CSV), previewed, applied
and reverted; exports in the same formats; and the backfill of a shop's Shopify history."""
