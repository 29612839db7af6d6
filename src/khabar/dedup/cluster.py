"""The reduce step of deduplication: features of all articles in, verified edges and stories out.

1. exact: the same matching-key body hash;
2. near: LSH over MinHash bands gives candidates, and so does the same normalised URL (a URL is a
   candidate, not evidence: a page updated in place is matched by its content); the signature
   estimate prunes hopeless LSH candidates; the true Jaccard of the shingle sets decides, so
   nothing below the threshold is linked;
3. contained: articles sharing sentence fingerprints (and candidates that failed Jaccard) are
   checked for shingle containment of the smaller in the larger — the wire story with a new
   lead-in or a trimmed tail; so are pairs that share enough shingles for the smaller to be
   ``containment`` inside the larger (counted over shingle postings of at most ``max_posting``
   articles): a caption inside a long article, or a copy whose every sentence differs by a word,
   shares no sentence fingerprint and is far below the LSH range;
4. stories, built so that they cannot grow through bridges (containment is not transitive: A in
   B and C in B does not make A a copy of C):

   - *cores*: connected components of the exact and near edges (union-find);
   - a core whose member is contained in a document of another, larger core is a *piece* of
     that document, its container. Two pieces of one container are related when half of the
     smaller's shingles lie in the larger. A container holding ``digest_pieces`` (default 2)
     pairwise unrelated pieces is a *digest* (a roundup, a live page, two statements printed
     together, a copy that appends another story): it is flagged (``Clusters.digest``) and takes
     no piece; its core's other members still may. Any other container takes a set of pairwise
     related pieces (all of them when ``digest_pieces`` is 2), built from its largest piece down;
   - every piece core joins exactly one container (the highest containment, then the container's
     best rank), so its core joins the container's core; chains of joins end in a story's root
     core. A containment edge never merges two cores, and no story holds two unrelated pieces
     of one container;
   - the canonical copy of a story is its earliest published member, then the longest, then the
     smallest id.

   ``duplicate.of`` names an article the copy was verified against, never one reached through a
   chain: the story's edges (each core's exact and near edges, one containment edge per joined
   core) form a tree-like graph searched breadth-first from the canonical copy, and a member's
   ``of`` is its parent there (the partner nearest the canonical copy; ties: exact before near
   before contained, then the higher similarity, then the better rank), with that pair's measure:
   ``exact`` 1.0 (same matching key), ``near`` their Jaccard, ``contained`` the containment of the
   smaller of the two in the larger. ``story`` names the canonical copy.

Everything is a function of the set of articles, not of their order: documents are ranked by
(id, content hash) before any order-sensitive step, so shuffled input gives the same result.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from khabar.dedup.config import DedupConfig
from khabar.dedup.features import FeatureBatch
from khabar.dedup.minhash import band_hashes, containment, is_empty_signature, jaccard
from khabar.dedup.unionfind import UnionFind
from khabar.record import Duplicate

EXACT, NEAR, CONTAINED = "exact", "near", "contained"
_KIND_ORDER = {EXACT: 0, NEAR: 1, CONTAINED: 2}
# Two pieces of one container are one story when this much of the smaller lies in the larger.
_PIECE_OVERLAP = 0.5
# A container with more piece cores than this is a digest without comparing them pairwise.
_MAX_PIECES_COMPARED = 64
_CHUNK = 1 << 18  # pairs or documents handled at a time where a whole-corpus array would be large


@dataclass
class Clusters:
    """Per document (in the batch's order): its story's canonical index and its annotation."""

    canonical: np.ndarray  # int64: index of the canonical copy of each document's story
    duplicate: list[Duplicate | None]
    edges: Counter[str] = field(default_factory=Counter)  # verified edges by kind
    candidates: int = 0  # candidate pairs verified
    # int64 per document: for a digest, the number of pairwise unrelated pieces it holds
    # (≥ config.digest_pieces); 0 elsewhere
    digest: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    # every verified edge as (document, document, kind, similarity); contained edges are
    # (piece, container). Most do not become labels: the benchmark checks against them.
    links: list[tuple[int, int, str, float]] = field(default_factory=list)

    def story_sizes(self) -> Counter[int]:
        return Counter(Counter(self.canonical.tolist()).values())


def _pairs_in_runs(
    values: np.ndarray, members: np.ndarray, max_pairs: int, presorted: bool = False
) -> np.ndarray:
    """All pairs (a, b), a < b, of members sharing a value. Runs longer than ``max_pairs`` pair
    each member with its next ``max_pairs`` neighbours in member order only (members come sorted),
    which bounds the work on huge buckets while still chaining every member into the group.

    Lag by lag (element i with element i + k of the same run), keeping at each lag only the
    elements whose run still reaches that far: the work is the number of pairs, not lags × N."""
    if len(values) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    if presorted:  # already ordered by (value, member)
        v, m = values, members
    else:
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
    cores = UnionFind(n)  # exact and near edges only
    adjacency: dict[int, list[tuple[int, str, float]]] = {}  # core edges, rank space
    contained: list[tuple[int, int, float]] = []  # (piece, container, containment), rank space
    edges: Counter[str] = Counter()

    def link(a: int, b: int, kind: str, similarity: float) -> None:
        cores.union(a, b)
        adjacency.setdefault(a, []).append((b, kind, similarity))
        adjacency.setdefault(b, []).append((a, kind, similarity))
        edges[kind] += 1

    # 1. exact content: each group linked to its best-ranked member, its representative; only
    # representatives enter LSH and containment; empty bodies (hash 0) enter nothing.
    r_keys = batch.key_hash[by_rank]
    hashes, first_rank, inverse = np.unique(r_keys, return_index=True, return_inverse=True)
    rep_of = first_rank[inverse]  # rank of each rank's representative
    for r in np.flatnonzero((rep_of != np.arange(n)) & (r_keys != 0)).tolist():
        link(int(rep_of[r]), r, EXACT, 1.0)
    reps = np.sort(first_rank[hashes != 0])  # ranks
    rep_docs = by_rank[reps]
    sizes = np.diff(batch.shingle_offsets)[by_rank]  # shingles per rank

    def shingles_r(r: int) -> np.ndarray:
        return batch.shingles_of(int(by_rank[r]))

    def verify(pairs: np.ndarray) -> None:
        """True Jaccard decides near; failing that, containment of the smaller in the larger
        decides contained (pieces are the smaller side; equal sizes: the worse rank)."""
        for start in range(0, len(pairs), _CHUNK):
            for a, b in pairs[start : start + _CHUNK].tolist():
                A, B = shingles_r(a), shingles_r(b)
                if not len(A) or not len(B):
                    continue
                j = jaccard(A, B)
                if j >= config.threshold:
                    link(a, b, NEAR, round(j, 4))
                    continue
                piece, whole = (a, b) if (len(A), b) < (len(B), a) else (b, a)
                c = containment(A, B) if piece == a else containment(B, A)
                if c >= config.containment:
                    contained.append((piece, whole, round(c, 4)))
                    edges[CONTAINED] += 1

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
    # the same normalised URL is a candidate too (an article updated in place), verified like the rest
    r_urls = batch.url_hash[by_rank]
    with_url = np.flatnonzero((r_urls != 0) & (r_keys != 0))
    url_pairs = _pairs_in_runs(r_urls[with_url], rep_of[with_url], config.max_bucket_pairs)
    url_pairs = url_pairs[url_pairs[:, 0] != url_pairs[:, 1]]
    lsh_pairs = _unique_pairs(np.concatenate([lsh_pairs, url_pairs]), n)
    candidates = len(lsh_pairs)
    verify(lsh_pairs)
    verified_codes = lsh_pairs[:, 0] * n + lsh_pairs[:, 1]  # sorted: _unique_pairs sorts its codes
    del lsh_pairs

    # 3. wire copies via shared sentence fingerprints
    offs = batch.sentence_offsets
    fp_vals, counts = _gather(offs, batch.sentence_values, rep_docs)
    if len(fp_vals):
        fp_owner = np.repeat(reps, counts)
        _, fp_inverse, fp_sizes = np.unique(fp_vals, return_inverse=True, return_counts=True)
        posting = fp_sizes[fp_inverse]
        keep = (posting >= 2) & (posting <= config.max_posting)
        pairs = _pairs_in_runs(fp_vals[keep].astype(np.uint64), fp_owner[keep], config.max_posting)
        del fp_vals, fp_owner, fp_inverse, posting, keep
        if len(pairs):
            codes, shared = np.unique(pairs[:, 0] * n + pairs[:, 1], return_counts=True)
            pairs = np.stack([codes // n, codes % n], axis=1)
            fewest = np.minimum(
                _counts_by_rank(offs, by_rank, pairs[:, 0]), _counts_by_rank(offs, by_rank, pairs[:, 1])
            )
            need = np.minimum(config.min_shared_sentences, np.maximum(fewest, 1))
            fresh = (shared >= need) & ~np.isin(codes, verified_codes, assume_unique=True)
            candidates += int(fresh.sum())
            verify(pairs[fresh])
            verified_codes = np.union1d(verified_codes, codes[fresh])

    # 4. containment via shared shingles: a short piece, or a copy whose every sentence differs by a
    # word, shares no sentence fingerprint; counting the shingles each pair shares finds them exactly
    codes = _containment_candidates(batch, by_rank, reps, sizes, config)
    fresh = ~np.isin(codes, verified_codes, assume_unique=True)
    candidates += int(fresh.sum())
    verify(np.stack([codes[fresh] // n, codes[fresh] % n], axis=1))

    # 5. stories: cores, pieces joined to one container each, labels along verified edges
    core_of = np.array(cores.roots(), dtype=np.int64)  # a core's root is its best rank
    joined, digest_groups = _join_pieces(contained, core_of, sizes, shingles_r, config)
    for piece, whole, c in joined:
        adjacency.setdefault(piece, []).append((whole, CONTAINED, c))
        adjacency.setdefault(whole, []).append((piece, CONTAINED, c))
    story_core = _story_roots(core_of, {core_of[p]: core_of[w] for p, w, _ in joined})
    canonical_r, parent = _label_tree(story_core, adjacency)

    canonical = np.empty(n, dtype=np.int64)
    canonical[by_rank] = by_rank[canonical_r]
    duplicate: list[Duplicate | None] = [None] * n
    for r, (of, kind, similarity) in parent.items():
        duplicate[int(by_rank[r])] = Duplicate(batch.ids[int(by_rank[of])], kind, similarity)
    digest = np.zeros(n, dtype=np.int64)
    for whole, unrelated in digest_groups.items():
        digest[by_rank[whole]] = unrelated
    links = [
        (int(by_rank[a]), int(by_rank[b]), kind, sim)
        for a in sorted(adjacency)
        for b, kind, sim in adjacency[a]
        if a < b and kind != CONTAINED
    ]
    links += [(int(by_rank[p]), int(by_rank[w]), CONTAINED, c) for p, w, c in contained]
    return Clusters(canonical, duplicate, edges, candidates, digest, links)


def _containment_candidates(
    batch: FeatureBatch, by_rank: np.ndarray, reps: np.ndarray, sizes: np.ndarray, config: DedupConfig
) -> np.ndarray:
    """Pair codes (a * n + b, a < b, ranks; sorted) of representatives that share enough shingles for
    the smaller to be ``config.containment`` contained in the larger. Shingles in more than
    ``max_posting`` articles are not paired (boilerplate) but count as possibly shared, so no pair
    above the threshold is lost to the cap. Shingles are paired a range of values at a time, so the
    pair list in memory stays near ``_CHUNK`` × 16 entries; what is kept is one code and count per
    pair sharing a shingle (~1.3M for SaudiNewsNet's 30k articles)."""
    n = len(by_rank)
    values, counts = _gather(batch.shingle_offsets, batch.shingle_values, by_rank[reps])
    if not len(values):
        return np.zeros(0, dtype=np.int64)
    owner = np.repeat(reps, counts)
    # one sort of (shingle, owner) keys: runs of a value, owners ascending within each
    keys = np.sort((values.astype(np.uint64) << np.uint64(32)) | owner.astype(np.uint64))
    values, owner = keys >> np.uint64(32), (keys & np.uint64(0xFFFFFFFF)).astype(np.int64)
    del keys
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    lengths = np.diff(np.r_[starts, len(values)])
    posting = np.repeat(lengths, lengths)  # articles holding each occurrence's shingle
    # shingles too common to pair: they may be shared, so they lower the count a pair needs
    common = np.bincount(owner[posting > config.max_posting], minlength=n)
    paired = (posting >= 2) & (posting <= config.max_posting)
    values, owner = values[paired], owner[paired]
    del posting, paired
    # cut the sorted occurrences between runs of one value, about _CHUNK × 16 pairs a cut
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    lengths = np.diff(np.r_[starts, len(values)])
    pairs_before = np.cumsum(lengths * (lengths - 1) // 2) - lengths * (lengths - 1) // 2
    cut_runs = np.flatnonzero(np.r_[True, np.diff(pairs_before // (_CHUNK * 16)) > 0])
    cuts = np.r_[starts[cut_runs], len(values)]
    found_codes, found_shared = [], []
    for lo, hi in zip(cuts[:-1].tolist(), cuts[1:].tolist(), strict=True):
        pairs = _pairs_in_runs(values[lo:hi], owner[lo:hi], config.max_posting, presorted=True)
        if len(pairs):
            codes, shared = np.unique(pairs[:, 0] * n + pairs[:, 1], return_counts=True)
            found_codes.append(codes)
            found_shared.append(shared)
    if not found_codes:
        return np.zeros(0, dtype=np.int64)
    codes, inverse = np.unique(np.concatenate(found_codes), return_inverse=True)
    shared = np.bincount(inverse, weights=np.concatenate(found_shared), minlength=len(codes))
    a, b = codes // n, codes % n
    need = config.containment * np.minimum(sizes[a], sizes[b]) - np.maximum(common[a], common[b])
    return codes[shared >= need - 1e-9]


def _gather(offs: np.ndarray, values: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The values of ``docs`` (one after another, in ``docs`` order), gathered without a Python
    loop, and how many each document has."""
    counts = offs[docs + 1] - offs[docs]
    first = np.cumsum(counts) - counts
    pos = np.arange(int(counts.sum())) - np.repeat(first, counts) + np.repeat(offs[docs], counts)
    return values[pos], counts


def _counts_by_rank(offs: np.ndarray, by_rank: np.ndarray, ranks: np.ndarray) -> np.ndarray:
    docs = by_rank[ranks]
    return offs[docs + 1] - offs[docs]


def _join_pieces(
    contained: list[tuple[int, int, float]],
    core_of: np.ndarray,
    sizes: np.ndarray,
    shingles_r: Callable[[int], np.ndarray],
    config: DedupConfig,
) -> tuple[list[tuple[int, int, float]], dict[int, int]]:
    """The containment edges that join a piece core to a container (one per piece core), and the
    digests: container rank → number of pairwise unrelated pieces it holds. A container is one
    document, not its core: a near copy that appends an unrelated paragraph is a digest itself,
    and does not stop its core's other members from taking their pieces."""
    # the larger core is the container: no cycle of joins (a core's size: its largest member)
    largest_member = np.zeros(len(core_of), dtype=np.int64)
    np.maximum.at(largest_member, core_of, sizes)

    def core_size(core: int) -> tuple[int, int]:
        return int(largest_member[core]), -core

    # each container's pieces: for each piece core, its best edge into that container
    pieces: dict[int, dict[int, tuple[int, int, float]]] = {}
    for p, w, c in contained:
        cp = int(core_of[p])
        if cp == core_of[w]:
            continue  # already one core
        best = pieces.setdefault(w, {}).get(cp)
        if best is None or (-c, w, p) < (-best[2], best[1], best[0]):
            pieces[w][cp] = (p, w, c)
    digests: dict[int, int] = {}
    allowed: dict[int, set[int]] = {}  # container core → the piece cores it may take
    for whole in sorted(pieces):
        by_core = pieces[whole]
        piece_cores = sorted(by_core)
        if len(piece_cores) > _MAX_PIECES_COMPARED:
            digests[whole] = len(piece_cores)
            continue
        # Pieces are related when half of the smaller lies in the larger. Relatedness is not
        # transitive (a piece may hold halves of two others), so groups are never chained:
        # the unrelated count is a greedy set of pairwise unrelated pieces, smallest first.
        heads = [by_core[cp][0] for cp in piece_cores]
        related = [[True] * len(heads) for _ in heads]
        for i in range(len(heads)):
            for k in range(i + 1, len(heads)):
                A, B = shingles_r(heads[i]), shingles_r(heads[k])
                small, large = (A, B) if len(A) <= len(B) else (B, A)
                related[i][k] = related[k][i] = containment(small, large) >= _PIECE_OVERLAP
        by_size = sorted(range(len(heads)), key=lambda i: (int(sizes[heads[i]]), heads[i]))
        unrelated: list[int] = []
        for i in by_size:
            if not any(related[i][u] for u in unrelated):
                unrelated.append(i)
        n_unrelated = len(unrelated)
        if n_unrelated < 2 and not all(all(row) for row in related):
            n_unrelated = 2  # the greedy set missed an unrelated pair
        if n_unrelated >= config.digest_pieces:
            digests[whole] = n_unrelated
            continue
        # the container takes a set of pairwise related pieces, built from its largest one down
        taken: list[int] = []
        for i in reversed(by_size):
            if all(related[i][t] for t in taken):
                taken.append(i)
        allowed[whole] = {piece_cores[i] for i in taken}
    # each piece core joins one container: the highest containment, then the best-ranked container
    choice: dict[int, tuple[int, int, float]] = {}
    for whole in sorted(allowed):
        for cp in sorted(allowed[whole]):
            p, w, c = pieces[whole][cp]
            if core_size(int(core_of[whole])) <= core_size(cp):
                continue
            best = choice.get(cp)
            if best is None or (-c, w, p) < (-best[2], best[1], best[0]):
                choice[cp] = (p, w, c)
    return [choice[cp] for cp in sorted(choice)], digests


def _story_roots(core_of: np.ndarray, container_of: dict[int, int]) -> np.ndarray:
    """The root core of every rank's story: its core's chain of joins followed to the end."""
    root_of: dict[int, int] = {}
    for core in sorted(container_of):
        chain = [core]
        while chain[-1] in container_of and chain[-1] not in root_of:
            chain.append(container_of[chain[-1]])
        end = root_of.get(chain[-1], chain[-1])
        for c in chain:
            root_of[c] = end
    lookup = np.arange(len(core_of), dtype=np.int64)
    for core, root in root_of.items():
        lookup[core] = root
    return lookup[core_of]


def _label_tree(
    story_core: np.ndarray, adjacency: dict[int, list[tuple[int, str, float]]]
) -> tuple[np.ndarray, dict[int, tuple[int, str, float]]]:
    """Every rank's story canonical (its best rank), and each non-canonical member's verified
    partner: its parent in a breadth-first search from the canonical over the story's edges."""
    n = len(story_core)
    best_rank = np.full(n, n, dtype=np.int64)
    np.minimum.at(best_rank, story_core, np.arange(n, dtype=np.int64))
    canonical_r = best_rank[story_core]
    parent: dict[int, tuple[int, str, float]] = {}
    for canon in sorted({int(canonical_r[r]) for r in adjacency}):
        seen = {canon}
        frontier = [canon]
        while frontier:
            reached: dict[int, tuple[tuple[int, float, int], tuple[int, str, float]]] = {}
            for u in frontier:
                for v, kind, sim in adjacency.get(u, ()):
                    if v in seen:
                        continue
                    key = (_KIND_ORDER[kind], -sim, u)
                    if v not in reached or key < reached[v][0]:
                        reached[v] = (key, (u, kind, sim))
            for v, (_, label) in reached.items():
                parent[v] = label
                seen.add(v)
            frontier = sorted(reached)
    return canonical_r, parent
