"""The reduce step of deduplication: features of all articles in, verified edges and stories out.

1. exact: the same matching-key body hash, or the same normalised URL;
2. near: LSH over MinHash bands gives candidates; the signature estimate prunes the hopeless
   ones; the true Jaccard of the shingle sets decides, so nothing below the threshold is merged;
3. contained: articles sharing sentence fingerprints (and LSH candidates that failed Jaccard)
   are checked for shingle containment — the wire story with a new lead-in or a trimmed tail;
4. union-find over the verified edges gives stories; the canonical copy of a story is the
   earliest published, then the longest, then the smallest id.

Everything is a function of the set of articles, not of their order: documents are ranked by
(id, content hash) before any order-sensitive step, so shuffled input gives the same result.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from khabar.dedup.config import DedupConfig
from khabar.dedup.features import FeatureBatch
from khabar.dedup.minhash import band_hashes, containment, is_empty_signature, jaccard
from khabar.dedup.unionfind import UnionFind
from khabar.record import Duplicate

EXACT, NEAR, CONTAINED = "exact", "near", "contained"
_CHUNK = 1 << 18  # pairs or documents handled at a time where a whole-corpus array would be large


@dataclass
class Clusters:
    """Per document (in the batch's order): its story's canonical index and its annotation."""

    canonical: np.ndarray  # int64: index of the canonical copy of each document's story
    duplicate: list[Duplicate | None]
    edges: Counter[str] = field(default_factory=Counter)  # verified edges by kind
    candidates: int = 0  # candidate pairs verified

    def story_sizes(self) -> Counter[int]:
        return Counter(Counter(self.canonical.tolist()).values())


def _pairs_in_runs(values: np.ndarray, members: np.ndarray, max_pairs: int) -> np.ndarray:
    """All pairs (a, b), a < b, of members sharing a value. Runs longer than ``max_pairs`` pair
    each member with its next ``max_pairs`` neighbours in member order only (members come sorted),
    which bounds the work on huge buckets while still chaining every member into the group.

    Lag by lag (element i with element i + k of the same run), keeping at each lag only the
    elements whose run still reaches that far: the work is the number of pairs, not lags × N."""
    if len(values) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    order = np.lexsort((members, values))
    v, m = values[order], members[order]
    starts = np.flatnonzero(np.r_[True, v[1:] != v[:-1]])
    lengths = np.diff(np.r_[starts, len(v)])
    # how many elements follow each one in its run
    remaining = np.repeat(starts + lengths, lengths) - np.arange(len(v)) - 1
    alive = np.flatnonzero(remaining >= 1)
    out = []
    k = 1
    while len(alive) and k <= max_pairs:
        out.append(np.stack([m[alive], m[alive + k]], axis=1))
        k += 1
        alive = alive[remaining[alive] >= k]
    if not out:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.concatenate(out)
    pairs.sort(axis=1)
    return pairs


def _unique_pairs(pairs: np.ndarray, n: int) -> np.ndarray:
    if not len(pairs):
        return pairs
    codes = np.unique(pairs[:, 0].astype(np.int64) * n + pairs[:, 1])
    return np.stack([codes // n, codes % n], axis=1)


def _canonical_order(batch: FeatureBatch) -> np.ndarray:
    """Rank of every document for canonical choice: earliest published (undated last), then the
    longest body, then the smallest id, then the content hash (ids may repeat across inputs)."""
    keys = sorted(
        range(len(batch)),
        key=lambda i: (
            batch.published[i] is None,
            batch.published[i] or "",
            -int(batch.lengths[i]),
            batch.ids[i],
            int(batch.key_hash[i]),
        ),
    )
    rank = np.empty(len(batch), dtype=np.int64)
    rank[np.array(keys, dtype=np.int64)] = np.arange(len(batch))
    return rank


def find_clusters(batch: FeatureBatch, config: DedupConfig) -> Clusters:
    n = len(batch)
    if n == 0:
        return Clusters(np.zeros(0, np.int64), [])
    # Rank documents by canonical preference; all pair work happens in rank space, so the result
    # does not depend on input order.
    rank = _canonical_order(batch)
    by_rank = np.argsort(rank)  # by_rank[r] = document index of rank r
    uf = UnionFind(n)
    # A second union-find over exact and near links only: a copy joined to its canonical copy
    # through a containment link somewhere on the way is not a near copy of it.
    near_uf = UnionFind(n)
    edges: Counter[str] = Counter()

    def link(a: int, b: int, kind: str) -> None:
        uf.union(int(a), int(b))
        if kind != CONTAINED:
            near_uf.union(int(a), int(b))
        edges[kind] += 1

    # 1. exact content, then exact URL: union each group onto its best-ranked member
    for values in (batch.key_hash, batch.url_hash):
        r_vals = values[by_rank]
        mask = r_vals != 0
        ranks = np.arange(n, dtype=np.int64)[mask]
        vals = r_vals[mask]
        order = np.argsort(vals, kind="stable")
        vals, ranks = vals[order], ranks[order]
        starts = np.r_[0, np.flatnonzero(vals[1:] != vals[:-1]) + 1]
        for s, e in zip(starts, np.r_[starts[1:], len(vals)], strict=True):
            for r in ranks[s + 1 : e]:
                link(ranks[s], r, EXACT)

    # Representatives: one per exact-content group (the best ranked) enter LSH and containment;
    # empty bodies (hash 0) enter neither.
    hashes, first_rank = np.unique(batch.key_hash[by_rank], return_index=True)
    reps = np.sort(first_rank[hashes != 0])  # ranks
    rep_docs = by_rank[reps]

    def shingles_r(r: int) -> np.ndarray:
        return batch.shingles_of(int(by_rank[r]))

    def verify(pairs: np.ndarray) -> None:
        """True Jaccard decides near; failing that, containment decides contained."""
        for start in range(0, len(pairs), _CHUNK):
            for a, b in pairs[start : start + _CHUNK].tolist():
                A, B = shingles_r(a), shingles_r(b)
                if not len(A) or not len(B):
                    continue
                j = jaccard(A, B)
                if j >= config.threshold:
                    link(a, b, NEAR)
                    continue
                c = containment(A, B) if len(A) <= len(B) else containment(B, A)
                if c >= config.containment:
                    link(a, b, CONTAINED)

    # 2. near duplicates via LSH; the signature estimate prunes hopeless candidates first
    signed = ~np.asarray(is_empty_signature(batch.signatures[rep_docs]), dtype=bool)
    signed_reps = reps[signed]
    cand = []
    for start in range(0, len(signed_reps), _CHUNK):  # band hashes a chunk at a time: bounded memory
        chunk = signed_reps[start : start + _CHUNK]
        cand.append(band_hashes(batch.signatures[by_rank[chunk]], config.bands, config.rows))
    bands = np.concatenate(cand) if cand else np.zeros((0, config.bands), np.uint64)
    cand = [_pairs_in_runs(bands[:, b], signed_reps, config.max_bucket_pairs) for b in range(config.bands)]
    del bands
    lsh_pairs = _unique_pairs(np.concatenate(cand) if cand else np.zeros((0, 2), np.int64), n)
    del cand
    keep = np.zeros(len(lsh_pairs), dtype=bool)
    for start in range(0, len(lsh_pairs), _CHUNK):
        part = lsh_pairs[start : start + _CHUNK]
        sa = batch.signatures[by_rank[part[:, 0]]]
        sb = batch.signatures[by_rank[part[:, 1]]]
        keep[start : start + _CHUNK] = (sa == sb).mean(axis=1) >= config.threshold - config.estimate_margin
    lsh_pairs = lsh_pairs[keep]
    candidates = len(lsh_pairs)
    verify(lsh_pairs)
    lsh_codes = lsh_pairs[:, 0] * n + lsh_pairs[:, 1]  # sorted: _unique_pairs sorts its codes
    del lsh_pairs

    # 3. wire copies via shared sentence fingerprints
    offs = batch.sentence_offsets
    counts = (offs[1:] - offs[:-1])[rep_docs]
    total = int(counts.sum())
    if total:
        # every representative's fingerprints, gathered without a Python loop
        first = np.cumsum(counts) - counts
        pos = np.arange(total) - np.repeat(first, counts) + np.repeat(offs[rep_docs], counts)
        fp_vals = batch.sentence_values[pos]
        fp_owner = np.repeat(reps, counts)
        del pos
        _, inverse, sizes = np.unique(fp_vals, return_inverse=True, return_counts=True)
        posting = sizes[inverse]
        keep = (posting >= 2) & (posting <= config.max_posting)
        pairs = _pairs_in_runs(fp_vals[keep].astype(np.uint64), fp_owner[keep], config.max_posting)
        del fp_vals, fp_owner, inverse, posting, keep
        if len(pairs):
            codes, shared = np.unique(pairs[:, 0] * n + pairs[:, 1], return_counts=True)
            pairs = np.stack([codes // n, codes % n], axis=1)
            fewest = np.minimum(
                _counts_by_rank(offs, by_rank, pairs[:, 0]), _counts_by_rank(offs, by_rank, pairs[:, 1])
            )
            need = np.minimum(config.min_shared_sentences, np.maximum(fewest, 1))
            fresh = (shared >= need) & ~np.isin(codes, lsh_codes, assume_unique=True)
            candidates += int(fresh.sum())
            verify(pairs[fresh])

    # 4. stories: the root of each set is its smallest rank = its canonical copy
    roots = np.array(uf.roots(), dtype=np.int64)  # in rank space
    canonical = np.empty(n, dtype=np.int64)
    canonical[by_rank] = by_rank[roots]
    duplicate: list[Duplicate | None] = [None] * n
    for r in np.flatnonzero(roots != np.arange(n)).tolist():
        root = int(roots[r])
        doc, canon = int(by_rank[r]), int(by_rank[root])
        via_near = near_uf.find(r) == near_uf.find(root)
        duplicate[doc] = _annotate(batch, doc, canon, config, via_near)
    return Clusters(canonical, duplicate, edges, candidates)


def _counts_by_rank(offs: np.ndarray, by_rank: np.ndarray, ranks: np.ndarray) -> np.ndarray:
    docs = by_rank[ranks]
    return offs[docs + 1] - offs[docs]


def _annotate(batch: FeatureBatch, doc: int, canon: int, config: DedupConfig, via_near: bool) -> Duplicate:
    """How ``doc`` relates to its story's canonical copy."""
    of = batch.ids[canon]
    if batch.key_hash[doc] == batch.key_hash[canon]:
        return Duplicate(of, EXACT, 1.0)
    A, B = batch.shingles_of(doc), batch.shingles_of(canon)
    j = jaccard(A, B) if len(A) and len(B) else 0.0
    if batch.url_hash[doc] and batch.url_hash[doc] == batch.url_hash[canon]:
        return Duplicate(of, EXACT, round(j, 4))
    if j >= config.threshold:
        return Duplicate(of, NEAR, round(j, 4))
    c = (containment(A, B) if len(A) <= len(B) else containment(B, A)) if len(A) and len(B) else 0.0
    if c >= config.containment:
        return Duplicate(of, CONTAINED, round(c, 4))
    # Joined to the canonical copy only through other copies (a chain of verified links): near if
    # every link on the way is exact or near, else contained; the similarity is to the canonical.
    return Duplicate(of, NEAR if via_near else CONTAINED, round(j if via_near else c, 4))
