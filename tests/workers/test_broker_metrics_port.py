"""A worker whose metrics port is taken says so in one line and runs without metrics
(issue 8, item 10), instead of its exporter dying with a traceback."""

from __future__ import annotations

import socket
import subprocess
import sys

SCRIPT = """
import logging, sys
logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
from workers.broker import configure_broker
broker = configure_broker(sys.argv[1], namespace="loyalnest-metrics-port-test", metrics_port=int(sys.argv[2]))
print(",".join(type(m).__name__ for m in broker.middleware))
"""


def _configure(redis_url: str, port: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, redis_url, str(port)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_taken_metrics_port_is_one_warning_and_no_exporter(settings):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = _configure(settings.redis_url, port)
    assert result.returncode == 0, result.stderr
    assert "Prometheus" not in result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("WARNING worker metrics port")
    assert "in use" in lines[0]


def test_a_free_metrics_port_gets_the_exporter(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = _configure(settings.redis_url, port)
    assert result.returncode == 0, result.stderr
    assert "Prometheus" in result.stdout
    assert "in use" not in result.stderr
