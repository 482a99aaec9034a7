"""`twf dask-cluster` (what `make demo-s3` builds on): a Dask scheduler with its worker processes on
127.0.0.1, ready when it says so, and gone, workers included, when it is told to stop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from distributed import Client
from tests.api.conftest import free_port

READY_S = 120.0


def children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(p) for p in f.read().split()]


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_dask_cluster_serves_two_loopback_workers_and_stops_with_them_on_sigterm() -> None:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "twf", "dask-cluster", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        ready = process.stdout.readline()
        assert ready.startswith(f"twf dask-cluster: scheduler tcp://127.0.0.1:{port}, 2 workers"), ready
        workers = children(process.pid)
        with Client(f"tcp://127.0.0.1:{port}", timeout=READY_S) as client:
            client.wait_for_workers(2, timeout=READY_S)
            addresses = list(client.scheduler_info()["workers"])
            assert len(addresses) == 2 and all(a.startswith("tcp://127.0.0.1:") for a in addresses)
            assert client.submit(os.getpid, pure=False).result(timeout=READY_S) != os.getpid()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in workers):
            assert time.monotonic() < deadline, "a worker outlived the cluster"
            time.sleep(0.1)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
