"""Token features for the CRF tagger.

ANERcorp tokens keep their clitics (``والصين``, ``بالقاهرة``), so lookups (clusters, gazetteer phrases) try
the folded word first and fall back to the word with its proclitics removed; a name that merely starts with
clitic-looking letters (``لبنان``, ``بغداد``) is found whole before any stripping.

Everything that depends on one word only (``Lexicon.values``: folded form, stem, affixes, shape, cluster
ids) is the same wherever the word stands; the attributes it gives itself and lends its neighbours' windows
are built from those values. ``sentence_features`` builds every attribute as a string, the form crfsuite
trains on; the tagger (``khabar.enrich.ner.model``) reads the same attributes' weights from the values
directly, so training and tagging score exactly the same attributes.

Gazetteer marks come from khabar's own tables only: the place gazetteer (``khabar.refining.gazetteer``) and the
agency/outlet table (``khabar.refining.agencies``); no external name list is needed at tagging time.
"""

from __future__ import annotations

import functools
import gzip
from dataclasses import dataclass, field
from pathlib import Path

import regex

from khabar.text.keys import match_key

# Folded (match_key) proclitic sequences, longest first: conjunction و/ف, preposition ب/ك/ل, article ال.
_PROCLITICS = tuple(
    sorted(
        {
            c + p + a
            for c in ("", "و", "ف")
            for p in ("", "ب", "ك", "ل")
            for a in ("", "ال")
            if c + p + a and p + a != "لال"
        }
        | {"لل", "ولل", "فلل"},
        key=len,
        reverse=True,
    )
)
_SUFFIXES = ("هما", "كما", "هم", "هن", "كم", "كن", "نا", "ها")  # not "ه": folded ta marbuta
_ARABIC = regex.compile(r"^[\p{Arabic}]+$")
_LATIN = regex.compile(r"[A-Za-z]")
_DIGIT = regex.compile(r"\p{N}")
_LETTER = regex.compile(r"\p{L}")
_PUNCT = regex.compile(r"^[^\p{L}\p{N}]+$")

CACHE_SIZE = 200_000  # distinct words kept per lexicon; cleared when full (news vocabulary is Zipfian)


@functools.lru_cache(maxsize=CACHE_SIZE)
def fold(token: str) -> str:
    """The matching key of one token (hamza/alef, ta marbuta, alef maqsura, diacritics folded)."""
    return match_key(token) or token


@functools.lru_cache(maxsize=CACHE_SIZE)
def split_clitics(key: str) -> tuple[str, str, str]:
    """``(proclitics, stem, suffix)`` of a folded word; the stem keeps at least 3 letters."""
    pre = ""
    for p in _PROCLITICS:
        if key.startswith(p) and len(key) - len(p) >= 3:
            pre = p
            break
    rest = key[len(pre) :]
    suf = ""
    for s in _SUFFIXES:
        if rest.endswith(s) and len(rest) - len(s) >= 3:
            suf = s
            break
    return pre, rest[: len(rest) - len(suf)] if suf else rest, suf


def shape(token: str) -> str:
    if _PUNCT.match(token):
        return "P"
    if _DIGIT.search(token):
        return "D" if not _LETTER.search(token) else "DL"
    if _LATIN.search(token):
        return "L"
    if _ARABIC.match(token):
        return "A"
    return "X"


@functools.cache
def default_phrases() -> dict[tuple[str, ...], tuple[str, ...]]:
    """Folded word tuples → gazetteer kinds (``PL-country``, ``PL-city`` …, ``AG``), from khabar's place
    gazetteer and agency/outlet table. A one-word place is indexed with and without the article ``ال``
    (as ``lookup_place`` resolves it)."""
    from khabar.refining.agencies import ALL_SOURCES, agency_key
    from khabar.refining.gazetteer import places_by_key

    out: dict[tuple[str, ...], set[str]] = {}
    for key, place in places_by_key().items():
        words = key.split()
        if not words:
            continue
        variants = [words]
        if len(words) == 1:
            w = words[0]
            variants.append([w[2:]] if w.startswith("ال") and len(w) > 4 else ["ال" + w])
        for v in variants:
            out.setdefault(tuple(v), set()).add("PL-" + place.kind)
    for agency in ALL_SOURCES:
        for form in (*agency.forms, agency.short):
            key = agency_key(form)
            words = key.split(".") if "." in key and " " not in key else key.split()
            if words and all(words):
                out.setdefault(tuple(words), set()).add("AG")
    return {p: tuple(sorted(k)) for p, k in out.items()}


@dataclass(slots=True)
class _Word:
    """Everything one distinct word contributes: its own attributes, those it gives each window offset, its
    coarse-cluster id (for the cluster bigrams) and the heads under which it may start a gazetteer phrase."""

    key: str
    own: list[str]
    win: dict[int, list[str]]
    c1: str
    heads: tuple[str, ...]


WINDOW_KEYS = ("w", "stem", "pre", "shape", "c0", "c1", "c2", "c")
OFFSETS = (-2, -1, 1, 2)
_BOUND = {d: f"{d}:BOUND" for d in OFFSETS}


@dataclass
class Lexicon:
    """Lookup tables behind the features: word clusters (folded word → ids) and gazetteer phrases."""

    clusters: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # folded word tuples -> kinds; None: khabar's place gazetteer and agency table
    phrases: dict[tuple[str, ...], tuple[str, ...]] | None = None
    _words: dict[str, _Word] = field(default_factory=dict, init=False, repr=False)
    _starts: dict[str, int] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.phrases is None:
            self.phrases = default_phrases()
        for p in self.phrases:
            self._starts[p[0]] = max(self._starts.get(p[0], 0), len(p))

    def cluster(self, key: str) -> tuple[int, ...] | None:
        c = self.clusters.get(key)
        if c is None:
            _, stem, _ = split_clitics(key)
            c = self.clusters.get(stem) or self.clusters.get("ال" + stem)
        return c

    def word(self, token: str) -> _Word:
        w = self._words.get(token)
        if w is None:
            if len(self._words) >= CACHE_SIZE:
                self._words.clear()
            w = self._words[token] = self._make_word(token)
        return w

    def values(self, token: str) -> tuple[str, dict[str, str], tuple[str, ...]]:
        """One word's folded key, its feature values by name (``w``, ``stem``, ``c1`` …; the attribute
        ``name=value``) and the heads under which it may start a gazetteer phrase."""
        key = fold(token)
        pre, stem, suf = split_clitics(key)
        base = {
            "w": key,
            "stem": stem,
            "pre": pre,
            "suf": suf,
            "shape": shape(token),
            "len": str(min(len(key), 10)),
            "p2": key[:2],
            "p3": key[:3],
            "s1": key[-1:],
            "s2": key[-2:],
            "s3": key[-3:],
            "sp2": stem[:2],
            "ss2": stem[-2:],
            "ss3": stem[-3:],
        }
        if token != key:
            base["raw"] = token
        c = self.cluster(key)
        if c is None:
            base["c"] = "none"
        else:
            for j, cid in enumerate(c):
                base[f"c{j}"] = str(cid)
        heads = [key]
        if pre:
            heads.append(key[len(pre) :])
            if pre.endswith("ال"):
                heads.append(stem)
        return key, base, tuple(dict.fromkeys(heads))

    def _make_word(self, token: str) -> _Word:
        key, base, heads = self.values(token)
        own = ["bias", *(f"{name}={value}" for name, value in base.items())]
        win = {d: [f"{d}:{name}={base[name]}" for name in WINDOW_KEYS if name in base] for d in OFFSETS}
        return _Word(key, own, win, base.get("c1", "-"), heads)

    def marks(self, words: list[_Word]) -> list[list[str]]:
        """``B-KIND``/``I-KIND`` marks where a gazetteer phrase covers the tokens (longest match per head);
        the first word of a phrase may carry proclitics (``والشرق الاوسط``)."""
        n = len(words)
        marks: list[list[str]] = [[] for _ in range(n)]
        starts = self._starts
        phrases = self.phrases
        assert phrases is not None
        for i, w in enumerate(words):
            for h in w.heads:
                longest = starts.get(h)
                if longest is None:
                    continue
                for length in range(min(longest, n - i), 0, -1):
                    kinds = phrases.get((h, *(x.key for x in words[i + 1 : i + length])))
                    if kinds is not None:
                        for k in kinds:
                            marks[i].append("B-" + k)
                            for j in range(i + 1, i + length):
                                marks[j].append("I-" + k)
                        break
        return [sorted(set(m)) if len(m) > 1 else m for m in marks]

    @classmethod
    def load(cls, folder: Path) -> Lexicon:
        clusters: dict[str, tuple[int, ...]] = {}
        cpath = folder / "clusters.tsv.gz"
        if cpath.exists():
            with gzip.open(cpath, "rt", encoding="utf-8") as f:
                for line in f:
                    word, _, ids = line.rstrip("\n").partition("\t")
                    clusters[word] = tuple(int(x) for x in ids.split())
        return cls(clusters)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        lines = [w + "\t" + " ".join(map(str, c)) for w, c in sorted(self.clusters.items()) if "\t" not in w]
        with gzip.open(folder / "clusters.tsv.gz", "wt", encoding="utf-8", compresslevel=9) as f:
            f.write("\n".join(lines) + "\n")


def sentence_extras(words: list[_Word], lex: Lexicon) -> list[list[str]]:
    """The attributes of each token that depend on its neighbours, not on one word: sentence bounds,
    gazetteer marks (own and window), word and cluster bigrams."""
    marks = lex.marks(words)
    n = len(words)
    out: list[list[str]] = []
    for i, w in enumerate(words):
        f = ["gz=" + m for m in marks[i]]
        for d in OFFSETS:
            j = i + d
            if 0 <= j < n:
                if marks[j]:
                    f += [f"{d}:gz={m}" for m in marks[j]]
            else:
                f.append(_BOUND[d])
        if i > 0:
            p = words[i - 1]
            f.append(f"bi-={p.key}|{w.key}")
            f.append(f"cbi-={p.c1}|{w.c1}")
        if i + 1 < n:
            q = words[i + 1]
            f.append(f"bi+={w.key}|{q.key}")
            f.append(f"cbi+={w.c1}|{q.c1}")
        out.append(f)
    return out


def sentence_features(tokens: list[str], lex: Lexicon) -> list[list[str]]:
    """One list of crfsuite attributes per token: its own features (``Lexicon.word``), the ±2 window of
    its neighbours' and the sentence-level ones of ``sentence_extras``. Training uses exactly this; the
    tagger sums the same attributes' weights, grouped per word (``NerModel``)."""
    words = [lex.word(t) for t in tokens]
    extras = sentence_extras(words, lex)
    n = len(words)
    out: list[list[str]] = []
    for i, w in enumerate(words):
        f = w.own.copy()
        for d in OFFSETS:
            j = i + d
            if 0 <= j < n:
                f += words[j].win[d]
        f += extras[i]
        out.append(f)
    return out
