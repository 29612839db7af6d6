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
_TRUE = np.ones(1, dtype=bool)


def _mix(x: np.ndarray) -> np.ndarray:
    x = (x + np.uint64(1)) * np.uint64(0xBF58476D1CE4E5B9)
    return x ^ (x >> np.uint64(31))


def _repeat_runs(h: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``h`` sorted: the order that sorts it, where each run of equal values starts in that order,
    and how long each run is."""
    order = h.argsort()
    s = h[order]
    bounds = np.concatenate((_TRUE, s[1:] != s[:-1], _TRUE)).nonzero()[0]
    return order, bounds[:-1], bounds[1:] - bounds[:-1]


def _top_ngram_char_frac(h: np.ndarray, char_sums: np.ndarray, n: int, total: int) -> float:
    """Characters in the most frequent n-gram (all its occurrences) over all word characters;
    among equally frequent n-grams the longest counts. ``h``: the n-gram hashes; ``char_sums``:
    cumulative word lengths (0 first). Every occurrence of an n-gram has its length, so any one
    serves and an unstable sort is enough."""
    order, run_starts, counts = _repeat_runs(h)
    best = int(counts.max())
    if best < 2:
        return 0.0
    at = order[run_starts[counts == best]]
    chars = char_sums[at + n] - char_sums[at]
    return min(1.0, float(chars.max()) * best / total)


def _later_occurrences(h: np.ndarray) -> np.ndarray:
    """Positions whose value in ``h`` occurred at an earlier position (a stable sort keeps equal
    values in position order, so each run's first is the first occurrence)."""
    order = h.argsort(kind="stable")
    s = h[order]
    return order[1:][s[1:] == s[:-1]]


_WORD_STATS = (
    *(f"top_{n}gram_char_frac" for n in (2, 3, 4)),
    *(f"dup_{n}gram_char_frac" for n in range(5, 11)),
)


def _word_stats(ids: np.ndarray, lengths: np.ndarray) -> dict[str, float]:
    """The n-gram figures of _WORD_STATS from per-document word ids and word lengths.

    n-gram hashes are built up one word at a time (the (n+1)-gram hash at i is the n-gram hash at
    i plus the next word's term), so each n costs one vectorised step. Duplicated n-grams: a word
    is covered when it lies in an n-gram occurring a second (or later) time; an n-gram can only
    repeat where its leading (n-1)-gram does, so once no n-gram repeats, no longer one does."""
    out = dict.fromkeys(_WORD_STATS, 0.0)
    total = int(lengths.sum())
    if len(ids) < 2 or not total:
        return out
    char_sums = np.concatenate(([0], np.cumsum(lengths)))
    mixed = _mix(ids)
    h = mixed * _MULTS[0]
    for n in range(2, 11):
        m = len(ids) - n + 1
        if m <= 0:
            break
        h = h[:m] + mixed[n - 1 :] * _MULTS[n - 1]
        if n <= 4:
            out[f"top_{n}gram_char_frac"] = round(_top_ngram_char_frac(h, char_sums, n, total), 6)
        if n >= 5:
            later = _later_occurrences(h)
            if not len(later):
                break
            cover = np.zeros(len(ids) + 1, dtype=np.int64)
            cover[later] += 1  # positions are distinct, so plain fancy-index updates add up
            cover[later + n] -= 1
            covered = np.cumsum(cover[:-1]) > 0
            out[f"dup_{n}gram_char_frac"] = round(float(lengths[covered].sum()) / total, 6)
    return out


def repetition_stats_from_keys(
    line_keys: list[str], paragraph_keys: list[str], same_words_as: dict[str, float] | None = None
) -> dict[str, float]:
    """All the metrics named in khabar.record.STAT_NAMES, from the keys of lines and paragraphs.
    ``same_words_as``: stats of a text with the very same words, whose n-gram figures are reused
    (refine's "after" when repair changed only layout)."""
    dup_line, dup_line_chars = _dup_fractions(line_keys)
    dup_para, dup_para_chars = _dup_fractions(paragraph_keys)
    stats = {
        "lines": sum(1 for k in line_keys if k),
        "dup_line_frac": round(dup_line, 6),
        "dup_line_char_frac": round(dup_line_chars, 6),
        "paragraphs": sum(1 for k in paragraph_keys if k),
        "dup_para_frac": round(dup_para, 6),
        "dup_para_char_frac": round(dup_para_chars, 6),
    }
    if same_words_as is not None:
        return {**stats, **{k: same_words_as[k] for k in _WORD_STATS}}
    words = " ".join(line_keys).split()
    # Word identities only need equality within this one call, so Python's (per-process) str
    # hash serves: the metrics never depend on the hash values themselves.
    ids = np.array(list(map(hash, words)), dtype=np.int64).view(np.uint64)
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    return {**stats, **_word_stats(ids, lengths)}


def repetition_stats(text: str) -> dict[str, float]:
    """All the metrics named in khabar.record.STAT_NAMES for ``text``."""
    keys = match_keys(text.split("\n"))
    return repetition_stats_from_keys(keys, paragraph_keys(keys))
