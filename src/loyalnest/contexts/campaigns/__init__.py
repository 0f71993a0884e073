"""Bonus campaigns: windows, effects, conditions, stacking, discounts and results."""
