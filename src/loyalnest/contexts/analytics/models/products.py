"""Placeholder: filled by the products work."""
