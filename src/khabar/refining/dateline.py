"""Datelines at the start of a story and agency credits at its end.

A leading dateline is a short head, cut into *segments* by dashes, colons, commas, parentheses, quotes
and slashes; each segment must be recognised as a place (gazetteer), an agency or outlet, a date, a
place/agency followed by a date (``جدة 26 شوال 1436 هـ الموافق 11 أغسطس 2015 م واس``), a filler word
(``متابعات``) or, only next to an agency/outlet or on a line of its own with a place, a reporter's name.
The first unrecognised segment ends the walk; the dateline is the longest recognised run that closes on a
separator (``:`` ``-`` ``--`` ``–`` ``ـ`` ``/AGENCY/``, an agency group, or the end of the line).

Precision comes before recall: a head must carry an agency/outlet, a date, a place plus its country, or
be a byline line (reporter and place), and never more than one non-country place — so ``قال الرئيس``,
``الرياض - جدة`` or a title such as ``العراق: ...`` is never taken for a dateline.

Several agencies (``(أ ف ب، رويترز)``) are kept in order in ``agencies``; ``agency`` and ``agency_en`` join
them with ``", "`` (``"AFP, Reuters"``), and ``agency_kind`` is ``"agency"`` if any of them is an agency.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

import regex

from khabar.refining.agencies import AGENCY_ALTERNATION, Agency, lookup_agency
from khabar.refining.gazetteer import Place, lookup_place
from khabar.text.patterns import ALEFS

__all__ = ["DatelineMatch", "find_credit", "find_dateline"]


@dataclass(frozen=True, slots=True)
class DatelineMatch:
    """A dateline or credit found in a paragraph; ``paragraph[start:end]`` is the span to cut."""

    start: int
    end: int
    raw: str
    place: str | None = None
    place_en: str | None = None
    country: str | None = None
    agency: str | None = None  # canonical short names joined by ", "
    agency_en: str | None = None
    agency_kind: str | None = None  # "agency" | "outlet"
    date: str | None = None
    position: str = "start"  # "start" | "end"
    agencies: tuple[str, ...] = ()
    byline: str | None = None  # reporter name(s) written in the dateline, if any


# ---------------------------------------------------------------------------------------------- dates
_A = f"[{ALEFS}]"
_WEEKDAY_NAME = rf"(?:سبت|أحد|احد|{_A}ثنين|ثلاثاء|{_A}ربعاء|خميس|جمعة|جمعه)"
_WEEKDAY = rf"(?:يوم\s+)?(?:ال)?{_WEEKDAY_NAME}"
_HIJRI = (
    rf"محرم|صفر|ربيع\s+{_A}ل{_A}ول|ربيع\s+ال{_A}خر|ربيع\s+الثاني|جماد[ىي]\s+{_A}ل{_A}ول[ىي]|"
    rf"جماد[ىي]\s+ال{_A}خر[ةه]|جماد[ىي]\s+الثاني[ةه]|جماد[ىي]\s+ال{_A}ول|جماد[ىي]\s+ال{_A}خر|رجب|شعبان|"
    r"رمضان|شوال|ذو\s+القعد[ةه]|ذي\s+القعد[ةه]|ذو\s+الحج[ةه]|ذي\s+الحج[ةه]"
)
_GREG = (
    rf"يناير|فبراير|مارس|{_A}بريل|مايو|يونيو|يونيه|يوليو|يوليه|{_A}غسطس|سبتمبر|{_A}كتوبر|نوفمبر|ديسمبر|"
    rf"كانون\s+الثاني|شباط|{_A}ذار|نيسان|{_A}يار|حزيران|تموز|{_A}ب|{_A}يلول|تشرين\s+{_A}ل{_A}ول|"
    rf"تشرين\s+الثاني|كانون\s+{_A}ل{_A}ول"
)
_MONTH = rf"(?:{_HIJRI}|{_GREG})(?:\s*/\s*(?:{_GREG}))?"
_YEAR = r"\d{4}\s*(?:هـ|ه|م)?"  # no word-boundary check: SPA writes "1436 هـالموافق", "2015 مواس"
_DATE_ONE = rf"(?:{_WEEKDAY}\s*[،,]?\s*)?\d{{1,3}}\s*(?:{_MONTH})(?![\p{{L}}])(?:\s*[،,]?\s*{_YEAR})?"
_DATE = rf"(?:{_DATE_ONE}(?:\s*(?:ال)?موافق\s*(?:ل\s*)?{_DATE_ONE})?|{_WEEKDAY}(?![\p{{L}}]))"
# A segment with a date: optional place/agency words before it (``في`` allowed), optional agency after.
_DATED = regex.compile(
    rf"^(?P<pre>.*?)\s*(?:\bفي\s+)?(?P<date>{_DATE})\s*(?P<post>(?:{AGENCY_ALTERNATION})?)\s*$",
    regex.IGNORECASE,
)
# What every _DATE holds, a digit or a weekday name: a fast search that spares most segments the
# slow _DATED match (same engine, so the same digits).
_DATE_HINT = regex.compile(rf"\d|{_WEEKDAY_NAME}")

# -------------------------------------------------------------------------------------------- tokens
# One token of a dateline head. Tatweel counts as a dash only after whitespace (``الرياضي ـ القاهرة``),
# never inside a word (``بـ3``).
# (The whitespace before a token is matched with it, which halves the matches; whitespace closing the
# head is a token of its own, ``end``.)
_TOKEN = regex.compile(
    r"""
    \s*
    (?: \((?P<paren>[^()\n]{1,80})\)
      | \[(?P<brack>[^\[\]\n]{1,80})\]
      | ["«“](?P<quote>[^"«»“”\n]{1,40})["»”]
      | /(?P<slash>[^/\n]{1,40})/
      | (?P<colon>:)
      | (?P<dash>--+|[-–—]|(?<=\s)ـ+)
      | (?P<comma>[،,])
      | (?P<word>[^\s()\[\]"«»“”/:،,\-–—]+)
      | (?P<end>\Z)
    )
    """,
    regex.VERBOSE,
)
_SPLIT_GROUP = regex.compile(r"\s*(?:--+|[-–—،,/]|(?<=\s)ـ+)\s*")
# Letters and marks of Arabic script, plus tatweel (script Common): "بـدر", "مسلّم".
_ARABIC_WORD = regex.compile(r"^[[\p{Arabic}&&[\p{L}\p{M}]]\u0640]+$", regex.V1)
# Nouns that open a place name the gazetteer may not know: «قرية المطار», «محافظة …».
_PLACE_NOUNS = frozenset({"قرية", "مدينة", "محافظة", "مركز", "حي", "بلدة", "منطقة", "جزيرة", "وادي", "هجرة"})
_HEAD_CHARS = 220  # datelines are short; look no further
_MAX_WORDS = 12  # outside of a date
_MAX_DATE_WORDS = 14
_GENERIC = frozenset(
    {"متابعات", "خاص", "تقرير", "المحرر", "محليات", "رياضة", "اقتصاد", "عواصم", "عواصم العالم", "عواصم عربية"}
    # desk words, never places ("مشاري الحنتوشي- سبق- متابعة" was read as the place متابعة)
    | {"متابعة", "تقارير", "تحقيق", "حوار", "ترجمة", "تحرير", "رصد", "تصوير", "مكتب", "الرصد"}
)
# Outlets whose name is also an everyday word ("today", "the homeland", "life"...): never enough alone.
_WEAK_OUTLETS = frozenset(
    {"Al Yaum", "Al Watan", "Al Hayat", "Al Sharq", "Al Khaleej", "Al Arabiya", "Al Ittihad", "Al Akhbar"}
    | {"An Nahar", "Al Rai", "Arriyadiyah", "Al Bayan", "Al Madina", "Al Riyadh", "Al Jazirah", "Okaz"}
)
# Words that never occur in a reporter's name: they make a segment a phrase, not a byline.
# fmt: off
_NOT_NAME = frozenset((
    "في", "من", "على", "إلى", "الى", "عن", "أن", "ان", "إن", "قال", "قالت", "أكد", "اكد", "أعلن",
    "اعلن", "هذا", "هذه", "التي", "الذي", "مع", "بعد", "قبل", "خلال", "تم", "لا", "لم", "لن",
    "كان", "كانت", "وزير", "وزارة", "رئيس", "الرئيس", "الملك", "الأمير", "الامير", "ولي", "العهد",
    "أمير", "امير", "مدير", "هيئة", "مجلس",
))
# fmt: on

# Kinds of a classified segment.
_PLACE, _AGENCY, _BOTH, _DATE_K, _PERSON, _FILLER = "place", "agency", "both", "date", "person", "filler"


@dataclass(slots=True)
class _Seg:
    kind: str
    text: str
    place: Place | None = None
    agencies: tuple[Agency, ...] = ()
    date: str | None = None
    place_text: str | None = None


def _agency(text: str) -> Agency | None:
    if text in _GENERIC:
        return None
    return lookup_agency(text)


def _classify_plain(text: str, allow_person: bool) -> list[_Seg] | None:
    """Classify one dash/comma-delimited piece of a head; None when it is not part of a dateline."""
    text = text.strip()
    if not text:
        return []
    if text in _GENERIC:
        return [_Seg(_FILLER, text)]
    agency = _agency(text)
    place = lookup_place(text) if len(text) <= 40 else None
    if agency is not None and place is not None:
        return [_Seg(_BOTH, text, place=place, agencies=(agency,), place_text=text)]
    if agency is not None:
        return [_Seg(_AGENCY, text, agencies=(agency,))]
    if place is not None:
        return [_Seg(_PLACE, text, place=place, place_text=text)]
    dated = _DATED.match(text) if _DATE_HINT.search(text) else None
    if dated is not None:
        return _classify_dated(dated)
    if allow_person:
        if _is_name(text):
            return [_Seg(_PERSON, text)]
        # "عبدالله البرقاوي سبق": a reporter's name run into the outlet with no dash between.
        words = text.split()
        for n in (1, 2):
            if len(words) > n + 1:
                name, tail = " ".join(words[:-n]), " ".join(words[-n:])
                if not _is_name(name):  # (the cheaper test first)
                    continue
                agency = _agency(tail)
                if agency is not None:
                    return [_Seg(_PERSON, name), _Seg(_AGENCY, tail, agencies=(agency,))]
    return None


def _is_name(text: str) -> bool:
    """Could ``text`` be a reporter's name: 2-4 Arabic words, none of them a function word or title."""
    words = text.split()
    return (
        2 <= len(words) <= 4
        and all(_ARABIC_WORD.match(w) for w in words)
        and not any(w in _NOT_NAME for w in words)
    )


def _classify_dated(m: regex.Match[str]) -> list[_Seg] | None:
    """``PLACE [في] DATE [AGENCY]`` or ``AGENCY PLACE DATE``: the words before the date must resolve."""
    segs: list[_Seg] = []
    pre = m.group("pre").strip()
    if pre:
        words = pre.split()
        if len(words) > 5:
            return None
        found = None
        # Whole, or split into agency + place / place + agency (at most 5 words, so few tries).
        for cut in range(len(words) + 1):
            left, right = " ".join(words[:cut]), " ".join(words[cut:])
            left_a = _agency(left) if left else None
            right_p = lookup_place(right) if right else None
            if (not left or left_a) and right_p:
                found = ([_Seg(_AGENCY, left, agencies=(left_a,))] if left_a else []) + [
                    _Seg(_PLACE, right, place=right_p, place_text=right)
                ]
                break
            left_p = lookup_place(left) if left else None
            right_a = _agency(right) if right else None
            if left_p and right_a:
                found = [
                    _Seg(_PLACE, left, place=left_p, place_text=left),
                    _Seg(_AGENCY, right, agencies=(right_a,)),
                ]
                break
        if found is None:
            only = _agency(pre)
            if only is not None:
                found = [_Seg(_AGENCY, pre, agencies=(only,))]
            elif m.group("post") and len(words) <= 3 and all(_ARABIC_WORD.match(w) for w in words):
                # "كانبيرا 25 شوال ... واس": date and agency vouch for a place the gazetteer lacks.
                found = [_Seg(_PLACE, pre, place=None, place_text=pre)]
            else:
                return None
        segs.extend(found)
    segs.append(_Seg(_DATE_K, m.group("date"), date=m.group("date").strip()))
    post = m.group("post").strip()
    if post:
        agency = _agency(post)
        if agency is None:
            return None
        segs.append(_Seg(_AGENCY, post, agencies=(agency,)))
    return segs


def _classify_group(text: str) -> list[_Seg] | None:
    """Contents of ``( )``, ``" "`` or ``/ /``: places, agencies, dates only (``أ ف ب، رويترز``,
    ``أبوظبي - البيان``, ``كازاخستان``)."""
    whole = _agency(text)
    if whole is not None:  # whole first: "أ ف ب/رويترز" splits, but "الوطنية للإعلام" must not
        place = lookup_place(text)
        return [_Seg(_BOTH if place else _AGENCY, text, place=place, agencies=(whole,), place_text=text)]
    segs: list[_Seg] = []
    for part in _SPLIT_GROUP.split(text):
        got = _classify_plain(part, allow_person=False)
        if got is None:
            return None
        segs.extend(got)
    return segs or None


@dataclass(slots=True)
class _Verdict:
    ok: bool
    place: _Seg | None = None
    country: str | None = None
    agencies: tuple[Agency, ...] = ()
    date: str | None = None
    byline: str | None = None


def _judge(segs: list[_Seg], whole_line: bool, credit: bool = False, colon: bool = False) -> _Verdict:
    """Decide whether a run of classified segments is a dateline, and resolve ambiguous names."""
    places = [s for s in segs if s.kind == _PLACE]
    agencies = [s for s in segs if s.kind == _AGENCY]
    both = [s for s in segs if s.kind == _BOTH]
    for s in both:
        # A name that is both a city and a newspaper (الرياض, المدينة, الخليج): an outlet when a place is
        # already given, a place next to an agency; alone, a place in a dateline, an outlet in a credit.
        if places:
            agencies.append(s)
        elif agencies or (s is both[0] and not credit):
            places.append(s)
        else:
            agencies.append(s)
    persons = [s for s in segs if s.kind == _PERSON]
    dates = [s for s in segs if s.kind == _DATE_K]
    if not places and not agencies:
        return _Verdict(False)
    order = {id(s): i for i, s in enumerate(segs)}
    places.sort(key=lambda s: order[id(s)])
    agencies.sort(key=lambda s: order[id(s)])
    # Places: one locality, optionally followed by its country/region ("دمشق، سوريا", "استانا (كازاخستان)").
    main = places[0] if places else None
    country = main.place.country if main and main.place else None
    if len(places) > 1:
        if len(places) > 2:
            return _Verdict(False)
        second = places[1].place
        if second is None or second.kind not in {"country", "region"} or main is None or main.place is None:
            return _Verdict(False)
        if main.place.kind == "country":
            return _Verdict(False)  # "مصر - السعودية": two countries are a headline, not a dateline
        country = second.country or country
    # A reporter's name needs an agency/outlet, or a place, closing a line or a colon
    # ("أحمد البراهيم- جازان:").
    byline_ok = bool(persons) and bool(places) and (whole_line or colon)
    if persons and not ((agencies and (whole_line or colon)) or byline_ok):
        return _Verdict(False)  # a name in a running sentence is too often its subject: "كشف لـ «عكاظ»"
    if not agencies and not dates and len(places) < 2 and not byline_ok:
        return _Verdict(False)  # a bare "PLACE -" or "PLACE:" is too often a headline
    if whole_line and len(segs) < 2:
        return _Verdict(False)  # a line that is only a place or a name is a heading
    names: list[Agency] = []
    for s in agencies:
        for a in s.agencies:
            if a not in names:
                names.append(a)
    if names and not places and not dates and not persons and all(a.short in _WEAK_OUTLETS for a in names):
        return _Verdict(False)  # "(اليوم)" closing a sentence is "today", not the newspaper
    return _Verdict(
        True,
        place=main,
        country=country,
        agencies=tuple(names),
        date=dates[0].date if dates else None,
        byline="، ".join(p.text for p in persons) or None,
    )


def _match(paragraph: str, start: int, end: int, raw: str, v: _Verdict, position: str) -> DatelineMatch:
    names = v.agencies
    place = v.place
    return DatelineMatch(
        start=start,
        end=end,
        raw=raw,
        place=place.place_text if place else None,
        place_en=place.place.name_en if place and place.place else None,
        country=v.country,
        agency=", ".join(a.short for a in names) or None,
        agency_en=", ".join(a.name_en for a in names) or None,
        agency_kind=("agency" if any(a.kind == "agency" for a in names) else "outlet") if names else None,
        date=v.date,
        position=position,
        agencies=tuple(a.short for a in names),
        byline=v.byline,
    )


_LEAD_HINT = regex.compile(r"^\s*\S")
# Navigation residue a scraper left before 3alyoum datelines ("Next Previous عين اليوم – الرياض").
_NAV_JUNK = regex.compile(r"^\s*(?:(?:Next|Previous)\s+)+")
_DIGIT_EARLY = regex.compile(r"\d")
_DATED_LEAD = regex.compile(
    rf"^\s*(?P<pre>[^\d\n:()\-–—]{{1,40}}?)\s*(?:\bفي\s+)?(?P<date>{_DATE})\s*[(/]?\s*"
    rf"(?P<post>{AGENCY_ALTERNATION})\s*[)/]?(?![\p{{L}}\p{{M}}])",
    regex.IGNORECASE,
)
_FIRST_BREAK = regex.compile(r"[:\-–—ـ()\"«“/،,]|$")


def find_dateline(paragraph: str) -> DatelineMatch | None:
    """The dateline opening ``paragraph`` (a story's first paragraph), or None.

    ``paragraph[m.end:]`` is the clean first sentence; ``m.start`` is 0.
    """
    head = paragraph[:_HEAD_CHARS]
    if not _LEAD_HINT.match(head):
        return None
    # SPA style: the date and agency close the dateline with no punctuation after them
    # ("جدة 26 شوال 1436 هـ الموافق 11 أغسطس 2015 م واس أكد ...").
    if _DIGIT_EARLY.search(head, 0, 60):
        spa = _DATED_LEAD.match(head)
        if spa is not None and spa.group("post"):
            got = _classify_dated(spa)
            if got is not None:
                cut = spa.end()
                while cut < len(paragraph) and (paragraph[cut].isspace() or paragraph[cut] in ":-–—ـ"):
                    cut += 1
                v = _judge(got, whole_line=not paragraph[cut:].strip())
                if v.ok:
                    return _match(paragraph, 0, cut, spa.group().strip(), v, "start")
    # Cheap rejection: an ordinary sentence runs many words before its first punctuation.
    brk = _FIRST_BREAK.search(head)
    if brk is not None and len(head[: brk.start()].split()) > _MAX_DATE_WORDS:
        return None

    segs: list[_Seg] = []
    words: list[str] = []  # pending plain words of the current segment
    n_words = 0
    has_digit = False  # among the pending words: a date allows a longer dateline
    best: tuple[int, int, list[_Seg], bool] | None = None  # (separator start, cut end, segments, colon)
    junk = _NAV_JUNK.match(head)
    pos = junk.end() if junk else 0
    length = len(paragraph)

    def flush() -> bool:
        nonlocal words, has_digit
        if not words:
            return True
        got = _classify_plain(" ".join(words), allow_person=True)
        words, has_digit = [], False
        if got is None:
            return False
        segs.extend(got)
        return True

    def consider(sep_start: int, cut: int, colon: bool = False) -> None:
        nonlocal best
        if segs:
            whole = not paragraph[cut:].strip()
            v = _judge(segs, whole_line=whole, colon=colon)
            if v.ok:
                best = (sep_start, cut, list(segs), colon)

    def skip_ws(i: int) -> int:
        while i < length and paragraph[i].isspace():
            i += 1
        return i

    while pos < len(head):
        m = _TOKEN.match(head, pos)
        if m is None:
            break
        kind = m.lastgroup
        if kind == "end":
            pos = m.end()
            continue
        if kind == "word":
            word = m.group("word")
            words.append(word)
            n_words += 1
            # (a word of letters only, the usual case, holds no digit)
            has_digit = has_digit or (not word.isalpha() and any(ch.isdigit() for ch in word))
            limit = _MAX_DATE_WORDS if has_digit else _MAX_WORDS
            if n_words > limit + 2:
                break
            pos = m.end()
            continue
        # A separator or a group closes the pending words.
        if kind == "colon" and words and segs and any(x.kind in (_AGENCY, _BOTH) for x in segs):
            # "سعود الدعجاني- سبق- تثليث:": after the outlet, the words before the colon are its place,
            # known to the gazetteer or not.
            text = " ".join(words)
            got = _classify_plain(text, allow_person=False) if len(words) <= 3 else None
            unknown_place = all(_ARABIC_WORD.match(w) for w in words) and (
                len(words) == 1 or (len(words) <= 3 and words[0] in _PLACE_NOUNS)
            )
            if got or unknown_place:
                # an unknown single word is a town the gazetteer lacks (تثليث), and so is «قرية …»;
                # other unknown words are more often a reporter («الجزيرة - ماجد العيد:»), left to
                # the byline rule
                segs.extend(got if got else [_Seg(_PLACE, text, place=None, place_text=text)])
                words, has_digit = [], False
        if not flush():
            break
        if kind in ("paren", "brack", "quote", "slash"):
            got = _classify_group(m.group(kind).strip())
            if got is None:
                break
            segs.extend(got)
            pos = m.end()
            # A group that names an agency can end the dateline by itself: "واشنطن (رويترز) قال".
            # A later separator ("(رويترز) -") overrides this candidate.
            # Not a quoted name: «بي بي سي» ترد ... is the subject of the sentence.
            if kind != "quote" and any(s.kind in (_AGENCY, _BOTH) for s in got):
                consider(m.end(), skip_ws(m.end()))
            continue
        if kind == "comma":
            pos = m.end()
            continue
        # colon or dash: a candidate end of the dateline.
        cut = skip_ws(m.end())
        # A dash run like "- -" or "--" followed by more dashes: swallow them all.
        while cut < length and paragraph[cut] in "-–—ـ:":
            cut = skip_ws(cut + 1)
        consider(m.start(kind), cut, colon=kind == "colon")
        if kind == "colon":
            break
        pos = m.end()
    else:
        # Reached the end of the head: if it is the end of the paragraph, the whole line is a dateline.
        if len(head) == length and flush():
            consider(length, length)
    if best is None:
        return None
    sep_start, cut, found, colon = best
    v = _judge(found, whole_line=not paragraph[cut:].strip(), colon=colon)
    raw = paragraph[junk.end() if junk else 0 : sep_start].strip().rstrip(":-–—ـ ").strip()
    return _match(paragraph, 0, cut, raw, v, "start")


# ------------------------------------------------------------------------------------------- credits
_CREDIT = regex.compile(
    r"(?P<lead>[\s.\-–—ـ]*)(?:\((?P<p>[^()\n]{1,60})\)|\[(?P<b>[^\[\]\n]{1,60})\]|/(?P<s>[^/\n]{1,40})/)"
    r"[\s.]*$"
)
# A paragraph _CREDIT can match ends in ``)``, ``]`` or ``/`` and then only [\s.] (stdlib ``\s`` knows
# all of ``regex``'s whitespace): a fast test that spares most paragraphs the slow search.
_CLOSING_GROUP = re.compile(r"[)\]/][\s.]*\Z")


@functools.lru_cache(maxsize=4096)  # fields repeat: an outlet writes the same few bylines
def find_field_dateline(field: str) -> DatelineMatch | None:
    """A dateline that is a whole metadata field (a byline or ``author`` field: «الرياض - واس»,
    «لندن: رويترز»), or None. In a field of its own, «PLACE: AGENCY» means «PLACE - AGENCY»; in a
    paragraph the colon ends the dateline instead, so this reading belongs here only."""
    text = field.strip()
    if not text or len(text) > 120:
        return None
    for candidate in (text, text.replace(":", " - ", 1)):
        m = find_dateline(candidate)
        if m and not candidate[m.end :].strip(" :-–"):
            return replace(m, start=0, end=len(field), raw=text.strip(" :-–"))
    return None


def find_credit(paragraph: str) -> DatelineMatch | None:
    """A source credit closing ``paragraph`` (a story's last paragraph): ``(أ ف ب، رويترز)``, ``(وكالات)``,
    ``/واس/``. ``paragraph[:m.start]`` is the paragraph without it."""
    tail_from = max(0, len(paragraph) - 90)
    m = _CREDIT.search(paragraph, tail_from) if _CLOSING_GROUP.search(paragraph, tail_from) else None
    if m is None:
        return _bare_credit(paragraph, tail_from)
    inner = m.group("p") or m.group("b") or m.group("s") or ""
    segs = _classify_group(inner.strip())
    if not segs:
        return None
    v = _judge(segs, whole_line=False, credit=True)
    if not v.ok or not v.agencies:
        return None
    start = m.start()
    # Keep a sentence-final full stop before the credit with the sentence.
    while start < m.start("lead") + len(m.group("lead")) and paragraph[start] in ".":
        start += 1
    return _match(paragraph, start, len(paragraph), inner.strip(), v, "end")


# A bare agency name after the last full stop, as photo captions end: "... في بيفرلي هيلز. أ ف ب".
_BARE_CREDIT = regex.compile(rf"(?<=[.!؟?»\"”])\s+(?P<name>{AGENCY_ALTERNATION})\s*\.?\s*$", regex.IGNORECASE)


# Where a _BARE_CREDIT match can start: whitespace right after one of its punctuation marks (stdlib
# ``\s`` knows all of ``regex``'s whitespace).
_AFTER_STOP = re.compile(r"(?<=[.!؟?»\"”])\s")


def _search_bare_credit(paragraph: str, tail_from: int) -> regex.Match[str] | None:
    """``_BARE_CREDIT.search(paragraph, tail_from)``, found faster: matching at the few places a match
    can start, leftmost first, instead of trying the agency alternation at every position."""
    for stop in _AFTER_STOP.finditer(paragraph, tail_from):
        m = _BARE_CREDIT.match(paragraph, stop.start())
        if m is not None:
            return m
    return None


def _bare_credit(paragraph: str, tail_from: int) -> DatelineMatch | None:
    m = _search_bare_credit(paragraph, tail_from)
    if m is None:
        return None
    agency = lookup_agency(m.group("name"))
    if agency is None or agency.kind != "agency":  # an outlet name after a full stop starts a sentence
        return None
    v = _Verdict(True, agencies=(agency,))
    return _match(paragraph, m.start(), len(paragraph), m.group("name").strip(), v, "end")
