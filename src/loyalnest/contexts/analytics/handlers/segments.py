"""Placeholder: filled by the segments work."""
