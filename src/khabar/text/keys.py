"""The matching key: an aggressive Arabic folding used to compare texts, never shown to users.

The display text keeps what the author wrote (diacritics included); the key folds away every
difference that does not change which word is meant, so that copies that differ only in
diacritics, tatweel, hamza/alef spelling, ya/alef maqsura, ta marbuta or digit script compare equal.
"""

from __future__ import annotations

import unicodedata

import regex

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
    ord("ـ"): None,  # type: ignore[dict-item]  # tatweel (also in _DELETE, kept explicit for readers)
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
_NEEDS_NFKC = regex.compile(r"[\uFB50-\uFDFF\uFE70-\uFEFF\u00A0\u2000-\u200A\u202F\u205F\u3000]")


def match_key(text: str) -> str:
    """Fold ``text`` to its matching key: lower-cased, Arabic orthographic variants merged,
    digits ASCII, punctuation folded, whitespace collapsed to single spaces and stripped."""
    if _NEEDS_NFKC.search(text):
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.translate(_TABLE).lower().split())
