"""Shared kernel: infrastructure every context uses. Imports no context."""
