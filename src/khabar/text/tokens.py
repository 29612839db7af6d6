"""Word tokenizer that keeps combining marks (harakat, shadda) inside their words.

``\\w`` in most engines splits ``يُسهّل`` at its marks; Unicode classes (``\\p{L}\\p{M}``) from the
``regex`` module do not. Numbers keep their decimal and thousands separators (``3.5``, ``١٬٠٠٠``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import regex

from khabar.text.charclass import LETTER, MARK, NUMBER, SEP, SPACE, char_classes, codepoints

_NUMBER = r"\p{N}+(?:[.,٫٬]\p{N}+)*"
_WORD = r"\p{L}[\p{L}\p{M}]*"
WORD_RE = regex.compile(rf"{_NUMBER}|{_WORD}")
_MARK_STEPS = 4  # runs of marks resolved a step at a time before the linear pass takes over
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


def token_spans(text: str) -> tuple[list[int], list[int], list[bool]]:
    """``(starts, ends, is_word)`` of the tokens ``tokenize`` finds, computed on an array of code points:
    several times faster on a paragraph than matching the pattern and making a ``Token`` per match."""
    starts, ends, is_word = token_span_arrays(text)
    return starts.tolist(), ends.tolist(), is_word.tolist()


def token_span_arrays(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``token_spans`` as numpy arrays."""
    if not text:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp), np.zeros(0, dtype=bool)
    cls = np.take(char_classes(), codepoints(text))
    kind = word_number_kinds(cls)
    # every other character is a token of its own, unless it is a space or a stray mark
    kind[(kind == 0) & (cls != SPACE) & (cls != MARK)] = 3
    edge = np.empty(len(kind) + 1, dtype=bool)  # edge[i]: a token may start at i / end before i
    edge[0] = edge[-1] = True
    np.not_equal(kind[1:], kind[:-1], out=edge[1:-1])
    edge[1:-1] |= kind[1:] == 3
    starts = np.flatnonzero(edge[:-1] & (kind != 0))
    ends = np.flatnonzero(edge[1:] & (kind != 0)) + 1
    return starts, ends, kind[starts] < 3


def word_number_kinds(cls: np.ndarray) -> np.ndarray:
    """Per character (``cls``: its ``khabar.text.charclass`` class), ``1`` inside a word, ``2`` inside a number,
    ``0`` elsewhere, as ``WORD_RE`` reads them: a word is ``\\p{L}[\\p{L}\\p{M}]*``, a number ``\\p{N}+`` runs
    joined by one separator between two digits."""
    number = cls == NUMBER
    num = number.copy()
    num[1:-1] |= (cls[1:-1] == SEP) & number[:-2] & number[2:]
    # A mark is in a word iff the character before it is. Marks are rare (in a matching key, harakat are
    # folded away) and come one or two at a time, so resolve them by index, a run at a time, not with a
    # scan over every character...
    word = cls == LETTER
    marks = np.flatnonzero(cls == MARK)
    marks = marks[marks > 0]
    for _ in range(_MARK_STEPS):
        if not len(marks):
            break
        joins = word[marks - 1]
        if not joins.any():
            return word.view(np.uint8) + 2 * num.view(np.uint8)  # disjoint
        word[marks[joins]] = True
        marks = marks[~joins]
    if len(marks):
        # ...but a long run of marks (200k harakat on one letter) would take a step per mark: quadratic.
        # Then in one linear pass: a mark belongs to a word iff the last non-mark before it is a letter.
        last_base = np.where(cls != MARK, np.arange(len(cls)), -1)
        np.maximum.accumulate(last_base, out=last_base)
        anchors = last_base[marks]
        joined = marks[anchors >= 0]
        word[joined] = cls[anchors[anchors >= 0]] == LETTER
    return word.view(np.uint8) + 2 * num.view(np.uint8)  # disjoint
