"""The GraphQL enum of segments is written out by hand (each value with its
description); it must name exactly the context's segments, in match order."""

from __future__ import annotations

from loyalnest.contexts.analytics import api as analytics
from loyalnest.graphql.analytics.rfm.types import RfmSegment


def test_the_enum_names_every_segment_in_match_order() -> None:
    assert tuple(member.value for member in RfmSegment) == analytics.SEGMENTS
    assert set(analytics.SHOPIFY_RFM_GROUP) == set(analytics.SEGMENTS)
