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

from khabar.enrich.ner.model import NerModel
from khabar.parse.agencies import lookup_agency
from khabar.parse.gazetteer import Place, lookup_place
from khabar.record import Entity
from khabar.text.keys import match_key
from khabar.text.sentences import split_sentences
from khabar.text.tokens import Token, tokenize

# Gazetteer kinds trusted on their own, without the tagger: cities are too often also words.
_TRUSTED_KINDS = frozenset({"country", "capital", "region", "continent"})
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
    from khabar.parse.gazetteer import _table

    firsts = set()
    for key, place in _table().items():
        if place.kind not in _TRUSTED_KINDS:
            continue
        first = key.split(" ")[0]
        firsts.add(first)
        firsts.add(first[2:] if first.startswith("ال") else "ال" + first)
    return frozenset(firsts)


@functools.cache
def _may_start_place(word: str) -> bool:
    """Cheap, cached pre-check before any gazetteer lookup of windows starting at ``word``."""
    starts = _trusted_place_starts()
    return any(match_key(form) in starts for _, form in _strip_candidates(word))


def _place(words: Sequence[str], trusted_only: bool) -> tuple[int, Place] | None:
    """The place named by ``words`` (first word possibly with a proclitic): (chars cut, place)."""
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


def _sentences(para: str, tokens: list[Token]) -> list[list[int]]:
    """Token indices of each sentence of a paragraph."""
    sentences: list[list[int]] = []
    k = 0
    for _, e in split_sentences(para):
        sent = []
        while k < len(tokens) and tokens[k].start < e:
            sent.append(k)
            k += 1
        if sent:
            sentences.append(sent)
    if k < len(tokens):
        sentences.append(list(range(k, len(tokens))))
    return sentences


def _tag_article(paragraphs: Sequence[str], model: NerModel) -> list[tuple[list[Token], list[str]]]:
    """Tokens and BIO tags of every paragraph; all the article's sentences go to the tagger in one
    call, which scores and decodes them in batches."""
    tokenized = [tokenize(para) for para in paragraphs]
    where: list[tuple[int, list[int]]] = []
    for p, (para, tokens) in enumerate(zip(paragraphs, tokenized, strict=True)):
        where += [(p, sent) for sent in _sentences(para, tokens)]
    tagged = model.tag_sentences([[tokenized[p][i].text for i in sent] for p, sent in where])
    tags = [["O"] * len(tokens) for tokens in tokenized]
    for (p, sent), sent_tags in zip(where, tagged, strict=True):
        for i, t in zip(sent, sent_tags, strict=True):
            tags[p][i] = t
    return list(zip(tokenized, tags, strict=True))


def find_entities(paragraphs: Sequence[str], model: NerModel | None = None) -> list[Entity]:
    """Entities of an article, in reading order, with canonical forms and links."""
    model = model or _model()
    spans: list[_Span] = []
    per_para: list[tuple[list[Token], list[bool]]] = []
    for p, (tokens, tags) in enumerate(_tag_article(paragraphs, model)):
        taken = [False] * len(tokens)
        for kind, a, b in _bio_spans(tags):
            if kind == "LOC":
                a, b = _extend_place(tokens, a, b)
            spans.append(_Span(kind, p, tokens[a].start, tokens[b - 1].end))
            for i in range(a, b):
                taken[i] = True
        per_para.append((tokens, taken))
    for p, (tokens, taken) in enumerate(per_para):
        spans += _gazetteer_places(p, tokens, taken)
        spans += _rule_orgs(p, tokens, taken)
    _link(spans, paragraphs)
    spans += _propagate_people(spans, paragraphs, per_para)
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


def _extend_place(tokens: list[Token], a: int, b: int) -> tuple[int, int]:
    """Extend a LOC span to the longest gazetteer name around it: آسيا → آسيا الوسطى to the right,
    آسيا → جنوب شرق آسيا to the left."""
    for extra in (2, 1):
        words = [t.text for t in tokens[a : b + extra]]
        if (
            b + extra <= len(tokens)
            and all(t.is_word for t in tokens[b : b + extra])
            and _place(words, trusted_only=False)
        ):
            b += extra
            break
    for extra in (2, 1):
        if (
            a - extra >= 0
            and all(t.is_word for t in tokens[a - extra : a])
            and _place([t.text for t in tokens[a - extra : b]], trusted_only=True)
        ):
            return a - extra, b
    return a, b


def _gazetteer_places(p: int, tokens: list[Token], taken: list[bool]) -> list[_Span]:
    out = []
    i = 0
    while i < len(tokens):
        if taken[i] or not tokens[i].is_word or not _may_start_place(tokens[i].text):
            i += 1
            continue
        for n in (3, 2, 1):
            window = tokens[i : i + n]
            if len(window) < n or any(taken[j] or not t.is_word for j, t in enumerate(window, start=i)):
                continue
            found = _place([t.text for t in window], trusted_only=True)
            if found:
                cut, _ = found
                out.append(_Span("LOC", p, window[0].start + cut, window[-1].end))
                for j in range(i, i + n):
                    taken[j] = True
                i += n
                break
        else:
            i += 1
    return out


def _rule_orgs(p: int, tokens: list[Token], taken: list[bool]) -> list[_Span]:
    """وزارة الخارجية الصينية: a head noun (with an optional و/ب/ل proclitic), then up to three
    words that are not stop words, not taken, and not after a comma."""
    out = []
    for i, tok in enumerate(tokens):
        if taken[i] or not tok.is_word:
            continue
        head = next((w for cut, w in _strip_candidates(tok.text) if w in _ORG_HEADS and cut <= 1), None)
        if head is None:
            continue
        j = i + 1
        while j < len(tokens) and j - i <= 3 and tokens[j].is_word and not taken[j]:
            if tokens[j].text in _ORG_STOP:
                break
            j += 1
        if j - i < 2:
            continue
        cut = len(tok.text) - len(head)
        out.append(_Span("ORG", p, tok.start + cut, tokens[j - 1].end))
        for k in range(i, j):
            taken[k] = True
    return out


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


def _propagate_people(
    spans: list[_Span], paragraphs: Sequence[str], per_para: list[tuple[list[Token], list[bool]]]
) -> list[_Span]:
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
    for s in people:
        words = paragraphs[s.para][s.start : s.end].split()
        containing = [n for n, ws in full_names.items() if set(words) <= set(ws)]
        s.canonical = max(containing, key=lambda n: (len(n), n)) if containing else " ".join(words)
    added = []
    for p, (tokens, taken) in enumerate(per_para):
        for i, tok in enumerate(tokens):
            if taken[i] or not tok.is_word:
                continue
            for cut, word in _strip_candidates(tok.text):
                if cut > 1:  # a name takes one proclitic at most (لشي، وشي)
                    continue
                name = by_part.get(word)
                if name:
                    added.append(_Span("PERS", p, tok.start + cut, tok.end, canonical=name))
                    taken[i] = True
                    break
    return added


__all__ = ["find_entities"]
