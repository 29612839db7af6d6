"""The matching key: an aggressive Arabic folding used to compare texts, never shown to users.

The display text keeps what the author wrote (diacritics included); the key folds away every
difference that does not change which word is meant, so that copies that differ only in
diacritics, tatweel, hamza/alef spelling, ya/alef maqsura, ta marbuta or digit script compare equal.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

import numpy as np

# Harakat, Quranic marks and superscript alef: U+064B–U+065F, U+0670; tatweel U+0640.
_DELETE = [*range(0x064B, 0x0660), 0x0670, 0x0640]

_FOLD: dict[int, str] = {
    ord("أ"): "ا",
    ord("إ"): "ا",
    ord("آ"): "ا",
    ord("ٱ"): "ا",
    ord("ى"): "ي",
    ord("ة"): "ه",
    ord("ؤ"): "و",
    ord("ئ"): "ي",
    # Persian look-alikes fold too, so a Persian-keyboard copy matches.
    ord("ک"): "ك",
    ord("ی"): "ي",
    # Arabic punctuation to its ASCII counterpart.
    ord("،"): ",",
    ord("؛"): ";",
    ord("؟"): "?",
    ord("٪"): "%",
    ord("٫"): ".",
    ord("٬"): ",",
    ord("«"): '"',
    ord("»"): '"',
    ord("“"): '"',
    ord("”"): '"',
    ord("„"): '"',
    ord("‘"): "'",
    ord("’"): "'",
    ord("–"): "-",
    ord("—"): "-",
}
for _i in range(10):
    _FOLD[0x0660 + _i] = str(_i)  # Arabic-Indic digits
    _FOLD[0x06F0 + _i] = str(_i)  # Extended Arabic-Indic (Persian) digits
# Invisible characters (bidi controls, zero-width, BOM, soft hyphen) carry no letters.
_INVISIBLE = [*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x206A), 0x061C, 0xFEFF, 0x00AD]
_TABLE: dict[int, str | None] = {cp: None for cp in [*_DELETE, *_INVISIBLE]}
_TABLE.update(_FOLD)

# Presentation forms and compatibility characters are folded by NFKC before the table applies;
# NFKC is only run when such a character is present because it is the slow part.
_NFKC_RANGES = ((0xFB50, 0xFDFF), (0xFE70, 0xFEFF), (0x00A0, 0x00A0), (0x2000, 0x200A), (0x202F, 0x202F),
                 (0x205F, 0x205F), (0x3000, 0x3000))  # fmt: skip
_NEEDS_NFKC = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _NFKC_RANGES) + "]")


# The whole key as one lookup table over the Basic Multilingual Plane, for long texts: folding,
# lower-casing and whitespace in one vectorised gather instead of a dict lookup per character
# (measured 9× faster on 2 KB articles). Entries carry flag bits for characters the table cannot
# handle alone: NFKC triggers (presentation forms, odd spaces) and characters that lower-case to
# two (``İ``); texts holding either, or astral characters, take the plain path or NFKC first.
_SHORT = 48  # below this many characters str.translate is faster than the numpy round trip
_DELETED = 0x1FFFFF  # not a code point
_NFKC_FLAG = 1 << 30
_PLAIN_FLAG = 1 << 29
_VALUE = (1 << 21) - 1


@functools.cache
def _lut() -> np.ndarray:
    """Built on first use (~40 ms), not at import."""
    lut = np.arange(0x10000, dtype=np.uint32)
    for cp in range(0x10000):
        ch = chr(cp)
        low = ch.lower()
        if len(low) > 1:
            lut[cp] |= _PLAIN_FLAG
        elif low != ch:
            lut[cp] = ord(low)
        if ch.isspace():
            lut[cp] = 0x20
    for cp, repl in _TABLE.items():
        lut[cp] = _DELETED if repl is None else ord(repl)
    for lo, hi in _NFKC_RANGES:
        lut[lo : hi + 1] |= _NFKC_FLAG
    return lut


def _plain(text: str) -> str:
    if _NEEDS_NFKC.search(text):
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.translate(_TABLE).lower().split())


def _table_codes(text: str) -> np.ndarray | None:
    """``text``'s code points through the table, flags included; ``None`` for astral characters."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if codes.max(initial=0) > 0xFFFF:
        return None
    return _lut()[codes]


def _fold_codes(text: str) -> np.ndarray | None:
    """The folded code points of ``text`` (deleted characters still marked), or ``None`` when the
    table cannot do it alone and the plain path must."""
    folded = _table_codes(text)
    if folded is None:
        return None
    if (folded >= _PLAIN_FLAG).any():
        if (folded & _PLAIN_FLAG).any():
            return None
        folded = _table_codes(unicodedata.normalize("NFKC", text))
        if folded is None or (folded & _PLAIN_FLAG).any():
            return None
        folded &= _VALUE  # NFKC done: the trigger flags have served
    return folded


_SPACE = 0x20
_BREAK = 0x0A


def _squeeze(folded: np.ndarray) -> str:
    """Folded code points (deleted characters still marked, lines separated by ``\n``, every other
    whitespace already a space) to text whose every line is ``" ".join(line.split())``."""
    folded = folded[folded != _DELETED]
    space = folded == _SPACE
    # keep a space only when the next character is a letter of the same line: one per run, none at
    # a line's end ...
    ends_run = np.ones(len(folded), dtype=bool)
    ends_run[:-1] = space[1:] | (folded[1:] == _BREAK)
    folded = folded[~(space & ends_run)]
    # ... and none at a line's start (the one left of a leading run)
    space = folded == _SPACE
    starts_line = np.ones(len(folded), dtype=bool)
    starts_line[1:] = folded[:-1] == _BREAK
    return folded[~(space & starts_line)].tobytes().decode("utf-32-le", "surrogatepass")


def _vectorised(text: str) -> str:
    folded = _fold_codes(text)
    if folded is None:
        return _plain(text)
    return _squeeze(folded)


def match_keys(lines: Sequence[str]) -> list[str]:
    """``[match_key(line) for line in lines]`` for lines without ``\n``, in one vectorised pass
    over the whole article instead of one per line."""
    text = "\n".join(lines)
    # Line by line where one pass could differ from match_key: NFKC and two-character lower cases
    # (flagged), which match_key applies to the lines holding them only, and a capital sigma, which
    # str.lower (match_key's path for short lines) lower-cases by context.
    if len(text) < _SHORT or text.count("\n") != len(lines) - 1 or "\u03a3" in text:
        return [match_key(line) for line in lines]
    folded = _table_codes(text)
    if folded is None or (folded >= _PLAIN_FLAG).any():
        return [match_key(line) for line in lines]
    # The separators folded to spaces like any whitespace: put them back, then split.
    breaks = np.cumsum([len(line) + 1 for line in lines[:-1]], dtype=np.int64) - 1
    folded[breaks] = _BREAK
    return _squeeze(folded).split("\n")


def match_key(text: str) -> str:
    """Fold ``text`` to its matching key: lower-cased, Arabic orthographic variants merged,
    digits ASCII, punctuation folded, whitespace collapsed to single spaces and stripped."""
    return _vectorised(text) if len(text) >= _SHORT else _plain(text)
