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
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor
from multiprocessing import get_context
from typing import TYPE_CHECKING

from twf.errors import ExecutorUnavailable

if TYPE_CHECKING:
    from distributed import Client

log = logging.getLogger("twf.scheduler")

EXECUTORS = ("local", "dask")
DASK_ADDRESS = re.compile(r"^(tcp|tls)://(\[[0-9A-Fa-f:]+\]|[A-Za-z0-9.-]+):\d{1,5}$")
CONNECT_SECONDS = 5.0  # to reach the Dask scheduler, and for it to have a worker


class BuildPool(ABC):
    """An executor of build tasks and what its owner does when one of its workers dies."""

    executor: Executor

    @abstractmethod
    def slots(self) -> int:
        """How many builds run at once (the runner deals an hour's variables over them)."""

    @abstractmethod
    def restart(self) -> str:
        """After the executor broke (BrokenExecutor): a working one again; says what was done, for the log.
        ExecutorUnavailable when there is none to be had (a Dask scheduler that stays away)."""

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

    def restart(self) -> str:
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = self._new()
        return "workers restarted"

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


class DaskPool(BuildPool):
    """The workers of a running Dask scheduler (`dask scheduler` + `dask worker`, one thread each: a build is
    memory-hungry and multi-threaded itself). A lost worker never breaks the executor (Dask runs its tasks
    elsewhere, its nanny starts a new one); a lost scheduler does, once the client gives up reconnecting."""

    def __init__(self, address: str, timeout: float = CONNECT_SECONDS) -> None:
        if not DASK_ADDRESS.match(address):
            raise ExecutorUnavailable(f"--dask-scheduler {address!r} is not tcp://HOST:PORT")
        self.address, self.timeout = address, timeout
        self.executor = self._connect()

    def _connect(self) -> DaskExecutor:
        from distributed import Client  # loaded only by a scheduler that uses Dask

        try:
            self.client = Client(self.address, timeout=self.timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ExecutorUnavailable(f"cannot reach the Dask scheduler at {self.address}: {exc}") from None
        try:
            self.client.wait_for_workers(1, timeout=self.timeout)
        except (OSError, TimeoutError):
            self.client.close()
            raise ExecutorUnavailable(f"the Dask scheduler at {self.address} has no worker "
                                      f"(waited {self.timeout:.0f} s)") from None
        workers = self.client.nthreads()
        log.info("builds on Dask at %s: %d workers, %d threads", self.address, len(workers),
                 sum(workers.values()))
        return DaskExecutor(self.client)

    def slots(self) -> int:
        """The cluster's worker threads now (workers come and go)."""
        try:
            return max(1, sum(self.client.nthreads().values()))
        except Exception as exc:  # noqa: BLE001 - a client that lost its scheduler fails every call
            raise BrokenExecutor(f"lost the Dask scheduler ({type(exc).__name__}: {exc})") from None

    def restart(self) -> str:
        self.client.close()
        self.executor = self._connect()
        return f"reconnected to the Dask scheduler at {self.address}"

    def close(self) -> None:
        self.executor.shutdown(wait=True)
        self.client.close()


class DaskExecutor(Executor):
    """A Dask client's executor whose tasks are impure (`pure=False`: a retried frame is a new task, never the
    remembered failure of the previous one), and whose `submit` raises BrokenExecutor once the client has
    lost its scheduler, as a local pool whose worker died does."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.inner = client.get_executor(pure=False)

    def submit(self, fn, /, *args, **kwargs) -> Future:
        from distributed.client import ClosedClientError

        try:
            return self.inner.submit(fn, *args, **kwargs)
        except ClosedClientError as exc:
            raise BrokenExecutor(f"lost the Dask scheduler ({exc})") from None

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self.client.status == "running":
            self.inner.shutdown(wait=wait and not cancel_futures)


def build_pool(executor: str, workers: int, dask_scheduler: str | None) -> BuildPool:
    """The pool `twf scheduler --executor` names (`--dask-scheduler` only with dask)."""
    if executor == "dask":
        if not dask_scheduler:
            raise ExecutorUnavailable("--executor dask needs --dask-scheduler tcp://HOST:PORT")
        return DaskPool(dask_scheduler)
    if dask_scheduler:
        raise ExecutorUnavailable("--dask-scheduler is only for --executor dask")
    return LocalPool(workers)
