"""The named RFM segments: which (R, F, M) scores each covers, in match order (first
match wins), and the Shopify ``CustomerRfmGroup`` each maps to. Pure data and one pure
function; the SQL that assigns segments is generated from the same table, so Python and
PostgreSQL cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass

OTHER = "other"


@dataclass(frozen=True, slots=True)
class SegmentRule:
    slug: str
    recency: tuple[int, int]  # inclusive score ranges, 1..5
    frequency: tuple[int, int]
    monetary: tuple[int, int]

    def matches(self, r: int, f: int, m: int) -> bool:
        return (
            self.recency[0] <= r <= self.recency[1]
            and self.frequency[0] <= f <= self.frequency[1]
            and self.monetary[0] <= m <= self.monetary[1]
        )


# The table (its ranges unchanged): the first rule that matches names the
# customer. In the issue's own order three of its segments could never hold anyone, each
# inside a broader rule listed before it: New Customers (R4-5 F1 M1) and Promising (R3-4
# F1 M1) inside Potential Loyalist (R3-5 F1-3 M1-3), Can't Lose Them (R1 F4-5 M4-5)
# inside At Risk (R1-2 F2-5 M2-5). They come before those rules here, so a first buyer
# is a New Customer and a lapsed best customer is Can't Lose Them, as their names say.
# Hibernating (R2 F1-2 M1-2) stays inside About to Sleep (R2-3 F1-2 M1-2): moving it
# first would empty About to Sleep instead (its R3 part is Potential Loyalist's), and
# the ranges are the issue's.
SEGMENT_RULES: tuple[SegmentRule, ...] = (
    SegmentRule("champions", (4, 5), (4, 5), (4, 5)),
    SegmentRule("loyal", (2, 5), (3, 5), (3, 5)),
    SegmentRule("new_customers", (4, 5), (1, 1), (1, 1)),
    SegmentRule("promising", (3, 4), (1, 1), (1, 1)),
    SegmentRule("potential_loyalist", (3, 5), (1, 3), (1, 3)),
    SegmentRule("need_attention", (2, 3), (2, 3), (2, 3)),
    SegmentRule("about_to_sleep", (2, 3), (1, 2), (1, 2)),
    SegmentRule("cant_lose_them", (1, 1), (4, 5), (4, 5)),
    SegmentRule("at_risk", (1, 2), (2, 5), (2, 5)),
    SegmentRule("hibernating", (2, 2), (1, 2), (1, 2)),
    SegmentRule("lost", (1, 1), (1, 2), (1, 2)),
)

# every segment slug in match order, ``other`` (matched by no rule) last
SEGMENTS: tuple[str, ...] = (*(rule.slug for rule in SEGMENT_RULES), OTHER)

# Shopify's CustomerRfmGroup for each of ours (Admin API 2025-04+, Customer.statistics.rfmGroup)
SHOPIFY_RFM_GROUP: dict[str, str] = {
    "champions": "CHAMPIONS",
    "loyal": "LOYAL",
    "potential_loyalist": "ACTIVE",
    "new_customers": "NEW",
    "promising": "PROMISING",
    "need_attention": "NEEDS_ATTENTION",
    "about_to_sleep": "ALMOST_LOST",
    "at_risk": "AT_RISK",
    "cant_lose_them": "PREVIOUSLY_LOYAL",
    "hibernating": "DORMANT",
    "lost": "DORMANT",
    OTHER: "PROSPECTS",
}


def segment_for(r: int, f: int, m: int) -> str:
    """The named segment of scores (each 1..5): the first rule that matches, else ``other``."""
    for rule in SEGMENT_RULES:
        if rule.matches(r, f, m):
            return rule.slug
    return OTHER


def segment_case_sql(r: str, f: str, m: str) -> str:
    """A SQL ``CASE`` naming the segment of the score expressions ``r``, ``f``, ``m``,
    generated from ``SEGMENT_RULES`` (same order, first match wins)."""
    whens = " ".join(
        f"WHEN {r} BETWEEN {rule.recency[0]} AND {rule.recency[1]}"
        f" AND {f} BETWEEN {rule.frequency[0]} AND {rule.frequency[1]}"
        f" AND {m} BETWEEN {rule.monetary[0]} AND {rule.monetary[1]} THEN '{rule.slug}'"
        for rule in SEGMENT_RULES
    )
    return f"CASE {whens} ELSE '{OTHER}' END"
