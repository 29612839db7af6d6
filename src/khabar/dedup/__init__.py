"""Corpus deduplication: exact copies, Arabic-aware near duplicates, wire copies, story clusters.

A per-article map (``features.compute_features``: matching-key hash, URL hash, shingles, MinHash
signature, sentence fingerprints) and a reduce (``cluster.find_clusters``: LSH bands → candidate
pairs → verified edges → union-find stories), so any executor can run them.

``dedup`` and ``dedup_articles`` (the orchestrator, ``khabar.dedup.run``) are loaded on first use: the
orchestrator reads, refines and writes, so it sits above these pieces, and importing a piece must not load it.
"""

from importlib import import_module
from typing import Any

from khabar.dedup.cluster import Clusters, find_clusters
from khabar.dedup.config import DedupConfig
from khabar.dedup.features import DedupDoc, FeatureBatch, compute_features
from khabar.dedup.index import DedupIndex

__all__ = [
    "Clusters",
    "DedupConfig",
    "DedupDoc",
    "DedupIndex",
    "FeatureBatch",
    "compute_features",
    "dedup",
    "dedup_articles",
    "find_clusters",
]

_ORCHESTRATOR_NAMES = ("dedup", "dedup_articles")


def __getattr__(name: str) -> Any:
    # PEP 562: `from khabar.dedup import dedup` stays public (README) without an import-time upward import.
    if name in _ORCHESTRATOR_NAMES:
        return getattr(import_module("khabar.dedup.run"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
