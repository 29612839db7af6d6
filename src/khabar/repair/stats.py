"""Gopher-style repetition metrics (Rae et al. 2021, table A1), measured before and after repair.

Everything is measured on matching keys, so a diacritised or tatweel-stretched repeat still
counts: lines are the input split on ``\\n``, paragraphs are runs of lines between blank lines,
words are the whitespace-separated tokens of the keys (as Gopher splits words). Character
fractions are over key characters. ``repetition_stats_from_keys`` takes keys a caller already
has (``refine`` keys every line once and measures before and after from those).
"""

from __future__ import annotations

import numpy as np

from khabar.text.keys import match_keys


def _dup_fractions(keys: list[str]) -> tuple[float, float]:
    """Fraction of non-empty keys that repeat an earlier one, by count and by characters."""
    keys = [k for k in keys if k]
    if not keys:
        return 0.0, 0.0
    seen: set[str] = set()
    dup_n = dup_chars = total_chars = 0
    for k in keys:
        total_chars += len(k)
        if k in seen:
            dup_n += 1
            dup_chars += len(k)
        else:
            seen.add(k)
    return dup_n / len(keys), dup_chars / total_chars


def paragraph_keys(line_keys: list[str]) -> list[str]:
    """Keys of the paragraphs — runs of non-empty lines between empty ones — from line keys."""
    out: list[str] = []
    run: list[str] = []
    for k in [*line_keys, ""]:
        if k:
            run.append(k)
        elif run:
            out.append(" ".join(run))
            run = []
    return out


# n-grams are compared as 64-bit polynomial hashes of per-document word ids (wrapping uint64
# arithmetic): vectorised, and a collision needs two different n-grams of one article to agree on
# 64 bits.
# Multipliers are random odd 64-bit numbers (fixed: the raw PCG64 stream is stable across numpy
# versions); word ids are mixed first so that n-grams of small ids do not add up alike.
_MULTS = np.random.PCG64(20151).random_raw(16).astype(np.uint64) | np.uint64(1)


def _mix(x: np.ndarray) -> np.ndarray:
    x = (x + np.uint64(1)) * np.uint64(0xBF58476D1CE4E5B9)
    return x ^ (x >> np.uint64(31))


def _ngram_hashes(ids: np.ndarray, n: int) -> np.ndarray:
    m = len(ids) - n + 1
    mixed = _mix(ids)
    h = np.zeros(m, dtype=np.uint64)
    for k in range(n):
        h += mixed[k : k + m] * _MULTS[k]
    return h


def _window_sums(lengths: np.ndarray, n: int) -> np.ndarray:
    c = np.concatenate(([0], np.cumsum(lengths)))
    return c[n:] - c[:-n]


def _top_ngram_char_frac(ids: np.ndarray, lengths: np.ndarray, n: int, total: int) -> float:
    """Characters in the most frequent n-gram (all its occurrences) over all word characters;
    among equally frequent n-grams the longest counts."""
    if len(ids) < n or not total:
        return 0.0
    h = _ngram_hashes(ids, n)
    _, first, counts = np.unique(h, return_index=True, return_counts=True)
    best = counts.max()
    if best < 2:
        return 0.0
    chars = _window_sums(lengths, n)[first]
    return min(1.0, float(chars[counts == best].max()) * int(best) / total)


def _dup_ngram_char_fracs(ids: np.ndarray, lengths: np.ndarray, total: int) -> dict[int, float]:
    """For n = 5..10: characters of words covered by any n-gram occurring a second (or later)
    time, over all word characters. An n-gram can only repeat where its leading 5-gram does, so
    one pass over 5-grams finds the candidates and the longer n-grams are checked only there."""
    out = dict.fromkeys(range(5, 11), 0.0)
    if len(ids) < 5 or not total:
        return out
    h = _ngram_hashes(ids, 5)
    _, first, inverse = np.unique(h, return_index=True, return_inverse=True)
    starts = np.flatnonzero(first[inverse] != np.arange(len(h)))
    if not len(starts):
        return out
    # For each repeated start, the longest run (≤ 10 words) it shares with an earlier copy.
    words = ids.tolist()
    by_gram: dict[int, list[int]] = {}
    for i in np.flatnonzero(first[inverse] == np.arange(len(h))).tolist() + starts.tolist():
        by_gram.setdefault(int(inverse[i]), []).append(i)
    longest = {}
    for i in starts.tolist():
        best = 5
        for j in by_gram[int(inverse[i])]:
            if j >= i:
                break
            k = 5
            while k < 10 and i + k < len(words) and words[i + k] == words[j + k]:
                k += 1
            best = max(best, k)
        longest[i] = best
    for n in range(5, 11):
        cover = np.zeros(len(ids) + 1, dtype=np.int64)
        for i, run in longest.items():
            if run >= n:
                cover[i] += 1
                cover[i + n] -= 1
        out[n] = float(lengths[np.cumsum(cover[:-1]) > 0].sum()) / total
    return out


_WORD_STATS = (
    *(f"top_{n}gram_char_frac" for n in (2, 3, 4)),
    *(f"dup_{n}gram_char_frac" for n in range(5, 11)),
)


def repetition_stats_from_keys(
    line_keys: list[str], paragraph_keys: list[str], same_words_as: dict[str, float] | None = None
) -> dict[str, float]:
    """All the metrics named in khabar.record.STAT_NAMES, from the keys of lines and paragraphs.
    ``same_words_as``: stats of a text with the very same words, whose n-gram figures are reused
    (refine's "after" when repair changed only layout)."""
    dup_line, dup_line_chars = _dup_fractions(line_keys)
    dup_para, dup_para_chars = _dup_fractions(paragraph_keys)
    stats = {
        "lines": float(sum(1 for k in line_keys if k)),
        "dup_line_frac": round(dup_line, 6),
        "dup_line_char_frac": round(dup_line_chars, 6),
        "paragraphs": float(sum(1 for k in paragraph_keys if k)),
        "dup_para_frac": round(dup_para, 6),
        "dup_para_char_frac": round(dup_para_chars, 6),
    }
    if same_words_as is not None:
        return {**stats, **{k: same_words_as[k] for k in _WORD_STATS}}
    words = " ".join(line_keys).split()
    # Word identities only need equality within this one call, so Python's (per-process) str
    # hash serves: the metrics never depend on the hash values themselves.
    ids = np.fromiter(map(hash, words), dtype=np.int64, count=len(words)).view(np.uint64)
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    total = int(lengths.sum())
    for n in (2, 3, 4):
        stats[f"top_{n}gram_char_frac"] = round(_top_ngram_char_frac(ids, lengths, n, total), 6)
    for n, frac in _dup_ngram_char_fracs(ids, lengths, total).items():
        stats[f"dup_{n}gram_char_frac"] = round(frac, 6)
    return stats


def repetition_stats(text: str) -> dict[str, float]:
    """All the metrics named in khabar.record.STAT_NAMES for ``text``."""
    keys = match_keys(text.split("\n"))
    return repetition_stats_from_keys(keys, paragraph_keys(keys))
