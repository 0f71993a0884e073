"""``loyalnest bench subscriptions`` smoke test: a tiny run of the real command (its own
API and worker processes) that checks every socket got every change and every number is
reported, never how fast."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys

import pytest

from tests.test_cli import cli_env


def _run_cli(settings) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "loyalnest", "bench", "subscriptions", "--sockets", "50", "--changes", "3"],
        env=cli_env(settings),
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


@pytest.mark.heavy
async def test_the_command_fans_every_change_out_to_every_socket_and_reports(settings, migrated):
    done = await asyncio.to_thread(_run_cli, settings)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "opened        50/50 sockets" in out, out
    assert "(refused 0)" in out, out
    assert "received      50, 50, 50 of 50 open sockets per change (missed 0)" in out, out
    for needle in (
        "change → last socket    p50",
        "change → each socket    p50",
        "the mutation answered   p50",
    ):
        assert needle in out, out
    cpu = re.search(
        r"CPU per change          API ([\d,.]+) ms \(([\d,.]+) µs per socket\), this client ([\d,.]+) ms", out
    )
    assert cpu is not None, out
    per_socket = re.search(r"API memory    VmRSS [\d,.]+ → [\d,.]+ MiB: (-?[\d,.]+) KiB per socket", out)
    assert per_socket is not None, out
