"""``loyalnest bench notifications --messages N``: the hourly expiry pass's reminders,
rendered and delivered to an SMTP server, end to end, as production runs them.

The bench shop gets N customers (each with an email and an account) and one due
"points expiring soon" reminder each, written set-based (this measures delivery, not
seeding), and an SMTP provider of its own: the development SMTP sink in a process of
its own (``loyalnest smtp-sink``), so the server's work is not on the worker's CPU
budget. Then it runs what the hourly job does, by sending the real
``notifications.queue_reminders`` message to a real worker process, and times from that
message to the last delivery marked sent: the reminders claimed, a delivery row each,
the shop's deliveries rendered in its customers' locales and sent over SMTP, each row
marked. At the end the sink says how many messages it received, which must equal the
deliveries marked sent.

It also times rendering alone (``rendering.render_benchmark``: a reward-issued email,
subject + HTML in the layout + text, in one process) for the render target.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field

import typer
from sqlalchemy import text

from loyalnest.contexts.customers.models import EMAIL, FIRST_NAME
from loyalnest.devtools.bench.processes import Stack, free_port, spawn, stop
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.uow import unit_of_work

ACTOR = "bench"
WARM_UP = 20
E2E_TARGET = 500.0
RENDER_TARGET = 5000.0
# the 22 locales spread over the customers (so the bench renders every one of them)
_SEED_LOCALES = (
    "en", "es", "de", "ja", "fr", "pt-BR", "ru", "it", "nl", "pl", "tr",
    "fa", "zh-CN", "vi", "id", "cs", "ar", "ko", "uk", "hu", "sv", "he",
)  # fmt: skip


@dataclass
class NotificationBenchReport:
    messages: int
    seed_seconds: float
    seconds: float = 0.0
    sent: int = 0
    failed: int = 0
    other: int = 0
    sink_received: int | None = None
    sink_offset: int = 0  # the warm-up's messages, also received by the sink
    render_per_second: float = 0.0
    setup: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0

    def lines(self) -> list[str]:
        def verdict(value: float, target: float) -> str:
            return "ok" if value >= target else "UNDER TARGET"

        out = [
            f"notifications bench: {self.messages:,} points-expiring reminders by email"
            f" (seeded in {self.seed_seconds:.1f} s); {self.setup}",
            f"  end to end   {self.sent:,} sent in {self.seconds:.2f} s = {self.per_second:,.0f} messages/s"
            f" (queue_reminders message -> last delivery marked sent; failed {self.failed},"
            f" not finished {self.other}) - target >= {E2E_TARGET:,.0f}/s:"
            f" {verdict(self.per_second, E2E_TARGET)}",
            f"  render only  {self.render_per_second:,.0f} messages/s (subject + HTML in the layout + text,"
            f" one process) - target >= {RENDER_TARGET:,.0f}/s:"
            f" {verdict(self.render_per_second, RENDER_TARGET)}",
        ]
        if self.sink_received is not None:
            out.append(f"  SMTP sink    received {self.sink_received:,} messages (after the warm-up's)")
        out += [f"  note: {note}" for note in self.notes]
        return out


_SEED_ACCOUNTS = """
INSERT INTO points_accounts (merchant_id, customer_id, balance, lifetime_earned)
SELECT merchant_id, id, 500, 500 FROM customers WHERE merchant_id = :m
"""
_SEED_REMINDERS = """
INSERT INTO points_expiry_reminders (merchant_id, customer_id, expires_on, expires_at, points, status)
SELECT merchant_id, id, (now() + interval '20 days')::date, now() + interval '20 days', 100 + id % 400, 'due'
FROM customers WHERE merchant_id = :m
"""
_DELIVERY_COUNTS = """
SELECT status, count(*) FROM notification_deliveries WHERE merchant_id = :m GROUP BY status
"""


async def seed(merchant_id: int, messages: int, smtp_port: int) -> float:
    """The shop's SMTP provider, N customers with an email each, their accounts and one
    due reminder each; returns the seconds it took."""
    from loyalnest.contexts.notifications import api as notifications  # not at CLI start: ~0.7 s

    started = time.perf_counter()
    keyring = get_keyring()
    async with unit_of_work() as uow:
        await notifications.set_provider(
            uow,
            merchant_id=merchant_id,
            actor=ACTOR,
            data=notifications.ProviderInput(
                channel="email",
                role="primary",
                kind="smtp",
                settings={
                    "host": "127.0.0.1",
                    "port": smtp_port,
                    "security": "none",
                    "from_address": "rewards@bench.example",
                },
            ),
        )
    # each customer's email is encrypted on its own (distinct ciphertexts), in batches
    ids = list(range(1, messages + 1))
    async with unit_of_work() as uow:
        await uow.session.execute(
            text(
                "INSERT INTO customers (merchant_id, shopify_customer_id, email_enc, first_name_enc,"
                " accepts_marketing, locale)"
                " SELECT :m, 9000000000 + c, e, f, true, l"
                " FROM unnest(CAST(:ids AS bigint[]), CAST(:emails AS text[]), CAST(:names AS text[]),"
                " CAST(:locales AS text[])) AS t(c, e, f, l)"
            ),
            {
                "m": merchant_id,
                "ids": ids,
                "emails": [keyring.encrypt(f"customer{c}@bench.example", context=EMAIL) for c in ids],
                "names": [keyring.encrypt(f"Ana{c}", context=FIRST_NAME) for c in ids],
                "locales": [_SEED_LOCALES[c % len(_SEED_LOCALES)] for c in ids],
            },
        )
        await uow.session.execute(text(_SEED_ACCOUNTS), {"m": merchant_id})
        await uow.session.execute(text(_SEED_REMINDERS), {"m": merchant_id})
    async with unit_of_work() as uow:
        for table in ("customers", "points_accounts", "points_expiry_reminders"):
            await uow.session.execute(text(f"ANALYZE {table}"))
    return time.perf_counter() - started


async def delivery_counts(merchant_id: int) -> dict[str, int]:
    async with unit_of_work() as uow:
        result = await uow.session.execute(text(_DELIVERY_COUNTS), {"m": merchant_id})
        return {str(status): int(count) for status, count in result.all()}


async def run_notification_bench(
    merchant_id: int, *, messages: int, timeout: float, report: NotificationBenchReport
) -> None:
    from loyalnest.contexts.notifications import api as notifications

    started = time.perf_counter()
    async with unit_of_work() as uow:
        uow.enqueue(notifications.QUEUE_REMINDERS_ACTOR, queue_name=notifications.NOTIFICATIONS_QUEUE)
    deadline = time.monotonic() + timeout
    while True:
        counts = await delivery_counts(merchant_id)
        done = counts.get("sent", 0) + counts.get("failed", 0) + counts.get("skipped", 0)
        if done >= messages:
            break
        if time.monotonic() > deadline:
            report.notes.append(f"stopped at the {timeout:.0f} s limit: {counts}")
            break
        await asyncio.sleep(0.05)
    report.seconds = time.perf_counter() - started
    report.sent = counts.get("sent", 0)
    report.failed = counts.get("failed", 0)
    report.other = sum(counts.values()) - report.sent - report.failed


def _start_sink(stack: Stack) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    process = spawn(
        [sys.executable, "-m", "loyalnest", "smtp-sink", "--port", str(port)],
        stack.env,
        stdout=subprocess.PIPE,
    )
    return process, port


def _sink_received(process: subprocess.Popen[bytes]) -> int | None:
    stop(process)
    output = process.stdout.read().decode() if process.stdout is not None else ""
    found = re.findall(r"received (\d+)", output)
    return int(found[-1]) if found else None


async def _wait_for_port(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)


def bench_notifications(
    messages: int = typer.Option(20_000, min=1, help="reminders to render and deliver"),
    render: int = typer.Option(20_000, min=1, help="messages rendered for the render-only figure"),
    timeout: float = typer.Option(600, min=1, help="seconds allowed for the delivery"),
    keep_shop: bool = typer.Option(False, help="keep the bench shop's data afterwards"),
) -> None:
    """Expiry reminders rendered and delivered end to end by a worker to an SMTP server
    (target >= 500/s), and rendering alone (target >= 5,000/s)."""
    from loyalnest.contexts.notifications import rendering
    from loyalnest.devtools import bench
    from loyalnest.devtools.cli import _run
    from loyalnest.settings import get_settings

    settings = get_settings()
    with bench.bench_stack(settings) as stack:
        sink, port = _start_sink(stack)
        stack.processes.append(sink)

        async def main() -> NotificationBenchReport:
            await _wait_for_port(port)
            render_per_second = rendering.render_benchmark(render)
            bench.start_worker(stack)
            # a few reminders of another shop first, so the timed run does not include
            # the worker's boot (the pass takes every shop's due reminders)
            idle = await bench.seed_shop()
            warm = NotificationBenchReport(messages=WARM_UP, seed_seconds=await seed(idle.id, WARM_UP, port))
            await run_notification_bench(idle.id, messages=WARM_UP, timeout=timeout, report=warm)
            shop = await bench.seed_shop()
            report = NotificationBenchReport(
                messages=messages, seed_seconds=await seed(shop.id, messages, port)
            )
            report.render_per_second = render_per_second
            report.sink_offset = warm.sent
            try:
                await run_notification_bench(shop.id, messages=messages, timeout=timeout, report=report)
            finally:
                await bench.drop_shop(idle.id)
                if not keep_shop:
                    await bench.drop_shop(shop.id)
            return report

        report = _run(main)
        received = _sink_received(sink)
        report.sink_received = None if received is None else received - report.sink_offset
        if report.sink_received is not None and report.sink_received != report.sent:
            report.notes.append(
                f"the sink received {report.sink_received} messages for {report.sent} deliveries marked sent"
            )
        report.setup = stack.describe().replace("1 API process, ", "") + ", the SMTP sink in its own process"
    typer.echo("\n".join(report.lines()))


def register(bench_app: typer.Typer) -> None:
    """Add ``notifications`` to ``loyalnest bench``."""
    bench_app.command("notifications")(bench_notifications)
