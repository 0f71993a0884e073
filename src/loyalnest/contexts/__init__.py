"""Bounded contexts. Each is reached only through its ``api`` and ``events`` modules."""
