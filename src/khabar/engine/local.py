"""The local executor: a function mapped over a stream on a pool of processes on this machine.

Results always come back in input order, so the output of a run does not depend on the number
of workers or on scheduling.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from multiprocessing import get_context
from typing import TypeVar

from khabar.engine.base import InProcessExecutor

T = TypeVar("T")
R = TypeVar("R")


class LocalProcessExecutor:
    """``map`` on ``workers`` spawned processes (``fn`` must be picklable: a module-level function
    or a picklable object). Streams: at most a few items per worker are in flight at once, so a
    stream of batches is never read ahead far. One worker runs in this process."""

    def __init__(self, workers: int = 1, chunksize: int = 1) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.workers = workers
        self.chunksize = chunksize

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        if self.workers <= 1:
            yield from InProcessExecutor().map(fn, items)
            return
        # spawn, not fork: forking a process that holds threads (rich's progress, pyarrow) can deadlock.
        with get_context("spawn").Pool(self.workers) as pool:
            yield from pool.imap(fn, items, chunksize=self.chunksize)


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of up to ``size`` items."""
    it = iter(items)
    return iter(lambda: list(islice(it, size)), [])


def ordered_map(
    fn: Callable[[T], R], items: Iterable[T], workers: int = 1, chunksize: int = 64
) -> Iterator[R]:
    """``map(fn, items)`` on ``workers`` processes, in input order."""
    return LocalProcessExecutor(workers, chunksize).map(fn, items)


def ordered_map_batches(
    fn: Callable[[list[T]], list[R]], items: Iterable[T], workers: int = 1, batch_size: int = 32
) -> Iterator[R]:
    """``ordered_map`` for a function of a batch: ``fn`` gets consecutive lists of up to ``batch_size``
    items and returns one result per item, in order; the results are yielded one by one."""
    for results in LocalProcessExecutor(workers).map(fn, batched(items, batch_size)):
        yield from results
