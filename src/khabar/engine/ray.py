"""The Ray executor (``--engine ray``): each item a Ray task, on a local Ray instance or a cluster.

Results come back in input order: tasks are submitted as the stream is read, ``workers`` of them
running at a time, and their results are given back oldest first, so the output is byte-identical to the local
executor's and memory stays bounded whatever the length of the stream. The function is put in the
object store once. Ray is optional: ``pip install 'khabar[ray]'``.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from khabar.engine.base import EngineError

T = TypeVar("T")
R = TypeVar("R")

RESULTS_PER_WORKER = 4  # finished results held back while an older task still runs


def _apply(fn: Callable[[Any], Any], item: Any) -> Any:
    return fn(item)


class RayExecutor:
    """``map`` as Ray tasks, ``workers`` at a time. ``address``: a running Ray cluster (``auto``, or
    ``ray://host:10001``); without one, and when this process has not started Ray itself, a local
    instance with ``workers`` CPUs is started (and left to Ray to stop at exit)."""

    def __init__(self, workers: int = 1, address: str | None = None) -> None:
        try:
            import ray
        except ImportError:  # a usage error, not a bug: the extra is not installed
            raise EngineError("the ray engine needs Ray: pip install 'khabar[ray]'") from None
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.workers = workers
        self._ray = ray
        if not ray.is_initialized():  # Ray's own notices off: khabar's stderr is its summary and errors
            where = {"address": address} if address else {"num_cpus": workers}
            try:
                ray.init(**where, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
            except (ConnectionError, ValueError, RuntimeError) as exc:
                raise EngineError(
                    f"cannot start or reach Ray{f' at {address}' if address else ''}: {exc}"
                ) from None
        self._task = ray.remote(num_cpus=1)(_apply)

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        ray = self._ray
        fn_ref = ray.put(fn)
        pending: deque[Any] = deque()  # submitted, in input order, not yet given back
        running: set[Any] = set()  # submitted and not known to be finished
        # Exactly ``workers`` tasks run at a time, on a local instance or on a cluster with more CPUs
        # (so --workers means the same for both engines); finished results wait for their turn, at
        # most ``workers * RESULTS_PER_WORKER`` of them, so memory stays bounded if one task is slow.
        buffered = self.workers * RESULTS_PER_WORKER
        for item in items:
            while len(running) >= self.workers:
                done, _ = ray.wait(list(running), num_returns=1)
                running.difference_update(done)
            while pending and (pending[0] not in running or len(pending) >= buffered):
                ref = pending.popleft()
                running.discard(ref)
                yield ray.get(ref)
            ref = self._task.remote(fn_ref, item)
            pending.append(ref)
            running.add(ref)
        while pending:
            yield ray.get(pending.popleft())
