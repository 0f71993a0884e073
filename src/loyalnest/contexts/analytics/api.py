"""Public door of the analytics context. Each concern re-exports its functions and DTOs
in its own section below and lists them in ``__all__`` (the modules behind them hold
the logic)."""

# ruff: noqa: I001 (the imports stay grouped by concern, not sorted into one block)
from __future__ import annotations

# --- rfm: settings, scores, segments, custom segments, history --------------------------
from loyalnest.contexts.analytics.rules.rfm_segments import SEGMENTS as SEGMENTS
from loyalnest.contexts.analytics.rules.rfm_segments import SHOPIFY_RFM_GROUP as SHOPIFY_RFM_GROUP
from loyalnest.contexts.analytics.rules.rfm_segments import segment_for as segment_for
from loyalnest.contexts.analytics.commands.rfm import RECOMPUTE_RFM_ACTOR as RECOMPUTE_RFM_ACTOR
from loyalnest.contexts.analytics.commands.rfm import ANALYTICS_QUEUE as ANALYTICS_RFM_QUEUE
from loyalnest.contexts.analytics.commands.rfm import (
    SCHEDULE_RECOMPUTES_ACTOR as SCHEDULE_RFM_RECOMPUTES_ACTOR,
)
from loyalnest.contexts.analytics.commands.rfm import apply_update as apply_rfm_update
from loyalnest.contexts.analytics.commands.rfm import rfm_config_in as rfm_config_in
from loyalnest.contexts.analytics.commands.rfm import full_recompute as full_recompute
from loyalnest.contexts.analytics.commands.rfm import recompute_rfm as recompute_rfm
from loyalnest.contexts.analytics.commands.rfm import record_cancellations as record_rfm_cancellations
from loyalnest.contexts.analytics.commands.rfm import record_orders as record_rfm_orders
from loyalnest.contexts.analytics.commands.rfm import record_refunds as record_rfm_refunds
from loyalnest.contexts.analytics.commands.rfm import request_recompute as request_rfm_recompute
from loyalnest.contexts.analytics.commands.rfm import set_tracking as set_rfm_tracking
from loyalnest.contexts.analytics.commands.rfm import update_config as update_rfm_config
from loyalnest.contexts.analytics.dto.rfm import CustomerRfmDTO as CustomerRfmDTO
from loyalnest.contexts.analytics.dto.rfm import RecomputeReport as RecomputeReport
from loyalnest.contexts.analytics.dto.rfm import RfmConfigDTO as RfmConfigDTO
from loyalnest.contexts.analytics.dto.rfm import RfmConfigUpdate as RfmConfigUpdate
from loyalnest.contexts.analytics.dto.rfm import RfmPreviewDTO as RfmPreviewDTO
from loyalnest.contexts.analytics.dto.rfm import SegmentChangeDTO as SegmentChangeDTO
from loyalnest.contexts.analytics.queries.rfm import all_customer_rfm as all_customer_rfm
from loyalnest.contexts.analytics.queries.rfm import excluded_customers as excluded_customers
from loyalnest.contexts.analytics.queries.rfm import get_customer_rfm as get_customer_rfm
from loyalnest.contexts.analytics.queries.rfm import get_rfm_config as get_rfm_config
from loyalnest.contexts.analytics.queries.rfm import is_excluded as is_excluded
from loyalnest.contexts.analytics.queries.rfm import preview_rfm_config as preview_rfm_config
from loyalnest.contexts.analytics.queries.rfm import segment_history as segment_history
from loyalnest.contexts.analytics.queries.rfm import segment_of as segment_of
from loyalnest.contexts.analytics.rules.rfm import DEFAULT_CONFIG as DEFAULT_RFM_CONFIG
from loyalnest.contexts.analytics.rules.rfm import PRESETS as RFM_PRESETS
from loyalnest.contexts.analytics.rules.rfm import RfmConfig as RfmConfig
from loyalnest.contexts.analytics.rules.rfm import Thresholds as RfmThresholds

# --- segments: segment names, counts, members, custom segments, transitions ---------
from loyalnest.contexts.analytics.commands.segments import (
    REFRESH_CUSTOM_SEGMENT_ACTOR as REFRESH_CUSTOM_SEGMENT_ACTOR,
)
from loyalnest.contexts.analytics.commands.segments import create_custom_segment as create_custom_segment
from loyalnest.contexts.analytics.commands.segments import delete_custom_segment as delete_custom_segment
from loyalnest.contexts.analytics.commands.segments import (
    refresh_custom_segment_members as refresh_custom_segment_members,
)
from loyalnest.contexts.analytics.commands.segments import update_custom_segment as update_custom_segment
from loyalnest.contexts.analytics.dto.segments import CustomSegmentDTO as CustomSegmentDTO
from loyalnest.contexts.analytics.dto.segments import CustomSegmentInput as CustomSegmentInput
from loyalnest.contexts.analytics.dto.segments import SegmentCountDTO as SegmentCountDTO
from loyalnest.contexts.analytics.dto.segments import SegmentTransitionDTO as SegmentTransitionDTO
from loyalnest.contexts.analytics.queries.segments import MAX_TRANSITION_DAYS as MAX_TRANSITION_DAYS
from loyalnest.contexts.analytics.queries.segments import count_in_segment as count_in_segment
from loyalnest.contexts.analytics.queries.segments import custom_segments_of as custom_segments_of
from loyalnest.contexts.analytics.queries.segments import customers_in_segment as customers_in_segment
from loyalnest.contexts.analytics.queries.segments import get_custom_segments as get_custom_segments
from loyalnest.contexts.analytics.queries.segments import list_custom_segments as list_custom_segments
from loyalnest.contexts.analytics.queries.segments import segment_counts as segment_counts
from loyalnest.contexts.analytics.queries.segments import segment_transitions as segment_transitions
from loyalnest.contexts.analytics.queries.segments import shop_locale as shop_locale
from loyalnest.contexts.analytics.rules.segments.language import RuleError as RuleError
from loyalnest.contexts.analytics.rules.segments.language import format_rule as format_rule
from loyalnest.contexts.analytics.rules.segments.language import parse_rule as parse_rule
from loyalnest.contexts.analytics.rules.segments.names import segment_name as segment_name

# --- program: rollups, program analytics, charts -----------------------------------------
from loyalnest.contexts.analytics.commands.program import backfill_program_rollups as backfill_program_rollups
from loyalnest.contexts.analytics.commands.program import refresh_program_rollups as refresh_program_rollups
from loyalnest.contexts.analytics.dto.program import ChartDTO as ChartDTO
from loyalnest.contexts.analytics.dto.program import ChartSeriesDTO as ChartSeriesDTO
from loyalnest.contexts.analytics.dto.program import HeatmapDTO as HeatmapDTO
from loyalnest.contexts.analytics.dto.program import ProgramAnalyticsDTO as ProgramAnalyticsDTO
from loyalnest.contexts.analytics.dto.program import ProgramTotalsDTO as ProgramTotalsDTO
from loyalnest.contexts.analytics.dto.program import ScatterDTO as ScatterDTO
from loyalnest.contexts.analytics.dto.program import ScatterPointDTO as ScatterPointDTO
from loyalnest.contexts.analytics.dto.program import SourcePointsDTO as SourcePointsDTO
from loyalnest.contexts.analytics.dto.program import TierShareDTO as TierShareDTO
from loyalnest.contexts.analytics.dto.program import TransitionMatrixDTO as TransitionMatrixDTO
from loyalnest.contexts.analytics.queries.charts import SCATTER_SAMPLE as SCATTER_SAMPLE
from loyalnest.contexts.analytics.queries.charts import rfm_heatmap as rfm_heatmap
from loyalnest.contexts.analytics.queries.charts import rfm_scatter as rfm_scatter
from loyalnest.contexts.analytics.queries.charts import segment_sizes as segment_sizes
from loyalnest.contexts.analytics.queries.charts import segment_transition_matrix as segment_transition_matrix
from loyalnest.contexts.analytics.queries.program import program_analytics as program_analytics
from loyalnest.contexts.analytics.rules.program import MAX_RANGE_DAYS as MAX_RANGE_DAYS
from loyalnest.contexts.analytics.rules.program import program_channel as program_channel
from loyalnest.contexts.analytics.rules.program import validate_range as validate_program_range
from loyalnest.contexts.analytics.tasks.program import refresh_due_shops as refresh_due_shops

# --- nudges: definitions, variants, events, results --------------------------------------
from loyalnest.contexts.analytics.commands.nudges import SEND_NUDGE_EMAIL_ACTOR as SEND_NUDGE_EMAIL_ACTOR
from loyalnest.contexts.analytics.commands.nudges import archive_nudge as archive_nudge
from loyalnest.contexts.analytics.commands.nudges import create_nudge as create_nudge
from loyalnest.contexts.analytics.commands.nudges import record_nudge_conversions as record_nudge_conversions
from loyalnest.contexts.analytics.commands.nudges import record_nudge_event as record_nudge_event
from loyalnest.contexts.analytics.commands.nudges import request_nudge_email as request_nudge_email
from loyalnest.contexts.analytics.commands.nudges import send_nudge_email_page as send_nudge_email_page
from loyalnest.contexts.analytics.commands.nudges import set_nudge_variants as set_nudge_variants
from loyalnest.contexts.analytics.commands.nudges import update_nudge as update_nudge
from loyalnest.contexts.analytics.dto.nudges import NUDGE_KEEP as NUDGE_KEEP
from loyalnest.contexts.analytics.dto.nudges import EmailRunDTO as EmailRunDTO
from loyalnest.contexts.analytics.dto.nudges import MyNudgeDTO as MyNudgeDTO
from loyalnest.contexts.analytics.dto.nudges import NudgeDTO as NudgeDTO
from loyalnest.contexts.analytics.dto.nudges import NudgeInput as NudgeInput
from loyalnest.contexts.analytics.dto.nudges import NudgePage as NudgePage
from loyalnest.contexts.analytics.dto.nudges import NudgeResultsDTO as NudgeResultsDTO
from loyalnest.contexts.analytics.dto.nudges import NudgeUpdate as NudgeUpdate
from loyalnest.contexts.analytics.dto.nudges import NudgeVariantDTO as NudgeVariantDTO
from loyalnest.contexts.analytics.dto.nudges import VariantResultDTO as VariantResultDTO
from loyalnest.contexts.analytics.dto.nudges import VariantSpec as VariantSpec
from loyalnest.contexts.analytics.queries.nudges import MAX_NUDGE_PAGE as MAX_NUDGE_PAGE
from loyalnest.contexts.analytics.queries.nudges import count_nudges as count_nudges
from loyalnest.contexts.analytics.queries.nudges import get_email_runs as get_email_runs
from loyalnest.contexts.analytics.queries.nudges import get_nudges as get_nudges
from loyalnest.contexts.analytics.queries.nudges import list_nudges as list_nudges
from loyalnest.contexts.analytics.queries.nudges import my_nudges as my_nudges
from loyalnest.contexts.analytics.queries.nudges import nudge_results as nudge_results
from loyalnest.contexts.analytics.rules.nudges import choose_nudge_variant as choose_nudge_variant
from loyalnest.contexts.analytics.rules.nudges import two_proportion_p_value as two_proportion_p_value
from loyalnest.contexts.analytics.tasks.nudges import (
    CATCH_UP_NUDGE_CONVERSIONS_ACTOR as CATCH_UP_NUDGE_CONVERSIONS_ACTOR,
)

# --- products: product RFM, segment exports ----------------------------------------------
from loyalnest.contexts.analytics.commands.exports import RUN_SEGMENT_EXPORT_ACTOR as RUN_SEGMENT_EXPORT_ACTOR
from loyalnest.contexts.analytics.commands.exports import export_channel as export_channel
from loyalnest.contexts.analytics.commands.exports import request_segment_export as request_segment_export
from loyalnest.contexts.analytics.commands.exports import run_segment_export as run_segment_export
from loyalnest.contexts.analytics.commands.products import (
    REFRESH_PRODUCT_STATS_ACTOR as REFRESH_PRODUCT_STATS_ACTOR,
)
from loyalnest.contexts.analytics.commands.products import refresh_product_stats as refresh_product_stats
from loyalnest.contexts.analytics.dto.products import PRODUCT_SORTS as PRODUCT_SORTS
from loyalnest.contexts.analytics.dto.products import ExportDownload as ExportDownload
from loyalnest.contexts.analytics.dto.products import ProductRfmDTO as ProductRfmDTO
from loyalnest.contexts.analytics.dto.products import ProductRfmPage as ProductRfmPage
from loyalnest.contexts.analytics.dto.products import ProductSegmentCountDTO as ProductSegmentCountDTO
from loyalnest.contexts.analytics.dto.products import ProductStatsRefresh as ProductStatsRefresh
from loyalnest.contexts.analytics.dto.products import SegmentExportDTO as SegmentExportDTO
from loyalnest.contexts.analytics.dto.products import SegmentProductDTO as SegmentProductDTO
from loyalnest.contexts.analytics.queries.exports import export_download as export_download
from loyalnest.contexts.analytics.queries.exports import export_download_url as export_download_url
from loyalnest.contexts.analytics.queries.exports import get_segment_export as get_segment_export
from loyalnest.contexts.analytics.queries.exports import get_segment_exports as get_segment_exports
from loyalnest.contexts.analytics.queries.products import count_product_rfm as count_product_rfm
from loyalnest.contexts.analytics.queries.products import list_product_rfm as list_product_rfm
from loyalnest.contexts.analytics.queries.products import product_segment_counts as product_segment_counts
from loyalnest.contexts.analytics.queries.products import products_slipping as products_slipping
from loyalnest.contexts.analytics.queries.products import top_products_of_segment as top_products_of_segment
from loyalnest.contexts.analytics.rules.products import product_gid as product_gid

__all__ = [
    "ANALYTICS_RFM_QUEUE",
    "CATCH_UP_NUDGE_CONVERSIONS_ACTOR",
    "DEFAULT_RFM_CONFIG",
    "MAX_NUDGE_PAGE",
    "MAX_RANGE_DAYS",
    "MAX_TRANSITION_DAYS",
    "NUDGE_KEEP",
    "PRODUCT_SORTS",
    "RECOMPUTE_RFM_ACTOR",
    "REFRESH_CUSTOM_SEGMENT_ACTOR",
    "REFRESH_PRODUCT_STATS_ACTOR",
    "RFM_PRESETS",
    "RUN_SEGMENT_EXPORT_ACTOR",
    "SCATTER_SAMPLE",
    "SCHEDULE_RFM_RECOMPUTES_ACTOR",
    "SEGMENTS",
    "SEND_NUDGE_EMAIL_ACTOR",
    "SHOPIFY_RFM_GROUP",
    "ChartDTO",
    "ChartSeriesDTO",
    "CustomSegmentDTO",
    "CustomSegmentInput",
    "CustomerRfmDTO",
    "EmailRunDTO",
    "ExportDownload",
    "HeatmapDTO",
    "MyNudgeDTO",
    "NudgeDTO",
    "NudgeInput",
    "NudgePage",
    "NudgeResultsDTO",
    "NudgeUpdate",
    "NudgeVariantDTO",
    "ProductRfmDTO",
    "ProductRfmPage",
    "ProductSegmentCountDTO",
    "ProductStatsRefresh",
    "ProgramAnalyticsDTO",
    "ProgramTotalsDTO",
    "RecomputeReport",
    "RfmConfig",
    "RfmConfigDTO",
    "RfmConfigUpdate",
    "RfmPreviewDTO",
    "RfmThresholds",
    "RuleError",
    "ScatterDTO",
    "ScatterPointDTO",
    "SegmentChangeDTO",
    "SegmentCountDTO",
    "SegmentExportDTO",
    "SegmentProductDTO",
    "SegmentTransitionDTO",
    "SourcePointsDTO",
    "TierShareDTO",
    "TransitionMatrixDTO",
    "VariantResultDTO",
    "VariantSpec",
    "all_customer_rfm",
    "apply_rfm_update",
    "archive_nudge",
    "backfill_program_rollups",
    "choose_nudge_variant",
    "count_in_segment",
    "count_nudges",
    "count_product_rfm",
    "create_custom_segment",
    "create_nudge",
    "custom_segments_of",
    "customers_in_segment",
    "delete_custom_segment",
    "excluded_customers",
    "export_channel",
    "export_download",
    "export_download_url",
    "format_rule",
    "full_recompute",
    "get_custom_segments",
    "get_customer_rfm",
    "get_email_runs",
    "get_nudges",
    "get_rfm_config",
    "get_segment_export",
    "get_segment_exports",
    "is_excluded",
    "list_custom_segments",
    "list_nudges",
    "list_product_rfm",
    "my_nudges",
    "nudge_results",
    "parse_rule",
    "preview_rfm_config",
    "product_gid",
    "product_segment_counts",
    "products_slipping",
    "program_analytics",
    "program_channel",
    "recompute_rfm",
    "record_nudge_conversions",
    "record_nudge_event",
    "record_rfm_cancellations",
    "record_rfm_orders",
    "record_rfm_refunds",
    "refresh_custom_segment_members",
    "refresh_due_shops",
    "refresh_product_stats",
    "refresh_program_rollups",
    "request_nudge_email",
    "request_rfm_recompute",
    "request_segment_export",
    "rfm_config_in",
    "rfm_heatmap",
    "rfm_scatter",
    "run_segment_export",
    "segment_counts",
    "segment_for",
    "segment_history",
    "segment_name",
    "segment_of",
    "segment_sizes",
    "segment_transition_matrix",
    "segment_transitions",
    "send_nudge_email_page",
    "set_nudge_variants",
    "set_rfm_tracking",
    "shop_locale",
    "top_products_of_segment",
    "two_proportion_p_value",
    "update_custom_segment",
    "update_nudge",
    "update_rfm_config",
    "validate_program_range",
]
