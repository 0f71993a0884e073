"""Errors shown to API clients. Anything else is masked as "Unexpected error."."""

from __future__ import annotations

import logging
from enum import Enum

import strawberry
from graphql import GraphQLError

log = logging.getLogger(__name__)


class PublicError(GraphQLError):
    """A top-level GraphQL error whose message is meant for the client."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message, extensions={"code": code})


@strawberry.enum(description="Why a mutation refused its input (`UserError.code`); stable API.")
class UserErrorCode(Enum):
    # a DomainError's code is the member's value: the JSON carries the same string
    INVALID = strawberry.enum_value(
        "INVALID", description="A value breaks a rule (range, format, combination); see `field`."
    )
    NOT_FOUND = strawberry.enum_value(
        "NOT_FOUND", description="An id names nothing of this shop (or a malformed id, or another type's)."
    )
    FORBIDDEN = strawberry.enum_value(
        "FORBIDDEN", description="The caller may not do this with these arguments."
    )
    INSUFFICIENT_POINTS = strawberry.enum_value(
        "INSUFFICIENT_POINTS", description="The balance does not cover it; nothing was spent."
    )
    IDEMPOTENCY_KEY_REUSED = strawberry.enum_value(
        "IDEMPOTENCY_KEY_REUSED",
        description="The idempotencyKey was used before for a different request.",
    )
    RULE_DISABLED = strawberry.enum_value(
        "RULE_DISABLED", description="The way to earn this needs is switched off for the shop."
    )
    REWARD_ARCHIVED = strawberry.enum_value(
        "REWARD_ARCHIVED", description="The reward is archived and can no longer be changed."
    )
    REWARD_UNAVAILABLE = strawberry.enum_value(
        "REWARD_UNAVAILABLE",
        description="The reward cannot be redeemed now (archived, or outside its dates).",
    )
    USAGE_LIMIT_REACHED = strawberry.enum_value(
        "USAGE_LIMIT_REACHED", description="The customer has redeemed this reward as often as it allows."
    )
    DISCOUNT_CODE_FAILED = strawberry.enum_value(
        "DISCOUNT_CODE_FAILED",
        description="Shopify refused to create the discount code; the points were returned.",
    )
    NOT_ENROLLED = strawberry.enum_value(
        "NOT_ENROLLED", description="The shop has not told us about this storefront customer yet."
    )
    RATE_LIMITED = strawberry.enum_value(
        "RATE_LIMITED",
        description="Too many attempts from this visitor or for this address in a short time; the "
        "message says when to try again.",
    )
    UNKNOWN_CODE = strawberry.enum_value(
        "UNKNOWN_CODE", description="No referral code of this shop is spelled so (case does not matter)."
    )
    PROGRAM_DISABLED = strawberry.enum_value(
        "PROGRAM_DISABLED", description="The shop's referral program is switched off."
    )
    OWN_CODE = strawberry.enum_value(
        "OWN_CODE", description="An advocate cannot claim their own referral code (nor with their own email)."
    )
    ALREADY_CLAIMED = strawberry.enum_value(
        "ALREADY_CLAIMED", description="This email already claimed this advocate's offer."
    )
    ALREADY_CUSTOMER = strawberry.enum_value(
        "ALREADY_CUSTOMER",
        description="The address belongs to a customer of the shop: referral offers and invites are for "
        "people who are not customers yet.",
    )
    DISPOSABLE_EMAIL = strawberry.enum_value(
        "DISPOSABLE_EMAIL", description="The email is at a disposable-mail domain the program refuses."
    )
    INVITE_LIMIT_REACHED = strawberry.enum_value(
        "INVITE_LIMIT_REACHED", description="Today's referral invites are used up (20 a day)."
    )
    CODE_UNAVAILABLE = strawberry.enum_value(
        "CODE_UNAVAILABLE", description="No free referral code could be allocated; try again."
    )
    NOT_HELD = strawberry.enum_value(
        "NOT_HELD", description="Only a referral held for review can be approved."
    )
    NOT_REJECTABLE = strawberry.enum_value(
        "NOT_REJECTABLE",
        description="The referral is past rejecting (already rewarded, cancelled, expired or rejected).",
    )
    NOT_READY = strawberry.enum_value(
        "NOT_READY",
        description="The import is not validated and ready (still validating, nothing valid, or started "
        "already).",
    )
    INVALID_MAPPING = strawberry.enum_value(
        "INVALID_MAPPING",
        description="An import's column mapping names an unknown field, an empty header, or two headers for "
        "one field.",
    )
    NOT_REVERTIBLE = strawberry.enum_value(
        "NOT_REVERTIBLE", description="The import has not imported anything, or was reverted already."
    )
    PAYLOAD_TOO_LARGE = strawberry.enum_value(
        "PAYLOAD_TOO_LARGE", description="The file is larger than the limit the message names."
    )
    NO_EMAIL = strawberry.enum_value(
        "NO_EMAIL",
        description="No email address is on file to send the confirmation link to: the customer asks the "
        "shop instead.",
    )
    NOT_RETRYABLE = strawberry.enum_value(
        "NOT_RETRYABLE",
        description="The privacy request is done, expired, or waits for its customer's confirmation: "
        "there is nothing to send back to work.",
    )
    IN_PROGRESS = strawberry.enum_value(
        "IN_PROGRESS", description="A worker is processing the request right now; try again in a few minutes."
    )
    NO_CONSENT = strawberry.enum_value(
        "NO_CONSENT",
        description="The person this is addressed to has not consented to it (a referral invite to an "
        "address whose customer revoked the REFERRALS consent).",
    )
    DUPLICATE = strawberry.enum_value(
        "DUPLICATE", description="The same item (e.g. a consent type) was given twice in one request."
    )
    INVALID_TEMPLATE = strawberry.enum_value(
        "INVALID_TEMPLATE",
        description="A notification template does not compile, uses a variable its type does not "
        "declare, reaches outside the sandbox or is over 64 KiB; `templateErrors` say where.",
    )


_CODES: dict[str, UserErrorCode] = {str(code.value): code for code in UserErrorCode}


def user_error_code(code: str) -> UserErrorCode:
    """The enum member of a DomainError's code. A code nobody added to the enum is a
    mistake, caught by tests/graphql/test_schema_conventions.py; should one slip through,
    the client still gets its userError (as INVALID) rather than a masked failure."""
    member = _CODES.get(code)
    if member is None:
        log.error("DomainError code %r is not a UserErrorCode; sent as INVALID", code)
        return UserErrorCode.INVALID
    return member


# the description of every payload's ``userErrors``
USER_ERRORS = "Why the mutation refused its input; empty when it did what was asked."


# built from a DomainError by the mutation helper (core/mutations.py)
@strawberry.type(description="A problem with the input of a mutation; nothing was changed.")
class UserError:
    field: list[str] | None = strawberry.field(
        description='The path of the argument at fault, e.g. ["input", "pointsCost"]; null when '
        "no one argument is."
    )
    message: str = strawberry.field(description="What went wrong, in English, for a person to read.")
    code: UserErrorCode = strawberry.field(description="What went wrong, for a program to branch on.")


def should_mask_error(error: GraphQLError) -> bool:
    original = error.original_error
    # validation, permission and PublicError errors are for the client; the rest is masked
    return not (original is None or isinstance(original, GraphQLError))
