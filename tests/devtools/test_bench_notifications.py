"""``loyalnest bench notifications`` smoke test: a tiny run through the real command (its
own worker process and SMTP sink process) that checks every number is reported and every
reminder went the whole way to the sink, never how fast."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys

import pytest

from tests.test_cli import cli_env


def _run_cli(settings) -> subprocess.CompletedProcess[str]:
    args = ["--messages", "30", "--render", "200", "--timeout", "120"]
    return subprocess.run(
        [sys.executable, "-m", "loyalnest", "bench", "notifications", *args],
        env=cli_env(settings),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.heavy
async def test_the_command_delivers_every_reminder_to_the_sink_and_reports(settings, broker):
    done = await asyncio.to_thread(_run_cli, settings)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert re.search(r"end to end\s+30 sent in [\d.]+ s = [\d,]+ messages/s", out), out
    assert "failed 0, not finished 0" in out, out
    assert re.search(r"render only\s+[\d,]+ messages/s", out), out
    # what the sink counted, after the warm-up's: each reminder arrived once
    assert "SMTP sink    received 30 messages" in out, out
    assert "note:" not in out, out
