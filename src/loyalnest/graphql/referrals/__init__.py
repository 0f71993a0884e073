"""GraphQL face of the referrals context."""
