"""Quote marks: pairing «…», curly and straight marks into quoted spans, and telling real quotations
from names, titles and scare quotes (see the package docstring)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from khabar.enrich.quotes.lexicon import (
    AS_SAID,
    ATTRIB,
    CLAUSE_START,
    COMPLEMENT_NEXT,
    COMPLEMENTIZER,
    FRAGMENT_START,
    INTRO_BEFORE,
    LIST_INTRO,
    NAME_LIKE,
    SENT_END,
    SHOUT,
    TITLE_BEFORE,
    TITLE_GLUE,
    WORD,
    bare_word,
)

QUOTE_CHARS = '«»“”„‟"'
_TOGGLE_FAMILIES = ("“”„‟", '"')
_MARK_RES = {fam: re.compile(f"[{fam}]") for fam in _TOGGLE_FAMILIES}
_GUILLEMET = re.compile("[«»]")
ANY_MARK = re.compile(f"[{QUOTE_CHARS}]")


def _opener_like(text: str, i: int) -> bool:
    """A toggle mark at ``i`` looks like an opener: glued to the next word, not to the previous one."""
    nxt = text[i + 1] if i + 1 < len(text) else " "
    prv = text[i - 1] if i > 0 else " "
    if nxt.isspace() or nxt in ".،,:؛!?؟)":
        return False
    return prv.isspace() or prv in "(:،,؛-–ـ" or prv in "لبوف"


def _shape(text: str, i: int) -> str:
    """How a toggle mark at ``i`` sits: ``c`` closer-like (glued to the previous word only), ``o``
    opener-like (glued to the next word only), ``a`` ambiguous (spaces on both sides, or glued to both)."""
    nxt = text[i + 1] if i + 1 < len(text) else " "
    prv = text[i - 1] if i > 0 else " "
    after_free = nxt.isspace() or nxt in ".،,:؛!?؟)"
    before_free = prv.isspace() or prv in "(:،,؛-–"
    if after_free and not before_free:
        return "c"
    if before_free and not after_free:
        return "o"
    return "a"


def _pair_toggles(text: str, marks: str) -> tuple[list[tuple[int, int]], list[int]]:
    """Pair same-looking marks in order (“…”, ”…“, "…"); returns the pairs and an unclosed last opener.

    A mark met inside an open quote closes it, except when it does not look like a closer and the next two
    marks both do: then it opens a nested quote (``"… ب " العملية السياسية" التي …"``) and the outer
    quote ends at the second of them."""
    idx = [m.start() for m in _MARK_RES[marks].finditer(text)]
    pairs: list[tuple[int, int]] = []
    k, n = 0, len(idx)
    while k + 1 < n:
        j = k + 1
        if (
            j + 2 < n
            and _shape(text, idx[j]) != "c"
            and _shape(text, idx[j + 1]) == "c"
            and _shape(text, idx[j + 2]) == "c"
        ):
            j += 2
        pairs.append((idx[k], idx[j]))
        k = j + 1
    return pairs, (idx[k:] if k < n else [])


def _pair_guillemets(text: str) -> tuple[list[tuple[int, int]], list[int]]:
    pairs: list[tuple[int, int]] = []
    stack: list[int] = []
    for m in _GUILLEMET.finditer(text):
        i = m.start()
        if m.group() == "«":
            stack.append(i)
        else:
            if stack:
                o = stack.pop()
                if not stack:
                    pairs.append((o, i))
            elif _opener_like(text, i):
                stack.append(i)  # »…» used as an opener on some sites
    return pairs, stack[:1]


@dataclass(slots=True)
class QuoteSpan:
    open: int  # position of the opening mark
    close: int  # position of the closing mark (len(text) when unclosed)
    start: int  # inner text, stripped
    end: int
    words: int
    real: bool = False


def quote_spans(text: str) -> list[QuoteSpan]:
    raw: list[tuple[int, int, bool]] = []
    p, u = _pair_guillemets(text)
    raw += [(a, b, True) for a, b in p] + [(a, len(text), False) for a in u]
    for fam in _TOGGLE_FAMILIES:
        if any(c in text for c in fam):
            p, u = _pair_toggles(text, fam)
            raw += [(a, b, True) for a, b in p] + [(a, len(text), False) for a in u]
    raw.sort()
    out: list[QuoteSpan] = []
    last_close = -1
    for a, b, closed in raw:
        if a < last_close:  # inside (or crossing) an earlier span: part of it
            continue
        s, e = a + 1, b
        if not closed:  # an unclosed quote runs to the next mark or the paragraph's end
            nm = ANY_MARK.search(text, s)
            e = nm.start() if nm else len(text)
        while s < e and text[s].isspace():
            s += 1
        while e > s and (text[e - 1].isspace() or (not closed and text[e - 1] in ".،,؛")):
            e -= 1
        if e <= s:
            continue
        sp = QuoteSpan(a, b if closed else e, s, e, len(WORD.findall(text, s, e)))
        if not closed and not (INTRO_BEFORE.search(text, max(0, a - 40), a) and sp.words >= 4):
            continue
        out.append(sp)
        last_close = sp.close
    return out


def is_real_quote(text: str, sp: QuoteSpan) -> bool:
    before = text[max(0, sp.open - 30) : sp.open]
    if TITLE_GLUE.search(before):
        return False
    prev = [w for w in before.split() if bare_word(w)]  # منها :" …: a lone colon is not the previous word
    prev_word = bare_word(prev[-1]) if prev else ""
    if prev_word in TITLE_BEFORE:
        return False
    if re.search(r":-?\s*$", before) and sp.words >= 2:
        return prev_word not in LIST_INTRO  # مثل: «مجلس الشورى وهيئة الخبراء» is a list of names
    if COMPLEMENT_NEXT.match(text, sp.close + 1) and ATTRIB.fullmatch(prev_word):
        return False  # أعلنت "الشركة السعودية للخدمات الأرضية" أن …: the subject's name
    if sp.words < 4:
        return sp.words >= 2 and _reported_fragment(text, sp, prev_word)
    inner = text[sp.start : sp.end]
    # A list of names ("المنطقة التاريخية، ومنطقة سوق الجنوبية، …"): many commas, short items.
    items = [x for x in re.split(r"[،,]", inner) if x.strip()]
    return not (len(items) >= 3 and sp.words <= 3 * len(items) and not ATTRIB.search(inner))


def _reported_fragment(text: str, sp: QuoteSpan, prev_word: str) -> bool:
    """A 2-3 word quote is someone's words (not a name or a scare quote) when it is marked as such: followed
    by حسب تعبيره, right after a speech verb (صاح "يا ساتر"), or inside the complement of a reporting verb
    when it is a verb phrase after قد or a prepositional phrase (أعلن الكرملين أن روسيا تعتبر أن القضية قد
    "تمت تسويتها تماما"، دعاه للزيارة «في الأسابيع المقبلة»). A quoted noun phrase there is as often a
    name or a term (أن الشركة تبدأ فهي «شركة بدون عائلة») and is left out."""
    if AS_SAID.match(text, sp.close + 1):
        return True
    if SHOUT.fullmatch(prev_word):
        return True
    if prev_word in CLAUSE_START or NAME_LIKE.search(text[sp.start : sp.end]):
        return False  # أعلن أن "موبايلي" … / لدبابات "أبرامز ام1 ايه1"
    sent = 0
    for m in SENT_END.finditer(text, max(0, sp.open - 300), sp.open):
        sent = m.end()
    first = bare_word(text[sp.start : sp.end].split()[0])
    if prev_word not in ("قد", "لقد", "وقد") and first not in FRAGMENT_START:
        return False  # «الدعم القوي», "عوفر ومجدو": a noun phrase may as well be a name or a term
    head = text[max(sent, sp.open - 300) : sp.open]
    verb = next((m for m in ATTRIB.finditer(head) if m.lastgroup in ("past", "pres", "bayyan", "prep")), None)
    return verb is not None and COMPLEMENTIZER.search(head, verb.end()) is not None


def mask_quotes(text: str, spans: Sequence[QuoteSpan]) -> str:
    if not spans:
        return text
    parts: list[str] = []
    last = 0
    for sp in spans:
        if sp.real:
            parts.append(text[last : sp.open + 1])
            parts.append("\x00" * (sp.close - sp.open - 1))
            last = sp.close
    parts.append(text[last:])
    return "".join(parts)
