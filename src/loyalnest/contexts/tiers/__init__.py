"""VIP tiers: the ladder, each customer's metric and tier, retention and history."""
