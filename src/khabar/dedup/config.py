"""Deduplication settings. The defaults were tuned on SaudiNewsNet and khabar's synthetic set:
see benchmarks/results/dedup_tuning.md for the tuning table and the command that reproduces it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DedupConfig:
    # Near duplicates: MinHash over word n-grams of the matching key, LSH banding, then the true
    # Jaccard of the shingle sets decides. With 16 bands of 4 rows a pair at Jaccard 0.8 becomes a
    # candidate with probability 1 - (1 - 0.8**4)**16 = 0.9998.
    ngram: int = 5
    num_perm: int = 64
    bands: int = 16
    rows: int = 4
    threshold: float = 0.8
    # Candidates whose MinHash estimate is this far below the threshold are not verified: at 64
    # permutations the estimate's standard error at J = 0.8 is 0.05, so 0.2 is four of them.
    estimate_margin: float = 0.2
    # Wire copies: an article at least this much contained in another (shingle containment).
    containment: float = 0.8
    # Sentence fingerprints for containment candidates: sentences of at least this many words;
    # a fingerprint shared by more than max_posting articles is boilerplate and is ignored. Shared
    # shingles are counted for containment candidates too, over shingles in at most max_posting
    # articles (a commoner one is assumed shared, so the cap loses no pair).
    min_sentence_words: int = 6
    max_posting: int = 500
    # One shared sentence makes a candidate (verified on the shingles): on SaudiNewsNet it finds
    # ~560 more containment pairs than two did, for 2.2× the candidates (reduce 0.3 → 0.8 s).
    min_shared_sentences: int = 1
    # A container holding pieces of this many unrelated stories is a digest: flagged, and its
    # containment edges join nothing to it (see cluster.py).
    digest_pieces: int = 2
    # LSH buckets larger than this are compared in a sliding window of sorted ids, not all pairs.
    max_bucket_pairs: int = 64
    seed: int = 1

    def __post_init__(self) -> None:
        if self.bands * self.rows > self.num_perm:
            raise ValueError(f"bands × rows ({self.bands}×{self.rows}) exceeds num_perm ({self.num_perm})")
        if not 0 < self.threshold <= 1 or not 0 < self.containment <= 1:
            raise ValueError("threshold and containment must be in (0, 1]")
        if self.digest_pieces < 2:
            raise ValueError(f"digest_pieces must be at least 2 (got {self.digest_pieces})")
