"""Public door of the analytics context. Each concern re-exports its functions and DTOs
in its own section below, one `from ... import name as name` line per name (an explicit
re-export; the modules behind them hold the logic)."""

from __future__ import annotations

# --- rfm: settings, scores, segments, custom segments, history --------------------------
from loyalnest.contexts.analytics.rules.rfm_segments import SEGMENTS as SEGMENTS
from loyalnest.contexts.analytics.rules.rfm_segments import SHOPIFY_RFM_GROUP as SHOPIFY_RFM_GROUP
from loyalnest.contexts.analytics.rules.rfm_segments import segment_for as segment_for

# --- segments: segment names, counts, members, custom segments, transitions ---------

# --- program: rollups, program analytics, charts -----------------------------------------

# --- nudges: definitions, variants, events, results --------------------------------------

# --- products: product RFM, segment exports ----------------------------------------------
