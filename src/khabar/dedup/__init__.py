"""Corpus deduplication: exact copies, Arabic-aware near duplicates, wire copies, story clusters.

A per-article map (``features.compute_features``: matching-key hash, URL hash, shingles, MinHash
signature, sentence fingerprints) and a reduce (``cluster.find_clusters``: LSH bands → candidate
pairs → verified edges → union-find stories), so any executor can run them.
"""

from khabar.dedup.cluster import Clusters, find_clusters
from khabar.dedup.config import DedupConfig
from khabar.dedup.features import DedupDoc, FeatureBatch, compute_features
from khabar.dedup.index import DedupIndex
from khabar.dedup.run import dedup, dedup_articles

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
