"""Turning credentials into principals.

Staff: Shopify session tokens (App Bridge, ``Authorization: Bearer``), HS256 signed
with the app secret. Customers: Shopify app-proxy signed requests, the session tokens
of Shopify's checkout and customer-account extensions (same signature, ``sub`` = the
customer's GID), or the short-lived customer token we issue to the storefront widget
for WebSocket subscriptions (the app proxy does not carry WebSockets).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlparse

import jwt

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.webhooks import api as webhooks
from loyalnest.platform.tenancy import ALL_ROLES, Customer, Principal, Role, Staff
from loyalnest.settings import Settings

LEEWAY_SECONDS = 10
CUSTOMER_TOKEN_AUDIENCE = "loyalnest:customer"
CUSTOMER_TOKEN_TTL_SECONDS = 900
APP_PROXY_MAX_SKEW_SECONDS = 600


# AuthError codes. The transports turn them into HTTP 401 / 403 / 400 and WebSocket
# close codes 4401 / 4403 (graphql-ws clients give up on 4401 and ask for a new
# credential, and retry on 4403).
UNAUTHENTICATED = "UNAUTHENTICATED"  # no usable credential: missing, forged, expired, malformed
FORBIDDEN = "FORBIDDEN"  # a genuine credential that grants nothing here
BAD_REQUEST = "BAD_REQUEST"  # a request Shopify would never send (app-proxy parameters)


class AuthError(Exception):
    """A credential was refused; the message is safe to show the caller."""

    def __init__(self, message: str, code: str = UNAUTHENTICATED):
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
                # iss, sub and sid are optional: Shopify's checkout and customer-account
                # extension tokens carry none of iss and sid, and sub only for a
                # logged-in customer (see _verify_identity)
                options={"require": ["exp", "nbf", "dest", "aud"]},
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


# A host name as Shopify's shop domains are spelled (letters, digits, hyphens, dots).
_SHOP_HOST = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+")


def shop_domain_from_url(url: object) -> str | None:
    """The shop a ``dest`` or ``iss`` claim names. App Bridge writes ``https://shop`` and
    ``https://shop/admin``; Shopify's own test helper and its extension tokens write the
    bare ``shop`` and ``shop/admin``. Any other scheme, or anything that is not a plain
    host name (credentials, a port), names no shop."""
    if not isinstance(url, str) or not url:
        return None
    if "://" not in url:
        url = f"https://{url}"
    try:
        parsed = urlparse(url)
        port = parsed.port
    except ValueError:
        return None
    host = (parsed.hostname or "").lower()
    if parsed.scheme.lower() != "https" or parsed.username or parsed.password or port is not None:
        return None
    return host if _SHOP_HOST.fullmatch(host) else None


# ``sub`` of an extension token when a customer is logged in (absent otherwise).
CUSTOMER_GID_PREFIX = "gid://shopify/Customer/"
# ``sub`` of a staff token: Shopify's are numeric user ids; `loyalnest token --user` may
# mint other simple ids. Never a ":" — the idempotency keys of mutations are namespaced
# "<user id>:<client key>", and a user id without ":" keeps that split unambiguous.
_STAFF_SUB = re.compile(r"[A-Za-z0-9_.-]{1,64}")
# The user id of a staff token without ``sub`` (its audit actor reads
# "staff:(unidentified)"). The brackets can never be part of a ``sub`` that passed
# _STAFF_SUB, so no real user shares its idempotency-key namespace.
UNIDENTIFIED_STAFF_USER = "(unidentified)"


@dataclass(frozen=True, slots=True)
class _TokenIdentity:
    """What a verified session token says: whose shop, until when, and who: a staff user
    with roles (App Bridge), or a storefront customer (an extension token)."""

    shop_domain: str
    expires_at: float
    user_id: str = ""
    roles: frozenset[Role] = frozenset()
    shopify_customer_id: int | None = None


# Verified session tokens, so a token App Bridge reuses for its minute of requests is
# checked once per process rather than on every request (PyJWT's checks cost a fifth
# of a small query's CPU). Keyed on the token *and* the app credentials it was checked
# with; only tokens that passed every check are kept, and expiry is re-checked on use.
_VERIFIED_TOKENS_MAX = 4096
_verified_tokens: dict[tuple[str, str, tuple[str, ...]], _TokenIdentity] = {}


def _token_identity(token: str, settings: Settings) -> _TokenIdentity:
    cache_key = (token, settings.shopify_api_key, tuple(app_secrets(settings)))
    identity = _verified_tokens.get(cache_key)
    if identity is not None:
        if time.time() > identity.expires_at + LEEWAY_SECONDS:
            del _verified_tokens[cache_key]
            raise AuthError("session token expired")
        return identity
    identity = _verify_identity(token, settings)
    if len(_verified_tokens) >= _VERIFIED_TOKENS_MAX:
        _verified_tokens.clear()  # crude but bounded: a refill costs one check per token
    _verified_tokens[cache_key] = identity
    return identity


def _verify_identity(token: str, settings: Settings) -> _TokenIdentity:
    claims = _verify_session_token(token, settings)
    dest = shop_domain_from_url(claims["dest"])
    if dest is None:
        raise AuthError("session token dest does not name a shop")
    iss = claims.get("iss")
    # with or without https://, but always the shop of dest
    if iss is not None and shop_domain_from_url(iss) != dest:
        raise AuthError("session token issuer does not match its shop")
    expires_at = float(claims["exp"])  # type: ignore[arg-type]
    sub = claims.get("sub")
    if isinstance(sub, str) and sub.startswith(CUSTOMER_GID_PREFIX):
        # a checkout or customer-account extension, for its logged-in customer
        customer_id = sub.removeprefix(CUSTOMER_GID_PREFIX)
        if not (customer_id.isascii() and customer_id.isdigit() and len(customer_id) <= 18):
            raise AuthError("session token names an invalid customer")
        return _TokenIdentity(shop_domain=dest, expires_at=expires_at, shopify_customer_id=int(customer_id))
    if sub is None:
        if iss is None:
            # an extension token of a buyer who is not logged in: genuine, but it names
            # neither a staff user nor a customer, so it may read nothing here
            raise AuthError("session token names no staff user and no logged-in customer", code=FORBIDDEN)
        user_id = UNIDENTIFIED_STAFF_USER  # an admin token (it has iss) without sub
    else:
        # (PyJWT already refused a sub that is not a string)
        if not (isinstance(sub, str) and _STAFF_SUB.fullmatch(sub)):
            raise AuthError("session token names an invalid user")
        user_id = sub
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
    return _TokenIdentity(shop_domain=dest, expires_at=expires_at, user_id=user_id, roles=roles)


async def _installed_merchant(shop_domain: str) -> merchants.MerchantDTO:
    merchant = await merchants.get_by_domain_cached(shop_domain)
    if merchant is None or not merchant.active:
        # the credential is genuine (signed with our secret), the shop just is not ours
        raise AuthError("unknown shop", code=FORBIDDEN)
    return merchant


async def authenticate_session_token(token: str, settings: Settings) -> Principal:
    """A Shopify session token: staff from App Bridge, or a storefront customer from a
    checkout or customer-account extension."""
    identity = _token_identity(token, settings)
    if identity.shopify_customer_id is not None:
        return await _customer_principal(identity.shop_domain, identity.shopify_customer_id)
    merchant = await _installed_merchant(identity.shop_domain)
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
    merchant = await _installed_merchant(shop_domain)
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


# What Shopify's app proxy sends (it adds these to the storefront request's own query
# string and signs the lot), plus the GraphQL-over-GET parameters of our own route,
# which the widget puts in that query string and Shopify therefore signs too.
APP_PROXY_SHOPIFY_PARAMS = ("shop", "logged_in_customer_id", "path_prefix", "timestamp", "signature")
APP_PROXY_GRAPHQL_PARAMS = ("query", "variables", "operationName")
_APP_PROXY_PARAMS = frozenset(APP_PROXY_SHOPIFY_PARAMS + APP_PROXY_GRAPHQL_PARAMS)
# the names that take part in the signed message ("signature" itself does not)
_SIGNED_NAME_MARKS = tuple(f"{name}=" for name in sorted(_APP_PROXY_PARAMS - {"signature"}))


# Other parameters a storefront link may carry (``fbclid``, ``utm_source``...), allowed on
# routes that take them (referral links): plain lower-case names only (see
# ``_extra_param_ok``).
_EXTRA_PARAM_NAME = re.compile(r"[a-z0-9_]{1,64}")


def _extra_param_ok(name: str, values: Sequence[str]) -> bool:
    """A parameter Shopify does not add but a shared link may carry, which cannot move
    a parameter boundary in the signed string: its name neither ends with a known name
    nor is the end of one (either would let ``<known name>=`` appear where no parameter
    starts), and no value holds ``<known name>=``."""
    if _EXTRA_PARAM_NAME.fullmatch(name) is None:
        return False
    if any(known.endswith(name) or name.endswith(known) for known in _APP_PROXY_PARAMS):
        return False
    return not any(mark in value for value in values for mark in _SIGNED_NAME_MARKS)


def _refuse_resplit_app_proxy_params(
    params: Mapping[str, Sequence[str]], *, allow_extra: bool = False
) -> None:
    """Shopify's app-proxy signature joins ``name=value`` pairs with nothing between
    them, so one signed string can be cut into parameters in several ways, and a cut
    Shopify never signed (another ``logged_in_customer_id``, another ``shop``) would
    verify. So: only the parameters Shopify sends, each once, Shopify's own values in
    their exact shapes (never holding ``=``), and no GraphQL value holding
    ``<known name>=`` (a bare ``=`` is fine there: a default value, a base64 cursor).
    Then every ``<known name>=`` in the signed string starts a parameter (no known name
    is a suffix of another), and since Shopify's signed string always holds its own
    ``shop=``, ``logged_in_customer_id=`` and ``timestamp=``, any other ``shop=`` or
    the like would be a repeat: the shop, customer and timestamp that verify are the
    ones Shopify signed."""
    for name, values in params.items():
        shown = name[:40]
        if name not in _APP_PROXY_PARAMS and allow_extra and _extra_param_ok(name, values):
            continue
        if name not in _APP_PROXY_PARAMS:
            raise AuthError(
                f"app proxy request has a parameter Shopify does not send: {shown!r}", BAD_REQUEST
            )
        if len(values) != 1:
            raise AuthError(f"app proxy request repeats the parameter {shown!r}", BAD_REQUEST)
        value = values[0]
        if name in APP_PROXY_GRAPHQL_PARAMS:
            if any(mark in value for mark in _SIGNED_NAME_MARKS):
                raise AuthError(
                    f"app proxy parameter {shown!r} contains another parameter's name and '='; "
                    "send such a query by POST",
                    BAD_REQUEST,
                )
        elif not _APP_PROXY_VALUE_SHAPES[name](value):
            raise AuthError(f"app proxy parameter {shown!r} is not as Shopify sends it", BAD_REQUEST)


def _digits(value: str, *, empty_ok: bool = False) -> bool:
    return (value == "" and empty_ok) or (value.isascii() and value.isdigit() and len(value) <= 18)


_APP_PROXY_VALUE_SHAPES = {
    "shop": lambda v: _SHOP_HOST.fullmatch(v.lower()) is not None,
    "logged_in_customer_id": lambda v: _digits(v, empty_ok=True),  # empty: nobody logged in
    "path_prefix": lambda v: "=" not in v and len(v) <= 255,
    "timestamp": _digits,
    "signature": lambda v: len(v) <= 128 and all(c in "0123456789abcdefABCDEF" for c in v),
}


def verify_app_proxy_request(
    params: Mapping[str, Sequence[str]],
    settings: Settings,
    *,
    now: float | None = None,
    allow_extra: bool = False,
) -> None:
    """That Shopify's app proxy sent this request, recently: its signature and
    timestamp. Raises AuthError (BAD_REQUEST for parameters Shopify never sends).
    ``allow_extra``: the storefront URL's own parameters are accepted too (signed by
    Shopify with the rest): a referral link shared on Facebook comes back with
    ``fbclid``, one in a newsletter with ``utm_*``."""
    _refuse_resplit_app_proxy_params(params, allow_extra=allow_extra)
    if not webhooks.verify_app_proxy_signature(params, app_secrets(settings)):
        raise AuthError("app proxy signature is invalid")
    try:
        timestamp = int((params.get("timestamp") or ["0"])[0])
    except ValueError as exc:
        raise AuthError("app proxy timestamp is invalid") from exc
    if abs((now if now is not None else time.time()) - timestamp) > APP_PROXY_MAX_SKEW_SECONDS:
        raise AuthError("app proxy request is too old")


async def authenticate_app_proxy(
    params: Mapping[str, Sequence[str]], settings: Settings, *, now: float | None = None
) -> Customer:
    verify_app_proxy_request(params, settings, now=now)
    return await app_proxy_customer(params)


@dataclass(frozen=True, slots=True)
class StorefrontVisitor:
    """Someone on the shop's storefront who is not signed in, on a request Shopify's app
    proxy signed (so the shop is genuine). Deliberately not a ``Principal``: it reads
    nothing and changes nothing of a customer; the one field that accepts it is
    ``claimReferral`` (a referred friend usually has no account yet)."""

    merchant_id: int
    shop_domain: str
    # a keyed hash of the visitor's network address, never the address itself: it tells
    # visitors apart for rate limits without recording who they are
    visitor_key: str


def client_address(forwarded_for: str | None, peer: str | None) -> str:
    """The storefront visitor's address: the first entry of ``X-Forwarded-For`` (Shopify's
    app proxy sends the client's address there, per its documentation; a load balancer
    in front of us appends its own after it), else the peer. Unsigned, so only good for rate limits
    and signals, never for a decision on its own."""
    if forwarded_for:
        first = forwarded_for.split(",", 1)[0].strip()
        if first:
            return first[:64]
    return peer or "unknown"


def visitor_key(settings: Settings, shop_domain: str, address: str) -> str:
    """HMAC of the shop and the visitor's address, with a key derived from the app secret
    (so a leaked Redis key or log line does not give the address away)."""
    secret = hmac.new(settings.shopify_api_secret.encode(), b"loyalnest-visitor", hashlib.sha256).digest()
    return hmac.new(secret, f"{shop_domain}|{address}".encode(), hashlib.sha256).hexdigest()


async def app_proxy_visitor(
    params: Mapping[str, Sequence[str]], settings: Settings, *, address: str
) -> StorefrontVisitor:
    """The anonymous visitor of a verified app-proxy request; AuthError when the shop is
    not one of ours."""
    merchant = await _installed_merchant((params.get("shop") or [""])[0].lower())
    return StorefrontVisitor(
        merchant_id=merchant.id,
        shop_domain=merchant.shop_domain,
        visitor_key=visitor_key(settings, merchant.shop_domain, address),
    )


async def app_proxy_customer(params: Mapping[str, Sequence[str]]) -> Customer:
    """The storefront customer of a verified app-proxy request; AuthError when no
    customer is logged in."""
    shop = (params.get("shop") or [""])[0].lower()
    customer_param = (params.get("logged_in_customer_id") or [""])[0]
    if not (customer_param.isascii() and customer_param.isdigit() and len(customer_param) <= 18):
        raise AuthError("no customer is logged in to the storefront")
    return await _customer_principal(shop, int(customer_param))
