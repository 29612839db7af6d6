"""Finding repeated content inside one article: repeated paragraphs and a body pasted twice.

Paragraphs are compared by their matching key, so a copy that differs only in diacritics,
tatweel, alef/hamza spelling or digit script is still a copy. The first occurrence is always kept.

Lines also repeat on purpose. Short ones — separators (``***``), captions (``صورة``), Q&A labels
(``س:``), scores, ``(وكالات)`` — are never removed (fewer than ``MIN_REPEAT_WORDS`` words). And on
SaudiNewsNet most single repeated lines of ordinary length were authored: a poem's refrain, a
formula closing each cabinet decision («وقد أعد مرسوم ملكي بذلك.»), a verse quoted and then quoted
again in full. Scraper copies come as blocks. So a repeated paragraph is removed when it belongs to
a block — it and a neighbour both repeat, and their first occurrences are neighbours in the same
order — or when it is long enough (``MIN_SINGLE_REPEAT_WORDS``) that a repeat is no figure of
speech. The title repeated as the first paragraph is removed at any length — except in verse
(many short lines), where the title is the poem's first hemistich and belongs to it.
"""

from __future__ import annotations

from collections.abc import Sequence

from khabar.text.keys import match_key
from khabar.text.tokens import TOKEN_RE

MIN_REPEAT_WORDS = 5
MIN_SINGLE_REPEAT_WORDS = 20
# A body pasted twice inside one line must be at least this many tokens long per copy, and may
# follow a short lead (a dateline the second copy lacks) of at most MAX_LEAD_TOKENS.
MIN_REPEATED_BODY_TOKENS = 8
MIN_REPEATED_BODY_WORDS = 5
MAX_LEAD_TOKENS = 40
_TAIL_CHARS = 16


def repeated_paragraphs(
    keys: Sequence[str],
    word_counts: Sequence[int],
    first: dict[str, int] | None = None,
    min_words: int = MIN_REPEAT_WORDS,
) -> dict[int, int]:
    """Indices of paragraphs to remove as repeats of an earlier one, each mapped to the index of
    the first occurrence (see the module docstring for which repeats qualify). ``first`` may
    pre-register other keys of a paragraph (the first line as it was before its dateline was cut)."""
    seen: dict[str, list[int]] = {k: [i] for k, i in (first or {}).items()}
    earlier: dict[int, list[int]] = {}  # repeat -> every earlier occurrence (the first is kept)
    for i, (k, n) in enumerate(zip(keys, word_counts, strict=True)):
        if not k:
            continue
        before = [j for j in seen.get(k, ()) if j != i]
        if before and n >= min_words:
            earlier[i] = before
        seen.setdefault(k, []).append(i)
    repeats = {i: occ[0] for i, occ in earlier.items()}

    def in_block(i: int) -> bool:
        # a neighbour repeats too, and some earlier copies of the two are neighbours as well
        return any(i + d in earlier and any(j + d in earlier[i + d] for j in earlier[i]) for d in (-1, 1))

    return {
        i: kept for i, kept in repeats.items() if word_counts[i] >= MIN_SINGLE_REPEAT_WORDS or in_block(i)
    }


def is_verse(word_counts: Sequence[int]) -> bool:
    """Many short lines: a poem (SaudiNewsNet's alriyadh runs poems titled by their first line)."""
    lines = sorted(n for n in word_counts if n)
    return len(lines) >= 4 and lines[len(lines) // 2] <= 8


def find_doubled_body(line: str, key: str | None = None) -> int | None:
    """If ``line`` holds a body pasted two or three times with no line break (after an optional
    short lead), return where the first copy ends: ``line[end:]`` is the copies after it.
    Otherwise ``None``. ``key`` is the line's matching key when the caller has it."""
    key = match_key(line) if key is None else key
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
            if sum(1 for k in unit if k[:1].isalnum()) < MIN_REPEATED_BODY_WORDS:
                continue  # a run of punctuation («»»»»» …) is no body
            if all(keys[lead + c * size : lead + (c + 1) * size] == unit for c in range(1, copies)):
                return toks[lead + size - 1].end()
        if rest < 2 * MIN_REPEATED_BODY_TOKENS:
            break
    return None
