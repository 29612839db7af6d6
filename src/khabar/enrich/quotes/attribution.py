"""Who said a quote: reporting verbs and their subjects, sources, implicit speakers carried from earlier
sentences and paragraphs (see the package docstring)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from khabar.enrich.quotes.lexicon import (
    ADDRESSEE,
    AGENT,
    ATTRIB,
    AUXILIARY,
    CLAUSE_START,
    COMPLEMENTIZER,
    CONTEXT_NOUNS,
    HONORIFIC,
    IN_ADJUNCT,
    MA_VERB,
    MANNER,
    NEGATION,
    PASSIVE_ON,
    PRONOUN_SOURCE,
    RESUMPTIVE,
    ROLES,
    SENT_END,
    SENT_OBJECT,
    SOURCE_MA,
    STOPS,
    SUFFIXED_NOUNS,
    SUFFIXES,
    TEMPORAL,
    THEN,
    THIS_MATTER,
    TIME_OR_ADV,
    TITLE_PREPS,
    TITLES,
    TOKEN,
    VERB_AFTER_MA,
    WA_PREPS,
    bare_word,
)
from khabar.enrich.quotes.marks import (
    ANY_MARK,
    QUOTE_CHARS,
    is_real_quote,
    mask_quotes,
    quote_spans,
)

if TYPE_CHECKING:
    from khabar.record import Entity

__all__ = ["QuoteMatch", "find_quotes", "find_quotes_in_article"]


@dataclass(frozen=True, slots=True)
class QuoteMatch:
    """A direct quote: ``text == paragraph[start:end]`` (inside the marks), and its speaker if named."""

    start: int
    end: int
    text: str
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_para: int | None = (
        None  # the paragraph the speaker offsets point into (an earlier one if carried)
    )


@dataclass(slots=True)
class _Attr:
    pos: int  # start of the trigger
    end: int  # end of the trigger
    speaker: tuple[int, int] | None  # offsets of the explicit subject
    implicit: bool  # the trigger has no subject of its own (participle, وأضاف:, حسب قوله)
    verb: bool = False  # a finite reporting verb (its complement clause may embed other verbs)
    prep: bool = False  # a source: بحسب/وفق X, بحسب ما أعلنت X


# The article's named entities in one paragraph, as ``(start, end, type)`` sorted by start (PERS/ORG only).
_Ents = Sequence[tuple[int, int, str]]


def _has_person(ents: _Ents, s: int, e: int) -> bool:
    return any(t == "PERS" and s <= es and ee <= e for es, ee, t in ents)


def _name_ahead(masked: str, pos: int, ents: _Ents) -> int | None:
    """A title cut short by a preposition that belongs to it (``كبير المسؤولين عن المعلومات في البيت الأبيض
    توني سكوت``): the end of the person named within the next few words, when nothing between them ends a
    subject (punctuation, a quote, a complementizer, a verb, a stop other than a preposition, an object with
    a possessive suffix such as ``سعادته``); else None."""
    for es, ee, t in ents:
        if es < pos or t != "PERS":
            continue  # an organisation inside the title (في البيت الأبيض) is passed over
        between = masked[pos:es]
        words = between.split()
        if len(words) > 6 or any(c in between for c in ".،,:؛!?؟()\x00\n") or ANY_MARK.search(between):
            return None
        for w in words:
            b = bare_word(w)
            if (
                b in CLAUSE_START
                or (b in STOPS and b not in TITLE_PREPS)
                or ATTRIB.fullmatch(b)
                or (b.endswith(SUFFIXES) and _object_like(b, None))
            ):
                return None
        return ee
    return None


def _end_at_name(text: str, s: int, e: int, ents: _Ents) -> int:
    """The subject of a narrative verb (whose object follows it) that opens on a person's name ends with the
    name (``رفض تونر نفي …`` → ``تونر``), unless a title or another name follows it (``إيدي هاو مدرب الفريق``).
    Only there: after a reporting verb a name is followed by its title far more often than by an object
    (``ديبورا والش نائبة رئيس …``), and tagged names are often cut short (``انطوني`` of ``انطوني مالكين``)."""
    for es, ee, t in ents:
        if es != s or ee > e or t != "PERS":
            continue
        if ee >= e:
            return e
        nxt = TOKEN.search(text, ee, e)
        if nxt is None:
            return e
        b = bare_word(nxt.group())
        if b in ROLES or (b[:1] in "وف" and b[1:] in TITLES) or any(x == nxt.start() for x, _, _ in ents):
            continue
        return ee
    return e


def _object_like(bare: str, nxt: re.Match[str] | None) -> bool:
    """A noun with a possessive suffix after the subject starts the object or an addressee (وتابع الحميقاني
    تصريحاته, وقدم الحقباني شكره, وقال سواريز لمحادثه). Such a noun cannot head a genitive, so one followed
    by a definite word is kept (``وزاره الصحه``, ة written ه) unless it ends in ته (سعادته الكبيرة); names
    ending in ه (باسلمه) are not matched."""
    if len(bare) < 4 or bare.startswith("ال") or bare.endswith("الله"):
        return False
    if bare.endswith(("ته", "تها", "تهم")):  # تصريحاته، كلمته، سعادته الكبيرة (after a subject: not a title)
        return True
    if nxt is not None and bare_word(nxt.group()).startswith("ال"):
        return False
    stem = _suffix_stem(bare)
    return stem in SUFFIXED_NOUNS or (bare[0] == "ل" and bool(stem))


def _suffix_stem(bare: str) -> str:
    """The noun before a possessive ه/ها/هم (``حديثها`` → ``حديث``), or ``""``."""
    return bare[:-2] if bare.endswith(("ها", "هم")) else bare[:-1] if bare.endswith("ه") else ""


def _phrase_after(
    text: str,
    masked: str,
    pos: int,
    *,
    first_free: bool = False,
    apposition: bool = True,
    ents: _Ents = (),
    object_may_follow: bool = False,
) -> tuple[int, int] | None:
    """The subject phrase after a trigger ending at ``pos``; apposition after a comma wins (unless
    ``apposition`` is off). ``first_free``: the first word is taken as is (``كتب`` in ``في كتب التاريخ``
    is a noun, not the verb)."""
    segs: list[list[tuple[int, int]]] = [[]]
    started = prev_time = False
    last = ""  # the previous word of the phrase
    skip_to = -1
    for m in TOKEN.finditer(masked, pos):
        if m.start() < skip_to:
            continue
        tok = m.group()
        if first_free and not started:
            started = True
            segs[-1].append((m.start(), m.start() + len(tok.rstrip("،,:؛.!?؟"))))
            if tok[-1] in "،,:؛.!?؟":
                break
            continue
        if sum(map(len, segs)) >= 20:  # a full Saudi title chain runs to ~16 words
            return None
        if tok[0] in ":،,؛.!?؟-–—":
            break
        if tok[0] in QUOTE_CHARS:
            if not started:
                # a name in quote marks right after the verb: وقال «الحاج»: / وقال “كيم مين-سيوك” وهو
                cm = ANY_MARK.search(text, m.start() + 1)
                close = cm.start() if cm else -1
                inner = text[m.start() + 1 : close] if close > 0 else ""
                if close > 0 and masked[m.start() + 1] != "\x00" and 0 < len(inner.split()) <= 3:
                    return (m.start() + 1, close)
            break
        bare = bare_word(tok)
        if not bare:
            break
        manner = MANNER.fullmatch(bare) is not None
        if bare in THEN or (started and (manner or tok.endswith(("اً", "ًا")))):
            if started:
                break  # قال المسؤولون حينذاك / قال المسرحي جبران الجبران متألماً
            continue
        if not started and manner:
            return None  # قالت منتقدة خصمها: the speaker is hidden, not the participle's object
        if not started and bare in THIS_MATTER:
            nxt = TOKEN.search(masked, m.end())
            skip_to = nxt.end() if nxt is not None else skip_to
            continue  # قال بهذا الخصوص
        if bare[:1] == "و" and bare[1:] in WA_PREPS:
            break  # أعلنت وعلى لسان المتحدث: a conjunction and a preposition never open a subject
        if not started and (bare in TIME_OR_ADV or ADDRESSEE.search(tok) or bare.startswith("لل")):
            prev_time = bare in TIME_OR_ADV
            # a channel in quote marks (لـ«الشرق الأوسط»، لـ "الوطن"): skip to its closing mark
            om = ANY_MARK.search(masked, m.start(), m.end() + 2)
            if om is not None and (
                masked[m.start() : om.start()].strip() in ("لـ", "ل", "ـ", "")
                or (om.start() > m.start() and masked[om.start() - 1] in "لـ")
            ):
                cm = ANY_MARK.search(masked, om.end())
                if cm is not None and cm.start() - om.end() < 60:
                    skip_to = cm.end()
            continue  # قال أمس الوزير / قال لـ"الاقتصادية" الدكتور … / قال للصحفيين الوزير
        if not started and prev_time and bare in ("الأول", "الاول", "الماضي", "الماضية"):
            continue  # قال أمس الأول / يوم الأحد الماضي
        if not started and _suffix_stem(bare) in SUFFIXED_NOUNS:
            return None  # وتابعت حديثها: «…»: the object, the subject is hidden (not تقول والدته)
        if bare in STOPS or ADDRESSEE.search(tok) or tok[0] == "(" or ATTRIB.fullmatch(bare):
            if ents and started and bare in TITLE_PREPS and len(segs) == 1:
                seg_s = segs[0][0][0]
                if not _has_person(ents, seg_s, m.start()):
                    name_end = _name_ahead(masked, m.end(), ents)
                    if name_end is not None:
                        segs[-1].append((m.start(), name_end))
                        break
            nxt = TOKEN.search(masked, m.end()) if bare == "عليه" else None
            if nxt is not None and bare_word(nxt.group()) == "السلام":
                # جبريل عليه السلام للنبي: the blessing closes the name
                segs[-1] += [(m.start(), m.end()), (nxt.start(), nxt.start() + len(bare_word(nxt.group())))]
            break
        if bare in ("في", "وفي"):
            nxt = TOKEN.search(masked, m.end())
            # a subject never starts with في (وقال في إفادة); inside one, في + adjunct noun ends it, and so
            # does في after a name (خلفان في سلسلة تغريدات), where after an office it places it (ممثل
            # المنظمة في سيراليون، مسؤول في الوزارة)
            if not started or nxt is None or IN_ADJUNCT.match(bare_word(nxt.group())):
                break
            if not last.startswith("ال") and last not in ROLES:
                break
        if started and (
            bare in SENT_OBJECT
            or (bare.endswith(SUFFIXES) and _object_like(bare, TOKEN.search(masked, m.end())))
        ):
            break  # وبعث سموه برقية / وتابع الوزير حديثه
        started = True
        last = bare
        core_end = m.start() + len(tok.rstrip("،,:؛.!?؟"))
        qm = ANY_MARK.search(tok, 1)
        if qm is not None:  # وأضاف المتحدث:"…: the word ends before the punctuation glued to the mark
            core_end = min(core_end, m.start() + len(tok[: qm.start()].rstrip("،,:؛.!?؟")))
        segs[-1].append((m.start(), core_end))
        tail = tok[core_end - m.start() :]
        if any(c in tail for c in ":.!?؟") or any(c in tail for c in QUOTE_CHARS):
            break
        if "،" in tail or "," in tail:
            if len(segs) == 2:
                break
            segs.append([])
    for seg in segs:  # a phrase never ends on في (وأكد الغانم في برقيته: the في was kept for what follows)
        while seg and bare_word(text[seg[-1][0] : seg[-1][1]]) in ("في", "وفي"):
            seg.pop()
    segs = [s for s in segs if s]
    if not segs:
        return None
    spans = [(seg[0][0], seg[-1][1]) for seg in segs]
    if ents:
        pick = spans[0]
        if len(spans) == 2 and apposition:
            # جون برانش، رئيس …: the name, not the title after the comma; المتحدث …، غوه جياكون: the name
            p0, p1 = _has_person(ents, *spans[0]), _has_person(ents, *spans[1])
            if (p1 and not p0) or (
                p0 == p1
                and not bare_word(text[spans[1][0] : segs[1][0][1]]).startswith("ال")
                and len(segs[1]) <= 5
            ):
                pick = spans[1]
        return (pick[0], _end_at_name(text, pick[0], pick[1], ents)) if object_may_follow else pick
    if len(segs) == 2 and apposition:
        first = bare_word(text[segs[1][0][0] : segs[1][0][1]])
        if not first.startswith("ال") and len(segs[1]) <= 5:
            return spans[1]
    return spans[0]


def _phrase_before(
    text: str, masked: str, pos: int, end: int, feminine: bool = False
) -> tuple[int, int] | None:
    """SVO: the subject right before a verb at ``pos:end`` (``روحاني قال``, ``أبو زيد الذي أشار``,
    ``كان المعلق يقول``)."""
    toks = list(TOKEN.finditer(masked, max(0, pos - 160), pos))
    picked: list[re.Match[str]] = []
    relative = False
    for m in reversed(toks):
        tok = m.group()
        bare = bare_word(tok)
        if not picked and bare in ("قد", "لقد"):
            continue  # وكان الوزير قد أعلن
        if not picked and bare in ("الذي", "التي", "الذين"):
            # the antecedent is the subject only if the verb agrees with it and does not point back to it
            # (الدول التي قال إنها …، أمنيتها التي غردت بها: objects)
            if (bare == "التي") != feminine or RESUMPTIVE.match(masked, end):
                return None
            relative = True
            continue
        if not bare or tok[-1] in "،,:.!?؟" or any(c in tok for c in QUOTE_CHARS):
            break
        am = ATTRIB.fullmatch(bare)
        if am and picked and am.lastgroup == "part":
            picked = []  # مصدر أمني متابع للقضية قال: the subject ends before its participial modifier
            continue
        if bare in CLAUSE_START or bare in AUXILIARY or am:
            break
        if bare in STOPS or (relative and bare in ("في", "وفي")):
            if relative:
                break  # ارتطمت في المراسل التلفزيوني الذي صاح: the antecedent, wherever it stands
            return None
        picked.append(m)
        if len(picked) > 8:
            return None
    if not picked:
        return None
    first = picked[-1]
    # the clause must start here: sentence start, comma, أن/بحسب/كان … right before
    head = masked[max(0, first.start() - 12) : first.start()].rstrip()
    if (
        head
        and not relative
        and not (
            head[-1] in ".،,:!?؟\n"
            or bare_word(head.split()[-1]) in CLAUSE_START
            or bare_word(head.split()[-1]) in AUXILIARY
            or ATTRIB.fullmatch(bare_word(head.split()[-1]))
        )
    ):
        return None
    s = first.start()
    if masked[s] in "وف" and bare_word(first.group())[1:2] != "ا":
        return None  # ورفعوا لوحات: a conjunction and a verb, not a subject
    if masked[s] in "وف" and len(picked) and bare_word(first.group())[1:2] == "ا":
        s += 1  # واللاعب → اللاعب
    return (s, picked[0].start() + len(picked[0].group().rstrip("،,:؛.")))


def _feminine(m: re.Match[str]) -> bool:
    """Does the verb agree with a feminine subject (قالت، تقول)?"""
    if m.lastgroup == "pres":
        return bare_word(m.group("pres")).startswith("ت")
    return bare_word(m.group()).endswith(("ت", "تا"))


def _attributions(text: str, masked: str, limit: int | None = None, ents: _Ents = ()) -> list[_Attr]:
    """Attribution triggers starting before ``limit`` (a word boundary), with their subjects."""
    out: list[_Attr] = []
    for m in ATTRIB.finditer(masked, 0, len(masked) if limit is None else limit):
        kind = m.lastgroup
        end = m.end()
        if out and out[-1].speaker is not None and out[-1].speaker[0] <= m.start() < out[-1].speaker[1]:
            continue  # part of the source just named (في كتب التاريخ), not a verb
        before = masked[max(0, m.start() - 12) : m.start()]
        if NEGATION.search(before):
            continue  # الذي لم يذكر توقيت الحادثة: a verb denied is not an attribution
        if (
            (kind == "naql" or bare_word(m.group()).lstrip("وف") == "نقلا")
            and out
            and out[-1].verb
            and out[-1].speaker is not None
            and not SENT_END.search(masked, out[-1].end, m.start())
            and not ANY_MARK.search(masked, out[-1].end, m.start())
        ):
            continue  # وقال اللواء الزعبي …، ونقلا عن وكالة الأنباء: the channel, not the speaker
        source = kind in ("prep", "post", "lisan") or bool(SOURCE_MA.search(before))  # بحسب ما أعلنت
        sp: tuple[int, int] | None = None
        implicit = False
        if kind in ("part", "qawl"):
            implicit = True
        elif kind == "came":  # وورد في كتب التاريخ: «…» → كتب التاريخ; جاء فيها (the document just named)
            fi = TOKEN.search(masked, end)
            src = TOKEN.search(masked, fi.end()) if fi is not None and fi.group() == "في" else None
            if src is not None and bare_word(src.group()) in CONTEXT_NOUNS:
                continue  # جاء في وقت / في إطار: not a source
            if src is not None:
                sp = _phrase_after(text, masked, src.start(), first_free=True, ents=ents)
            implicit = sp is None
        elif kind == "prep":
            if PRONOUN_SOURCE.match(masked, end + 1) or PRONOUN_SOURCE.match(masked, end):
                implicit = True
            else:
                mv = (VERB_AFTER_MA if m.group().endswith("ما") else MA_VERB).match(masked, end)
                pos = mv.end() if mv else end
                nxt = TOKEN.search(masked, pos)
                # the preposition right after a subjectless verb names the channel, not the speaker
                if nxt and not (
                    out and out[-1].speaker is None and masked[out[-1].end : m.start()].strip() == ""
                ):
                    tok = nxt.group()
                    if tok.startswith("لـ"):
                        pos = nxt.start() + 2
                    elif tok.startswith("ل") and not tok.startswith("لل") and len(tok) > 3:
                        pos = nxt.start() + 1
                    sp = _phrase_after(text, masked, pos, ents=ents)
                implicit = sp is None
        elif kind in ("post", "lisan"):  # «…»، هذا ما قاله روبسون / على لسان المتحدث
            sp = _phrase_after(text, masked, end, ents=ents)
            implicit = sp is None
        elif kind == "past" and PASSIVE_ON.match(masked, end) and bare_word(m.group("past")) == "كتب":
            sp, implicit = None, False  # لوحات كتب عليها «…»: an inscription, its writer unnamed
        else:
            if kind == "past" and bare_word(m.group("past")) in ("نقل",):
                k = masked.find(" عن ", end, end + 80)
                if k >= 0:
                    sp = _phrase_after(text, masked, k + 4, ents=ents)
            if sp is None:
                sp = _phrase_after(text, masked, end, ents=ents)
            if sp is None:
                sp = _phrase_before(text, masked, m.start(), end, _feminine(m))
            implicit = sp is None
        out.append(_Attr(m.start(), end, sp, implicit, kind in ("past", "pres", "bayyan", "told"), source))
    return out


def _resolve(
    text: str, masked: str, attrs: list[_Attr], idx: int, ents: _Ents = ()
) -> tuple[str | None, int | None, int | None, bool]:
    """Speaker of attribution ``idx``: its own subject, else the last explicit one before it."""
    a = attrs[idx]
    if a.speaker is not None:
        s, e = a.speaker
        return text[s:e], s, e, False
    if not a.implicit:
        return None, None, None, False  # كتب عليها: nobody to look for
    # وأكد رئيس النادي أن … حسب رؤية المدرب، وقال: the subject of the last reporting verb, not the source
    # named inside its complement; a source only where no verb named anybody (وبحسب الوزير … وأضاف)
    earlier = [b for b in attrs[:idx] if b.speaker is not None]
    b = next((b for b in reversed(earlier) if not b.prep), earlier[-1] if earlier else None)
    if b is not None and b.speaker is not None:
        s, e = b.speaker
        return text[s:e], s, e, False
    sp = _agent_before(text, masked, a.pos, ents)
    if sp is not None:
        return text[sp[0] : sp[1]], sp[0], sp[1], False
    return None, None, None, True


def _person_like(text: str, sp: tuple[int, int]) -> bool:
    """Could this phrase name a person or a body (not the object of a verb with a hidden subject)? A title
    (الأمير، مدير …), a name without the article (تونر، خالد) or a nisba family name (الحوثي، الشهري)."""
    first = bare_word(text[sp[0] : sp[1]].split()[0])
    if first in ROLES or first in HONORIFIC:
        return True
    if first.startswith("ال"):
        return len(first) >= 5 and first.endswith("ي")
    if _object_like(first, None):
        return False  # وجه كلامه لرئيس النادي: the object, the subject is hidden
    return not first.endswith("ات") and not first.startswith(("بال", "لل", "كال"))


def _titled(text: str, sp: tuple[int, int]) -> bool:
    return bare_word(text[sp[0] : sp[1]].split()[0]) in TITLES


def _agent_before(text: str, masked: str, pos: int, ents: _Ents = ()) -> tuple[int, int] | None:
    """The nearest agent named before ``pos`` in the paragraph, for a reporting verb with no subject
    (``رفض تونر … وقال: «…»``, ``وعبر مدير المنتخب خالد مطر عن سعادته وقال:``, ``وبعث سموه برقية … جاء
    فيها``): the subject of a clause-initial narrative verb (``AGENT_VERBS``, or any و-verb opening the
    quote's own sentence), or a sentence that opens on a title (``والمحامي عبد الله، صاحب …``)."""
    best: tuple[int, int] | None = None
    # nearest first: the first valid subject found walking back is the nearest one
    for m in reversed(list(AGENT.finditer(masked, 0, pos))):
        prv = masked[max(0, m.start() - 8) : m.start()].rstrip()[-1:]
        initial = masked[m.start()] in "وف" or not prv or prv in ".،,:؛!?؟\n"
        sp = _phrase_after(text, masked, m.end(), ents=ents, object_may_follow=True)
        if sp is None or sp[1] > pos or not _person_like(text, sp):
            continue
        # clause-initial (keeps out برقية شكر، عبر الهاتف), or after a fronted adverbial when a title
        # follows (وفي سياق متصل بعث الأمير …)
        if initial or _titled(text, sp):
            best = sp
            break
    sent_starts = [0] + [m.end() for m in SENT_END.finditer(masked, 0, pos)]
    # وأصر الدكتور فلان على موقفه … وقال: «…»: the subject of the verb that opens the quote's sentence
    first = TOKEN.search(masked, sent_starts[-1])
    if first is not None and first.start() < pos:
        tok = first.group()
        bare = bare_word(tok)
        if (
            len(bare) >= 4
            and bare[0] in "وف"
            and bare[1:3] != "ال"
            and bare[1:] not in STOPS
            and bare[1:] not in ("في", "من")
            and tok[-1] not in "،,:"
        ):
            sp = _phrase_after(text, masked, first.end(), ents=ents, object_may_follow=True)
            lead = bare_word(text[sp[0] : sp[1]].split()[0]) if sp is not None else ""
            if (
                sp is not None
                and sp[1] <= pos
                and not _object_like(lead, None)
                and (best is None or sp[0] > best[0])
            ):
                best = sp  # (ووجه كلامه لـ…: an object, the subject is hidden)
    for start in reversed(sent_starts):
        if best is not None and start < best[0]:
            break
        first = TOKEN.search(masked, start)
        if first is None or first.start() >= pos:
            continue
        bare = bare_word(first.group())
        s0 = first.start()
        if bare[:1] in "وف" and (bare[1:] in TITLES or bare[1:3] == "ال"):
            bare, s0 = bare[1:], s0 + 1
        if bare in TITLES:
            sp = _phrase_after(text, masked, s0, first_free=True, apposition=False, ents=ents)
            if sp is not None and sp[1] <= pos and (best is None or sp[0] > best[0]):
                best = sp
                break
    return best


# Between a quote and a source named right after it: «…»، قال / «…»، كما قال الوزير / «…»، وهكذا ما …
_AFTER_QUOTE = re.compile(r"[\s\u00a0]*[،,]?\s*(?:(?:كما|مثلما)\s+)?")


def _find(paragraph: str, ents: _Ents = (), para: int = 0) -> list[tuple[QuoteMatch, bool]]:
    if not any(c in paragraph for c in QUOTE_CHARS):
        return []
    spans = quote_spans(paragraph)
    for sp in spans:
        sp.real = is_real_quote(paragraph, sp)
    real = [sp for sp in spans if sp.real]
    if not real:
        return []
    masked = mask_quotes(paragraph, spans)
    # triggers after the last quote matter only right after it («…»، قال الوزير): scan no further
    limit = paragraph.find(" ", real[-1].close + 60)
    attrs = _attributions(paragraph, masked, None if limit < 0 else limit, ents)
    out: list[tuple[QuoteMatch, bool]] = []
    for sp in real:
        sent = 0
        for m in SENT_END.finditer(masked, 0, sp.open):
            sent = m.end()
        idx = next((i for i in range(len(attrs) - 1, -1, -1) if sent <= attrs[i].pos < sp.open), None)
        while idx is not None and attrs[idx].verb:  # أعلن الكرملين أن روسيا تعتبر أن "…" → الكرملين
            j = idx - 1
            if j < 0 or attrs[j].pos < sent or not attrs[j].verb:
                break
            between = masked[attrs[j].end : attrs[idx].pos]
            comps = list(COMPLEMENTIZER.finditer(between))
            if (
                "،" in between
                or "," in between
                or not comps
                or TEMPORAL.search(between, 0, comps[-1].start())
            ):
                break  # وقال المكتب إن … بعد أن قالت أنقرة: the later verb is not reported by the first
            if attrs[j].speaker is None and attrs[idx].speaker is not None:
                break  # يذكر أن فلان قال: an impersonal frame does not take the speaker away
            idx = j
        after = _AFTER_QUOTE.match(masked, sp.close + 1, sp.close + 16)
        pos = after.end() if after else sp.close + 1
        nxt = next((i for i, a in enumerate(attrs) if a.pos == pos), None)
        if idx is None:  # «…»، قال الوزير / "…"، وفق القسام
            idx = nxt
        elif nxt is not None and attrs[nxt].prep and attrs[nxt].speaker is not None:
            idx = nxt  # ذكر بيان للسفارة أن … "…"، حسب البيان: the source named for these very words
        if idx is None:
            speaker, ss, se, carry = None, None, None, False
        else:
            speaker, ss, se, carry = _resolve(paragraph, masked, attrs, idx, ents)
        sp_para = None if speaker is None else para
        out.append(
            (QuoteMatch(sp.start, sp.end, paragraph[sp.start : sp.end], speaker, ss, se, sp_para), carry)
        )
    return out


def find_quotes(paragraph: str) -> list[QuoteMatch]:
    """Direct quotes of one paragraph, in order, each with its speaker as written (or ``None``)."""
    return [q for q, _ in _find(paragraph)]


def _last_named(paragraph: str, ents: _Ents = ()) -> tuple[int, int] | None:
    """Who a paragraph leaves speaking at its end (offsets): the latest subject of a reporting verb (a source
    only where there is none) or of a narrative verb (``واستقبل الأمير فلان الوفد.``)."""
    spans = quote_spans(paragraph)
    for sp in spans:
        sp.real = is_real_quote(paragraph, sp)
    masked = mask_quotes(paragraph, spans)
    attrs = [a for a in _attributions(paragraph, masked, None, ents) if a.speaker is not None]
    said = next((a for a in reversed(attrs) if not a.prep), attrs[-1] if attrs else None)
    best = said.speaker if said is not None else None
    agent = _agent_before(paragraph, masked, len(paragraph), ents)
    if agent is not None and (best is None or agent[0] > best[0]):
        best = agent
    return best


def _by_para(entities: Iterable[Entity] | None) -> dict[int, list[tuple[int, int, str]]]:
    out: dict[int, list[tuple[int, int, str]]] = {}
    for e in entities or ():
        if e.type in ("PERS", "ORG") and e.end > e.start:
            out.setdefault(e.para, []).append((e.start, e.end, e.type))
    for spans in out.values():
        spans.sort()
    return out


def find_quotes_in_article(
    paragraphs: Sequence[str], entities: Iterable[Entity] | None = None
) -> list[list[QuoteMatch]]:
    """``find_quotes`` per paragraph; a quote whose reporting verb has no subject and that names nobody
    before it in its paragraph (``وأضاف: «…»``, ``وتابع قائلا``) takes whoever the previous paragraph left
    speaking (``_last_named``: ``وقال الوزير إن …`` without quote marks counts), else the last speaker of
    an earlier quote. ``speaker_para`` says which paragraph the speaker offsets point into (the earlier one
    for a carried speaker).

    ``entities``: the article's named entities (``khabar.enrich.entities.find_entities``; ``None`` for the
    rules alone). Their PERS/ORG spans bound the speaker phrases: a subject ends where the name it holds
    ends unless a title follows (``رفض تونر نفي …`` → ``تونر``), a title cut short by its own preposition
    runs on to the name (``كبير المسؤولين عن المعلومات في البيت الأبيض توني سكوت``), and of a name and a
    title on either side of an apposition comma the name wins (``جون برانش، رئيس …``). The subject of a
    narrative verb that opens on a name ends with it (``رفض تونر نفي …`` → ``تونر``)."""
    by_para = _by_para(entities)
    result: list[list[QuoteMatch]] = []
    last: tuple[str, int, int, int] | None = None  # speaker, paragraph, start, end
    for k, para in enumerate(paragraphs):
        quotes: list[QuoteMatch] = []
        carried: tuple[str, int, int, int] | None = None
        for q, carry in _find(para, by_para.get(k, ()), k):
            if carry and q.speaker is None:
                if carried is None and k > 0:
                    named = _last_named(paragraphs[k - 1], by_para.get(k - 1, ()))
                    if named is not None:
                        carried = (paragraphs[k - 1][named[0] : named[1]], k - 1, named[0], named[1])
                    else:
                        carried = last
                if carried is not None:
                    q = QuoteMatch(q.start, q.end, q.text, carried[0], carried[2], carried[3], carried[1])
            if q.speaker is not None and q.speaker_start is not None and q.speaker_end is not None:
                last = (
                    q.speaker,
                    k if q.speaker_para is None else q.speaker_para,
                    q.speaker_start,
                    q.speaker_end,
                )
            quotes.append(q)
        result.append(quotes)
    return result
