"""Placeholder: filled by the nudges work."""
