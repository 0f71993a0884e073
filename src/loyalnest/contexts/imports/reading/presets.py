"""Column presets: which header names, in a competitor's export, hold which of our
canonical fields (facts from the vendors' help pages: shared/research/import-formats.md).

Headers are matched normalised (``normalise_header``): case, spaces, underscores and
hyphens do not matter, so "Points Balance", "points_balance" and "POINTS-BALANCE" are one
name. Every preset also knows the canonical names themselves and a few spellings every
tool uses ("Email address", "Shopify Customer ID"). The generic preset takes the
merchant's own mapping {their header: canonical field}; a mapping given with another
preset overrides that preset's table for the headers it names.

A column the preset does not know is ignored (the reader lists it, so the preview can
say so); two columns of the file for one field refuse the file rather than pick one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from loyalnest.contexts.imports.reading.refusals import (
    AMBIGUOUS_COLUMNS,
    MISSING_COLUMN,
    FileRefused,
    MappingRefused,
)

_SEPARATORS = re.compile(r"[\s_\-]+")

# canonical fields a customer file may hold; full_name is split into first and last name
CUSTOMER_COLUMNS: tuple[str, ...] = (
    "shopify_customer_id",
    "email",
    "first_name",
    "last_name",
    "full_name",
    "points_balance",
    "points_pending",
    "lifetime_points",
    "points_spent",
    "tier_name",
    "birthday",
    "referral_code",
    "referral_url",
    "accepts_email_marketing",
    "accepts_sms_marketing",
    "enrolled_at",
)
HISTORY_COLUMNS: tuple[str, ...] = (
    "email",
    "shopify_customer_id",
    "occurred_at",
    "points",
    "reason",
    "expires_at",
    # a row's reference, and a debit's reference to the credit whose points it took
    # first (our exports write both: a refund takes its own order's points back)
    "entry",
    "takes_from",
    # what a debit asked for and could not take (our exports write it)
    "shortfall",
)


def normalise_header(name: str) -> str:
    """A header as presets match it: lower case; runs of spaces, underscores and hyphens
    as one space; a BOM, surrounding spaces and a required-marker ``*`` or ``:`` dropped."""
    return _SEPARATORS.sub(" ", name.replace("\ufeff", "").strip().strip("*:").strip().lower()).strip()


class Source(StrEnum):
    SMILE = "SMILE"
    LOYALTYLION = "LOYALTYLION"
    YOTPO = "YOTPO"
    GENERIC = "GENERIC"


@dataclass(frozen=True, slots=True)
class Preset:
    """``aliases``: normalised header → canonical field. ``required``: the file must hold
    one of these fields (alternatives). ``spelling``: how the vendor writes a field's
    header, for refusals."""

    source: Source
    label: str
    aliases: Mapping[str, str]
    required: tuple[str, ...]
    spelling: Mapping[str, str]


def _table(*groups: tuple[str, Sequence[str]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for column, names in groups:
        for name in names:
            table[normalise_header(name)] = column
    return table


_COMMON = _table(
    *((column, (column,)) for column in CUSTOMER_COLUMNS),
    ("email", ("Email", "Email address", "E-mail", "E-mail address", "Customer email")),
    ("shopify_customer_id", ("Shopify Customer ID", "Shopify ID", "Shopify customer")),
    ("first_name", ("First name", "Firstname", "Given name")),
    ("last_name", ("Last name", "Lastname", "Surname", "Family name")),
    ("full_name", ("Full name", "Name", "Customer name")),
    ("birthday", ("Birthday", "Date of birth", "Birthdate", "DOB")),
    ("referral_url", ("Referral URL", "Referral link")),
    ("referral_code", ("Referral code",)),
    ("accepts_email_marketing", ("Accepts email marketing", "Accepts marketing", "Email marketing consent")),
    ("accepts_sms_marketing", ("Accepts SMS marketing", "SMS marketing consent")),
    ("enrolled_at", ("Enrolled at", "Enrolled", "Joined at", "Member since")),
)

SMILE = Preset(
    Source.SMILE,
    "Smile.io",
    {
        **_COMMON,
        **_table(
            # the points-import file is `email, points`; the export uses the API names
            ("points_balance", ("points", "Points Balance")),
            ("tier_name", ("vip_tier", "VIP Tier", "VIP tier name")),
            ("birthday", ("date_of_birth", "Date Of Birth")),
            ("referral_url", ("referral_url",)),
        ),
    },
    required=("email",),
    spelling={"email": "email", "shopify_customer_id": "Shopify Customer ID"},
)

LOYALTYLION = Preset(
    Source.LOYALTYLION,
    "LoyaltyLion",
    {
        **_COMMON,
        **_table(
            # approved points are the spendable balance; pending ones are still in their
            # approval period; "total" (approved + pending) is no field of ours
            ("points_balance", ("Points", "Points approved", "Approved points")),
            ("points_pending", ("Points pending", "Pending points")),
            ("points_spent", ("Points spent", "Spent points")),
            ("lifetime_points", ("Points lifetime", "Lifetime points")),
            ("tier_name", ("Tier", "Tier name", "Loyalty tier")),
        ),
    },
    required=("email",),
    spelling={"email": "Email", "shopify_customer_id": "Shopify Customer ID"},
)

YOTPO = Preset(
    Source.YOTPO,
    "Yotpo Loyalty",
    {
        **_COMMON,
        **_table(
            ("points_balance", ("Points Balance", "Current points balance", "Points")),
            # Yotpo's "Points Spent" column is the lifetime total spent
            ("points_spent", ("Points Spent",)),
            ("referral_url", ("Referral link", "Referral URL")),
            ("tier_name", ("VIP Tier", "Tier")),
        ),
    },
    required=("email",),
    spelling={"email": "Email", "shopify_customer_id": "Shopify Customer ID"},
)

GENERIC = Preset(
    Source.GENERIC,
    "generic CSV",
    {
        **_COMMON,
        **_table(
            ("points_balance", ("Points", "Balance", "Points balance")),
            ("tier_name", ("Tier", "VIP tier")),
        ),
    },
    required=("email", "shopify_customer_id"),
    spelling={"email": "email", "shopify_customer_id": "shopify_customer_id"},
)

PRESETS: dict[Source, Preset] = {p.source: p for p in (SMILE, LOYALTYLION, YOTPO, GENERIC)}

# the second file: a signed points history, modelled on Rivo's points log
HISTORY = Preset(
    Source.GENERIC,
    "points history",
    _table(
        *((column, (column,)) for column in HISTORY_COLUMNS),
        ("email", ("Email", "Email address", "E-mail", "Customer email")),
        ("shopify_customer_id", ("Shopify Customer ID", "Customer ID", "customer_id", "Shopify ID")),
        ("occurred_at", ("Date", "Applied at", "applied_at", "Created at", "Occurred at")),
        ("points", ("Points", "Points amount", "points_amount", "Amount", "Delta", "Change")),
        ("reason", ("Reason", "Source", "Description")),
        ("expires_at", ("Expires at", "expires_at", "Expiry date", "Expiry", "Expiration date", "Expires")),
        ("entry", ("Entry", "Entry ID", "entry_id")),
        ("takes_from", ("Takes from", "takes_from_entry")),
        ("shortfall", ("Shortfall",)),
    ),
    required=("email", "shopify_customer_id"),
    spelling={"email": "email", "shopify_customer_id": "shopify_customer_id", "points": "points"},
)


def preset(source: Source | str) -> Preset:
    """The preset of a source, by enum or name in any case."""
    try:
        return PRESETS[Source(str(source).upper())]
    except ValueError:
        raise MappingRefused(f"unknown source {source!r}: one of {', '.join(Source)}") from None


def with_mapping(
    base: Preset, mapping: Mapping[str, str | None] | None, columns: Sequence[str] = CUSTOMER_COLUMNS
) -> Preset:
    """The preset with the merchant's mapping {their header: canonical field, or None to
    ignore the column} laid over its table. Refuses unknown fields and two headers
    mapped to one field."""
    if not mapping:
        return base
    aliases = dict(base.aliases)
    seen: dict[str, str] = {}
    for header, column in mapping.items():
        key = normalise_header(header)
        if not key:
            raise MappingRefused("the mapping names an empty column header")
        if column is None:
            aliases[key] = ""
            continue
        if column not in columns:
            raise MappingRefused(
                f"unknown field {column!r} for column {header!r}: one of {', '.join(columns)}"
            )
        if column in seen:
            raise MappingRefused(f"columns {seen[column]!r} and {header!r} are both mapped to {column}")
        seen[column] = header
        aliases[key] = column
    # a mapped field is read only from the column the merchant chose
    for key, column in list(aliases.items()):
        if column in seen and normalise_header(seen[column]) != key:
            del aliases[key]
    # a refusal names the merchant's header for a field they mapped
    return Preset(base.source, base.label, aliases, base.required, {**base.spelling, **seen})


def match_columns(header: Sequence[str], chosen: Preset) -> tuple[dict[str, int], tuple[str, ...]]:
    """(canonical field → column index, headers ignored) for a file's header. Refuses two
    columns for one field and a file without any of the required fields."""
    found: dict[str, int] = {}
    ignored: list[str] = []
    for index, name in enumerate(header):
        column = chosen.aliases.get(normalise_header(name))
        if not column:
            if name:
                ignored.append(name)
            continue
        if column in found:
            raise FileRefused(
                f"columns {header[found[column]]!r} and {name!r} both hold {column}: remove one,"
                " or map your columns with the generic preset",
                code=AMBIGUOUS_COLUMNS,
                line=None,
            )
        found[column] = index
    if not any(column in found for column in chosen.required):
        wanted = " or ".join(repr(chosen.spelling.get(c, c)) for c in chosen.required)
        shown = ", ".join(repr(h) for h in header if h) or "none"
        raise FileRefused(
            f"the file has no {wanted} column, which a {chosen.label} import requires (its columns: {shown})",
            code=MISSING_COLUMN,
        )
    return found, tuple(ignored)
