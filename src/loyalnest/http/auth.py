"""Turning credentials into principals.

Staff: Shopify session tokens (App Bridge, ``Authorization: Bearer``), HS256 signed
with the app secret. Customers: Shopify app-proxy signed requests, or the short-lived
customer token we issue to the storefront widget for WebSocket subscriptions (the app
proxy does not carry WebSockets).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlparse

import jwt

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.webhooks import api as webhooks
from loyalnest.platform.tenancy import ALL_ROLES, Customer, Role, Staff
from loyalnest.settings import Settings

LEEWAY_SECONDS = 10
CUSTOMER_TOKEN_AUDIENCE = "loyalnest:customer"
CUSTOMER_TOKEN_TTL_SECONDS = 900
APP_PROXY_MAX_SKEW_SECONDS = 600


class AuthError(Exception):
    """A credential was refused; the message is safe to show the caller."""

    def __init__(self, message: str, code: str = "UNAUTHENTICATED"):
        super().__init__(message)
        self.message = message
        self.code = code


def app_secrets(settings: Settings) -> list[str]:
    return [s for s in (settings.shopify_api_secret, settings.shopify_api_secret_previous) if s]


def _verify_session_token(token: str, settings: Settings) -> dict[str, object]:
    last_error: Exception | None = None
    for secret in app_secrets(settings):
        try:
            return jwt.decode(
                token,
                secret,
                algorithms=["HS256"],
                audience=settings.shopify_api_key,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "nbf", "dest", "aud", "sub"]},
            )
        except jwt.InvalidSignatureError as exc:
            last_error = exc  # maybe signed with the previous secret: try it
        except jwt.ExpiredSignatureError as exc:
            raise AuthError("session token expired") from exc
        except jwt.ImmatureSignatureError as exc:
            raise AuthError("session token not yet valid") from exc
        except jwt.InvalidAudienceError as exc:
            raise AuthError("session token is for another app") from exc
        except jwt.MissingRequiredClaimError as exc:
            raise AuthError(f"session token lacks the {exc.claim} claim") from exc
        except jwt.PyJWTError as exc:
            raise AuthError("session token is malformed") from exc
    raise AuthError("session token signature is invalid") from last_error


def shop_domain_from_url(url: str) -> str | None:
    host = urlparse(url).hostname or ""
    return host.lower() or None


@dataclass(frozen=True, slots=True)
class _StaffIdentity:
    """What a verified session token says: whose shop, which user, which roles, until when."""

    shop_domain: str
    user_id: str
    roles: frozenset[Role]
    expires_at: float


# Verified session tokens, so a token App Bridge reuses for its minute of requests is
# checked once per process rather than on every request (PyJWT's checks cost a fifth
# of a small query's CPU). Keyed on the token *and* the app credentials it was checked
# with; only tokens that passed every check are kept, and expiry is re-checked on use.
_VERIFIED_TOKENS_MAX = 4096
_verified_tokens: dict[tuple[str, str, tuple[str, ...]], _StaffIdentity] = {}


def _staff_identity(token: str, settings: Settings) -> _StaffIdentity:
    cache_key = (token, settings.shopify_api_key, tuple(app_secrets(settings)))
    identity = _verified_tokens.get(cache_key)
    if identity is not None:
        if time.time() > identity.expires_at + LEEWAY_SECONDS:
            del _verified_tokens[cache_key]
            raise AuthError("session token expired")
        return identity
    identity = _verify_staff_identity(token, settings)
    if len(_verified_tokens) >= _VERIFIED_TOKENS_MAX:
        _verified_tokens.clear()  # crude but bounded: a refill costs one check per token
    _verified_tokens[cache_key] = identity
    return identity


def _verify_staff_identity(token: str, settings: Settings) -> _StaffIdentity:
    claims = _verify_session_token(token, settings)
    dest = shop_domain_from_url(str(claims["dest"]))
    iss = claims.get("iss")
    if iss is not None and shop_domain_from_url(str(iss)) != dest:
        raise AuthError("session token issuer does not match its shop")
    # Shopify's tokens carry no roles: shop staff with app access get full rights.
    # Tokens we mint (``loyalnest token --roles``) narrow them with a "roles" claim.
    raw_roles = claims.get("roles")
    if raw_roles is None:
        roles = frozenset({Role.FULL})
    else:
        # only strings are looked up: an unhashable claim value must refuse, not crash
        if not isinstance(raw_roles, list) or not all(
            isinstance(r, str) and r in ALL_ROLES for r in raw_roles
        ):
            raise AuthError("session token names an unknown role")
        roles = frozenset(Role(r) for r in raw_roles)
    return _StaffIdentity(
        shop_domain=dest or "",
        user_id=str(claims["sub"]),
        roles=roles,
        expires_at=float(claims["exp"]),  # type: ignore[arg-type]
    )


async def authenticate_staff(token: str, settings: Settings) -> Staff:
    identity = _staff_identity(token, settings)
    merchant = await merchants.get_by_domain_cached(identity.shop_domain)
    if merchant is None or not merchant.active:
        raise AuthError("unknown shop")
    return Staff(
        merchant_id=merchant.id,
        shop_domain=merchant.shop_domain,
        user_id=identity.user_id,
        roles=identity.roles,
    )


def mint_session_token(
    settings: Settings,
    shop_domain: str,
    *,
    user_id: str = "1",
    roles: Sequence[str] | None = None,
    ttl_seconds: int = 3600,
    now: float | None = None,
) -> str:
    """A session token shaped like App Bridge's (for the CLI, tests and GraphiQL)."""
    issued = int(now if now is not None else time.time())
    claims: dict[str, object] = {
        "iss": f"https://{shop_domain}/admin",
        "dest": f"https://{shop_domain}",
        "aud": settings.shopify_api_key,
        "sub": user_id,
        "exp": issued + ttl_seconds,
        "nbf": issued,
        "iat": issued,
        "jti": hashlib.sha256(f"{shop_domain}{user_id}{issued}{time.perf_counter_ns()}".encode()).hexdigest()[
            :32
        ],
        "sid": "loyalnest-dev",
    }
    if roles is not None:
        claims["roles"] = list(roles)
    return jwt.encode(claims, settings.shopify_api_secret, algorithm="HS256")


def _customer_token_key(settings: Settings) -> bytes:
    # derived, so a customer token can never pass as a staff session token
    return hmac.new(
        settings.shopify_api_secret.encode(), b"loyalnest-customer-token", hashlib.sha256
    ).digest()


def mint_customer_token(settings: Settings, principal: Customer, *, now: float | None = None) -> str:
    issued = int(now if now is not None else time.time())
    claims = {
        "aud": CUSTOMER_TOKEN_AUDIENCE,
        "shop": principal.shop_domain,
        "scid": principal.shopify_customer_id,
        "exp": issued + CUSTOMER_TOKEN_TTL_SECONDS,
        "nbf": issued,
    }
    return jwt.encode(claims, _customer_token_key(settings), algorithm="HS256")


async def _customer_principal(shop_domain: str, shopify_customer_id: int) -> Customer:
    merchant = await merchants.get_by_domain_cached(shop_domain)
    if merchant is None or not merchant.active:
        raise AuthError("unknown shop")
    customer = await customers.get_by_shopify_id(merchant.id, shopify_customer_id)
    return Customer(
        merchant_id=merchant.id,
        shop_domain=merchant.shop_domain,
        shopify_customer_id=shopify_customer_id,
        customer_id=None if customer is None else customer.id,
    )


async def authenticate_customer_token(token: str, settings: Settings) -> Customer:
    try:
        claims = jwt.decode(
            token,
            _customer_token_key(settings),
            algorithms=["HS256"],
            audience=CUSTOMER_TOKEN_AUDIENCE,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "shop", "scid"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise AuthError("customer token expired") from exc
    except jwt.PyJWTError as exc:
        raise AuthError("customer token is invalid") from exc
    return await _customer_principal(str(claims["shop"]), int(claims["scid"]))


async def authenticate_app_proxy(
    params: Mapping[str, Sequence[str]], settings: Settings, *, now: float | None = None
) -> Customer:
    if not webhooks.verify_app_proxy_signature(params, app_secrets(settings)):
        raise AuthError("app proxy signature is invalid")
    try:
        timestamp = int((params.get("timestamp") or ["0"])[0])
    except ValueError as exc:
        raise AuthError("app proxy timestamp is invalid") from exc
    if abs((now if now is not None else time.time()) - timestamp) > APP_PROXY_MAX_SKEW_SECONDS:
        raise AuthError("app proxy request is too old")
    shop = (params.get("shop") or [""])[0].lower()
    customer_param = (params.get("logged_in_customer_id") or [""])[0]
    if not (customer_param.isascii() and customer_param.isdigit() and len(customer_param) <= 18):
        raise AuthError("no customer is logged in to the storefront")
    return await _customer_principal(shop, int(customer_param))
