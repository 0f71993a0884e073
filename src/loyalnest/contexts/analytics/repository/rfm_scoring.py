"""The SQL that summarises, scores and segments customers, generated once from the
rules (``rules.rfm``, ``rules.rfm_segments``) so the real-time statement, the full pass
and the preview score identically.

Building blocks (CTE bodies), all scoped by ``:m`` and timed by ``:now``:
- ``cfg``: the shop's configuration and boundaries (stored row joined in, defaults when
  absent; or a proposed configuration from parameters, for the preview), plus ``a_now``
  (the log-space weight of an order placed now) and ``q`` (score by quintiles: quintile
  mode and cut points known; before the first full pass thresholds score).
- ``summ``: per customer, first/last order, order count, net spend and the log-space
  weighted sums, over counted orders (placed, not cancelled, net > 0) in the lookback
  window, customers who withdrew tracking left out.
- ``scored``: ``summ`` with r, f, m and the segment.
"""

from __future__ import annotations

from loyalnest.contexts.analytics.rules.rfm import DEFAULT_CONFIG, LN2, WEIGHT_EPOCH
from loyalnest.contexts.analytics.rules.rfm_segments import segment_for

# seconds of the weighting epoch; times become float8 epoch seconds with date_part (the
# same value as Python's ``datetime.timestamp()``, and far cheaper than numeric extract)
_EPOCH_S = f"CAST({WEIGHT_EPOCH.timestamp()!r} AS float8)"
_LN2 = f"CAST({LN2!r} AS float8)"
_NOW = "CAST(:now AS timestamptz)"


def _array(values: tuple[object, ...], sql_type: str) -> str:
    return f"CAST('{{{','.join(str(v) for v in values)}}}' AS {sql_type}[])"


_D = DEFAULT_CONFIG
_DEFAULTS = {
    "mode": f"'{_D.mode}'",
    "rd": _array(_D.thresholds.recency_days, "int"),
    "fm": _array(_D.thresholds.frequency_max, "int"),
    "mr": _array(_D.thresholds.monetary_ratios, "numeric"),
    "lookback": str(_D.lookback_days),
    "tw": "true" if _D.time_weighting else "false",
    "hl": str(_D.half_life_days),
}

# the shop's average net order value over counted orders of identified customers in the
# window: the fallback before the first full pass stored one (an InitPlan PostgreSQL
# evaluates only when COALESCE needs it)
_AOV_FALLBACK = (
    "(SELECT round(avg(o.amount - o.refunded), 2) FROM analytics_orders o"
    " WHERE o.merchant_id = :m AND o.customer_id IS NOT NULL AND o.placed_at IS NOT NULL"
    f" AND o.placed_at > {_NOW} - make_interval(days => {{lookback}})"
    " AND NOT o.cancelled AND o.amount > o.refunded)"
)


def _with_derived(base: str) -> str:
    return (
        f"SELECT b.*, {_LN2} * (date_part('epoch', {_NOW}) - {_EPOCH_S}) / CAST(86400 AS float8)"
        " / b.hl AS a_now, (b.mode = 'quintiles' AND b.r_cuts IS NOT NULL) AS q,"
        f" date_part('epoch', {_NOW}) AS now_s,"
        " ARRAY[b.mr[1] * b.aov, b.mr[2] * b.aov, b.mr[3] * b.aov, b.mr[4] * b.aov] AS m_bounds"
        # OFFSET 0: ``b`` computed once (its AOV fallback is a scan, never to be inlined
        # into each reference)
        f" FROM ({base} OFFSET 0) AS b"
    )


def stored_cfg() -> str:
    """The shop's stored configuration and boundaries (defaults without a row), and what
    the real-time statement keeps: ``aov_missing`` (no stored AOV: the fallback scanned
    the shop's orders) and ``first_pass_due`` (no full pass ever ran or was asked for)."""
    d = _DEFAULTS
    lookback = f"coalesce(st.lookback_days, {d['lookback']})"
    base = (
        f"SELECT coalesce(st.mode, {d['mode']}) AS mode, coalesce(st.recency_days, {d['rd']}) AS rd,"
        f" coalesce(st.frequency_max, {d['fm']}) AS fm, coalesce(st.monetary_ratios, {d['mr']}) AS mr,"
        f" {lookback} AS lookback, coalesce(st.time_weighting, {d['tw']}) AS tw,"
        f" coalesce(st.half_life_days, {d['hl']}) AS hl, st.r_cuts, st.f_cuts, st.m_cuts,"
        f" coalesce(st.average_order_value, {_AOV_FALLBACK.format(lookback=lookback)}) AS aov,"
        " st.average_order_value IS NULL AS aov_missing,"
        " (st.boundaries_computed_at IS NULL AND st.recompute_requested_at IS NULL) AS first_pass_due"
        " FROM (SELECT 1) AS one LEFT JOIN analytics_rfm_settings st ON st.merchant_id = :m"
    )
    return _with_derived(base)


def proposed_cfg() -> str:
    """A proposed configuration from parameters (:mode :rd :fm :mr :lookback :tw :hl);
    cut points and AOV come from the ``fresh`` CTE (computed over ``summ``)."""
    base = (
        "SELECT CAST(:mode AS text) AS mode, CAST(:rd AS int[]) AS rd, CAST(:fm AS int[]) AS fm,"
        " CAST(:mr AS numeric[]) AS mr, CAST(:lookback AS int) AS lookback, CAST(:tw AS boolean) AS tw,"
        " CAST(:hl AS int) AS hl, fresh.r_cuts, fresh.f_cuts, fresh.m_cuts, fresh.aov FROM fresh"
    )
    return _with_derived(base)


def proposed_settings() -> str:
    """The proposed configuration's inputs only (what ``summ`` needs before cuts exist)."""
    return (
        "SELECT CAST(:lookback AS int) AS lookback, CAST(:tw AS boolean) AS tw, CAST(:hl AS int) AS hl,"
        f" {_LN2} * (date_part('epoch', {_NOW}) - {_EPOCH_S}) / CAST(86400 AS float8)"
        " / CAST(:hl AS int) AS a_now"
    )


_EXPONENT = (
    f"({_LN2} * (date_part('epoch', o.placed_at) - {_EPOCH_S}) / CAST(86400 AS float8) / c.hl - c.a_now)"
)
_NET = "(o.amount - o.refunded)"


def summ_from_orders(*, scoped: bool, cfg: str = "cfg", weighted: bool | None = None) -> str:
    """Per-customer summaries from ``analytics_orders`` (``scoped``: only ``:ids``).
    ``weighted`` known in advance (the full pass, the preview) leaves the unused sums out
    (the weight is an exp per order, a good part of the aggregate's cost); None decides
    per row from ``cfg``. Each order's weight is computed once, in a fenced subquery
    (OFFSET 0; inlined, PostgreSQL computes it for each sum that uses it), and the
    orders are grouped by customer alone, so the covering customer index feeds the
    aggregate in order, without a sort."""
    scope = " AND o.customer_id = ANY(CAST(:ids AS bigint[]))" if scoped else " AND o.customer_id IS NOT NULL"
    if weighted is False:
        weight = "CAST(NULL AS float8)"
    elif weighted is None:
        weight = f"CASE WHEN c.tw THEN exp({_EXPONENT}) END"
    else:
        weight = f"exp({_EXPONENT})"
    sums = (
        "CASE WHEN c.tw THEN c.a_now + ln(g.sw) END AS weighted_frequency,"
        " CASE WHEN c.tw THEN c.a_now + ln(g.snw) END AS weighted_monetary"
        if weighted is not False
        else "CAST(NULL AS float8) AS weighted_frequency, CAST(NULL AS float8) AS weighted_monetary"
    )
    return (
        "SELECT g.customer_id, g.first_order_at, g.last_order_at, g.order_count, g.net_spend, "
        + sums
        + " FROM (SELECT o.customer_id, min(o.placed_at) AS first_order_at,"
        " max(o.placed_at) AS last_order_at, count(*)::int AS order_count, sum(o.net) AS net_spend,"
        " sum(o.w) AS sw, sum(o.net::float8 * o.w) AS snw"
        f" FROM (SELECT o.customer_id, o.placed_at, {_NET} AS net, {weight} AS w"
        f" FROM analytics_orders o CROSS JOIN {cfg} c"
        f" WHERE o.merchant_id = :m{scope} AND o.placed_at IS NOT NULL"
        f" AND o.placed_at > {_NOW} - make_interval(days => c.lookback)"
        " AND NOT o.cancelled AND o.amount > o.refunded OFFSET 0) AS o"
        " GROUP BY o.customer_id"
        # per customer, not per order (a third of the probes in a shop's pass)
        " HAVING NOT EXISTS (SELECT 1 FROM analytics_rfm_exclusions x"
        " WHERE x.merchant_id = :m AND x.customer_id = o.customer_id)) AS g"
        f" CROSS JOIN {cfg} c"
    )


# The batch's customers' summaries (``:ids``), each aggregated in a LATERAL subquery
# over its own orders: a nested loop of probes into the covering customer index, so the
# cost follows the batch, never the shop. With ``customer_id = ANY(:ids)`` PostgreSQL
# was free to scan the shop's orders and filter, and did, on a young shop's tables (a
# sequential scan of 10,000 orders for 200 customers: 4 ms a batch, growing with the
# shop) and in generic plans (a prepared statement's, which know no array size).
SCOPED_SUMMARIES = (
    "SELECT u.id AS customer_id, a.first_order_at, a.last_order_at, a.order_count, a.net_spend,"
    " CASE WHEN c.tw THEN c.a_now + ln(a.sw) END AS weighted_frequency,"
    " CASE WHEN c.tw THEN c.a_now + ln(a.snw) END AS weighted_monetary"
    " FROM unnest(CAST(:ids AS bigint[])) AS u(id) CROSS JOIN cfg c CROSS JOIN LATERAL"
    " (SELECT min(o.placed_at) AS first_order_at, max(o.placed_at) AS last_order_at,"
    f" count(*)::int AS order_count, sum({_NET}) AS net_spend,"
    f" sum(CASE WHEN c.tw THEN exp({_EXPONENT}) END) AS sw,"
    f" sum(CASE WHEN c.tw THEN {_NET}::float8 * exp({_EXPONENT}) END) AS snw"
    " FROM analytics_orders o WHERE o.merchant_id = :m AND o.customer_id = u.id"
    f" AND o.placed_at IS NOT NULL AND o.placed_at > {_NOW} - make_interval(days => c.lookback)"
    " AND NOT o.cancelled AND o.amount > o.refunded) AS a"
    " WHERE a.order_count > 0 AND NOT EXISTS (SELECT 1 FROM analytics_rfm_exclusions x"
    " WHERE x.merchant_id = :m AND x.customer_id = u.id)"
)


STORED_SUMMARIES = (
    "SELECT customer_id, first_order_at, last_order_at, order_count, net_spend, weighted_frequency,"
    " weighted_monetary FROM analytics_customer_rfm WHERE merchant_id = :m"
)

# the value each dimension is ranked on in quintile mode
_RV = "date_part('epoch', s.last_order_at)"
_FV = "CASE WHEN {c}.tw THEN s.weighted_frequency ELSE s.order_count::float8 END"
_MV = "CASE WHEN {c}.tw THEN s.weighted_monetary ELSE s.net_spend::float8 END"


def fresh_boundaries(summ: str = "summ", settings: str = "cfg", *, quintiles: bool = True) -> str:
    """Quintile cut points and AOV over ``summ`` (``percentile_disc``: see rules.rfm);
    without ``quintiles`` only the AOV (three sorts saved when thresholds score)."""
    points = "ARRAY[0.2, 0.4, 0.6, 0.8]::float8[]"
    if not quintiles:
        return (
            "SELECT CAST(NULL AS float8[]) AS r_cuts, CAST(NULL AS float8[]) AS f_cuts,"
            " CAST(NULL AS float8[]) AS m_cuts,"
            " round(sum(s.net_spend) / nullif(sum(s.order_count), 0), 2) AS aov"
            f" FROM {summ} s"
        )
    return (
        f"SELECT percentile_disc({points}) WITHIN GROUP (ORDER BY {_RV}) AS r_cuts,"
        f" percentile_disc({points}) WITHIN GROUP (ORDER BY {_FV.format(c='c')}) AS f_cuts,"
        f" percentile_disc({points}) WITHIN GROUP (ORDER BY {_MV.format(c='c')}) AS m_cuts,"
        " round(sum(s.net_spend) / nullif(sum(s.order_count), 0), 2) AS aov"
        f" FROM {summ} s CROSS JOIN {settings} c"
    )


def _quintile(value: str, cuts: str) -> str:
    return "(1 " + "".join(f" + ({value} > {cuts}[{k}])::int" for k in range(1, 5)) + ")"


def _segment_lookup() -> str:
    """All 125 (r, f, m) combinations' segments (``segment_for``) as one array literal,
    indexed by ``(r-1)*25 + (f-1)*5 + m``: a subscript per row, where a join on a VALUES
    table made PostgreSQL estimate a handful of rows out of a million and pick a nested
    loop for everything downstream (5 s of index probes in the full pass's diff)."""
    names = ",".join(segment_for(r, f, m) for r in range(1, 6) for f in range(1, 6) for m in range(1, 6))
    return f"CAST('{{{names}}}' AS text[])"


def _steps(values: str, bounds: str, scores: tuple[int, ...], below: str, otherwise: int) -> str:
    return (
        "CASE "
        + " ".join(f"WHEN {values} {below} {bounds}[{k}] THEN {score}" for k, score in enumerate(scores, 1))
        + f" ELSE {otherwise} END"
    )


# Three levels, each fenced (OFFSET 0) so PostgreSQL computes a value once per row
# instead of inlining the expression into every reference: the inputs (as floats, days
# since the last order, the weighted sums rescaled to now), then the scores, then the
# segment by a join on the map.
_INPUTS = (
    "SELECT s.*, c.q, c.r_cuts, c.f_cuts, c.m_cuts, c.rd, c.fm, c.m_bounds, c.tw, "
    f"{_RV} AS rv, {_FV.format(c='c')} AS fv, {_MV.format(c='c')} AS mv,"
    " (c.now_s - date_part('epoch', s.last_order_at)) / CAST(86400 AS float8) AS days,"
    " CASE WHEN c.tw THEN exp(s.weighted_frequency - c.a_now) ELSE s.order_count::float8 END AS fq,"
    " CASE WHEN c.tw THEN exp(s.weighted_monetary - c.a_now) END AS mq"
    " FROM summ s CROSS JOIN cfg c OFFSET 0"
)
_M_THRESHOLD = (
    "CASE WHEN i.tw THEN "
    + _steps("i.mq", "(i.m_bounds::float8[])", (1, 2, 3, 4), "<", 5)
    + " ELSE "
    + _steps("i.net_spend", "i.m_bounds", (1, 2, 3, 4), "<", 5)
    + " END"
)
_SCORES = (
    "SELECT i.customer_id, i.first_order_at, i.last_order_at, i.order_count, i.net_spend,"
    " i.weighted_frequency, i.weighted_monetary,"
    f" (CASE WHEN i.q THEN {_quintile('i.rv', 'i.r_cuts')} ELSE"
    f" {_steps('i.days', 'i.rd', (5, 4, 3, 2), '<=', 1)} END)::smallint AS r,"
    f" (CASE WHEN i.q THEN {_quintile('i.fv', 'i.f_cuts')} ELSE"
    f" {_steps('i.fq', 'i.fm', (1, 2, 3, 4), '<=', 5)} END)::smallint AS f,"
    f" (CASE WHEN i.q THEN {_quintile('i.mv', 'i.m_cuts')} ELSE {_M_THRESHOLD} END)::smallint AS m"
    f" FROM ({_INPUTS}) AS i OFFSET 0"
)
SCORED = (
    f"SELECT x.*, ({_segment_lookup()})[(x.r - 1) * 25 + (x.f - 1) * 5 + x.m] AS segment"
    f" FROM ({_SCORES}) AS x"
)

_SUMMARY_COLUMNS = (
    "first_order_at",
    "last_order_at",
    "order_count",
    "net_spend",
    "weighted_frequency",
    "weighted_monetary",
    "r",
    "f",
    "m",
    "segment",
)
# float sums recomputed at another moment differ in their last bits: a change below this
# relative size is no change (the row keeps its value and is not rewritten)
_FLOAT_TOLERANCE = "1e-12"


def _changed(column: str, new_alias: str = "EXCLUDED") -> str:
    old, new = f"t.{column}", f"{new_alias}.{column}"
    if column.startswith("weighted_"):
        return (
            f"({old} IS DISTINCT FROM {new} AND ({old} IS NULL OR {new} IS NULL"
            f" OR abs({old} - {new}) > {_FLOAT_TOLERANCE} * greatest(abs({old}), 1)))"
        )
    return f"{old} IS DISTINCT FROM {new}"


def realtime_merge_statement() -> str:
    """Rescore the batch's customers (``:ids``): write ``scored`` into
    ``analytics_customer_rfm`` (only rows whose values changed), delete the rows of those
    no longer scored, record every segment change in the history, and return the
    changes (customer_id, from_segment, to_segment), then a row of NULLs when this
    asked for the shop's first full pass."""
    columns = ", ".join(_SUMMARY_COLUMNS)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in _SUMMARY_COLUMNS if not c.startswith("weighted_"))
    # a float within tolerance keeps its stored value
    floats = ", ".join(
        f"{c} = CASE WHEN {_changed(c)} THEN EXCLUDED.{c} ELSE t.{c} END"
        for c in _SUMMARY_COLUMNS
        if c.startswith("weighted_")
    )
    distinct = " OR ".join(_changed(c) for c in _SUMMARY_COLUMNS)
    return (
        f"WITH cfg AS MATERIALIZED ({stored_cfg()}), summ AS ({SCOPED_SUMMARIES}),"
        f" scored AS ({SCORED}),"
        # The batch's stored rows: a primary-key probe per customer (LATERAL, fenced with
        # OFFSET 0 so it stays a probe: see SCOPED_SUMMARIES), read once (MATERIALIZED:
        # inlined into the join with ``up`` below, it was planned as a nested loop
        # reading the shop's rows once per customer of the batch, 166 ms a batch at
        # 5,000 customers).
        " old AS MATERIALIZED (SELECT p.customer_id, p.segment FROM unnest(CAST(:ids AS bigint[])) AS u(id)"
        " CROSS JOIN LATERAL (SELECT t.customer_id, t.segment FROM analytics_customer_rfm t"
        " WHERE t.merchant_id = :m AND t.customer_id = u.id OFFSET 0) AS p),"
        # those no longer scored: usually none, and then nothing is read
        " gone AS (DELETE FROM analytics_customer_rfm t USING (SELECT o.customer_id FROM old o"
        " WHERE NOT EXISTS (SELECT 1 FROM scored s WHERE s.customer_id = o.customer_id)) AS g"
        " WHERE t.merchant_id = :m AND t.customer_id = g.customer_id"
        " RETURNING t.customer_id, t.segment),"
        f" up AS (INSERT INTO analytics_customer_rfm AS t (merchant_id, customer_id, {columns},"
        f" segment_since, updated_at) SELECT :m, customer_id, {columns}, {_NOW}, {_NOW} FROM scored"
        f" ON CONFLICT (merchant_id, customer_id) DO UPDATE SET {updates}, {floats},"
        " segment_since = CASE WHEN t.segment = EXCLUDED.segment THEN t.segment_since"
        f" ELSE EXCLUDED.segment_since END, updated_at = EXCLUDED.updated_at WHERE {distinct}"
        " RETURNING t.customer_id, t.segment),"
        " changes AS (SELECT u.customer_id, o.segment AS from_segment, u.segment AS to_segment"
        " FROM up u LEFT JOIN old o ON o.customer_id = u.customer_id WHERE o.segment IS"
        " DISTINCT FROM u.segment"
        " UNION ALL SELECT g.customer_id, g.segment, 'other' FROM gone g WHERE g.segment <> 'other'),"
        " hist AS (INSERT INTO analytics_segment_history (merchant_id, customer_id, from_segment, to_segment,"
        f" changed_at) SELECT :m, customer_id, from_segment, to_segment, {_NOW} FROM changes),"
        # A shop's first orders: the fallback AOV is stored (the next batches read it
        # instead of scanning every order of the shop again; the full pass replaces it)
        # and the first full pass is asked for, marked by one row of NULLs at the end
        # (the caller queues it): quintiles and the real AOV within minutes of the first
        # orders, not at the next daily run.
        " seed AS (INSERT INTO analytics_rfm_settings AS st (merchant_id, average_order_value,"
        f" recompute_requested_at, updated_at) SELECT :m, c.aov, CASE WHEN c.first_pass_due THEN {_NOW}"
        f" END, {_NOW} FROM cfg c WHERE (c.aov_missing AND c.aov IS NOT NULL) OR c.first_pass_due"
        " ON CONFLICT (merchant_id) DO UPDATE SET average_order_value = coalesce(st.average_order_value,"
        " EXCLUDED.average_order_value), recompute_requested_at = coalesce(st.recompute_requested_at,"
        " EXCLUDED.recompute_requested_at))"
        " SELECT customer_id, from_segment, to_segment FROM changes"
        " UNION ALL SELECT NULL, NULL, NULL FROM cfg WHERE cfg.first_pass_due"
    )


def full_merge_statement() -> str:
    """The full pass's merge: like ``realtime_merge_statement`` over the whole shop, but as plain
    UPDATE / INSERT / DELETE driven by one diff (a single hash join of the scored set
    with the stored rows). ``ON CONFLICT DO UPDATE`` locks every conflicting row even
    when its WHERE then skips it, which for a million unchanged customers costs a write
    per row; here only changed rows are touched. (The real-time statement keeps ON
    CONFLICT: concurrent batches may insert the same new customer; the pass holds the
    shop's advisory lock and skips such a row.)"""
    columns = ", ".join(_SUMMARY_COLUMNS)
    sets = ", ".join(f"{c} = d.{c}" for c in _SUMMARY_COLUMNS if not c.startswith("weighted_"))
    floats = ", ".join(
        f"{c} = CASE WHEN {_changed(c, 'd')} THEN d.{c} ELSE t.{c} END"
        for c in _SUMMARY_COLUMNS
        if c.startswith("weighted_")
    )
    distinct = " OR ".join(_changed(c, "s") for c in _SUMMARY_COLUMNS)
    return (
        f"WITH cfg AS MATERIALIZED ({stored_cfg()}), summ AS (SELECT * FROM analytics_rfm_pass),"
        f" scored AS ({SCORED}),"
        " diff AS MATERIALIZED (SELECT s.*, t.customer_id IS NOT NULL AS existed, t.segment AS old_segment"
        " FROM scored s LEFT JOIN analytics_customer_rfm t ON t.merchant_id = :m AND"
        " t.customer_id = s.customer_id"
        f" WHERE t.customer_id IS NULL OR {distinct}),"
        f" upd AS (UPDATE analytics_customer_rfm t SET {sets}, {floats},"
        f" segment_since = CASE WHEN t.segment = d.segment THEN t.segment_since ELSE {_NOW} END,"
        f" updated_at = {_NOW} FROM diff d WHERE d.existed AND t.merchant_id = :m AND"
        " t.customer_id = d.customer_id),"
        f" ins AS (INSERT INTO analytics_customer_rfm (merchant_id, customer_id, {columns}, segment_since,"
        " updated_at) SELECT :m, d.customer_id,"
        f" {', '.join('d.' + c for c in _SUMMARY_COLUMNS)}, {_NOW}, {_NOW}"
        " FROM diff d WHERE NOT d.existed ON CONFLICT (merchant_id, customer_id) DO NOTHING),"
        " gone AS (DELETE FROM analytics_customer_rfm t WHERE t.merchant_id = :m"
        " AND NOT EXISTS (SELECT 1 FROM analytics_rfm_pass s WHERE s.customer_id = t.customer_id)"
        " RETURNING t.customer_id, t.segment),"
        " changes AS (SELECT d.customer_id, d.old_segment AS from_segment, d.segment AS"
        " to_segment FROM diff d"
        " WHERE d.old_segment IS DISTINCT FROM d.segment UNION ALL"
        " SELECT g.customer_id, g.segment, 'other' FROM gone g WHERE g.segment <> 'other'),"
        " hist AS (INSERT INTO analytics_segment_history (merchant_id, customer_id, from_segment, to_segment,"
        f" changed_at) SELECT :m, customer_id, from_segment, to_segment, {_NOW} FROM changes)"
        " SELECT customer_id, from_segment, to_segment FROM changes"
    )


REALTIME_MERGE = realtime_merge_statement()
FULL_MERGE = full_merge_statement()


# the full pass's summaries, into a temporary table (read by the boundaries and the merge)
def full_summaries(*, weighted: bool) -> str:
    return (
        "CREATE TEMPORARY TABLE analytics_rfm_pass ON COMMIT DROP AS "
        f"WITH cfg AS MATERIALIZED ({stored_cfg()}) {summ_from_orders(scoped=False, weighted=weighted)}"
    )


FULL_SUMMARIES = {weighted: full_summaries(weighted=weighted) for weighted in (False, True)}
# the boundaries of the full pass, stored (cut points of the configuration in force)
STORE_BOUNDARIES = (
    f"WITH cfg AS MATERIALIZED ({stored_cfg()}), fresh AS ({fresh_boundaries('analytics_rfm_pass')})"
    " INSERT INTO analytics_rfm_settings AS st (merchant_id, r_cuts, f_cuts, m_cuts, average_order_value,"
    f" boundaries_computed_at, updated_at) SELECT :m, r_cuts, f_cuts, m_cuts, aov, {_NOW}, now() FROM fresh"
    " ON CONFLICT (merchant_id) DO UPDATE SET r_cuts = EXCLUDED.r_cuts, f_cuts = EXCLUDED.f_cuts,"
    " m_cuts = EXCLUDED.m_cuts, average_order_value = EXCLUDED.average_order_value,"
    " boundaries_computed_at = EXCLUDED.boundaries_computed_at"
)


def preview_statement(*, from_orders: bool, quintiles: bool, weighted: bool) -> str:
    """Segment sizes under a proposed configuration, nothing written: summaries (stored,
    or recomputed from orders when the proposal changes what they are made of; the
    weighted sums only when the proposal weights), fresh cut points and AOV over them,
    scored and counted."""
    summ = (
        summ_from_orders(scoped=False, cfg="inputs", weighted=weighted) if from_orders else STORED_SUMMARIES
    )
    inputs = proposed_settings()
    return (
        f"WITH inputs AS MATERIALIZED ({inputs}), summ AS MATERIALIZED ({summ}),"
        f" fresh AS ({fresh_boundaries('summ', 'inputs', quintiles=quintiles)}),"
        f" cfg AS MATERIALIZED ({proposed_cfg()}),"
        f" scored AS ({SCORED})"
        " SELECT segment, count(*) FROM scored GROUP BY segment"
    )
