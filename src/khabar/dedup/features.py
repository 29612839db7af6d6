"""The per-article map step of deduplication: everything the reduce needs, in compact columns.

A ``FeatureBatch`` holds, for N articles: ids, published dates, body lengths, the exact-content
hash of the matching key, a normalised-URL hash, word n-gram shingles (CSR), sentence fingerprints
(CSR) and MinHash signatures. Batches concatenate, and save to / load from ``.npz`` for the
incremental index; no text is kept.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from khabar.dedup.config import DedupConfig
from khabar.dedup.minhash import MinHasher, shingles_many
from khabar.dedup.urls import normalise_url
from khabar.text.keys import match_keys


def hash64(text: str) -> int:
    """A stable 64-bit hash (Python's ``hash`` differs between processes)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


@dataclass(frozen=True, slots=True)
class DedupDoc:
    """What deduplication needs to know of one article."""

    id: str
    text: str
    published: str | None = None
    url: str | None = None
    source: str | None = None


def _csr(arrays: Sequence[np.ndarray], dtype: type) -> tuple[np.ndarray, np.ndarray]:
    offsets = np.zeros(len(arrays) + 1, dtype=np.int64)
    if arrays:
        np.cumsum([len(a) for a in arrays], out=offsets[1:])
    values = np.concatenate(arrays).astype(dtype, copy=False) if arrays else np.zeros(0, dtype=dtype)
    return offsets, values


@dataclass
class FeatureBatch:
    ids: list[str]
    sources: list[str | None]
    published: list[str | None]
    lengths: np.ndarray  # int64, characters of the body's matching key
    key_hash: np.ndarray  # uint64
    url_hash: np.ndarray  # uint64, 0 where there is no URL
    shingle_offsets: np.ndarray  # int64, N + 1
    shingle_values: np.ndarray  # uint32
    sentence_offsets: np.ndarray  # int64, N + 1
    sentence_values: np.ndarray  # uint64
    signatures: np.ndarray  # N × num_perm

    def __len__(self) -> int:
        return len(self.ids)

    def shingles_of(self, i: int) -> np.ndarray:
        return self.shingle_values[self.shingle_offsets[i] : self.shingle_offsets[i + 1]]

    @classmethod
    def concat(cls, batches: list[FeatureBatch], consume: bool = False) -> FeatureBatch:
        """One batch of all ``batches``, in order. ``consume`` empties the list as it goes, so a
        million articles' features are not held twice at the peak."""
        parts = [b for b in batches if len(b)]
        if consume:
            batches.clear()
        if not parts:
            return empty_batch()
        if len(parts) == 1:
            return parts[0]
        n = sum(len(b) for b in parts)
        n_sh = sum(len(b.shingle_values) for b in parts)
        n_se = sum(len(b.sentence_values) for b in parts)
        first = parts[0]
        out = cls(
            ids=[],
            sources=[],
            published=[],
            lengths=np.empty(n, first.lengths.dtype),
            key_hash=np.empty(n, first.key_hash.dtype),
            url_hash=np.empty(n, first.url_hash.dtype),
            shingle_offsets=np.zeros(n + 1, np.int64),
            shingle_values=np.empty(n_sh, first.shingle_values.dtype),
            sentence_offsets=np.zeros(n + 1, np.int64),
            sentence_values=np.empty(n_se, first.sentence_values.dtype),
            signatures=np.empty((n, first.signatures.shape[1]), first.signatures.dtype),
        )
        i = sh = se = 0
        parts.reverse()  # pop from the end: each part is freed once copied
        while parts:
            b = parts.pop()
            k = len(b)
            out.ids += b.ids
            out.sources += b.sources
            out.published += b.published
            for name in ("lengths", "key_hash", "url_hash", "signatures"):
                getattr(out, name)[i : i + k] = getattr(b, name)
            out.shingle_offsets[i + 1 : i + k + 1] = b.shingle_offsets[1:] + sh
            out.shingle_values[sh : sh + len(b.shingle_values)] = b.shingle_values
            out.sentence_offsets[i + 1 : i + k + 1] = b.sentence_offsets[1:] + se
            out.sentence_values[se : se + len(b.sentence_values)] = b.sentence_values
            i, sh, se = i + k, sh + len(b.shingle_values), se + len(b.sentence_values)
            del b
        return out

    def save(self, path: Path) -> None:
        """Write to ``path`` (``.npz``); strings as arrays of str, missing values as ""."""
        np.savez(
            path,
            ids=np.array(self.ids, dtype=str),
            sources=np.array([s or "" for s in self.sources], dtype=str),
            published=np.array([p or "" for p in self.published], dtype=str),
            lengths=self.lengths,
            key_hash=self.key_hash,
            url_hash=self.url_hash,
            shingle_offsets=self.shingle_offsets,
            shingle_values=self.shingle_values,
            sentence_offsets=self.sentence_offsets,
            sentence_values=self.sentence_values,
            signatures=self.signatures,
        )

    @classmethod
    def load(cls, path: Path) -> FeatureBatch:
        with np.load(path, allow_pickle=False) as z:
            return cls(
                ids=[str(x) for x in z["ids"]],
                sources=[str(x) or None for x in z["sources"]],
                published=[str(x) or None for x in z["published"]],
                lengths=z["lengths"],
                key_hash=z["key_hash"],
                url_hash=z["url_hash"],
                shingle_offsets=z["shingle_offsets"],
                shingle_values=z["shingle_values"],
                sentence_offsets=z["sentence_offsets"],
                sentence_values=z["sentence_values"],
                signatures=z["signatures"],
            )


def empty_batch(config: DedupConfig | None = None) -> FeatureBatch:
    num_perm = (config or DedupConfig()).num_perm
    zero = np.zeros(1, dtype=np.int64)
    return FeatureBatch(
        [], [], [], np.zeros(0, np.int64), np.zeros(0, np.uint64), np.zeros(0, np.uint64), zero,
        np.zeros(0, np.uint32), zero.copy(), np.zeros(0, np.uint64), np.zeros((0, num_perm), np.uint32),
    )  # fmt: skip


# Sentences of a line's matching key end at . ? ! (the key folds ؟ to ?); other punctuation is
# dropped so that a copy punctuated differently still matches. Working on the keys a document
# already has, with C-speed string methods and crc32, keeps this a few µs an article.
_KEY_SENTENCE_END = re.compile(r"[.!?]+")
_OTHER_PUNCT = re.compile(r"[\"#$%&'()*+,\-/:;<=>@\[\\\]^_`{|}~]+")


def _fingerprint(sentence: str) -> int:
    """A stable 64-bit fingerprint: two crc32s (10× cheaper than a cryptographic hash; a rare
    collision only adds a candidate pair, which verification then drops)."""
    data = sentence.encode("utf-8")
    return zlib.crc32(data) << 32 | zlib.crc32(data, 0x9E3779B9)


def sentence_fingerprints(line_keys: Sequence[str], min_words: int) -> np.ndarray:
    """Fingerprints of the body's sentences of at least ``min_words`` words, from its line keys."""
    fps = set()
    for key in line_keys:
        for sentence in _KEY_SENTENCE_END.split(_OTHER_PUNCT.sub(" ", key)):
            words = sentence.split()
            if len(words) >= min_words:
                fps.add(_fingerprint(" ".join(words)))
    return np.array(sorted(fps), dtype=np.uint64)


_HASHERS: dict[tuple[int, int], MinHasher] = {}


def _hasher(config: DedupConfig) -> MinHasher:
    key = (config.num_perm, config.seed)
    if key not in _HASHERS:
        _HASHERS[key] = MinHasher(config.num_perm, seed=config.seed)
    return _HASHERS[key]


def compute_features(docs: Sequence[DedupDoc], config: DedupConfig) -> FeatureBatch:
    """The map step over a batch of documents (signing is vectorised over the batch)."""
    line_keys = [match_keys(d.text.split("\n")) for d in docs]
    # the key of the whole body is its non-empty line keys joined by spaces (= match_key(text))
    keys = [" ".join(k for k in lk if k) for lk in line_keys]
    sv, so = shingles_many(keys, config.ngram)
    sentence_sets = [sentence_fingerprints(lk, config.min_sentence_words) for lk in line_keys]
    to, tv = _csr(sentence_sets, np.uint64)
    url_norm = [normalise_url(d.url) for d in docs]
    return FeatureBatch(
        ids=[d.id for d in docs],
        sources=[d.source for d in docs],
        published=[d.published for d in docs],
        lengths=np.array([len(k) for k in keys], dtype=np.int64),
        # 0 marks "no content": empty bodies are not exact duplicates of each other
        key_hash=np.array([hash64(k) if k else 0 for k in keys], dtype=np.uint64),
        url_hash=np.array([hash64(u) if u else 0 for u in url_norm], dtype=np.uint64),
        shingle_offsets=so,
        shingle_values=sv,
        sentence_offsets=to,
        sentence_values=tv,
        signatures=_hasher(config).sign_flat(sv, so),
    )
