"""Word tokenizer that keeps combining marks (harakat, shadda) inside their words.

``\\w`` in most engines splits ``يُسهّل`` at its marks; Unicode classes (``\\p{L}\\p{M}``) from the
``regex`` module do not. Numbers keep their decimal and thousands separators (``3.5``, ``١٬٠٠٠``).
"""

from __future__ import annotations

from typing import NamedTuple

import regex

_NUMBER = r"\p{N}+(?:[.,٫٬]\p{N}+)*"
_WORD = r"\p{L}[\p{L}\p{M}]*"
WORD_RE = regex.compile(rf"{_NUMBER}|{_WORD}")
TOKEN_RE = regex.compile(rf"(?P<w>{_NUMBER}|{_WORD})|[^\s\p{{L}}\p{{M}}\p{{N}}]")


class Token(NamedTuple):
    """A token and its character offsets. A named tuple: tokens are made by the hundred per
    paragraph, and a tuple is several times cheaper to build than a frozen dataclass."""

    text: str
    start: int
    end: int
    is_word: bool = True  # a word or number, not punctuation


def tokenize(text: str) -> list[Token]:
    """Words, numbers and single punctuation characters, with character offsets."""
    return [Token(m.group(), m.start(), m.end(), m.lastgroup == "w") for m in TOKEN_RE.finditer(text)]


def words(text: str) -> list[str]:
    """The words and numbers of ``text``, punctuation left out."""
    return WORD_RE.findall(text)
