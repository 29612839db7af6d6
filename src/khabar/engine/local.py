"""The local executor: a function mapped over a stream, in-process or on a pool of processes.

Results always come back in input order, so the output of a run does not depend on the number
of workers or on scheduling.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from multiprocessing import get_context
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def ordered_map(
    fn: Callable[[T], R], items: Iterable[T], workers: int = 1, chunksize: int = 64
) -> Iterator[R]:
    """``map(fn, items)`` on ``workers`` processes (``fn`` must be picklable: a module-level
    function). Streams: at most a few chunks per worker are in flight at once."""
    if workers <= 1:
        yield from map(fn, items)
        return
    # spawn, not fork: forking a process that holds threads (rich's progress, pyarrow) can deadlock.
    with get_context("spawn").Pool(workers) as pool:
        yield from pool.imap(fn, items, chunksize=chunksize)


def ordered_map_batches(
    fn: Callable[[list[T]], list[R]], items: Iterable[T], workers: int = 1, batch_size: int = 32
) -> Iterator[R]:
    """``ordered_map`` for a function of a batch: ``fn`` gets consecutive lists of up to ``batch_size``
    items and returns one result per item, in order; the results are yielded one by one."""
    it = iter(items)
    batches = iter(lambda: list(islice(it, batch_size)), [])
    for results in ordered_map(fn, batches, workers=workers, chunksize=1):
        yield from results
