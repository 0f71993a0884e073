from tests.contexts.tiers.support import tier_events

__all__ = ["tier_events"]
