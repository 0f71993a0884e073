"""``loyalnest bench referrals`` smoke test: a tiny run through the real command (its own
API, worker and bare-app processes) that checks every figure is reported, every link
request was redirected and every redirect reached ``referral_clicks_daily`` as a click,
never how fast."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys

import pytest

from tests.test_cli import cli_env


def _run_cli(settings) -> subprocess.CompletedProcess[str]:
    args = ["--rate", "100", "--seconds", "1", "--connections", "4"]
    args += ["--requests", "200", "--concurrency", "4"]
    args += ["--codes", "5", "--visitors", "500", "--warmup", "20", "--timeout", "60"]
    return subprocess.run(
        [sys.executable, "-m", "loyalnest", "bench", "referrals", *args],
        env=cli_env(settings),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.heavy
async def test_the_command_redirects_counts_every_click_and_reports(settings, broker):
    done = await asyncio.to_thread(_run_cli, settings)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    for server in ("API", "bare"):
        assert re.search(rf"{server}\s+paced 100/s: 100/100 redirected .* p99 [\d.]+ ms", out), out
        assert re.search(rf"{server}\s+saturated: 200/200 redirected = [\d,]+ redirects/s", out), out
    assert re.search(r"ratio\s+API / bare Starlette redirect \(saturated\) = [\d.]+ x", out), out
    # warm-up 20 + paced 100 + saturated 200, each a click of a distinct visitor and code
    assert re.search(r"clicks\s+320 in referral_clicks_daily after the flush for 320 redirects", out), out
    assert "note:" not in out, out
