"""Reading review webhooks into the facts a review award needs. Pure functions.

Two payload styles are understood, with the field names their apps use:

- Judge.me (``review/created``, ``review/updated``): ``{"review": {"id", "rating",
  "product_external_id", "reviewer": {"email"}, "published", "hidden", "curated",
  "verified"}}``; the review object may also come unwrapped.
- Yotpo (``review_create``, ``review_updated``): ``{"event", "data": {"id", "score",
  "external_product_id" (or "product_id", "sku", "product": {...}), "customer_email"
  (or "email", "user": {"email"}), "deleted", "archived", "verified_buyer"}}``. Yotpo
  writes many values as strings ("true", "5"); both forms are read.

A payload without a review id, a reviewer email or a product id is refused
(``ReviewPayloadError``: the route answers 400). Yotpo's reviews of the store itself
(product "yotpo_site_reviews") are read with no product and earn nothing: the rule
rewards product reviews, once per product.

The rating is read and checked but never decides an award: rewarding only good reviews
would buy ratings (and breaks the review platforms' and the FTC's rules on incentives).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

JUDGEME = "judgeme"
YOTPO = "yotpo"
PROVIDERS = (JUDGEME, YOTPO)

# Yotpo's product id for reviews of the store itself
YOTPO_SITE_REVIEWS = "yotpo_site_reviews"
# Ids end up in ledger keys and references (VARCHAR(255)): short, printable, no spaces.
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/-]{0,99}")
MAX_EMAIL_LENGTH = 254


class ReviewPayloadError(ValueError):
    """The payload lacks a field the award needs, or holds a value out of shape."""


@dataclass(frozen=True)
class ReviewFacts:
    provider: str
    review_id: str
    # None for a review of the store rather than of a product
    product_id: str | None
    reviewer_email: str
    rating: int | None
    published: bool
    verified_buyer: bool


def _object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ReviewPayloadError(f"{what} is not an object")
    return value


def _id(value: Any, what: str) -> str:
    if isinstance(value, bool) or value is None:
        raise ReviewPayloadError(f"{what} is missing")
    text = str(value).strip() if isinstance(value, str | int) else None
    if not text:
        raise ReviewPayloadError(f"{what} is missing")
    if not _ID.fullmatch(text):
        raise ReviewPayloadError(f"{what} is not an id: {text[:40]!r}")
    return text


def _email(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ReviewPayloadError("reviewer email is missing")
    email = value.strip()
    if len(email) > MAX_EMAIL_LENGTH or "@" not in email or any(c.isspace() for c in email):
        raise ReviewPayloadError("reviewer email is not an email address")
    return email


def _flag(value: Any, *, default: bool) -> bool:
    """A boolean as review apps write them: true/false, "true"/"false", 1/0."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "1", "yes"):
            return True
        if lowered in ("false", "0", "no", ""):
            return False
    raise ReviewPayloadError(f"not a boolean: {str(value)[:20]!r}")


def _rating(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        rating = int(str(value).strip()) if not isinstance(value, bool) else None
    except ValueError:
        rating = None
    if rating is None or not 1 <= rating <= 5:
        raise ReviewPayloadError(f"rating is not 1 to 5: {str(value)[:20]!r}")
    return rating


def _first(data: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        value = data.get(key)
        if value is not None and value != "":
            return value
    return None


def parse_judgeme(payload: dict[str, Any]) -> ReviewFacts:
    review = _object(payload.get("review", payload), "review")
    reviewer = review.get("reviewer")
    email = _first(reviewer, "email") if isinstance(reviewer, dict) else None
    product = _first(review, "product_external_id", "product_id")
    published = _flag(review.get("published"), default=True) and not _flag(
        review.get("hidden"), default=False
    )
    if review.get("curated") == "spam":
        published = False
    verified = review.get("verified")
    return ReviewFacts(
        provider=JUDGEME,
        review_id=_id(review.get("id"), "review id"),
        product_id=_id(product, "product id"),
        reviewer_email=_email(email if email is not None else review.get("email")),
        rating=_rating(review.get("rating")),
        published=published,
        verified_buyer=verified in ("buyer", "verified-buyer", "verified_buyer", "verified-purchase", True),
    )


def parse_yotpo(payload: dict[str, Any]) -> ReviewFacts:
    data = _object(payload.get("data", payload), "data")
    product = _first(data, "external_product_id", "product_id", "sku")
    if product is None and isinstance(data.get("product"), dict):
        product = _first(data["product"], "external_id", "external_product_id", "id")
    user = data.get("user")
    email = _first(data, "customer_email", "email", "user_email")
    if email is None and isinstance(user, dict):
        email = _first(user, "email")
    published = not _flag(data.get("deleted"), default=False) and not _flag(
        data.get("archived"), default=False
    )
    if "published" in data:
        published = published and _flag(data.get("published"), default=True)
    status = data.get("status")
    if isinstance(status, str) and status.strip().lower() not in ("published", "approved"):
        published = False
    product_id = _id(product, "product id")
    return ReviewFacts(
        provider=YOTPO,
        review_id=_id(data.get("id"), "review id"),
        product_id=None if product_id == YOTPO_SITE_REVIEWS else product_id,
        reviewer_email=_email(email),
        rating=_rating(data.get("score")),
        published=published,
        verified_buyer=_flag(data.get("verified_buyer"), default=False),
    )


def parse_review(provider: str, payload: Any) -> ReviewFacts:
    """The facts of a review webhook of ``provider`` (one of ``PROVIDERS``)."""
    body = _object(payload, "body")
    if provider == JUDGEME:
        return parse_judgeme(body)
    if provider == YOTPO:
        return parse_yotpo(body)
    raise ReviewPayloadError(f"unknown review provider {provider!r}")
