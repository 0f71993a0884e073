"""Public door of the merchants context: shops (install, lookup, Admin API
credentials) and the merchant referral program (a shop's code and link, the shops it
referred, the months of credit they earned it). A shop's program is not here: the
purchase rule is the earning context's, the expiry policy the points context's; they
create their defaults when ``events.ShopInstalled`` says a shop arrived."""

from __future__ import annotations

from loyalnest.contexts.merchants import commands, queries, rules
from loyalnest.contexts.merchants.dto import (
    AdminCredentials,
    CreditSweepReport,
    MerchantCreditDTO,
    MerchantCreditPage,
    MerchantDTO,
    MerchantReferralDTO,
    MerchantReferralPage,
    MerchantReferralProgramDTO,
)
from loyalnest.contexts.merchants.models import ACCESS_TOKEN_CONTEXT

__all__ = [
    "ACCESS_TOKEN_CONTEXT",
    "CREDIT_MONTHS_PER_REFERRAL",
    "PLANS",
    "QUALIFYING_DAYS",
    "SHOP_CHANGED_CHANNEL",
    "AdminCredentials",
    "CreditSweepReport",
    "MerchantCreditDTO",
    "MerchantCreditPage",
    "MerchantDTO",
    "MerchantReferralDTO",
    "MerchantReferralPage",
    "MerchantReferralProgramDTO",
    "announce_shop_changed",
    "count_merchant_credits",
    "count_merchant_referrals",
    "follow_shop_changes",
    "forget_domain",
    "get_admin_credentials",
    "get_by_domain",
    "get_by_domain_cached",
    "get_credit_months",
    "get_merchant",
    "get_merchant_in",
    "get_referral_of",
    "get_referral_program",
    "get_timezones",
    "has_access_token_in",
    "install_shop",
    "list_merchant_credits",
    "list_merchant_referrals",
    "normalise_currency",
    "normalise_plan",
    "normalise_referral_code",
    "normalise_shop_domain",
    "set_access_token",
    "shop_email",
    "uninstalled_before",
    "uninstalled_shops",
]

normalise_shop_domain = rules.normalise_shop_domain
# the plan names a shop may have (Shopify's Admin API rate tiers)
PLANS = rules.PLANS
normalise_plan = rules.normalise_plan
normalise_currency = rules.normalise_currency

# install_shop(uow, ..., referred_by=CODE): what `loyalnest seed --referred-by` and the
# OAuth install call; the referral is recorded on a shop's first install
install_shop = commands.install_shop
set_access_token = commands.set_access_token

get_admin_credentials = queries.get_admin_credentials
get_by_domain = queries.get_by_domain
get_by_domain_cached = queries.get_by_domain_cached
get_merchant = queries.get_merchant
get_merchant_in = queries.get_merchant_in
has_access_token_in = queries.has_access_token_in
get_timezones = queries.get_timezones
# the shop's contact email (shop/update), None until one came
shop_email = queries.shop_email
forget_domain = queries.forget_domain
# a shop's state changed (installed again, uninstalled, deleted): every process forgets
# its cached lookup (``follow_shop_changes`` runs in each API process)
SHOP_CHANGED_CHANNEL = queries.SHOP_CHANGED_CHANNEL
announce_shop_changed = queries.announce_shop_changed
follow_shop_changes = queries.follow_shop_changes
uninstalled_before = queries.uninstalled_before
# shops uninstalled and not back: the periodic passes skip them
uninstalled_shops = queries.uninstalled_shops

# --- merchant referral program ---
# days a referred shop stays installed before its referrer is credited, and the credit
QUALIFYING_DAYS = rules.QUALIFYING_DAYS
CREDIT_MONTHS_PER_REFERRAL = rules.CREDIT_MONTHS_PER_REFERRAL
normalise_referral_code = rules.normalise_referral_code
get_referral_program = queries.get_referral_program
get_referral_of = queries.get_referral_of
list_merchant_referrals = queries.list_merchant_referrals
count_merchant_referrals = queries.count_merchant_referrals
list_merchant_credits = queries.list_merchant_credits
count_merchant_credits = queries.count_merchant_credits
get_credit_months = queries.get_credit_months
