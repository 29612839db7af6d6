"""The executor protocol: a picklable function mapped over a stream of items, results in input order.

An executor knows nothing of articles or text: the runner (``khabar.stages.runner``) hands it a function
of one batch and a stream of batches. Keeping the order is the executor's whole contract: the output of
a run must not depend on which executor ran it or on how many workers it had. A new executor (a Ray
one, say) implements ``map`` and ``workers`` and plugs in through ``khabar.engine.make_executor``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class EngineError(RuntimeError):
    """An engine that cannot be used here: not installed, or its cluster cannot be reached."""


class Executor(Protocol):
    """Runs ``fn`` over ``items``, yielding one result per item, in input order."""

    @property
    def workers(self) -> int: ...

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]: ...


class InProcessExecutor:
    """``map`` in this process: no pickling, no pool (one worker)."""

    workers = 1

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        return map(fn, items)
