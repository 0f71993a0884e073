"""Integration events of the analytics context (frozen dataclasses)."""

from __future__ import annotations
