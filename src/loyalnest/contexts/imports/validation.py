"""Validating an import's file (every import starts with it; a dry run stops after it):
the file is read as a stream (``reading``: encodings, delimiters, the preset's columns,
each cell checked, the same customer twice flagged), each valid row is matched to the shop's
customers and staged (``import_rows``, personal data encrypted, by COPY in chunks), each
bad row recorded with its line and reason; the counts say what importing would do.
Nothing outside the import's own rows is written.

A file that cannot be read at all (empty, a header alone, a required column missing,
not a CSV) leaves the import ``invalid`` with the reason; one without a single valid row
too. Rerun after a crash, it starts over (its staged rows are cleared first)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import date
from typing import Any

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.imports import commands, reading, repository, rules, storage
from loyalnest.contexts.imports.growth import Growth
from loyalnest.contexts.imports.models import ERROR_REPORT, ROW_BIRTHDAY
from loyalnest.contexts.imports.progress import announce
from loyalnest.contexts.imports.reading.fields import SMILE_UNKNOWN_YEAR
from loyalnest.contexts.imports.reading.records import VALUE_EXCERPT
from loyalnest.contexts.imports.repository import ImportRecord
from loyalnest.contexts.referrals import api as referrals
from loyalnest.contexts.tiers import api as tiers
from loyalnest.platform.crypto import Keyring, get_keyring
from loyalnest.platform.db import plan_each_statement
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work

log = logging.getLogger(__name__)


class ShopBusy(RuntimeError):
    """Another import of the shop is running: the actor retries later."""


async def validate(merchant_id: int, import_id: int) -> bool:
    """Validate the import's file; False if it was not waiting for that."""
    now = utcnow()
    async with unit_of_work() as uow:
        record = await repository.claim(
            uow.session,
            merchant_id,
            import_id,
            from_statuses=[rules.UPLOADED],
            to_status=rules.VALIDATING,
            now=now,
            stale=now - rules.STALE_AFTER,
        )
        if record is None:
            current = await repository.get(uow.session, merchant_id, import_id)
            if current is not None and current.status == rules.UPLOADED:
                raise ShopBusy(f"another import of shop {merchant_id} is running")
            return False
        await repository.clear_staged(uow.session, merchant_id, import_id)
    try:
        await _validate(record)
    except Exception as exc:
        async with unit_of_work() as uow:
            await repository.finish(
                uow.session, merchant_id, import_id, status=rules.FAILED, now=utcnow(), last_error=_said(exc)
            )
        raise
    return True


def _said(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


class _Staging:
    """The rows of one chunk on their way to ``import_rows``, and the file's counts."""

    def __init__(self, record: ImportRecord, tier_ids: dict[str, int], *, create_tiers: bool = False):
        self.record = record
        self.keyring = get_keyring()
        self.tier_ids = tier_ids
        # with ``create_tiers`` the reader takes any name: it is matched here, any case
        self.known_tiers = {name.casefold(): tier_id for name, tier_id in tier_ids.items()}
        self.create_tiers = create_tiers
        self.with_history = record.history_file_name is not None
        # tiers to create: {name case-folded: [the name as first spelled, least points earned]}
        self.new_tiers: dict[str, list[Any]] = {}
        self.code_column = "referral_code"
        # the columns a duplicate's error names (the reader's headers)
        self.email_column: str | None = None
        self.id_column: str | None = None
        self.rows: list[Any] = []
        # the chunk being staged while the next is read (``hand_over``)
        self._staging: asyncio.Task[None] | None = None
        self._growth = Growth(repository.refresh_staged_statistics)
        self.errors: list[reading.RowError] = []
        self.history_errors = 0
        self.error_count = 0
        self.last_bad_line = -1
        self.valid = 0
        self.matched = 0
        self.points = 0
        self.points_pending = 0
        self.tiers = 0
        self.birthdays = 0
        self.codes = 0
        self.history_rows = 0

    def refuse(self, error: reading.RowError) -> None:
        # a row with several bad cells has an error each: rows are counted once (the
        # reader yields them in file order)
        if error.line != self.last_bad_line:
            self.error_count += 1
            self.last_bad_line = error.line
        if len(self.errors) < rules.MAX_REPORTED_ERRORS:
            self.errors.append(error)

    def take(self, row: reading.CustomerRecord) -> None:
        if row.referral_code is not None and referrals.importable_code(row.referral_code) is None:
            self.refuse(
                reading.RowError(
                    row.line,
                    self.code_column,
                    "referral code cannot be kept: letters and digits only, at most 16",
                    row.referral_code[:VALUE_EXCERPT],
                )
            )
            return
        self.rows.append(row)

    def _tier(self, r: reading.CustomerRecord) -> tuple[int | None, str | None]:
        """(the shop's tier, or the name of a tier the import creates)."""
        if r.tier_name is None:
            return None, None
        if not self.create_tiers:
            return self.tier_ids[r.tier_name], None
        key = r.tier_name.casefold()
        if key in self.known_tiers:
            return self.known_tiers[key], None
        earned = _lifetime(r) or r.points_balance or 0
        planned = self.new_tiers.setdefault(key, [r.tier_name, earned])
        planned[1] = min(planned[1], earned)
        return None, planned[0]

    def _staged(
        self, r: reading.CustomerRecord, sealed: customers.SealedCustomer, customer_id: int | None
    ) -> tuple[Any, ...]:
        record, keyring = self.record, self.keyring
        birthday = None
        if r.birthday is not None:
            day = date(r.birthday.year or SMILE_UNKNOWN_YEAR, r.birthday.month, r.birthday.day)
            birthday = keyring.encrypt(day.isoformat(), context=ROW_BIRTHDAY)
        return (
            record.merchant_id,
            record.id,
            r.line,
            r.shopify_customer_id,
            sealed.email_enc,
            sealed.email_bidx,
            sealed.first_name_enc,
            sealed.last_name_enc,
            r.points_balance or 0,
            r.accepts_email_marketing,
            r.accepts_sms_marketing,
            customer_id,
            _lifetime(r),
            *self._tier(r),
            birthday,
            None if r.referral_code is None else referrals.importable_code(r.referral_code),
            # only a history file's rows are matched by it (a keyed hash a row costs)
            None if r.email is None or not self.with_history else email_ident(keyring, r.email),
            r.points_pending or 0,
        )

    async def _first_of_each(
        self, uow: Any, rows: list[Any], sealed: list[customers.SealedCustomer]
    ) -> list[int]:
        """The positions of the chunk's rows that are the first of their customer in the
        file; each later one (the same email, or the same Shopify id) is refused, naming
        the first's line, so the merchant decides which row is right. Earlier chunks are
        asked of the staged rows, by the email's index and the id (one statement): what a
        file repeats is found whatever its size, with memory for one chunk."""
        record = self.record
        first_email, first_id = await repository.staged_lines(
            uow.session,
            record.merchant_id,
            record.id,
            emails=[s.email_bidx for s in sealed if s.email_bidx is not None],
            shopify_ids=[r.shopify_customer_id for r in rows if r.shopify_customer_id is not None],
        )
        kept = []
        for position, (row, person) in enumerate(zip(rows, sealed, strict=True)):
            if person.email_bidx is not None:
                first = first_email.setdefault(person.email_bidx, row.line)
                if first != row.line:
                    self.refuse(
                        reading.RowError(
                            row.line,
                            self.email_column,
                            f"duplicate email in the file, first on line {first}",
                            (row.email or "")[:VALUE_EXCERPT],
                        )
                    )
                    continue
            if row.shopify_customer_id is not None:
                first = first_id.setdefault(row.shopify_customer_id, row.line)
                if first != row.line:
                    self.refuse(
                        reading.RowError(
                            row.line,
                            self.id_column,
                            f"duplicate Shopify customer id in the file, first on line {first}",
                            str(row.shopify_customer_id),
                        )
                    )
                    continue
            kept.append(position)
        return kept

    async def _one_row_per_customer(self, uow: Any, rows: list[Any], matched: list[int | None]) -> list[int]:
        """The positions of the chunk's rows that are the first to name their customer of
        the shop. Two rows can name one customer without sharing an email or an id: one
        by the Shopify id, the other by the email the customer has in the shop (an
        account the old app kept twice, an email changed since). Both imported would
        post two balances under one customer's key, and the second would be lost: each
        later one is refused, naming the first's line, for the merchant to decide."""
        record = self.record
        first_line = await repository.customer_lines(
            uow.session, record.merchant_id, record.id, [c for c in matched if c is not None]
        )
        kept = []
        for position, (row, customer_id) in enumerate(zip(rows, matched, strict=True)):
            if customer_id is not None:
                first = first_line.setdefault(customer_id, row.line)
                if first != row.line:
                    self.refuse(
                        reading.RowError(
                            row.line,
                            None,
                            f"the shop's customer this row names (by Shopify id or email) is on line {first}",
                            (row.email or str(row.shopify_customer_id or ""))[:VALUE_EXCERPT],
                        )
                    )
                    continue
            kept.append(position)
        return kept

    async def hand_over(self) -> None:
        """Stage the rows taken so far, in a task of its own, once the chunk before is
        staged (a chunk's duplicates are asked of the rows staged before it): reading the
        next chunk goes on meanwhile, while PostgreSQL stages this one."""
        await self.settle()
        if self.rows:
            rows, self.rows = self.rows, []
            self._staging = asyncio.create_task(self._stage(rows))

    async def settle(self) -> None:
        """Wait for the chunk being staged (its error, if any, is raised here)."""
        staging, self._staging = self._staging, None
        if staging is not None:
            await staging

    def abandon(self) -> None:
        if self._staging is not None:
            self._staging.cancel()

    async def _stage(self, rows: list[Any]) -> None:
        record = self.record
        # sealed as the customers' own: importing the row copies them (nothing is
        # decrypted and encrypted again), and matched by the blind index sealing made
        sealed = customers.seal_imported(
            [
                customers.ImportedCustomer(
                    shopify_customer_id=r.shopify_customer_id,
                    email=r.email,
                    first_name=r.first_name,
                    last_name=r.last_name,
                )
                for r in rows
            ]
        )
        async with unit_of_work() as uow:
            await plan_each_statement(uow.session)
            kept = await self._first_of_each(uow, rows, sealed)
            rows = [rows[i] for i in kept]
            sealed = [sealed[i] for i in kept]
            matched = await customers.match_sealed(uow, record.merchant_id, sealed)
            kept = await self._one_row_per_customer(uow, rows, matched)
            rows = [rows[i] for i in kept]
            sealed = [sealed[i] for i in kept]
            matched = [matched[i] for i in kept]
            await repository.stage(
                uow.session,
                [
                    self._staged(r, person, customer_id)
                    for r, person, customer_id in zip(rows, sealed, matched, strict=True)
                ],
            )
            self.valid += len(rows)
            self.matched += sum(1 for c in matched if c is not None)
            self.points += sum(r.points_balance or 0 for r in rows)
            self.points_pending += sum(r.points_pending or 0 for r in rows)
            self.tiers += sum(1 for r in rows if r.tier_name is not None)
            self.birthdays += sum(1 for r in rows if r.birthday is not None)
            self.codes += sum(1 for r in rows if r.referral_code is not None)
            await repository.progress(
                uow.session,
                record.merchant_id,
                record.id,
                rows_done=self.valid + self.error_count,
                now=utcnow(),
            )
        await self._growth.reached(self.valid)
        await announce(record.merchant_id, record.id)


def _lifetime(r: reading.CustomerRecord) -> int | None:
    """Points earned with the old app and no longer pending there: its lifetime column
    less what is pending (LoyaltyLion counts pending points in its lifetime; they are
    held here and join the lifetime when released), else balance plus spent
    (LoyaltyLion's and Yotpo's files say what was spent); never below the balance."""
    balance = r.points_balance or 0
    if r.lifetime_points is not None:
        return max(r.lifetime_points - (r.points_pending or 0), balance)
    if r.points_spent is not None:
        return balance + r.points_spent
    return None


def email_ident(keyring: Keyring, email: str) -> str:
    """What a history row's email is matched with (keyed: the staged rows hold no
    readable email)."""
    return keyring.blind_index(email, kind=_IDENT_KIND)


def _read_chunk(items: Iterator[Any], wanted: int) -> list[Any]:
    """The reader's next items up to ``wanted`` rows (the errors between them too)."""
    read: list[Any] = []
    rows = 0
    for item in items:
        read.append(item)
        if not isinstance(item, reading.RowError):
            rows += 1
            if rows >= wanted:
                break
    return read


async def _validate(record: ImportRecord) -> None:
    async with unit_of_work() as uow:
        tier_ids = await tiers.tier_names(uow, record.merchant_id)
    # tiers are created with thresholds in points earned: only a ladder by points can
    # take them (a shop counting spend or orders gets a row error per unknown tier)
    creating = record.create_tiers and (await tiers.get_settings(record.merchant_id)).metric == "points"
    staging = _Staging(record, tier_ids, create_tiers=creating)
    refused: str | None = None
    try:
        with storage.open_file(record.merchant_id, record.id) as stream:
            # duplicates are found against the staged rows, chunk by chunk (``hand_over``): an
            # in-memory check would grow with the file (about 2M customers fit the budget)
            reader = reading.read_customers(
                stream,
                record.source,
                record.mapping or None,
                tiers=None if creating else list(tier_ids),
                check_duplicates=False,
            )
            staging.email_column = reader.columns.get("email")
            staging.id_column = reader.columns.get("shopify_customer_id")
            staging.code_column = reader.columns.get("referral_code") or reader.columns.get(
                "referral_url", "referral_code"
            )
            items = iter(reader)
            while True:
                # read in a thread, so the chunk handed over is staged meanwhile
                read = await asyncio.to_thread(_read_chunk, items, rules.CHUNK_ROWS - len(staging.rows))
                for item in read:
                    if isinstance(item, reading.RowError):
                        staging.refuse(item)
                    else:
                        staging.take(item)
                if not read:
                    break
                if len(staging.rows) >= rules.CHUNK_ROWS:
                    await staging.hand_over()
    except reading.FileRefused as exc:
        refused = str(exc)
    except BaseException:
        staging.abandon()
        raise
    await staging.hand_over()
    await staging.settle()
    # in file order: a duplicate is refused when its chunk is staged, after the reader's
    # refusals of the lines that follow it in that chunk
    staging.errors.sort(key=lambda error: error.line)
    if refused is None and record.history_file_name is not None:
        refused = await _stage_history(staging)
    counts = {
        "rows": staging.valid + staging.error_count,
        "valid": staging.valid,
        "invalid": staging.error_count,
        "to_match": staging.matched,
        "to_create": staging.valid - staging.matched,
        "points": staging.points,
        "points_pending": staging.points_pending,
        "tiers": staging.tiers,
        "birthdays": staging.birthdays,
        "referral_codes": staging.codes,
        "history_rows": staging.history_rows,
        "history_invalid": staging.history_errors,
        "tiers_to_create": len(staging.new_tiers),
        # what the import creates: [name, threshold], lowest first
        "new_tiers": sorted(staging.new_tiers.values(), key=lambda planned: (planned[1], planned[0])),
    }
    status = rules.READY if refused is None and staging.valid else rules.INVALID
    report = b"".join(reading.report_chunks(staging.errors)) if staging.errors else None
    async with unit_of_work() as uow:
        await repository.finish(
            uow.session,
            record.merchant_id,
            record.id,
            status=status,
            now=utcnow(),
            counts=counts,
            rows_total=staging.valid,
            errors=[
                {
                    "line": e.line,
                    "column": e.column,
                    "reason": e.reason,
                    "history": e.reason.startswith(_IN_HISTORY),
                }
                for e in staging.errors[: rules.FIRST_ERRORS]
            ],
            error_report_enc=None
            if report is None
            else get_keyring().encrypt_bytes(report, context=ERROR_REPORT),
            last_error=refused or (None if staging.valid else "no row of the file can be imported"),
        )
        if status == rules.READY and not record.dry_run:
            uow.enqueue(
                commands.APPLY_ACTOR,
                queue_name=commands.IMPORTS_QUEUE,
                merchant_id=record.merchant_id,
                import_id=record.id,
            )
    # the valid rows are staged: the file (a copy of people's data) is not needed again
    storage.remove(record.merchant_id, record.id)
    await announce(record.merchant_id, record.id)
    log.info("import validated", extra={"import_id": record.id, "status": status, **counts})


_IDENT_KIND = "imports.email"
# how a row error of the history file is told from one of the customer file
_IN_HISTORY = "points history file: "


async def _stage_history(staging: _Staging) -> str | None:
    """Read the points-history file and stage its valid rows, each tied to the customer
    file's row it belongs to; a row of nobody in the customer file is an error. Returns
    why the file is refused, if it is."""
    record, keyring = staging.record, staging.keyring
    batch: list[tuple[Any, ...]] = []
    bad_lines: set[int] = set()

    async def flush() -> None:
        if batch:
            async with unit_of_work() as uow:
                await plan_each_statement(uow.session)
                await repository.stage_history(uow.session, batch)
            staging.history_rows += len(batch)
            batch.clear()

    def refuse(error: reading.RowError) -> None:
        if len(staging.errors) < rules.MAX_REPORTED_ERRORS:
            staging.errors.append(
                reading.RowError(error.line, error.column, _IN_HISTORY + error.reason, error.value)
            )

    try:
        with storage.open_file(record.merchant_id, record.id, storage.HISTORY) as stream:
            for item in reading.read_history(stream):
                if isinstance(item, reading.RowError):
                    bad_lines.add(item.line)
                    refuse(item)
                    continue
                batch.append(
                    (
                        record.merchant_id,
                        record.id,
                        item.line,
                        item.shopify_customer_id,
                        None if item.email is None else email_ident(keyring, item.email),
                        item.points,
                        item.occurred_at,
                        item.reason,
                        item.expires_at,
                        item.entry,
                        item.takes_from,
                        item.shortfall,
                    )
                )
                if len(batch) >= rules.CHUNK_ROWS:
                    await flush()
    except reading.FileRefused as exc:
        return f"{_IN_HISTORY}{exc}"
    await flush()
    async with unit_of_work() as uow:
        dropped, lines = await repository.match_history(
            uow.session, record.merchant_id, record.id, report=rules.FIRST_ERRORS
        )
    for line in lines:
        refuse(reading.RowError(line, None, "no customer of the customer file has this email or Shopify id"))
    staging.history_rows -= dropped
    staging.history_errors = len(bad_lines) + dropped
    return None
