"""`twf dask-cluster`: a Dask scheduler and its worker processes on 127.0.0.1, for `make demo-s3`.

A deployment runs `dask scheduler` and `dask worker` on its hosts; the demo needs the same on one machine,
started and stopped with it: a `LocalCluster` of worker processes (one build thread each, as
`twf.scheduling.executors.DaskPool` expects), every one of its servers (the scheduler's HTTP endpoint
included) on 127.0.0.1. Workers inherit this process's environment, so they reach the object store with the
same `AWS_*` credentials. SIGTERM or Ctrl-C closes the workers, then the scheduler.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import threading
from collections.abc import Iterator

HOST = "127.0.0.1"
DEFAULT_PORT = 8786
DEFAULT_WORKERS = 2


@contextlib.contextmanager
def local_cluster(port: int = DEFAULT_PORT, workers: int = DEFAULT_WORKERS) -> Iterator[str]:
    """A running cluster on 127.0.0.1:`port` (0: any free port); yields its address, tcp://HOST:PORT."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host=HOST, scheduler_port=port,
                      dashboard_address=None, scheduler_kwargs={"dashboard_address": f"{HOST}:0"},
                      worker_dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"scheduler port ({DEFAULT_PORT})")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS,
                        help=f"worker processes, one build thread each ({DEFAULT_WORKERS})")


def run(args: argparse.Namespace) -> int:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with local_cluster(args.port, args.workers) as address:
        print(f"twf dask-cluster: scheduler {address}, {args.workers} workers; "
              f"twf scheduler --executor dask --dask-scheduler {address}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()
    return 0
