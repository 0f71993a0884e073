"""Placeholder: filled by the program work."""
