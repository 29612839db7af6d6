"""People, places and organisations in an article, as standoff spans with canonical forms.

The CRF tagger (khabar.enrich.ner) finds mentions sentence by sentence; article-level rules then
do what a sentence tagger cannot:

- places: a LOC mention is extended to the longest gazetteer name it starts (آسيا → آسيا الوسطى)
  and linked to an English name and ISO country; countries, capitals and regions the tagger
  missed are added from the gazetteer (with و/ف/ب/ل/ك proclitics stripped);
- organisations: the head nouns of Arab officialdom (وزارة، هيئة، مجلس …) with their genitive and
  adjective words make an ORG the tagger missed (وزارة الخارجية الصينية); a small table and the
  agency table give English names; a nisba adjective gives the country (الصينية → CN);
- people: mentions of one person are grouped — a standalone first or last name of a full name
  found elsewhere in the article is that person (شي جينبينغ … شي … لشي), with the full name as
  canonical form.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from khabar.enrich.ner.model import NerModel
from khabar.record import Entity
from khabar.refining.agencies import lookup_agency
from khabar.refining.gazetteer import Place, lookup_place
from khabar.text.keys import match_key
from khabar.text.sentences import split_sentences
from khabar.text.tokens import token_span_arrays

# Gazetteer kinds trusted on their own, without the tagger: cities are too often also words.
_TRUSTED_KINDS = frozenset({"country", "capital", "region", "continent"})
_ONE_LETTER_PROCLITICS = frozenset("وفبلك")
_PROCLITICS = ("وبال", "وال", "فال", "بال", "كال", "وب", "ول", "وك", "فب", "فل", "و", "ف", "ب", "ل", "ك")
_ORG_HEADS = frozenset(
    [
        "وزارة",
        "هيئة",
        "مجلس",
        "منظمة",
        "جامعة",
        "شركة",
        "بنك",
        "مصرف",
        "اتحاد",
        "الاتحاد",
        "حزب",
        "جمعية",
        "مؤسسة",
        "صندوق",
        "وكالة",
        "محكمة",
        "رئاسة",
        "الرئاسة",
        "حركة",
        "جبهة",
        "لجنة",
        "اللجنة",
        "مركز",
        "مكتب",
        "إدارة",
        "أمانة",
        "الأمم",
    ]
)
# Words that end an organisation's name: times, particles, verbs of reporting.
_ORG_STOP = frozenset(
    [
        "اليوم",
        "أمس",
        "غدا",
        "غداً",
        "الاثنين",
        "الثلاثاء",
        "الأربعاء",
        "الخميس",
        "الجمعة",
        "السبت",
        "الأحد",
        "أن",
        "إن",
        "بأن",
        "أنه",
        "إنه",
        "في",
        "من",
        "على",
        "إلى",
        "عن",
        "مع",
        "بعد",
        "قبل",
        "خلال",
        "التي",
        "الذي",
        "الذين",
        "و",
        "ثم",
        "أو",
        "لكن",
        "كما",
    ]
)
_KNOWN_ORGS = {
    match_key(ar): en
    for ar, en in (
        ("الاتحاد الأوروبي", "European Union"),
        ("الأمم المتحدة", "United Nations"),
        ("مجلس الأمن", "UN Security Council"),
        ("جامعة الدول العربية", "Arab League"),
        ("مجلس التعاون الخليجي", "Gulf Cooperation Council"),
        ("مجلس التعاون لدول الخليج العربية", "Gulf Cooperation Council"),
        ("منظمة الصحة العالمية", "World Health Organization"),
        ("حلف شمال الأطلسي", "NATO"),
        ("حلف الناتو", "NATO"),
        ("صندوق النقد الدولي", "International Monetary Fund"),
        ("البنك الدولي", "World Bank"),
        ("منظمة أوبك", "OPEC"),
        ("أوبك", "OPEC"),
        ("منظمة التعاون الإسلامي", "Organisation of Islamic Cooperation"),
        ("الاتحاد الأفريقي", "African Union"),
        ("وزارة الخارجية", "Ministry of Foreign Affairs"),
        ("وزارة الداخلية", "Ministry of Interior"),
        ("وزارة الدفاع", "Ministry of Defence"),
        ("وزارة الصحة", "Ministry of Health"),
        ("وزارة التعليم", "Ministry of Education"),
        ("وزارة المالية", "Ministry of Finance"),
    )
}


@functools.cache
def _model() -> NerModel:
    return NerModel.load()


@dataclass
class _Span:
    type: str
    para: int
    start: int  # char offsets
    end: int
    canonical: str | None = None
    name_en: str | None = None
    country: str | None = None


@functools.lru_cache(maxsize=1 << 17)
def _strip_candidates(word: str) -> tuple[tuple[int, str], ...]:
    """(characters cut, remaining word) for the word and its proclitic-stripped forms. Cached:
    words are Zipf-distributed, so nearly every call is a hit."""
    out = [(0, word)]
    for p in _PROCLITICS:
        if word.startswith(p) and len(word) - len(p) >= 2:
            rest = word[len(p) :]
            out.append((len(p), ("ال" + rest) if p.endswith("ال") else rest))
    if word.startswith("لل") and len(word) > 4:  # ل + الـ: للصين = ل + الصين
        out.append((1, "ال" + word[2:]))
    return tuple(out)


@functools.cache
def _trusted_place_starts() -> frozenset[str]:
    """Matching keys of the first words of trusted gazetteer names (countries, capitals,
    regions), with and without the article."""
    from khabar.refining.gazetteer import places_by_key

    firsts = set()
    for key, place in places_by_key().items():
        if place.kind not in _TRUSTED_KINDS:
            continue
        first = key.split(" ")[0]
        firsts.add(first)
        firsts.add(first[2:] if first.startswith("ال") else "ال" + first)
    return frozenset(firsts)


def _may_start_place(word: str) -> bool:
    """Cheap pre-check before any gazetteer lookup of windows starting at ``word`` (cached in ``_flags``)."""
    starts = _trusted_place_starts()
    return any(match_key(form) in starts for _, form in _strip_candidates(word))


def _place(words: Sequence[str], trusted_only: bool) -> tuple[int, Place] | None:
    """The place named by ``words`` (first word possibly with a proclitic): (chars cut, place)."""
    return _place_of(tuple(words), trusted_only)


@functools.lru_cache(maxsize=1 << 17)
def _place_of(words: tuple[str, ...], trusted_only: bool) -> tuple[int, Place] | None:
    rest = " ".join(words[1:])
    for cut, first in _strip_candidates(words[0]):
        name = f"{first} {rest}".strip()
        place = lookup_place(name)
        if place and (not trusted_only or place.kind in _TRUSTED_KINDS):
            return cut, place
    return None


def _nisba_country(word: str) -> str | None:
    """الصينية / الصيني → CN: a relational adjective names the country of an organisation."""
    for suffix in ("ية", "ي"):
        if word.endswith(suffix) and len(word) > len(suffix) + 3:
            place = lookup_place(word[: -len(suffix)])
            if place and place.kind == "country":
                return place.country
    return None


def _bio_spans(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    spans: list[tuple[str, int, int]] = []
    for i, tag in enumerate(tags):
        if tag == "O":
            continue
        kind = tag[2:]
        if tag.startswith("I-") and spans and spans[-1][0] == kind and spans[-1][2] == i:
            spans[-1] = (kind, spans[-1][1], i + 1)
        else:
            spans.append((kind, i, i + 1))
    return spans


@dataclass(slots=True)
class _Para:
    """One paragraph's tokens as parallel lists (no object per token: an article has hundreds), their
    tags, and which tokens an entity has taken."""

    text: str
    words: list[str]
    starts: list[int]
    ends: list[int]
    is_word: list[bool]  # a word or number, not punctuation
    flags: list[int]  # _PLACE_START | _ORG_HEAD, per token (0 for punctuation)
    tags: list[str]
    taken: list[bool]


def _paragraphs(texts: list[str]) -> tuple[list[_Para], list[str]]:
    """Tokens of many paragraphs, found in one pass over them joined by newlines (a newline is in no
    token, so each token is where it would be in its own paragraph); and all their words in order."""
    joined = "\n".join(texts)
    starts, ends, is_word = token_span_arrays(joined)
    offsets = np.cumsum([0] + [len(t) + 1 for t in texts])
    cuts = np.searchsorted(starts, offsets).tolist()
    which = np.repeat(np.arange(len(texts)), np.diff(cuts))  # paragraph of each token
    local_starts = (starts - offsets[which]).tolist()
    local_ends = (ends - offsets[which]).tolist()
    words = list(map(joined.__getitem__, map(slice, starts.tolist(), ends.tolist())))
    is_word_list = is_word.tolist()
    flags = list(map(_WORD_FLAGS.get, words))  # None: a token not met before
    if None in flags:
        for i in [i for i, f in enumerate(flags) if f is None]:
            flags[i] = _flags(words[i], is_word_list[i])
    out = []
    for k, text in enumerate(texts):
        lo, hi = cuts[k], cuts[k + 1]
        n = hi - lo
        out.append(
            _Para(
                text,
                words[lo:hi],
                local_starts[lo:hi],
                local_ends[lo:hi],
                is_word_list[lo:hi],
                flags[lo:hi],
                [],  # tags, set by the tagger
                [False] * n,
            )
        )
    return out, words


_PLACE_START, _ORG_HEAD = 1, 2
# token -> flags, filled as tokens are met (cleared when large); a token's text decides whether it is a word
_WORD_FLAGS: dict[str, int] = {}


def _flags(token: str, is_word: bool) -> int:
    if len(_WORD_FLAGS) >= 1 << 18:
        _WORD_FLAGS.clear()
    f = 0
    if is_word:
        f = (_PLACE_START if _may_start_place(token) else 0) | (_ORG_HEAD if _may_head_org(token) else 0)
    _WORD_FLAGS[token] = f
    return f


def _sentences(para: _Para) -> list[tuple[int, int]]:
    """Token index ranges ``[lo, hi)`` of each sentence of a paragraph."""
    out: list[tuple[int, int]] = []
    starts, n, k = para.starts, len(para.starts), 0
    for _, e in split_sentences(para.text):
        lo = k
        while k < n and starts[k] < e:
            k += 1
        if k > lo:
            out.append((lo, k))
    if k < n:
        out.append((k, n))
    return out


def find_entities(paragraphs: Sequence[str], model: NerModel | None = None) -> list[Entity]:
    """Entities of an article, in reading order, with canonical forms and links."""
    return find_entities_many([paragraphs], model)[0]


def find_entities_many(
    articles: Sequence[Sequence[str]], model: NerModel | None = None
) -> list[list[Entity]]:
    """``find_entities`` of each article (its paragraphs). The same result as one article at a time, only
    cheaper: every sentence of every article goes to the tagger in one call, whose cost is mostly per
    token position, not per sentence."""
    model = model or _model()
    paras, words = _paragraphs([text for paragraphs in articles for text in paragraphs])
    # the sentences of a paragraph cover its tokens in order, so the batch's tokens are its sentences laid
    # end to end, as the tagger takes them
    lengths = [hi - lo for para in paras for lo, hi in _sentences(para)]
    tags = list(
        map(model.labels.__getitem__, model.tag_flat(words, np.array(lengths, dtype=np.int64)).tolist())
    )
    parsed, at, k = [], 0, 0
    for paragraphs in articles:
        parsed.append(paras[k : k + len(paragraphs)])
        k += len(paragraphs)
    for para in paras:
        para.tags = tags[at : at + len(para.words)]
        at += len(para.words)
    return [_article_entities(paragraphs, ps) for paragraphs, ps in zip(articles, parsed, strict=True)]


def _article_entities(paragraphs: Sequence[str], paras: list[_Para]) -> list[Entity]:
    spans: list[_Span] = []
    for p, para in enumerate(paras):
        for kind, a, b in _bio_spans(para.tags):
            if kind == "LOC":
                a, b = _extend_place(para, a, b)
            spans.append(_Span(kind, p, para.starts[a], para.ends[b - 1]))
            for i in range(a, b):
                para.taken[i] = True
    for p, para in enumerate(paras):
        spans += _gazetteer_places(p, para)
        spans += _rule_orgs(p, para)
    _link(spans, paragraphs)
    spans += _propagate_people(spans, paragraphs, paras)
    spans.sort(key=lambda s: (s.para, s.start))
    return [
        Entity(
            s.type,
            paragraphs[s.para][s.start : s.end],
            s.para,
            s.start,
            s.end,
            s.canonical,
            s.name_en,
            s.country,
        )
        for s in spans
    ]


def _extend_place(para: _Para, a: int, b: int) -> tuple[int, int]:
    """Extend a LOC span to the longest gazetteer name around it: آسيا → آسيا الوسطى to the right,
    آسيا → جنوب شرق آسيا to the left."""
    words, is_word = para.words, para.is_word
    for extra in (2, 1):
        if b + extra <= len(words) and all(is_word[b : b + extra]) and _place(words[a : b + extra], False):
            b += extra
            break
    for extra in (2, 1):
        if a - extra >= 0 and all(is_word[a - extra : a]) and _place(words[a - extra : b], trusted_only=True):
            return a - extra, b
    return a, b


def _gazetteer_places(p: int, para: _Para) -> list[_Span]:
    """Countries, capitals and regions the tagger missed: the longest trusted gazetteer name (3, 2 or 1
    words) at each free word that may start one, left to right."""
    out = []
    words, is_word, taken = para.words, para.is_word, para.taken
    free = 0  # words before this one are already part of a found name
    for i in [i for i, f in enumerate(para.flags) if f & _PLACE_START]:
        if i < free or taken[i]:
            continue
        for n in (3, 2, 1):
            if i + n > len(words) or any(taken[i : i + n]) or not all(is_word[i : i + n]):
                continue
            found = _place(words[i : i + n], trusted_only=True)
            if found:
                cut, _ = found
                out.append(_Span("LOC", p, para.starts[i] + cut, para.ends[i + n - 1]))
                for j in range(i, i + n):
                    taken[j] = True
                free = i + n
                break
    return out


def _rule_orgs(p: int, para: _Para) -> list[_Span]:
    """وزارة الخارجية الصينية: a head noun (with an optional و/ب/ل proclitic), then up to three
    words that are not stop words, not taken, and not after a comma."""
    out = []
    words, is_word, taken = para.words, para.is_word, para.taken
    n = len(words)
    for i in [i for i, f in enumerate(para.flags) if f & _ORG_HEAD]:
        if taken[i]:
            continue
        word = words[i]
        head = next(w for cut, w in _strip_candidates(word) if w in _ORG_HEADS and cut <= 1)
        j = i + 1
        while j < n and j - i <= 3 and is_word[j] and not taken[j]:
            if words[j] in _ORG_STOP:
                break
            j += 1
        if j - i < 2:
            continue
        cut = len(word) - len(head)
        out.append(_Span("ORG", p, para.starts[i] + cut, para.ends[j - 1]))
        for k in range(i, j):
            taken[k] = True
    return out


def _may_head_org(word: str) -> bool:  # cached in ``_flags``
    return any(w in _ORG_HEADS and cut <= 1 for cut, w in _strip_candidates(word))


def _link(spans: list[_Span], paragraphs: Sequence[str]) -> None:
    for s in spans:
        text = paragraphs[s.para][s.start : s.end]
        words = text.split()
        if s.type == "LOC" and words:
            found = _place(words, trusted_only=False)
            if found:
                cut, place = found
                s.canonical = place.name_ar or text[cut:]
                s.name_en, s.country = place.name_en, place.country
                if cut and not words[0].startswith("لل"):
                    s.start += cut  # the span is the name, without its proclitic (وروسيا → روسيا)
        elif s.type == "ORG" and words:
            stripped = next((w for c, w in _strip_candidates(words[0]) if w in _ORG_HEADS), words[0])
            canonical = " ".join([stripped, *words[1:]])
            s.canonical = canonical
            key = match_key(canonical)
            agency = lookup_agency(canonical)
            s.name_en = _KNOWN_ORGS.get(key) or (agency.name_en if agency else None)
            s.country = _nisba_country(words[-1]) if len(words) > 1 else None
            if s.name_en is None and s.country is None:
                continue
            if s.name_en is None and len(words) > 2:
                base = _KNOWN_ORGS.get(match_key(" ".join([stripped, *words[1:-1]])))
                s.name_en = f"{base} ({s.country})" if base else None


def _propagate_people(spans: list[_Span], paragraphs: Sequence[str], paras: list[_Para]) -> list[_Span]:
    """Group person mentions: canonical = the longest full name containing the mention's words;
    a standalone first or last name of a full name elsewhere in the article is that person."""
    people = [s for s in spans if s.type == "PERS"]
    full_names: dict[str, list[str]] = {}
    for s in people:
        words = paragraphs[s.para][s.start : s.end].split()
        if len(words) >= 2:
            full_names[" ".join(words)] = words
    by_part: dict[str, str] = {}
    for name, words in sorted(full_names.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        for w in (words[0], words[-1]):
            if len(w) >= 2:
                by_part.setdefault(w, name)
    name_sets = {n: set(ws) for n, ws in full_names.items()}
    for s in people:
        words = paragraphs[s.para][s.start : s.end].split()
        mine = set(words)
        containing = [n for n, ws in name_sets.items() if mine <= ws]
        s.canonical = max(containing, key=lambda n: (len(n), n)) if containing else " ".join(words)
    if not by_part:
        return []
    # Every form a name part takes in text, with the characters its proclitic takes: the part itself, one
    # proclitic letter before it (لشي، وشي), or ل + ال (للرئيس); a form matching several ways takes the
    # first of those readings, as the later assignments below override the earlier ones.
    forms: dict[str, tuple[int, str]] = {}
    for part, name in by_part.items():
        if part.startswith("ال") and len(part) > 4:
            forms["لل" + part[2:]] = (1, name)
    for part, name in by_part.items():
        for letter in _ONE_LETTER_PROCLITICS:
            forms[letter + part] = (1, name)
    for part, name in by_part.items():
        forms[part] = (0, name)
    added = []
    for p, para in enumerate(paras):
        taken, is_word = para.taken, para.is_word
        for i in [i for i, w in enumerate(para.words) if w in forms]:
            if taken[i] or not is_word[i]:
                continue
            cut, name = forms[para.words[i]]
            added.append(_Span("PERS", p, para.starts[i] + cut, para.ends[i], canonical=name))
            taken[i] = True
    return added


__all__ = ["find_entities", "find_entities_many"]
