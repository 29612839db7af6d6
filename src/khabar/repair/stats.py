"""Gopher-style repetition metrics (Rae et al. 2021, table A1), measured before and after repair.

Lines are split on ``\\n``, paragraphs on blank lines; words are khabar tokens (combining marks
kept inside words), compared by their matching key so a diacritised repeat still counts.
Character fractions are over the characters of the words, as in the Gopher paper.
"""

from __future__ import annotations

from collections import Counter

import regex

from khabar.text.keys import match_key
from khabar.text.tokens import WORD_RE

_PARAGRAPH_BREAK = regex.compile(r"\n\s*\n")


def _dup_fractions(chunks: list[str]) -> tuple[float, float]:
    """Fraction of chunks that repeat an earlier chunk, by count and by characters."""
    chunks = [c for c in (c.strip() for c in chunks) if c]
    if not chunks:
        return 0.0, 0.0
    seen: set[str] = set()
    dup_n = dup_chars = total_chars = 0
    for c in chunks:
        k = match_key(c)
        total_chars += len(c)
        if k in seen:
            dup_n += 1
            dup_chars += len(c)
        else:
            seen.add(k)
    return dup_n / len(chunks), dup_chars / total_chars if total_chars else 0.0


def _top_ngram_char_frac(words: list[str], n: int, total: int) -> float:
    """Characters in the most frequent n-gram (all its occurrences) over all word characters."""
    if len(words) < n or not total:
        return 0.0
    counts = Counter(zip(*(words[i:] for i in range(n)), strict=False))
    gram, count = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    if count < 2:
        return 0.0
    return min(1.0, sum(len(w) for w in gram) * count / total)


def _dup_ngram_char_fracs(words: list[str], total: int) -> dict[int, float]:
    """For n = 5..10: characters of words covered by any n-gram occurring a second (or later)
    time. An (n+1)-gram can only repeat where its leading n-gram does, so one pass over 5-grams
    finds every candidate and longer n-grams are checked only there."""
    out = dict.fromkeys(range(5, 11), 0.0)
    if len(words) < 5 or not total:
        return out
    first_at: dict[tuple[str, ...], list[int]] = {}
    earlier: dict[int, list[int]] = {}  # start of a repeated 5-gram -> starts of its earlier copies
    for i in range(len(words) - 4):
        gram = tuple(words[i : i + 5])
        starts = first_at.setdefault(gram, [])
        if starts:
            earlier[i] = list(starts)
        starts.append(i)
    if not earlier:
        return out
    for n in range(5, 11):
        covered = bytearray(len(words))
        for i, starts in earlier.items():
            if i + n <= len(words) and (n == 5 or any(words[j : j + n] == words[i : i + n] for j in starts)):
                covered[i : i + n] = b"\x01" * n
        out[n] = sum(len(w) for w, c in zip(words, covered, strict=True) if c) / total
    return out


def repetition_stats(text: str) -> dict[str, float]:
    """All the metrics named in khabar.record.STAT_NAMES for ``text``."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    paragraphs = [p for p in _PARAGRAPH_BREAK.split(text) if p.strip()]
    dup_line, dup_line_chars = _dup_fractions(lines)
    dup_para, dup_para_chars = _dup_fractions(paragraphs)
    words = WORD_RE.findall(match_key(text))
    total = sum(len(w) for w in words)
    stats = {
        "lines": float(len(lines)),
        "dup_line_frac": dup_line,
        "dup_line_char_frac": dup_line_chars,
        "paragraphs": float(len(paragraphs)),
        "dup_para_frac": dup_para,
        "dup_para_char_frac": dup_para_chars,
    }
    for n in (2, 3, 4):
        stats[f"top_{n}gram_char_frac"] = _top_ngram_char_frac(words, n, total)
    for n, frac in _dup_ngram_char_fracs(words, total).items():
        stats[f"dup_{n}gram_char_frac"] = frac
    return {k: round(v, 6) for k, v in stats.items()}
