"""Word n-gram shingles and MinHash signatures, vectorised in numpy and stable across processes.

Shingles
    A shingle is ``n`` consecutive words of the matching key (``khabar.text.keys.match_key``),
    hashed to ``uint32``. Each word is hashed once — a polynomial over its code points, mod 2^64,
    finished with the murmur3 ``fmix64`` mixer — and ``n`` consecutive word hashes are combined with
    distinct odd multipliers, mixed again and cut to their top 32 bits. Everything is fixed 64-bit
    arithmetic over the UTF-32 code points, so the result never depends on ``PYTHONHASHSEED``, the
    platform or the numpy version. No Python object is made per word: ``shingles_many`` tokenizes a
    whole batch of keys at once (same tokens as ``khabar.text.tokens.WORD_RE.findall``), which is
    what keeps shingling near 10 µs an article instead of the ~80 µs a ``findall`` + per-word hash
    loop costs.

    Why ``uint32``: the sets are stored for verification, and 4 bytes a shingle halves that memory;
    a false match between two 200-shingle documents has probability ~200·200/2^32 ≈ 1e-5, far
    below any threshold. And 32-bit keys are exactly what makes the 64-bit multiply-add-shift family
    below provably 2-independent.

MinHash
    Permutation ``i`` is Dietzfelbinger's multiply-add-shift ``h_i(x) = ((a_i·x + b_i) mod 2^64) >> 32``
    with ``a_i, b_i`` uniform 64-bit, 2-independent for 32-bit ``x``. The shift is monotone, so the
    minimum is taken on the 64-bit values and shifted once per signature entry. Signatures are
    ``uint32``, ``(N, num_perm)``.

    Empty documents get ``EMPTY_SIGNATURE_VALUE`` (2^32−1) in every entry. A non-empty document
    matches it in one entry with probability 2^−32 and in a whole LSH band of ``r`` rows with 2^−32r,
    so it never collides with a real document; all empty documents do share it, so callers drop them
    (``is_empty_signature``) before bucketing — ``jaccard`` of two empty sets is 0.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from khabar.text.charclass import char_classes, codepoints
from khabar.text.tokens import word_number_kinds

__all__ = [
    "EMPTY_SIGNATURE_VALUE",
    "MinHasher",
    "band_hashes",
    "containment",
    "is_empty_signature",
    "jaccard",
    "shingles",
    "shingles_many",
    "word_hashes",
    "word_ngram_hashes",
]

EMPTY_SIGNATURE_VALUE = np.uint32(0xFFFFFFFF)

_U64 = np.uint64
_U32_MASK = _U64(0xFFFFFFFF)
_S32 = _U64(32)
_S33 = _U64(33)
# murmur3 fmix64 multipliers.
_F1 = _U64(0xFF51AFD7ED558CCD)
_F2 = _U64(0xC4CEB9FE1A85EC53)
# Fixed odd constants (digits of pi/e/sqrt2 in hex); changing any of them changes every shingle.
_CHAR_BASE = _U64(0x9E3779B97F4A7C15)  # polynomial base over code points
_WORD_SALT = _U64(0x243F6A8885A308D3)
_MAX_N = 32
# One multiplier per position in the n-gram, so word order matters: (2k+1)·C, odd and distinct
# (multiplying by the odd C is a bijection mod 2^64).
_GRAM_MULT = (2 * np.arange(_MAX_N, dtype=np.uint64) + _U64(1)) * _U64(0xB7E151628AED2A6B)
_BAND_MULT = _U64(0x9FB21C651E98DF25)

# Upper bound on the (num_perm × shingles) uint64 work buffer of one signing chunk (8 MiB):
# big enough to amortise numpy's per-call cost, small enough to stay near the CPU caches.
_SIGN_CHUNK_ELEMS = 1 << 20
# Characters per tokenizer chunk in shingles_many: bounds its temporaries (~40 bytes a character)
# and keeps them in cache; 2^16..2^18 measured fastest.
_TEXT_CHUNK_CHARS = 1 << 18


def _fmix64(x: np.ndarray) -> np.ndarray:
    """murmur3's 64-bit finaliser, in place on a uint64 array (every input bit reaches every output bit)."""
    x ^= x >> _S33
    x *= _F1
    x ^= x >> _S33
    x *= _F2
    x ^= x >> _S33
    return x


# Powers of _CHAR_BASE and of its inverse mod 2^64, grown on demand up to _POW_CACHE_MAX.
_POW_CACHE_MAX = 1 << 22
_pow_cache: tuple[np.ndarray, np.ndarray] = (np.ones(1, dtype=np.uint64), np.ones(1, dtype=np.uint64))


def _powers(length: int) -> tuple[np.ndarray, np.ndarray]:
    """``(B^i, B^-i)`` mod 2^64 for ``i < length`` (array arithmetic wraps mod 2^64, as intended)."""
    global _pow_cache
    if len(_pow_cache[0]) >= length:
        return _pow_cache
    size = max(length, 2 * len(_pow_cache[0]), 1 << 12)
    out = []
    for base in (int(_CHAR_BASE), pow(int(_CHAR_BASE), -1, 1 << 64)):  # B is odd, so invertible
        pw = np.full(size, base, dtype=np.uint64)
        pw[0] = 1
        out.append(np.cumprod(pw, dtype=np.uint64))
    tables = (out[0], out[1])
    if size <= _POW_CACHE_MAX:  # a giant key gets its own tables, not a permanent 2×8 bytes a char
        _pow_cache = tables
    return tables


def _segment_hashes(cp: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """uint64 hash of each token ``cp[starts[i]:ends[i]]``: fmix64 of the polynomial
    sum_j cp[s + j]·B^j mod 2^64, read off one prefix sum as (P[e] − P[s])·B^−s."""
    if not len(starts):
        return np.empty(0, dtype=np.uint64)
    pw, inv = _powers(len(cp) + 1)
    prefix = np.empty(len(cp) + 1, dtype=np.uint64)
    prefix[0] = 0
    np.cumsum(np.multiply(cp, pw[: len(cp)], dtype=np.uint64), out=prefix[1:])
    h = prefix[ends] - prefix[starts]
    h *= inv[starts]
    h += _WORD_SALT
    return _fmix64(h)


def _tokenize(cp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(starts, ends)`` of the tokens ``WORD_RE.findall`` would return, computed on code points."""
    kind = word_number_kinds(np.take(char_classes(), cp))  # 0 none, 1 word, 2 number
    edge = np.empty(len(kind) + 1, dtype=bool)  # edge[i]: kind changes between i-1 and i
    edge[0] = edge[-1] = True
    np.not_equal(kind[1:], kind[:-1], out=edge[1:-1])
    starts = np.flatnonzero(edge[:-1] & (kind != 0))
    ends = np.flatnonzero(edge[1:] & (kind != 0)) + 1  # a word directly before a number: two tokens
    return starts, ends


def _ngrams(w: np.ndarray, counts: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Shingle hashes (not yet unique) and their document index from per-document word hashes ``w``
    (concatenated, ``counts`` words per document). A document with fewer than ``n`` words (but some)
    gives one shingle of all its words."""
    if not 1 <= n <= _MAX_N:
        raise ValueError(f"n must be in 1..{_MAX_N}, got {n}")
    docs = len(counts)
    first = np.zeros(docs + 1, dtype=np.int64)
    np.cumsum(counts, out=first[1:])
    tok_doc = np.repeat(np.arange(docs, dtype=np.int64), counts)
    total = len(w)
    parts_h: list[np.ndarray] = []
    parts_d: list[np.ndarray] = []
    if total >= n:
        m = total - n + 1
        g = w[:m] * _GRAM_MULT[0]
        for k in range(1, n):
            g += w[k : k + m] * _GRAM_MULT[k]
        ok = tok_doc[:m] == tok_doc[n - 1 :]  # windows that do not straddle two documents
        parts_h.append(g[ok])
        parts_d.append(tok_doc[:m][ok])
    short = np.flatnonzero((counts > 0) & (counts < n))
    if len(short):
        c = counts[short]
        f = first[short]
        g = w[f] * _GRAM_MULT[0]
        for k in range(1, n - 1):
            sel = c > k
            g[sel] += w[f[sel] + k] * _GRAM_MULT[k]
        parts_h.append(g)
        parts_d.append(short.astype(np.int64))
    if not parts_h:
        return np.empty(0, dtype=np.uint32), np.empty(0, dtype=np.int64)
    g = np.concatenate(parts_h)
    h = (_fmix64(g) >> _S32).astype(np.uint32)
    return h, np.concatenate(parts_d)


def _unique_per_doc(h: np.ndarray, doc: np.ndarray, docs: int) -> tuple[np.ndarray, np.ndarray]:
    """Sort and dedupe shingles within each document in one sort: key = doc << 32 | hash."""
    key = (doc.astype(np.uint64) << _S32) | h.astype(np.uint64)
    key.sort()
    if len(key):
        keep = np.empty(len(key), dtype=bool)
        keep[0] = True
        np.not_equal(key[1:], key[:-1], out=keep[1:])
        key = key[keep]
    flat = (key & _U32_MASK).astype(np.uint32)
    offsets = np.zeros(docs + 1, dtype=np.int64)
    np.cumsum(np.bincount((key >> _S32).astype(np.int64), minlength=docs), out=offsets[1:])
    return flat, offsets


def word_hashes(words: Sequence[str]) -> np.ndarray:
    """The stable uint64 hash of each word (the same value ``shingles_many`` gives that token).
    Empty strings are dropped."""
    words = [wd for wd in words if wd]
    if not words:
        return np.empty(0, dtype=np.uint64)
    lens = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    starts = np.zeros(len(words), dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    cp = codepoints("".join(words))
    return _segment_hashes(cp, starts, starts + lens)


def word_ngram_hashes(words: Sequence[str], n: int) -> np.ndarray:
    """Sorted unique uint32 hashes of the word ``n``-grams of ``words`` (one shingle of all the words
    if there are fewer than ``n``; empty for no words). Equals ``shingles(key, n)`` when ``words`` is
    ``WORD_RE.findall(key)``."""
    w = word_hashes(words)
    h, _ = _ngrams(w, np.array([len(w)], dtype=np.int64), n)
    return np.unique(h)


def shingles_many(keys: Sequence[str], n: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Shingles of many matching keys at once, as CSR: ``(flat, offsets)`` with document ``i``'s
    sorted unique uint32 shingles at ``flat[offsets[i]:offsets[i + 1]]``. This is the fast path:
    numpy's per-call cost is paid once per chunk of keys, not once per key."""
    keys = list(keys)
    flats: list[np.ndarray] = []
    counts: list[np.ndarray] = []
    i = 0
    while i < len(keys):
        # Chunk by characters to bound the temporaries; one huge key still goes alone.
        j, chars = i, 0
        while j < len(keys) and (j == i or chars + len(keys[j]) < _TEXT_CHUNK_CHARS):
            chars += len(keys[j]) + 1
            j += 1
        flat, offsets = _shingles_chunk(keys[i:j], n)
        flats.append(flat)
        counts.append(np.diff(offsets))
        i = j
    if not flats:
        return np.empty(0, dtype=np.uint32), np.zeros(1, dtype=np.int64)
    offsets = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(np.concatenate(counts), out=offsets[1:])
    return np.concatenate(flats), offsets


def _shingles_chunk(keys: list[str], n: int) -> tuple[np.ndarray, np.ndarray]:
    # "\n" is no word character, so no token spans two keys.
    cp = codepoints("\n".join(keys))
    starts, ends = _tokenize(cp)
    w = _segment_hashes(cp, starts, ends)
    key_start = np.zeros(len(keys), dtype=np.int64)
    if len(keys) > 1:
        np.cumsum(np.fromiter((len(k) + 1 for k in keys[:-1]), dtype=np.int64), out=key_start[1:])
    tok_doc = np.searchsorted(key_start, starts, side="right") - 1
    h, doc = _ngrams(w, np.bincount(tok_doc, minlength=len(keys)), n)
    return _unique_per_doc(h, doc, len(keys))


def shingles(text_key: str, n: int = 5) -> np.ndarray:
    """Sorted unique uint32 hashes of the word ``n``-grams of one matching key."""
    return shingles_many([text_key], n)[0]


class MinHasher:
    """MinHash with ``num_perm`` multiply-add-shift permutations of uint32 shingle hashes.

    The parameters come from ``PCG64(seed).random_raw`` — the raw bit-generator stream, which numpy
    keeps stable across versions (``Generator`` methods are not guaranteed to) — so signatures agree
    across processes, machines and numpy upgrades.
    """

    def __init__(self, num_perm: int, seed: int = 1) -> None:
        if num_perm < 1:
            raise ValueError("num_perm must be positive")
        self.num_perm = num_perm
        self.seed = seed
        raw = np.random.PCG64(seed).random_raw(2 * num_perm).astype(np.uint64)
        # Column vectors: the work buffer is (num_perm, shingles), so each document's shingles are
        # contiguous along a row and np.minimum.reduceat runs over contiguous memory (≈10× faster
        # than reducing along axis 0 of the transposed layout).
        self._a = raw[:num_perm].reshape(-1, 1)
        self._b = raw[num_perm:].reshape(-1, 1)

    def sign(self, hashes: np.ndarray) -> np.ndarray:
        """The (num_perm,) uint32 signature of one shingle set (uint32 hashes; duplicates are harmless)."""
        h = np.asarray(hashes, dtype=np.uint32).ravel()
        if not len(h) or len(h) * self.num_perm > _SIGN_CHUNK_ELEMS:
            return self.sign_flat(h, np.array([0, len(h)], dtype=np.int64))[0]
        work = self._a * h.astype(np.uint64)  # (num_perm, len(h)); wraps mod 2^64, as intended
        work += self._b
        return (work.min(axis=1) >> _S32).astype(np.uint32)

    def sign_many(self, hash_arrays: Sequence[np.ndarray]) -> np.ndarray:
        """The (N, num_perm) uint32 signatures of N shingle sets."""
        lens = np.fromiter((len(a) for a in hash_arrays), dtype=np.int64, count=len(hash_arrays))
        offsets = np.zeros(len(lens) + 1, dtype=np.int64)
        np.cumsum(lens, out=offsets[1:])
        flat = (
            np.concatenate([np.asarray(a, dtype=np.uint32).ravel() for a in hash_arrays])
            if len(hash_arrays)
            else np.empty(0, dtype=np.uint32)
        )
        return self.sign_flat(flat, offsets)

    def sign_flat(self, flat: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """Signatures of CSR shingle sets (as returned by ``shingles_many``): (N, num_perm) uint32."""
        flat = np.asarray(flat, dtype=np.uint32)
        offsets = np.asarray(offsets, dtype=np.int64)
        docs = len(offsets) - 1
        out = np.full((docs, self.num_perm), EMPTY_SIGNATURE_VALUE, dtype=np.uint32)
        budget = max(1, _SIGN_CHUNK_ELEMS // self.num_perm)  # shingles per chunk
        buf = np.empty(self.num_perm * min(budget, max(len(flat), 1)), dtype=np.uint64)
        i = 0
        while i < docs:
            # Largest run of documents i..j-1 whose shingles fit the buffer (at least one document).
            j = int(np.searchsorted(offsets, offsets[i] + budget, side="right")) - 1
            j = min(max(j, i + 1), docs)
            lo, hi = int(offsets[i]), int(offsets[j])
            if hi - lo <= budget:
                out[i:j] = self._sign_chunk(flat[lo:hi], offsets[i : j + 1] - lo, buf)
            else:  # one document larger than the buffer: fold its slices together
                acc = np.full(self.num_perm, np.iinfo(np.uint64).max, dtype=np.uint64)
                for s in range(lo, hi, budget):
                    x = flat[s : min(s + budget, hi)].astype(np.uint64)
                    work = buf[: self.num_perm * len(x)].reshape(self.num_perm, len(x))
                    np.multiply(self._a, x, out=work)
                    work += self._b
                    np.minimum(acc, work.min(axis=1), out=acc)
                out[i] = (acc >> _S32).astype(np.uint32)
            i = j
        return out

    def _sign_chunk(self, x: np.ndarray, offsets: np.ndarray, buf: np.ndarray) -> np.ndarray:
        docs = len(offsets) - 1
        res = np.full((docs, self.num_perm), EMPTY_SIGNATURE_VALUE, dtype=np.uint32)
        nonempty = offsets[1:] > offsets[:-1]
        if not nonempty.any():
            return res
        work = buf[: self.num_perm * len(x)].reshape(self.num_perm, len(x))
        np.multiply(self._a, x.astype(np.uint64), out=work)  # wraps mod 2^64, as intended
        work += self._b
        # reduceat on an empty segment would return a neighbour's value: reduce non-empty ones only.
        mins = np.minimum.reduceat(work, offsets[:-1][nonempty], axis=1)
        res[nonempty] = (mins >> _S32).astype(np.uint32).T
        return res


def is_empty_signature(signatures: np.ndarray) -> np.ndarray | bool:
    """True for the sentinel signature(s) of empty documents (row-wise for a 2-D array)."""
    return np.all(np.asarray(signatures) == EMPTY_SIGNATURE_VALUE, axis=-1)


def band_hashes(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(N, bands) uint64: a stable hash of each band of ``rows`` signature entries, salted with the
    band index so that all bands can share one bucket table. Uses the first ``bands * rows`` entries."""
    sig = np.asarray(signatures)
    if sig.ndim != 2:
        raise ValueError("signatures must be 2-D (N, num_perm)")
    if bands < 1 or rows < 1 or bands * rows > sig.shape[1]:
        raise ValueError(f"bands * rows = {bands * rows} must be in 1..num_perm = {sig.shape[1]}")
    cube = sig[:, : bands * rows].reshape(len(sig), bands, rows).astype(np.uint64)
    h = np.broadcast_to(_fmix64(np.arange(1, bands + 1, dtype=np.uint64)), (len(sig), bands)).copy()
    for r in range(rows):
        h += cube[:, :, r]
        h *= _BAND_MULT
        h ^= h >> _S32
    return _fmix64(h)


def _intersection_size(a: np.ndarray, b: np.ndarray) -> int:
    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return 0
    # Binary-search the smaller sorted array in the larger: O(m log n), no merge sort of both.
    pos = np.searchsorted(b, a)
    pos[pos == len(b)] = 0
    return int(np.count_nonzero(b[pos] == a))


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact |a∩b| / |a∪b| of two sorted unique arrays (0.0 when both are empty)."""
    inter = _intersection_size(a, b)
    union = len(a) + len(b) - inter
    return inter / union if union else 0.0


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """Exact |a∩b| / |a| of two sorted unique arrays: how much of ``a`` lies in ``b`` (0.0 for empty ``a``)."""
    return _intersection_size(a, b) / len(a) if len(a) else 0.0
