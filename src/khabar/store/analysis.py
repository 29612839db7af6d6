"""Arabic analysis for search: the form a word is indexed under, and the forms a query word looks for.

Built on khabar's matching key (``khabar.text.keys.match_key``), so search folds exactly what the rest of
khabar folds: hamza/alef spelling, ya/alef maqsura, ta marbuta, harakat, tatweel, digit script, case.
Harakat and tatweel are deleted, not turned into separators, so they stay inside their word (stock FTS5
``unicode61`` splits كَتَبَ at its marks into ك/ت/ب).

**Document side** (``index_text``): every word is indexed under one form, its *core*: the folded word
with a definite-article clitic group removed (ال، وال، بال، كال، فال، لل، وبال …). ال followed by three
or more letters is almost always the article, so this is safe. It runs over a whole text at once (the
vectorised matching key and three regular expressions, all in C), so the stored text can be tokenized by
FTS5's C tokenizer: no Python per word (``benchmarks/store_index.py`` measured the alternatives).

**Query side** (``query_variants``): a query word looks for its core, and for the core with a
single-letter clitic before it (و ف ب ك ل, or و/ف + ب/ك/ل) and/or one light suffix after it (ها هم هما
كم كما نا ات ان ين ون يه ي ه). So كتب finds وكتب، كتاب finds لكتابه and سلمان finds لسلمان, while
the document word is never cut: these letters begin many names and words (بلال، لبنان، كتاب، وزير), and
a query for وزير must not find زير, nor a query for سلمان find سلم. Nothing is added to a core shorter
than three letters, nothing removed that would leave fewer than three (الله، ولد، وصل stay whole), and no
rule strips a letter that is not a clitic (أحمد is never حمد).
"""

from __future__ import annotations

import functools
import itertools
import unicodedata
from typing import NamedTuple

import numpy as np
import regex

from khabar.text.keys import match_key

# Letters, digits, marks and invisible format characters: harakat (Mn), tatweel (Lm), a zero-width
# joiner or a soft hyphen (Cf) stay inside their word, since the key deletes them.
WORD_RE = regex.compile(r"[\p{L}\p{N}\p{M}\p{Cf}]+")
_MARKS = regex.compile(r"[\p{M}\p{Cf}]+")  # what match_key may leave of these (rare Quranic signs)
_NOT_WORD = regex.compile(r"[^\p{L}\p{N}]+")
_NOT_DISPLAY_WORD = regex.compile(r"[^\p{L}\p{N}\p{M}\p{Cf}]+")

# Bumped whenever what ``index_text`` gives for a text changes: a store indexed by another version is
# reindexed when opened for writing (its full-text index holds no text to recompute from).
ANALYSIS_VERSION = "1"

MIN_STEM = 3  # letters a core must keep, and have before variants are made of it

# Longest first: the first that leaves MIN_STEM letters is removed.
ARTICLE_PREFIXES = ("وبال", "وكال", "فبال", "فكال", "ولل", "فلل", "وال", "فال", "بال", "كال", "لل", "ال")
LETTER_PREFIXES = ("وب", "وك", "ول", "فب", "فك", "فل", "و", "ف", "ب", "ك", "ل")
SUFFIXES = ("هما", "كما", "ها", "هم", "كم", "نا", "ات", "ان", "ين", "ون", "يه", "ي", "ه")

_ARTICLE = regex.compile(rf"\b(?:{'|'.join(ARTICLE_PREFIXES)})(?=\p{{L}}{{{MIN_STEM}}})")


class Token(NamedTuple):
    """A word of a display text: its character offsets there and its core."""

    start: int
    end: int
    core: str


_DELETE = 0xFFFFFFFF


@functools.cache
def _word_table() -> np.ndarray:
    """For each BMP character of a matching key: itself if a letter or digit, deleted if a mark or an
    invisible format character, else a space. Built on first use (~50 ms)."""
    table = np.full(0x10000, 0x20, dtype=np.uint32)
    for cp in range(0x10000):
        category = unicodedata.category(chr(cp))
        if category[0] in "LN":
            table[cp] = cp
        elif category[0] == "M" or category == "Cf":
            table[cp] = _DELETE
    return table


def _fold_words(key: str) -> list[str]:
    """The words of a matching key: runs of letters and digits, marks deleted (one numpy gather instead
    of two regular expressions over the text: measured 3× faster on SaudiNewsNet)."""
    codes = np.frombuffer(key.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if codes.max(initial=0) > 0xFFFF:  # astral characters: the regular expressions
        return _NOT_WORD.sub(" ", _MARKS.sub("", key)).split()
    codes = _word_table()[codes]
    return codes[codes != _DELETE].tobytes().decode("utf-32-le").split()


def _key(text: str) -> str:
    """The matching key, of the NFKC form: match_key applies NFKC only to texts holding a presentation
    form or an odd space, so without this a word (ª) would fold one way alone and another in a text
    holding a no-break space; the quick check keeps the common case free. What is no word character
    before NFKC stays none after it (🈐 is a symbol on the page, not the word 手)."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", _NOT_DISPLAY_WORD.sub(" ", text))
    return match_key(text)


def fold_text(text: str) -> str:
    """The matching key of ``text`` as words of letters and digits separated by single spaces."""
    return " ".join(_fold_words(_key(text)))


class _Cores(dict[str, str]):
    """Folded word → core, filled on first sight: a corpus has far fewer distinct words than words."""

    def __missing__(self, word: str) -> str:
        value = _ARTICLE.sub("", word)
        if len(self) < 1 << 20:
            self[word] = value
        return value


_CORES = _Cores()


def index_text(text: str) -> str:
    """Each word's core, space-separated: the text FTS5's tokenizer indexes in place of ``text``."""
    return " ".join(map(_CORES.__getitem__, _fold_words(_key(text))))


@functools.lru_cache(maxsize=1 << 18)
def core(word: str) -> str:
    """One display word's core (``""`` for a word that folds to nothing, a lone tatweel or haraka);
    the same as ``index_text`` gives for it, by construction."""
    return index_text(word)


def query_variants(word_core: str) -> list[str]:
    """The document cores a query word with this core finds: itself first, then with a single-letter
    clitic and/or a light suffix. A number or a core under three letters finds itself only."""
    if len(word_core) < MIN_STEM or not word_core.isalpha():
        return [word_core]
    out = [word_core]
    for p, s in itertools.product(("", *LETTER_PREFIXES), ("", *SUFFIXES)):
        if p or s:
            out.append(p + word_core + s)
    return out


def prefix_variants(word_core: str) -> list[str]:
    """The starts a query ``word_core*`` looks for: itself, and itself after a single-letter clitic (none
    for a core under three letters)."""
    if len(word_core) < MIN_STEM:
        return [word_core]
    return [word_core, *(p + word_core for p in LETTER_PREFIXES)]


def tokens(text: str) -> list[Token]:
    """The words of a display text with their offsets and cores; words that fold to nothing are left
    out. A word that folds to two (a rare mark or letter the key turns into punctuation) keeps its
    first core."""
    out = []
    for m in WORD_RE.finditer(text):
        c = core(m.group())
        if c:
            out.append(Token(m.start(), m.end(), c.split(" ", 1)[0]))
    return out
