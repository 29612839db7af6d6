"""Executors: run a picklable function over a stream of items (or of batches), keeping input order.
They know nothing of text."""

from khabar.engine.local import ordered_map, ordered_map_batches

__all__ = ["ordered_map", "ordered_map_batches"]
