"""Pure rules of the merchants context: what a shop domain and an access token look like."""

from __future__ import annotations

import re

from loyalnest.platform.errors import ValidationFailed

SHOP_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")


def normalise_shop_domain(domain: str) -> str:
    domain = domain.strip().lower()
    if not SHOP_DOMAIN.match(domain):
        raise ValidationFailed(f"not a myshopify.com domain: {domain!r}", field="shopDomain")
    return domain


def validate_access_token(token: str) -> None:
    if not token or token != token.strip() or len(token) > 512:
        # the message never echoes the value
        raise ValidationFailed(
            "access token must be a non-empty string without surrounding spaces", field="accessToken"
        )
