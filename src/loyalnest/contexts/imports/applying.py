"""Importing the staged rows, and taking an import back.

Applying goes through the rows in file order, a chunk per transaction: a row's customer
is the one validation matched, or matched now (a webhook may have brought them since),
or created (waiting for Shopify's id when the file had none); its balance is one ledger
row of kind ``import``, keyed by the file's content and the customer
(``rules.posting_key``): the same file imported again posts nothing twice, and a worker
killed mid-way resumes with the rows not yet applied, posting nothing twice either.

Reverting posts one ``reversal`` per import posting (the ledger's shortfall rule
applies: points spent since are recorded, the balance never goes below zero) and
removes the customers the import created that did nothing else; it runs once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.earning import api as earning
from loyalnest.contexts.imports import repository, rules
from loyalnest.contexts.imports.growth import Growth
from loyalnest.contexts.imports.models import ROW_BIRTHDAY, ROW_EMAIL, ROW_FIRST_NAME, ROW_LAST_NAME
from loyalnest.contexts.imports.progress import announce
from loyalnest.contexts.imports.repository import ImportRecord, StagedRow
from loyalnest.contexts.imports.validation import ShopBusy
from loyalnest.contexts.notifications import api as notifications
from loyalnest.contexts.points import api as points
from loyalnest.contexts.referrals import api as referrals
from loyalnest.contexts.tiers import api as tiers
from loyalnest.platform.consents import IMPORT, NEWSLETTER, SMS_MARKETING, ConsentsRetracted, ConsentsStated
from loyalnest.platform.crypto import decrypt_optional, get_keyring
from loyalnest.platform.db import plan_each_statement
from loyalnest.platform.errors import NotFound
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork, unit_of_work
from loyalnest.settings import get_settings

log = logging.getLogger(__name__)


async def _claim(
    merchant_id: int, import_id: int, *, from_statuses: list[str], to_status: str
) -> ImportRecord | None:
    now = utcnow()
    async with unit_of_work() as uow:
        record = await repository.claim(
            uow.session,
            merchant_id,
            import_id,
            from_statuses=from_statuses,
            to_status=to_status,
            now=now,
            stale=now - rules.STALE_AFTER,
        )
        if record is None:
            current = await repository.get(uow.session, merchant_id, import_id)
            if current is not None and current.status in from_statuses:
                raise ShopBusy(f"another import of shop {merchant_id} is running")
    return record


async def apply(merchant_id: int, import_id: int) -> bool:
    """Import the staged rows; False if the import was not ready for it."""
    record = await _claim(merchant_id, import_id, from_statuses=[rules.READY], to_status=rules.IMPORTING)
    if record is None:
        return False
    try:
        counts = await _apply(record)
    except Exception as exc:
        async with unit_of_work() as uow:
            await repository.finish(
                uow.session, merchant_id, import_id, status=rules.FAILED, now=utcnow(), last_error=_said(exc)
            )
        await announce(merchant_id, import_id)
        raise
    async with unit_of_work() as uow:
        await repository.finish(
            uow.session, merchant_id, import_id, status=rules.COMPLETED, now=utcnow(), counts=counts
        )
        # the staff hear of it (an import of a million rows takes minutes: nobody waits
        # on the page); once per import, a resumed one included
        await notifications.queue_messages(uow, merchant_id, [_finished_message(import_id, counts)])
    await announce(merchant_id, import_id)
    log.info("import applied", extra={"import_id": import_id, "customers_created": counts["created"]})
    return True


def _finished_message(import_id: int, counts: dict[str, Any]) -> notifications.Outgoing:
    """``import_finished`` for the shop's staff: the customers it brought (created or
    matched), the points it posted, the rows it did not take (refused by validation,
    in the customer file or the history, or skipped as naming a customer again)."""
    refused = sum(int(counts.get(name) or 0) for name in ("invalid", "history_invalid", "skipped"))
    return notifications.Outgoing(
        type="import_finished",
        cause=f"import:{import_id}",
        customer_id=None,
        variables={
            "customers_imported": int(counts["created"]) + int(counts["matched"]),
            "points_imported": int(counts["points_posted"]),
            "errors": refused,
        },
    )


def _said(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


async def _key(record: ImportRecord) -> str:
    key = record.counts.get("key")
    if isinstance(key, str):
        return key  # a resumed import keeps the key it started with
    async with unit_of_work() as uow:
        generation = await repository.reverted_before(
            uow.session, record.merchant_id, record.file_sha256 or ""
        )
    return rules.import_key(record.file_sha256 or f"import-{record.id}", generation)


async def _apply(record: ImportRecord) -> dict[str, Any]:
    key = await _key(record)
    counts = {**record.counts, "key": key}
    tier_map = await _create_tiers(record, counts)
    # rows applied by an earlier attempt (a worker killed mid-way) are counted already:
    # each chunk adds its counts and rows in its own transaction; a first attempt starts
    # them (``rows_done`` is validation's count until then; ``attempts`` counts
    # validation's claim too, so it cannot tell a resumed import from a first one)
    if "applied_created" not in record.counts:
        async with unit_of_work() as uow:
            await repository.start_applying(
                uow.session,
                record.merchant_id,
                record.id,
                key=key,
                counted=[f"applied_{n}" for n in _APPLIED],
            )
    # the chunks' transactions side by side (rows are taken with SKIP LOCKED): the
    # statements of one keep one core of PostgreSQL busy, two keep two
    lanes = get_settings().import_apply_lanes
    progress = _Progress(Growth(_refresh_statistics))
    await _all_or_none([_apply_chunks(record, key, tier_map, progress) for _ in range(lanes)])
    async with unit_of_work() as uow:
        applied = await repository.get(uow.session, record.merchant_id, record.id)
    assert applied is not None
    return {**applied.counts, **{n: int(applied.counts.get(f"applied_{n}", 0)) for n in _APPLIED}}


async def _all_or_none(lanes: list[Coroutine[Any, Any, None]]) -> None:
    """Run the lanes; when one fails, the others are stopped (their chunk's transaction
    rolls back) before its error is raised: a failed import applies nothing more."""
    tasks = [asyncio.create_task(lane) for lane in lanes]
    try:
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    except asyncio.CancelledError:  # the actor itself stopped (a time limit, a shutdown)
        done, pending = set(), set(tasks)
        raise
    finally:
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        error = task.exception()
        if error is not None:
            raise error


class _Progress:
    """The rows this run applied, over its lanes (the tables grow with them)."""

    def __init__(self, growth: Growth) -> None:
        self.rows = 0
        self.growth = growth


async def _refresh_statistics() -> None:
    """The tables an import fills and reads back, analyzed (see ``growth``)."""
    await repository.refresh_staged_statistics()
    await customers.refresh_statistics()
    await points.refresh_statistics()
    await tiers.refresh_statistics()


async def _apply_chunks(
    record: ImportRecord, key: str, tier_map: dict[str, int], progress: _Progress
) -> None:
    """Apply chunk after chunk until no staged row is left to take."""
    while True:
        async with unit_of_work() as uow:
            await plan_each_statement(uow.session)
            rows = await repository.pending(
                uow.session, record.merchant_id, record.id, limit=rules.CHUNK_ROWS
            )
            if not rows:
                return
            done = await _apply_chunk(uow, record, key, rows, tier_map)
            await repository.chunk_applied(
                uow.session,
                record.merchant_id,
                record.id,
                rows=len(rows),
                added={f"applied_{n}": getattr(done, n) for n in _APPLIED},
                now=utcnow(),
            )
        progress.rows += len(rows)
        await progress.growth.reached(progress.rows)
        await announce(record.merchant_id, record.id)


async def _create_tiers(record: ImportRecord, counts: dict[str, Any]) -> dict[str, int]:
    """Create the tiers the file names and the shop lacks (``createMissingTiers``), once
    (a resumed import finds them in its counts): each at the least points any of its
    members earned, so every member qualifies for it, ranked by that threshold (one point
    more when an existing tier has it). Returns {name case-folded: tier id}."""
    done = counts.get("tier_map")
    if isinstance(done, dict):
        return {name: int(tier_id) for name, tier_id in done.items()}
    plan = counts.get("new_tiers") or []
    if not plan:
        return {}
    created: dict[str, int] = {}
    tier_map: dict[str, int] = {}
    async with unit_of_work() as uow:
        existing = {
            name.casefold(): tier_id
            for name, tier_id in (await tiers.tier_names(uow, record.merchant_id)).items()
        }
        thresholds = sorted(t.threshold for t in await tiers.list_tiers(record.merchant_id))
        for name, least in plan:
            key = str(name).casefold()
            if key in existing:  # created since the dry run
                tier_map[key] = existing[key]
                continue
            threshold = Decimal(int(least))
            while threshold in thresholds:
                threshold += 1
            rank = 1 + sum(1 for t in thresholds if t < threshold)
            tier = await tiers.create_tier(
                uow,
                merchant_id=record.merchant_id,
                actor=record.requested_by or "import",
                data=tiers.TierInput(
                    names=[("en", str(name))], default_locale="en", threshold=threshold, rank=rank
                ),
            )
            thresholds = sorted([*thresholds, threshold])
            created[key] = tier_map[key] = tier.id
        counts["tier_map"] = tier_map
        counts["created_tiers"] = sorted(created.values())
        await repository.save_counts(uow.session, record.merchant_id, record.id, counts)
    return tier_map


# what applying counts, kept as ``applied_<name>`` after each chunk (a resumed import
# starts from them)
_APPLIED = ("created", "matched", "skipped", "points_posted")


@dataclass(frozen=True)
class ChunkDone:
    created: int
    matched: int
    skipped: int  # rows naming a customer an earlier row was imported into
    points_posted: int  # the balances' net change


async def _apply_chunk(
    uow: UnitOfWork, record: ImportRecord, key: str, rows: list[StagedRow], tier_map: dict[str, int]
) -> ChunkDone:
    keyring = get_keyring()
    merchant_id = record.merchant_id
    unmatched = [r for r in rows if r.customer_id is None]
    people = _sealed(unmatched)
    found = await customers.match_sealed(uow, merchant_id, people) if people else []
    still_new = [(r, p) for r, p, f in zip(unmatched, people, found, strict=True) if f is None]
    new_ids = await customers.create_sealed(uow, merchant_id, [p for _, p in still_new])
    resolved: dict[int, tuple[int, bool]] = {
        r.line: (r.customer_id, False) for r in rows if r.customer_id is not None
    }
    resolved.update({r.line: (f, False) for r, f in zip(unmatched, found, strict=True) if f is not None})
    resolved.update({r.line: (cid, True) for (r, _), cid in zip(still_new, new_ids, strict=True)})
    # the shop's customers this chunk names, held until it commits: a lane applying
    # another chunk with a row naming one of them waits, then finds this chunk's row
    # applied and skips its own (it saw neither before; both posted under one key, and
    # the second balance was lost or the import failed)
    await customers.hold(uow, merchant_id, [cid for cid, created in resolved.values() if not created])
    named_before = await _named_before(uow, record, rows, resolved)
    skipped = [r for r in rows if r.line in named_before]
    rows = [r for r in rows if r.line not in named_before]
    tier_of = {
        r.line: r.tier_id if r.tier_name is None else tier_map.get(r.tier_name.casefold()) for r in rows
    }
    history = await _history(uow, record, rows)
    earned, net = await _post_balances(uow, record, key, rows, resolved, history)
    history_earned, history_net = await _post_history(uow, record, key, resolved, history)
    earned.update(history_earned)
    await _hold_pending(uow, record, key, rows, resolved)
    prior = await tiers.import_standings(
        uow,
        merchant_id,
        [
            tiers.ImportedStanding(
                resolved[r.line][0], points=earned.get(resolved[r.line][0], 0), tier_id=tier_of[r.line]
            )
            for r in rows
        ],
    )
    birthdays = {
        resolved[r.line][0]: date.fromisoformat(keyring.decrypt(r.birthday_enc, context=ROW_BIRTHDAY))
        for r in rows
        if r.birthday_enc is not None
    }
    set_birthdays = set(await customers.import_birthdays(uow, merchant_id, sorted(birthdays.items())))
    kept_codes = await referrals.import_codes(
        uow, merchant_id, [(resolved[r.line][0], r.referral_code) for r in rows if r.referral_code]
    )
    await _record_consents(uow, record, rows, resolved)
    outcomes = []
    for row in rows:
        customer_id, created = resolved[row.line]
        outcomes.append(
            repository.RowOutcome(
                line=row.line,
                customer_id=customer_id,
                created=created,
                tier_id=tier_of[row.line],
                prior_tier_id=prior.get(customer_id),
                tier_placed=customer_id in prior,
                birthday_set=customer_id in set_birthdays,
                code_kept=customer_id in kept_codes,
            )
        )
    # a skipped row is applied as naming nobody: a revert leaves it out
    outcomes += [
        repository.RowOutcome(
            line=row.line,
            customer_id=None,
            created=False,
            tier_id=None,
            prior_tier_id=None,
            tier_placed=False,
            birthday_set=False,
            code_kept=False,
        )
        for row in skipped
    ]
    await repository.mark_applied(uow.session, merchant_id, record.id, outcomes)
    if skipped:
        await repository.add_errors(
            uow.session,
            merchant_id,
            record.id,
            [
                {
                    "line": row.line,
                    "column": None,
                    "reason": "not imported: the shop's customer this row names (by Shopify id or email)"
                    f" was imported from line {named_before[row.line]} (matched since validation)",
                    "history": False,
                }
                for row in skipped
            ],
            limit=rules.FIRST_ERRORS,
        )
    return ChunkDone(
        created=len(new_ids),
        matched=len(rows) - len(new_ids),
        skipped=len(skipped),
        points_posted=net + history_net,
    )


async def _named_before(
    uow: UnitOfWork, record: ImportRecord, rows: list[StagedRow], resolved: dict[int, tuple[int, bool]]
) -> dict[int, int]:
    """{line: the earlier line naming the same customer} for the chunk's rows whose
    customer an earlier row of the file resolved to: in this chunk, or applied before.
    Validation refuses such rows, but a customer Shopify brought or changed since can
    match two rows now (one by the Shopify id, the other by the email). Only the first
    is imported: both would post under one customer's key, the second one lost."""
    first = await repository.customer_lines(
        uow.session,
        record.merchant_id,
        record.id,
        [customer_id for customer_id, _ in resolved.values()],
        applied_only=True,
    )
    named_before: dict[int, int] = {}
    for row in rows:  # in file order
        line = first.setdefault(resolved[row.line][0], row.line)
        if line != row.line:
            named_before[row.line] = line
    return named_before


async def _hold_pending(
    uow: UnitOfWork,
    record: ImportRecord,
    key: str,
    rows: list[StagedRow],
    resolved: dict[int, tuple[int, bool]],
) -> None:
    """What the old app still held as pending (LoyaltyLion's "Points pending") is held
    here for the shop's pending period, then posted as an ``import`` row under the
    customer's import key. Not in the tier standing until then: it was not approved."""
    held = [
        earning.HeldPoints(
            rules.pending_key(key, customer_id),
            customer_id,
            row.points_pending,
            source_ref=f"import:{record.id}",
        )
        for row in rows
        if row.points_pending > 0
        for customer_id in (resolved[row.line][0],)
    ]
    await earning.hold_points(
        uow,
        record.merchant_id,
        held,
        kind="import",
        source="import",
        reason=f"Imported from {record.source.title()} (pending there)",
    )


def _sealed(rows: list[StagedRow]) -> list[customers.SealedCustomer]:
    """The rows' people as the customers context stores them: as staged (since 0033),
    or, for a row staged before, opened and sealed now."""
    keyring = get_keyring()
    older = [r for r in rows if r.email_enc or r.first_name_enc or r.last_name_enc]
    resealed = iter(
        customers.seal_imported(
            [
                customers.ImportedCustomer(
                    shopify_customer_id=r.shopify_customer_id,
                    email=decrypt_optional(keyring, r.email_enc, context=ROW_EMAIL),
                    first_name=decrypt_optional(keyring, r.first_name_enc, context=ROW_FIRST_NAME),
                    last_name=decrypt_optional(keyring, r.last_name_enc, context=ROW_LAST_NAME),
                )
                for r in older
            ]
        )
        if older
        else []
    )
    return [
        next(resealed)
        if r.email_enc or r.first_name_enc or r.last_name_enc
        else customers.SealedCustomer(
            r.shopify_customer_id,
            r.customer_email_enc,
            r.email_bidx,
            r.customer_first_name_enc,
            r.customer_last_name_enc,
        )
        for r in rows
    ]


def _has_history(record: ImportRecord) -> bool:
    return record.history_file_name is not None


async def _history(
    uow: UnitOfWork, record: ImportRecord, rows: list[StagedRow]
) -> dict[int, list[repository.HistoryRow]]:
    """{customer file's line: its history rows, in the order they happened}."""
    if not _has_history(record):
        return {}
    found = await repository.history_of(uow.session, record.merchant_id, record.id, [r.line for r in rows])
    by_line: dict[int, list[repository.HistoryRow]] = {}
    for item in found:
        by_line.setdefault(item.row_line, []).append(item)
    return by_line


async def _post_balances(
    uow: UnitOfWork,
    record: ImportRecord,
    key: str,
    rows: list[StagedRow],
    resolved: dict[int, tuple[int, bool]],
    history: dict[int, list[repository.HistoryRow]],
) -> tuple[dict[int, int], int]:
    """The balance of each row without history: what the customer earned with the old
    app (lifetime, else the balance) as one ``import`` credit, less what they spent there
    as one ``import`` debit, so the balance is the file's and the lifetime earned too
    (``points.post_opening_balances``, set-based for customers without an account).
    Returns ({customer: points credited now}, the balances' net change); a replay
    posts nothing."""
    openings = []
    for row in rows:
        if row.line in history:
            continue
        customer_id, created = resolved[row.line]
        earned = max(row.lifetime_points or 0, row.points)
        if earned <= 0:
            continue
        openings.append(
            points.OpeningBalance(
                customer_id=customer_id,
                earned=earned,
                balance=row.points,
                key=rules.posting_key(key, customer_id),
                spent_key=rules.spent_key(key, customer_id),
                # a customer created in this transaction: nobody is listening on their channel
                announce=not created,
            )
        )
    source = record.source.title()
    posted = await points.post_opening_balances(
        uow,
        record.merchant_id,
        openings,
        source="import",
        source_ref=f"import:{record.id}",
        reason=f"Imported from {source}",
        spent_reason=f"Spent with {source} before the import",
        actor=record.requested_by,
    )
    return posted.credited, posted.net


async def _post_history(
    uow: UnitOfWork,
    record: ImportRecord,
    key: str,
    resolved: dict[int, tuple[int, bool]],
    history: dict[int, list[repository.HistoryRow]],
) -> tuple[dict[int, int], int]:
    """Each history row as a ledger row of its own, dated when it happened: a credit
    opens a lot expiring when the file says (the shop's rule when it says nothing), a
    debit takes from the lots open then, oldest first, after those due by then expired.
    A debit row that records an expiry is not posted: the lot it came from expires by
    its own date instead. Rounds of postings keep each customer's rows in order (a
    debit must see the lots of the credits before it). Returns ({customer: points
    credited now}, the points its lots hold after it)."""
    if not history:
        return {}, 0
    rounds: list[list[points.Posting]] = []
    for line, items in history.items():
        customer_id, _ = resolved[line]
        # the file's references of this customer's rows: a debit naming a credit takes
        # from that credit's lot first (a refund takes back its own order's points); a
        # credit naming a debit gives back to it (a returned redemption refills the lots
        # the redemption emptied, as ``points.return_points`` does)
        line_of = {item.entry_ref: item.line for item in items if item.entry_ref is not None}
        debits = {item.line for item in items if item.points < 0}
        segment = 0
        has_credit = False
        for item in items:
            if item.points < 0 and rules.is_expiry(item.reason):
                continue
            named = line_of.get(item.takes_from_ref) if item.takes_from_ref is not None else None
            returns_to = named if item.points > 0 and named in debits else None
            if (item.points < 0 and has_credit) or returns_to is not None:
                # after the credits it may take from, or the redemption it gives back to
                segment += 1
                has_credit = False
            has_credit = has_credit or item.points > 0
            while len(rounds) <= segment:
                rounds.append([])
            rounds[segment].append(
                _history_posting(record, key, customer_id, item, named=named, returns_to=returns_to)
            )
    earned: dict[int, int] = {}
    posted: set[int] = set()
    for postings in rounds:
        fresh = await _fresh(uow, record.merchant_id, postings)
        await points.post_many(uow, record.merchant_id, fresh)
        posted.update(p.customer_id for p in fresh)
        for p in fresh:
            if p.delta > 0:
                earned[p.customer_id] = earned.get(p.customer_id, 0) + p.delta
    # lots whose date passed with no debit after it expire now, each row dated then
    customer_ids = sorted({resolved[line][0] for line in history})
    await points.expire_due_lots(uow, record.merchant_id, customer_ids, dated=True)
    # what the history left the customers it posted for: what its lots still hold
    left = await points.keyed_credits(
        uow, record.merchant_id, {c: rules.posting_key(key, c) for c in sorted(posted)}
    )
    return earned, sum(remaining for _, remaining in left.values())


def _history_posting(
    record: ImportRecord,
    key: str,
    customer_id: int,
    item: repository.HistoryRow,
    *,
    named: int | None,
    returns_to: int | None,
) -> points.Posting:
    """A history row as a ledger posting of the kind it was: a redemption stays one (its
    points were spent), a return gives back to the redemption it names, a debit that took
    back an earning is a reversal (what the customer earned goes down); the rest are
    ``import`` rows."""
    kind = "import"
    source_ref = f"import:{record.id}"
    take_first_from = None
    if item.points < 0:
        if rules.is_redemption(item.reason):
            kind, source_ref = "redeem", rules.redemption_ref(record.id, item.line)
        elif rules.is_reversal(item.reason):
            kind = "reversal"
        if named is not None:
            take_first_from = rules.history_key(key, customer_id, named)
    elif returns_to is not None:
        kind, source_ref = "redeem_return", rules.redemption_ref(record.id, returns_to)
    # a reversal asks for all it took back, as it did in the old shop: what it could not
    # take (the points were spent) comes out as the shortfall again, and lifetime
    # earned goes down by all of it
    asked = item.points - (item.shortfall or 0) if kind == "reversal" else item.points
    return points.Posting(
        customer_id=customer_id,
        delta=asked,
        kind=kind,
        source="import",
        idempotency_key=rules.history_key(key, customer_id, item.line),
        source_ref=source_ref,
        reason=item.reason or f"Imported from {record.source.title()}",
        actor=record.requested_by,
        allow_shortfall=item.points < 0,
        occurred_at=item.occurred_at,
        expires_at=item.expires_at if item.points > 0 else None,
        take_first_from=take_first_from,
    )


async def _fresh(uow: UnitOfWork, merchant_id: int, postings: list[points.Posting]) -> list[points.Posting]:
    """The postings whose key was never used (the same file imported again, or a
    chunk redone, posts nothing twice)."""
    if not postings:
        return []
    taken = await points.existing_entries(uow, merchant_id, [p.idempotency_key for p in postings])
    return [p for p in postings if p.idempotency_key not in taken]


async def _record_consents(
    uow: UnitOfWork, record: ImportRecord, rows: list[StagedRow], resolved: dict[int, tuple[int, bool]]
) -> None:
    """The marketing consents the file states, for privacy to record with source
    ``import`` (``platform.consents.ConsentsStated``, handled in this transaction)."""
    stated = []
    for row in rows:
        choices = tuple(
            (kind, value)
            for kind, value in (
                (NEWSLETTER, row.accepts_email_marketing),
                (SMS_MARKETING, row.accepts_sms_marketing),
            )
            if value is not None
        )
        if choices:
            stated.append(
                ConsentsStated(
                    merchant_id=record.merchant_id,
                    customer_id=resolved[row.line][0],
                    choices=choices,
                    source=IMPORT,
                    # the import itself is the actor: its revert takes back what it stated
                    actor=rules.consent_actor(record.id),
                )
            )
    if stated:
        await uow.publish_events(stated)


async def revert(merchant_id: int, import_id: int) -> bool:
    """Take back what the import did; False if it was not in a state to."""
    record = await _claim(
        merchant_id, import_id, from_statuses=[rules.COMPLETED, rules.FAILED], to_status=rules.REVERTING
    )
    if record is None:
        return False
    key = record.counts.get("key")
    reversed_points = removed = 0
    after = 0
    try:
        while isinstance(key, str):
            async with unit_of_work() as uow:
                await plan_each_statement(uow.session)
                rows = await repository.applied_after(
                    uow.session, merchant_id, import_id, after=after, limit=rules.CHUNK_ROWS
                )
                if not rows:
                    break
                taken, gone = await _revert_chunk(uow, merchant_id, import_id, key, rows)
                reversed_points += taken
                removed += gone
                after = rows[-1].line
            await announce(merchant_id, import_id)
        async with unit_of_work() as uow:
            await _delete_created_tiers(uow, record)
            await repository.clear_staged(uow.session, merchant_id, import_id)
            await repository.finish(
                uow.session,
                merchant_id,
                import_id,
                status=rules.REVERTED,
                now=utcnow(),
                counts={**record.counts, "reversed_points": reversed_points, "removed": removed},
            )
    except Exception as exc:
        async with unit_of_work() as uow:
            await repository.finish(
                uow.session, merchant_id, import_id, status=rules.FAILED, now=utcnow(), last_error=_said(exc)
            )
        raise
    await announce(merchant_id, import_id)
    log.info("import reverted", extra={"import_id": import_id, "points": reversed_points, "removed": removed})
    return True


async def _delete_created_tiers(uow: UnitOfWork, record: ImportRecord) -> None:
    """The tiers the import created go with it (their members were put back first);
    one staff deleted since is gone already."""
    for tier_id in record.counts.get("created_tiers") or []:
        try:
            await tiers.delete_tier(
                uow,
                merchant_id=record.merchant_id,
                actor=record.requested_by or "import",
                tier_id=int(tier_id),
            )
        except NotFound:
            continue


async def _revert_chunk(
    uow: UnitOfWork, merchant_id: int, import_id: int, key: str, rows: list[StagedRow]
) -> tuple[int, int]:
    """One reversal per customer of what the import credited them: what is left of it
    in their lots is taken back, first from the import's own lot; what had left those
    lots (spent with the old app, spent since, expired) is recorded as the shortfall.
    The consents it stated are taken back where they still stand."""
    applied = [r for r in rows if r.customer_id is not None]
    customer_ids = sorted({r.customer_id for r in applied if r.customer_id is not None})
    # pending points still held are never posted; those released are among the credits
    await earning.cancel_held(uow, merchant_id, [rules.pending_key(key, c) for c in customer_ids])
    credited = await points.keyed_credits(
        uow, merchant_id, {c: rules.posting_key(key, c) for c in customer_ids}
    )
    done = await points.existing_entries(uow, merchant_id, [rules.reversal_key(key, c) for c in customer_ids])
    reversals = [
        points.Posting(
            customer_id=customer_id,
            delta=-given,
            kind="reversal",
            source="import",
            idempotency_key=rules.reversal_key(key, customer_id),
            reason="Import reverted",
            allow_shortfall=True,
            take_first_from=rules.posting_key(key, customer_id),
            lapsed=given - left,
        )
        for customer_id, (given, left) in sorted(credited.items())
        if given > 0 and rules.reversal_key(key, customer_id) not in done
    ]
    await points.post_many(uow, merchant_id, reversals)
    await tiers.restore_standings(
        uow,
        merchant_id,
        [
            tiers.TierRestore(
                customer_id=c,
                points=credited.get(c, (0, 0))[0],
                imported_tier_id=r.tier_id if r.tier_placed else None,
                prior_tier_id=r.prior_tier_id,
            )
            for r in applied
            if (c := r.customer_id) is not None and (r.tier_placed or credited.get(c, (0, 0))[0])
        ],
    )
    await customers.clear_imported_birthdays(
        uow, merchant_id, sorted({r.customer_id for r in applied if r.birthday_set and r.customer_id})
    )
    await referrals.remove_imported_codes(
        uow,
        merchant_id,
        [
            (r.customer_id, r.referral_code)
            for r in applied
            if r.code_kept and r.customer_id and r.referral_code
        ],
    )
    created = sorted({r.customer_id for r in applied if r.created_customer and r.customer_id is not None})
    busy = await points.customers_with_entries_besides(
        uow, merchant_id, created, [f"import:{key}:", f"import-revert:{key}:", "expire:lot:"]
    )
    removable = [c for c in created if c not in busy]
    await uow.publish_events(
        [
            ConsentsRetracted(
                merchant_id=merchant_id,
                # the customers whose rows stated a consent (the others it never touched)
                customer_ids=tuple(
                    sorted(
                        {
                            r.customer_id
                            for r in applied
                            if r.customer_id is not None
                            and (r.accepts_email_marketing is not None or r.accepts_sms_marketing is not None)
                        }
                    )
                ),
                stated_by=rules.consent_actor(import_id),
                source=IMPORT,
                actor=rules.consent_actor(import_id),
                forgotten=tuple(removable),
            )
        ]
    )
    removed = await customers.delete_imported(uow, merchant_id, removable)
    # what was taken back (the rest of each credit is the shortfall)
    return sum(-p.delta - p.lapsed for p in reversals), removed
