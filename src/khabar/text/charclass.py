"""A code point → character class table, for tokenizers that run on numpy arrays of code points.

The classes are read from the same ``regex`` Unicode tables the pattern tokenizers use (``\\p{L}``,
``\\p{M}``, ``\\p{N}``, ``\\s``), so an array tokenizer and its pattern twin agree on every character.
"""

from __future__ import annotations

import functools

import numpy as np
import regex

NONE, LETTER, MARK, NUMBER, SEP, SPACE = 0, 1, 2, 3, 4, 5
NUMBER_SEPARATORS = ".,٫٬"  # join digits into one number: 3.5, ١٬٠٠٠


@functools.cache
def char_classes() -> np.ndarray:
    """Class of every code point (~0.2 s, once per process)."""
    table = np.zeros(0x110000, dtype=np.uint8)
    everything = "".join(map(chr, range(0x110000)))
    for cls, pattern in ((SPACE, r"\s+"), (LETTER, r"\p{L}+"), (MARK, r"\p{M}+"), (NUMBER, r"\p{N}+")):
        for m in regex.finditer(pattern, everything):
            table[m.start() : m.end()] = cls
    for ch in NUMBER_SEPARATORS:
        table[ord(ch)] = SEP
    return table


def codepoints(text: str) -> np.ndarray:
    """The code points of ``text`` (indices equal ``str`` indices); a lone surrogate (broken JSON
    escapes) is kept as itself."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


__all__ = ["LETTER", "MARK", "NUMBER", "NUMBER_SEPARATORS", "SEP", "SPACE", "char_classes", "codepoints"]
