"""Snippets: the display text around a hit's matches, with each matching word marked.

Built from the stored display paragraphs, not from the indexed (folded) text, so a search for كتب shows
كَتَبَ as the author wrote it, and markers wrap exactly the display word. Backend-neutral: every store
marks the words whose core (``analysis.tokens``) is one the query found.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from khabar.store.analysis import tokens
from khabar.store.base import MARK_END, MARK_START

WINDOW = 32  # words of context shown around the first match


def matches(core: str, exact: Collection[str], prefixes: Sequence[str]) -> bool:
    return core in exact or any(core.startswith(p) for p in prefixes)


def mark(text: str, exact: Collection[str], prefixes: Sequence[str] = ()) -> tuple[str, int]:
    """``text`` with every matching word wrapped in markers, and how many matched."""
    out, last, n = [], 0, 0
    for t in tokens(text):
        if matches(t.core, exact, prefixes):
            out += [text[last : t.start], MARK_START, text[t.start : t.end], MARK_END]
            last, n = t.end, n + 1
    out.append(text[last:])
    return "".join(out), n


def snippet(
    paragraphs: Sequence[str],
    exact: Collection[str],
    prefixes: Sequence[str] = (),
    window: int = WINDOW,
    lead: Sequence[str | None] = (),
) -> tuple[str, int | None]:
    """The best paragraph's text around its first match, marked, and its index: the paragraph with the
    most distinct matching words (the earliest on a tie). With no match in the body, the first of
    ``lead`` (the dateline, the title) that matches, marked, else the opening of the first paragraph;
    the index is then ``None``."""
    best: tuple[int, int] | None = None  # (distinct matches, -index)
    for i, p in enumerate(paragraphs):
        found = {t.core for t in tokens(p) if matches(t.core, exact, prefixes)}
        if found and (best is None or (len(found), -i) > best):
            best = (len(found), -i)
    if best is None:
        for text in lead:
            if text:
                marked, n = mark(text, exact, prefixes)
                if n:
                    return marked, None
        words = paragraphs[0].split() if paragraphs else []
        return " ".join(words[:window]) + (" …" if len(words) > window else ""), None
    i = -best[1]
    text = paragraphs[i]
    toks = tokens(text)
    first = next(k for k, t in enumerate(toks) if matches(t.core, exact, prefixes))
    lo = max(0, first - window // 4)
    hi = min(len(toks), lo + window)
    start = 0 if lo == 0 else toks[lo].start
    end = len(text) if hi == len(toks) else toks[hi - 1].end
    marked, _ = mark(text[start:end], exact, prefixes)
    return ("… " if start else "") + marked + (" …" if end < len(text) else ""), i
