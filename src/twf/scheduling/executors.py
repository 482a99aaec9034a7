"""Where frame builds run: local worker processes (the default), or a Dask cluster (`--executor dask`).

Either way the runner submits `worker.run_task(FrameTask)` to a `concurrent.futures.Executor` and publishes
each result in the scheduler process, so there is one writer per model and the commit order is the same. A
local worker that dies breaks its pool, which is replaced. Dask reschedules the tasks of a worker it lost
(up to `distributed.scheduler.allowed-failures` times; then the task fails as KilledWorker and the runner
retries its frames with backoff); a task that runs again is harmless (`twf.scheduling.worker`).
"""

from __future__ import annotations

import logging
import re
from abc import ABC, abstractmethod
from concurrent.futures import Executor, ProcessPoolExecutor
from multiprocessing import get_context

from twf.errors import ExecutorUnavailable

log = logging.getLogger("twf.scheduler")

EXECUTORS = ("local", "dask")
DASK_ADDRESS = re.compile(r"^(tcp|tls)://(\[[0-9A-Fa-f:]+\]|[A-Za-z0-9.-]+):\d{1,5}$")
CONNECT_SECONDS = 10.0  # to reach the Dask scheduler, and for it to have a worker


class BuildPool(ABC):
    """An executor of build tasks and what its owner does when one of its workers dies."""

    executor: Executor

    @abstractmethod
    def slots(self) -> int:
        """How many builds run at once (the runner deals an hour's variables over them)."""

    @abstractmethod
    def restart(self) -> None:
        """After a worker died and broke the executor: a working one again."""

    @abstractmethod
    def close(self) -> None:
        """Let tasks in flight finish, then release the workers."""


class LocalPool(BuildPool):
    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise ExecutorUnavailable("--workers must be at least 1")
        self.workers = workers
        self.executor = self._new()

    def slots(self) -> int:
        return self.workers

    def _new(self) -> ProcessPoolExecutor:
        """Spawned, not forked: workers start clean of the parent's GDAL state and open files."""
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=get_context("spawn"))

    def restart(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = self._new()

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


class DaskPool(BuildPool):
    """The workers of a running Dask scheduler (`dask scheduler` + `dask worker`, one thread each: a build is
    memory-hungry and multi-threaded itself). Tasks are impure (`pure=False`): a retried frame is a new task,
    never the remembered failure of the previous one."""

    def __init__(self, address: str, timeout: float = CONNECT_SECONDS) -> None:
        if not DASK_ADDRESS.match(address):
            raise ExecutorUnavailable(f"--dask-scheduler {address!r} is not tcp://HOST:PORT")
        from distributed import Client  # loaded only by a scheduler that uses Dask

        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ExecutorUnavailable(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        try:
            self.client.wait_for_workers(1, timeout=timeout)
        except (OSError, TimeoutError):
            self.client.close()
            raise ExecutorUnavailable(f"the Dask scheduler at {address} has no worker "
                                      f"(waited {timeout:.0f} s)") from None
        workers = self.client.nthreads()
        log.info("builds on Dask at %s: %d workers, %d threads", address, len(workers), sum(workers.values()))
        self.executor = self.client.get_executor(pure=False)

    def slots(self) -> int:
        """The cluster's worker threads now (workers come and go)."""
        return max(1, sum(self.client.nthreads().values()))

    def restart(self) -> None:
        """Nothing to do: a lost Dask worker never breaks the executor (its nanny restarts it)."""

    def close(self) -> None:
        self.executor.shutdown(wait=True)
        self.client.close()


def build_pool(executor: str, workers: int, dask_scheduler: str | None) -> BuildPool:
    """The pool `twf scheduler --executor` names (`--dask-scheduler` only with dask)."""
    if executor == "dask":
        if not dask_scheduler:
            raise ExecutorUnavailable("--executor dask needs --dask-scheduler tcp://HOST:PORT")
        return DaskPool(dask_scheduler)
    if dask_scheduler:
        raise ExecutorUnavailable("--dask-scheduler is only for --executor dask")
    return LocalPool(workers)
