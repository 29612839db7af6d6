"""Finding repeated content inside one article: repeated paragraphs and a body pasted twice.

Paragraphs are compared by their matching key, so a copy that differs only in diacritics,
tatweel, alef/hamza spelling or digit script is still a copy. The first occurrence is always kept.

Short lines legitimately repeat — separators (``***``), captions (``صورة``), Q&A labels
(``س:``), scores, ``(وكالات)`` — so a paragraph is only removed as a repeat when it has at least
``MIN_REPEAT_WORDS`` words. The title repeated as the first paragraph is removed at any length.
"""

from __future__ import annotations

from collections.abc import Sequence

from khabar.text.keys import match_key
from khabar.text.tokens import TOKEN_RE

MIN_REPEAT_WORDS = 5
# A body pasted twice inside one line must be at least this many tokens long per copy, and may
# follow a short lead (a dateline the second copy lacks) of at most MAX_LEAD_TOKENS.
MIN_REPEATED_BODY_TOKENS = 8
MAX_LEAD_TOKENS = 40
_TAIL_CHARS = 16


def repeated_paragraphs(
    keys: Sequence[str],
    word_counts: Sequence[int],
    first: dict[str, int] | None = None,
    min_words: int = MIN_REPEAT_WORDS,
) -> dict[int, int]:
    """Indices of paragraphs that repeat an earlier one, each mapped to the index of the first
    occurrence. Paragraphs shorter than ``min_words`` are never treated as repeats. ``first`` may
    pre-register other keys of a paragraph (the first line as it was before its dateline was cut)."""
    first = dict(first or {})
    repeats: dict[int, int] = {}
    for i, (k, n) in enumerate(zip(keys, word_counts, strict=True)):
        if not k:
            continue
        if first.get(k, i) != i and n >= min_words:
            repeats[i] = first[k]
        else:
            first.setdefault(k, i)
    return repeats


def find_doubled_body(line: str) -> int | None:
    """If ``line`` holds a body pasted two or three times with no line break (after an optional
    short lead), return where the first copy ends: ``line[end:]`` is the copies after it.
    Otherwise ``None``."""
    key = match_key(line)
    # A doubled body ends with a tail that also occurs earlier: a C-speed test that rules out
    # almost every line before any tokenising.
    tail = key[-_TAIL_CHARS:]
    if len(key) < 2 * _TAIL_CHARS or key.find(tail) == len(key) - len(tail):
        return None
    toks = list(TOKEN_RE.finditer(line))
    n = len(toks)
    if n < 2 * MIN_REPEATED_BODY_TOKENS:
        return None
    keys = TOKEN_RE.findall(key)
    if len(keys) != n:  # folding merged or dropped a token (e.g. a lone tatweel): key each one
        keys = [match_key(t.group()) for t in toks]
    for lead in range(min(MAX_LEAD_TOKENS, n) + 1):
        rest = n - lead
        for copies in (2, 3):
            if rest % copies:
                continue
            size = rest // copies
            if size < MIN_REPEATED_BODY_TOKENS:
                continue
            # Cheap first/last token checks before comparing whole slices.
            if keys[lead] != keys[lead + size] or keys[lead + size - 1] != keys[-1]:
                continue
            unit = keys[lead : lead + size]
            if all(keys[lead + c * size : lead + (c + 1) * size] == unit for c in range(1, copies)):
                return toks[lead + size - 1].end()
        if rest < 2 * MIN_REPEATED_BODY_TOKENS:
            break
    return None
