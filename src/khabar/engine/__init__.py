"""Executors: run a picklable function over a stream of items (or of batches), keeping input order.
They know nothing of text."""

from khabar.engine.base import EngineError, Executor, InProcessExecutor
from khabar.engine.local import LocalProcessExecutor, batched, ordered_map, ordered_map_batches

ENGINES = ("local", "ray")

__all__ = [
    "ENGINES",
    "EngineError",
    "Executor",
    "InProcessExecutor",
    "LocalProcessExecutor",
    "batched",
    "make_executor",
    "ordered_map",
    "ordered_map_batches",
]


def make_executor(engine: str = "local", workers: int = 1, address: str | None = None) -> Executor:
    """The executor named ``engine`` with ``workers`` workers. ``local``: in this process for one
    worker, else a pool of local processes. ``ray``: Ray tasks, on the cluster at ``address`` or a
    local Ray instance (``khabar.engine.ray``; Ray is imported only then)."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} ({', '.join(ENGINES)})")
    if engine == "ray":
        from khabar.engine.ray import RayExecutor

        return RayExecutor(workers, address)
    if address:
        raise ValueError("an address is for the ray engine only")
    return InProcessExecutor() if workers <= 1 else LocalProcessExecutor(workers)
