"""Rate limits of ``claimReferral``, the one field an anonymous storefront visitor may call.

Each claim issues a real single-use Shopify discount code, so a script guessing codes or
harvesting discounts must run out of attempts quickly, while a household sharing one
connection (flatmates claiming their own friends' codes) never notices. Two windows,
both counted in Redis (``platform.rate_limit``) so every API process shares them:

- per shop and visitor: ``VISITOR_LIMIT`` attempts per ``VISITOR_WINDOW`` seconds; the
  visitor is the signed-in customer, or else a keyed hash of the visitor's address;
- per shop and email: ``EMAIL_LIMIT`` attempts per ``EMAIL_WINDOW`` seconds, so changing
  address does not buy more claims for one inbox.

Attempts count whether or not the claim succeeds: refused guesses are what a limit is
for. No key holds an email or an address, only their hashes."""

from __future__ import annotations

from loyalnest.platform import rate_limit
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.errors import DomainError

VISITOR_LIMIT = 10
VISITOR_WINDOW = 3600
EMAIL_LIMIT = 5
EMAIL_WINDOW = 86400


def _wait(seconds: int) -> str:
    minutes = -(-seconds // 60)
    return "a minute" if minutes <= 1 else f"{minutes} minutes"


async def check_claim_allowed(merchant_id: int, *, visitor: str, email: str) -> None:
    """Count one claim attempt; ``RATE_LIMITED`` when the visitor or the email is over
    its limit. A visitor already over the limit does not use up the email's attempts
    (someone else's address typed by a script must not lock its owner out for a day)."""
    by_visitor = await rate_limit.hit(
        f"referrals:claim:visitor:{visitor}",
        limit=VISITOR_LIMIT,
        window_seconds=VISITOR_WINDOW,
        merchant_id=merchant_id,
    )
    if not by_visitor.allowed:
        raise DomainError(
            f"too many claims from this browser: try again in {_wait(by_visitor.retry_after)}",
            code="RATE_LIMITED",
        )
    # under the current blind key only: the counter lives for its window, so a key
    # rotation at worst restarts one window per address (nothing stored is lost)
    email_hash = get_keyring().blind_index(email, kind="referral-claim-email")
    by_email = await rate_limit.hit(
        f"referrals:claim:email:{email_hash}",
        limit=EMAIL_LIMIT,
        window_seconds=EMAIL_WINDOW,
        merchant_id=merchant_id,
    )
    if not by_email.allowed:
        raise DomainError(
            f"too many claims for this email: try again in {_wait(by_email.retry_after)}",
            field="email",
            code="RATE_LIMITED",
        )
