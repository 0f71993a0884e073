"""Imports change every customer's balance: admin:full only, reads included (an import's
errors quote its rows)."""

from __future__ import annotations

from loyalnest.graphql.core.permissions import CanManageProgram, IsStaff

IMPORTS_ACCESS = [IsStaff, CanManageProgram]
