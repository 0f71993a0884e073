"""`loyalnest worker` stops its whole fleet (issue 8, items 2 and 23): Dramatiq's main
process forks the worker processes, and a SIGTERM must not leave one of them behind,
even when the main process cannot pass the signal on."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

import pytest
import redis

from tests.test_cli import cli_env

pytestmark = pytest.mark.usefixtures("broker")


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    return [int(line) for line in found.stdout.split()]


def _group(pgid: int) -> list[str]:
    """The running processes of a process group (zombies awaiting their reaper are not)."""
    found = subprocess.run(["pgrep", "-g", str(pgid)], capture_output=True, text=True, check=False)
    return [_describe(int(line)) for line in found.stdout.split() if _alive(int(line))]


def _describe(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline") as cmdline:
            return f"{pid} {cmdline.read().replace(chr(0), ' ').strip()}"
    except OSError:
        return str(pid)


async def _fleet_of(wrapper: subprocess.Popen[bytes]) -> tuple[int, list[int]]:
    """Dramatiq's main process and the worker processes it forked, once they are up."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for main in _children(wrapper.pid):
            workers = _children(main)
            if workers:
                return main, workers
        await asyncio.sleep(0.2)
    raise AssertionError("the fleet never started")


def _consumers(settings) -> set[bytes]:
    """Dramatiq's consumer ids that have fetched from the broker (each worker process's
    broker records one in the heartbeats set as its consumers poll)."""
    client = redis.Redis.from_url(settings.redis_url)
    try:
        return set(client.zrange(f"{settings.redis_namespace}:dramatiq:__heartbeats__", 0, -1))
    finally:
        client.close()


async def _consuming(settings, before: set[bytes]) -> None:
    """Until a new worker process is consuming: booted (every context imported, the
    actors declared), not merely forked."""
    deadline = time.monotonic() + 60
    while not _consumers(settings) - before:
        if time.monotonic() > deadline:
            raise AssertionError("the fleet never consumed")
        await asyncio.sleep(0.2)


def _start(settings, *options: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "loyalnest", "worker", "--no-scheduler", *options],
        env=cli_env(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


@pytest.mark.heavy
async def test_an_idle_worker_stops_in_a_few_seconds_and_leaves_nothing(settings):
    before = _consumers(settings)
    wrapper = _start(settings)
    try:
        main, _ = await _fleet_of(wrapper)
        # booted and idle, consumers waiting on the queues: a worker still importing the
        # contexts (several seconds on a busy machine) finishes that before it stops
        await _consuming(settings, before)
        await asyncio.sleep(1)
        started = time.monotonic()
        wrapper.send_signal(signal.SIGTERM)
        await asyncio.to_thread(wrapper.wait, 30)
        assert time.monotonic() - started < 10
        assert _group(main) == []
    finally:
        if wrapper.poll() is None:
            os.killpg(wrapper.pid, signal.SIGKILL)


@pytest.mark.heavy
async def test_sigterm_stops_every_worker_process_even_when_the_main_process_is_stuck(settings):
    # the main process is stuck, so the command waits out its whole stop deadline before
    # it kills the group: a short one (the default is 20 s; the same path either way)
    wrapper = _start(settings, "--stop-seconds", "2")
    try:
        main, workers = await _fleet_of(wrapper)
        # the main process cannot relay the signal to its workers (as after a chaos run)
        os.kill(main, signal.SIGSTOP)
        wrapper.send_signal(signal.SIGTERM)
        await asyncio.to_thread(wrapper.wait, 60)
        await asyncio.sleep(0.5)
        left = [pid for pid in workers if _alive(pid)]
        assert left == [], f"worker processes left behind: {left}"
        assert _group(main) == []
    finally:
        if wrapper.poll() is None:
            os.killpg(wrapper.pid, signal.SIGKILL)
        if "main" in locals():
            for described in _group(main):
                os.kill(int(described.split()[0]), signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        # a zombie (exited, not reaped yet) is not running
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except (ProcessLookupError, FileNotFoundError):
        return False
