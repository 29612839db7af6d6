"""Loose Arabic word patterns and the light fold they go with, shared by every parser.

News text spells one word several ways: hamza on the alef or not (``أعلن``/``اعلن``), ta marbuta as ha
(``الجمعة``/``الجمعه``), alef maqsura as ya, tatweel and harakat anywhere. The parsers match word lists
(verbs, month names, number words, agency names) with patterns that accept those spellings, and compare
what they matched after folding it. Both live here, once:

* ``trie_pattern(words, variants=…, after=…)``: the words as one stdlib-``re`` alternation factored into
  a letter trie (``re`` tries alternatives one by one, so a flat list of ~60 stems costs ~60 attempts at
  every word start, the trie one per matching letter); longer words first, as in a longest-first list.
* ``loose_word``/``loose_alternation``: one word (or a flat list of them, longest first) with its letters
  widened to their ``variants`` classes, for patterns that need a flat alternation.
* ``spellings(word, variants)``: every spelling a loose pattern accepts, for tries of literal prefixes.
* ``fold_loose``: harakat and tatweel removed, alef/hamza, ta marbuta and alef maqsura folded, spaces
  collapsed (the key for the dictionaries of month names, number words and currencies).

The matching key of whole texts (``khabar.text.keys.match_key``) folds much more and is another thing.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable, Mapping

import regex

__all__ = [
    "ALEFS",
    "ALEF_VARIANTS",
    "DIGIT_VALUES",
    "FOLDED_VARIANTS",
    "LOOSE_FOLD",
    "SPELLING_VARIANTS",
    "fold_loose",
    "loose_alternation",
    "loose_word",
    "spellings",
    "trie_pattern",
]

ALEFS = "اأإآ"
"""Alef and its hamza/madda forms, which news text uses interchangeably."""

# Variant maps: a letter → the letters it stands for in a loose pattern (a class, in this order).
ALEF_VARIANTS: Mapping[str, str] = {a: ALEFS for a in ALEFS}
"""Any alef form matches any other (verbs and stems written with or without hamza)."""
SPELLING_VARIANTS: Mapping[str, str] = {**ALEF_VARIANTS, "ة": "ةه", "ى": "ىي"}
"""For words as spelt (month names): alef/hamza, and ta marbuta and alef maqsura may be written ه, ي."""
FOLDED_VARIANTS: Mapping[str, str] = {"ا": ALEFS, "ه": "ةه", "ي": "يى"}
"""For words already folded by ``fold_loose``: each folded letter matches every letter folded into it."""

LOOSE_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ـ": None})
"""Alef/hamza (and alef wasla) to alef, ta marbuta to ha, alef maqsura to ya, tatweel removed."""
DIGIT_VALUES: Mapping[str, str] = {
    **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic
    **{chr(0x06F0 + i): str(i) for i in range(10)},  # Extended Arabic-Indic (Persian)
}
"""Arabic-Indic and Persian digits to ASCII, for ``str.maketrans``."""

# The `regex` module, as the parsers that fold use it (its \s is Unicode White_Space).
_HARAKAT = regex.compile(r"[\u064B-\u065F\u0670]")
_SPACES = regex.compile(r"\s+")


@functools.lru_cache(maxsize=8192)  # the words folded are few: month names, units, number words, currencies
def fold_loose(text: str) -> str:
    """``text`` without harakat or tatweel, with ``LOOSE_FOLD`` applied and runs of spaces made one."""
    return _SPACES.sub(" ", _HARAKAT.sub("", text).translate(LOOSE_FOLD)).strip()


def _letter(ch: str, variants: Mapping[str, str], space: str, escape: Callable[[str], str]) -> str:
    if ch == " ":
        return space
    chars = variants.get(ch)
    return f"[{chars}]" if chars else escape(ch)


def trie_pattern(
    words: Iterable[str], *, variants: Mapping[str, str] | None = None, after: str = "", space: str = r"\ "
) -> str:
    """A stdlib-``re`` pattern matching exactly ``words`` (no anchors, no capturing groups), factored into
    a letter trie. Each letter matches its ``variants`` class (letters of one class share a trie node),
    ``after`` follows every letter but a space (e.g. optional harakat), and a space matches ``space``.
    At each node a longer word is tried before a word that ends there."""
    variants = variants or {}
    # letters of one class share a node, keyed by the class's smallest letter
    key_of = {ch: min(k for k, v in variants.items() if v == chars) for ch, chars in variants.items()}
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(key_of.get(ch, ch), {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        alts = [
            _letter(key, variants, space, re.escape) + (after if key != " " else "") + emit(sub)
            for key, sub in sorted(node.items())
            if key
        ]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root)


def loose_word(
    word: str,
    variants: Mapping[str, str],
    *,
    between: str = "",
    space: str = r"\s+",
    escape: Callable[[str], str] = regex.escape,
) -> str:
    """One word or phrase as a pattern: each letter its ``variants`` class, ``between`` between the letters
    of a word (e.g. an optional tatweel), ``space`` for each space."""
    return space.join(
        between.join(_letter(ch, variants, space, escape) for ch in part) for part in word.split(" ")
    )


def loose_alternation(words: Iterable[str], variants: Mapping[str, str], *, space: str = r"\s+") -> str:
    """A flat alternation of ``loose_word`` patterns, duplicates dropped, longest pattern first (ties in
    code-point order, so the pattern is the same on every run)."""
    patterns = {loose_word(w, variants, space=space) for w in words}
    return "|".join(sorted(patterns, key=lambda p: (-len(p), p)))


def spellings(word: str, variants: Mapping[str, str]) -> set[str]:
    """Every spelling of ``word`` that its loose pattern accepts (one letter of each class per position)."""
    return {"".join(p) for p in itertools.product(*(variants.get(c, c) for c in word))}
