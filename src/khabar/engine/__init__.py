"""Executors: run a per-record function over a stream. They know nothing of text."""

from khabar.engine.local import ordered_map

__all__ = ["ordered_map"]
