"""An Arabic sentence splitter, giving character spans.

A sentence ends at ``.``, ``!``, ``?``, ``؟``, ``…`` or ``؛``-free runs of them, taking closing quotes
and brackets along, when whitespace or the end follows. It does not end after a decimal point,
after one-letter abbreviations (``د.``, ``أ.``, ``م.``), nor inside an open «…» or "…" quote.
"""

from __future__ import annotations

import regex

_END = regex.compile(r"[.!?؟…]+[\"'»”’)\]]*(?=\s|$)")
_ABBREV = regex.compile(r"(?:^|[\s(])(?:\p{L}|[دم]ج|ص\.ب|إلخ|الخ)\.$")
_OPEN_QUOTES = {"«": "»", "“": "”"}


def _inside_quote(text: str) -> bool:
    for opening, closing in _OPEN_QUOTES.items():
        if text.count(opening) > text.count(closing):
            return True
    return text.count('"') % 2 == 1


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of the sentences of ``text``, leading/trailing spaces excluded."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        end = m.end()
        piece = text[start:end]
        if _ABBREV.search(text[start : m.start() + 1]) or _inside_quote(piece):
            continue
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out
