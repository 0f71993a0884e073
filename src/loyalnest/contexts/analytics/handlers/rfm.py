"""Placeholder: filled by the rfm work."""
