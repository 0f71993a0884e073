"""Shopify global ids (``gid://shopify/<Kind>/<id>``) checked before they are sent."""

from __future__ import annotations

from loyalnest.platform.errors import ValidationFailed


def check_gid(value: str | None, kind: str, *, field: str) -> None:
    if value is not None and not value.startswith(f"gid://shopify/{kind}/"):
        raise ValidationFailed(f"{field} must be a gid://shopify/{kind}/… id", field=field)
