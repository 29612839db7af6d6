"""Deterministic, labelled synthetic Arabic news for dedup quality and scale tests.

Reproduce::

    .venv/bin/python benchmarks/synth.py --n 1000000 --out /tmp/synth.jsonl \\
        --labels /tmp/synth.labels.jsonl [--format records|raw] [--seed 1]

Base articles are recombined sentences: learned from SaudiNewsNet when it is present
(``$KHABAR_SHARED/data/saudinewsnet``, default ``<repo>/../shared``; read in place, never copied)
and otherwise drawn from a built-in word list. Most articles are unique; about ``copy_rate`` of
the output are derived copies of an earlier base article, each labelled with its origin and its
transformation (see ``TRANSFORMS``). Cluster sizes (base + copies) are heavy-tailed in 1..50.
Copies are emitted a random distance after their base (``window``), so the stream is one pass
with bounded memory. The same seed and the same data (shared or built-in) give the same bytes.

Labels: one ``{"id", "origin", "transform"}`` per doc; ``origin`` is the base article's id
(its own id for base articles, whose transform is ``"original"``).
"""

from __future__ import annotations

import argparse
import heapq
import json
import math
import random
import re
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from _common import saudinewsnet_dir

# transform name -> weight among copies. Orthographic variants are split so recall can be read
# per kind; "orthography" applies all four at once.
TRANSFORMS: dict[str, float] = {
    "exact": 1.0,
    "diacritics": 1.0,
    "alef": 0.5,
    "ya": 0.5,
    "ta_marbuta": 0.5,
    "tatweel": 0.5,
    "orthography": 1.0,
    "edit2": 1.0,
    "edit5": 1.0,
    "edit10": 1.0,
    "repeat": 0.7,
    "boilerplate": 1.0,
    "leadin": 1.0,
    "trim": 1.0,
}

OUTLETS = (
    "aawsat", "aleqtisadiya", "aljazirah", "almadina", "almarsd", "alriyadh", "alwatan",
    "alweeam", "alyaum", "arriyadiyah", "ain-alyoum", "okaz", "sabq", "saudiyoon",
)  # fmt: skip

HEADERS = (
    "اقرأ أيضا: {}",
    "اقرأ أيضاً",
    "عاجل | {}",
    "للاشتراك في خدمة الأخبار العاجلة أرسل رسالة فارغة",
)
FOOTERS = (
    "شارك هذا الخبر: فيسبوك | تويتر | واتساب | البريد الإلكتروني",
    "تابعونا على تويتر وفيسبوك للمزيد من الأخبار",
    "جميع الحقوق محفوظة © 2015",
    "اقرأ أيضا: {}",
    "رابط مختصر للخبر: http://example.com/n/{}",
)
LEADIN = "عين اليوم – متابعات"

# Built-in fallback vocabulary: frequent news words with hamza forms, final ya and ta marbuta,
# so every orthographic transform has something to change.
_BUILTIN_TEXT = """
في من على إلى أن عن مع هذا هذه التي الذي كان قال أكد أعلن وزير وزارة المملكة العربية السعودية
الرياض جدة مكة المدينة المنورة الدمام الخليج الحكومة المجلس الأمير الملك خادم الحرمين الشريفين
رئيس الوزراء الأمن العام الشرطة الدفاع المدني الصحة التعليم الجامعة الطلاب المدارس المستشفى
المشروع المشاريع التنمية الاقتصاد السوق الأسهم النفط الطاقة الأسعار الريال مليون مليار نسبة
العام الماضي الحالي اليوم أمس غدا الأسبوع الشهر السنة الأولى الثانية الثالثة الأخيرة الجديدة
الكبيرة عدد من المواطنين المقيمين الزوار الحجاج المعتمرين الحرم المسجد الحرام النبوي القرار
الاجتماع اللقاء الزيارة الرسمية المؤتمر الصحفي البيان الرسمي المتحدث الرسمي الإعلام الصحافة
القناة الإخبارية المصادر المطلعة الجهات المختصة الإدارة العامة الهيئة اللجنة الدائمة المنطقة
الشرقية الغربية الشمالية الجنوبية القصيم حائل تبوك عسير جازان نجران الباحة الجوف الحدود
الأمطار الرياح الغبار درجات الحرارة الأرصاد الجوية المركز الوطني الدولي العالمي الإقليمي
العلاقات الثنائية التعاون المشترك الاتفاقية مذكرة التفاهم الشراكة الاستراتيجية الرؤية الخطة
المرحلة المقبلة السابقة الحالية أكثر أقل حوالي نحو بعد قبل خلال منذ حتى بين حول ضد دون لدى
وأضاف وأوضح وأشار وبين وذكر ولفت مؤكدا مشيرا موضحا حيث إن إذ لكن كما أيضا فقط جميع كل بعض
المباراة الفريق النادي الدوري الكأس الهلال النصر الأهلي الاتحاد الشباب المنتخب اللاعب المدرب
الهدف الشوط الأول الثاني الجماهير الملعب البطولة الآسيوية الخليجية العربية الموسم الرياضي
الشركة الشركات البنك البنوك القطاع الخاص الاستثمار المستثمرين الأرباح الخسائر الميزانية
التقرير الدراسة الإحصاءات الأرقام البيانات النتائج المؤشرات الارتفاع الانخفاض التراجع النمو
الحادث المروري السيارة الطريق السريع الإصابة الوفاة الإسعاف الهلال الأحمر الدوريات القبض
المتهم المتهمين التحقيق النيابة المحكمة الحكم القضية الجريمة العقوبة السجن الغرامة المخالفة
الطائرة المطار الرحلات الخطوط الجوية السفر المسافرين التأشيرة الجوازات الحدود المنفذ الميناء
إيران اليمن سوريا العراق مصر لبنان الأردن الكويت الإمارات قطر البحرين عمان تركيا روسيا أمريكا
الرئيس الأمريكي الحوثيين التحالف العسكري القوات المسلحة الجيش العمليات الهجوم الضربات الجوية
الإرهاب الإرهابية التنظيم داعش الجماعة المسلحة الأمم المتحدة مجلس الأمن المفاوضات السلام الحل
السياسي الأزمة الإنسانية المساعدات اللاجئين الإغاثة مركز الملك سلمان للإغاثة والأعمال
"""
BUILTIN_WORDS: list[str] = _BUILTIN_TEXT.split()


_SENT_SPLIT = re.compile(r"(?<=[.!؟?])\s+")
_WS = re.compile(r"\s+")


def _load_saudinewsnet(limit_sentences: int) -> tuple[list[str], list[str]] | None:
    """Sentences and a frequent-word vocabulary from SaudiNewsNet, or None when absent."""
    d = saudinewsnet_dir()
    zips = sorted(d.glob("*.zip")) if d.is_dir() else []
    if not zips:
        return None
    seen: set[str] = set()
    sentences: list[str] = []
    words: Counter[str] = Counter()
    for zp in zips:
        with zipfile.ZipFile(zp) as z:
            for name in sorted(z.namelist()):
                if not name.endswith(".json"):
                    continue
                for rec in json.loads(z.read(name)):
                    content = rec.get("content") or ""
                    for s in _SENT_SPLIT.split(content):
                        s = _WS.sub(" ", s).strip()
                        n = s.count(" ") + 1
                        # Only sentence-like spans; exact repeats (outlet boilerplate) kept once.
                        if 6 <= n <= 60 and s not in seen:
                            seen.add(s)
                            sentences.append(s)
                            words.update(s.split(" "))
                if len(sentences) >= limit_sentences:
                    break
        if len(sentences) >= limit_sentences:
            break
    vocab = [w for w, c in words.most_common(20000) if c >= 3 and any("\u0621" <= ch <= "\u064a" for ch in w)]
    return sentences, vocab


def _builtin_pool(rng: random.Random, n_sentences: int) -> tuple[list[str], list[str]]:
    """Zipf-weighted random sentences over BUILTIN_WORDS (no shared data needed)."""
    vocab = list(dict.fromkeys(BUILTIN_WORDS))
    rng.shuffle(vocab)
    cum: list[float] = []
    acc = 0.0
    for r in range(len(vocab)):
        acc += 1.0 / (r + 1) ** 0.9
        cum.append(acc)
    out = []
    for _ in range(n_sentences):
        k = rng.randint(8, 28)
        out.append(" ".join(rng.choices(vocab, cum_weights=cum, k=k)) + ".")
    return out, vocab


@dataclass
class Model:
    sentences: list[str]
    vocab: list[str]
    origin: str  # "saudinewsnet" or "builtin"


def build_model(seed: int, use_shared: bool = True, max_sentences: int = 400_000) -> Model:
    got = _load_saudinewsnet(max_sentences) if use_shared else None
    if got is not None:
        return Model(got[0], got[1], "saudinewsnet")
    s, v = _builtin_pool(random.Random(seed ^ 0x5EED), 100_000)
    return Model(s, v, "builtin")


# --- transformations -------------------------------------------------------------------------

ARABIC_LETTERS = [chr(c) for c in range(0x0621, 0x064B)]
HARAKAT = ["\u064e", "\u064f", "\u0650", "\u0652", "\u0651\u064e", "\u064b", "\u064d"]
NON_CONNECTORS = set("اأإآدذرزوؤءة")


def _diacritic_tables(rng: random.Random) -> list[dict[int, str]]:
    tables = []
    for _ in range(8):
        t: dict[int, str] = {}
        for ch in ARABIC_LETTERS:
            if rng.random() < 0.8:  # some letters stay bare, as in real partial vocalisation
                t[ord(ch)] = ch + rng.choice(HARAKAT[:4] if rng.random() < 0.85 else HARAKAT)
        tables.append(t)
    return tables


_ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا"})
_TA = str.maketrans({"ة": "ه"})
_YA_END = re.compile(r"ي\b")


def _tatweel_word(w: str, rng: random.Random) -> str:
    if len(w) < 4 or rng.random() > 0.35:
        return w
    i = len(w) // 2
    if w[i - 1] in NON_CONNECTORS or not ("\u0621" <= w[i - 1] <= "\u064a"):
        return w
    return w[:i] + "ـ" * rng.randint(1, 3) + w[i:]


def _map_words(paras: list[str], f: Any) -> list[str]:
    return [" ".join(f(w) for w in p.split(" ")) for p in paras]


def _edit(paras: list[str], frac: float, rng: random.Random, vocab: list[str]) -> list[str]:
    words = [p.split(" ") for p in paras]
    total = sum(len(w) for w in words)
    for _ in range(max(1, round(frac * total))):
        pi = rng.randrange(len(words))
        ws = words[pi]
        op = rng.random()
        j = rng.randrange(len(ws))
        if op < 0.5:
            ws[j] = rng.choice(vocab)
        elif op < 0.75 or len(ws) < 2:
            ws.insert(j, rng.choice(vocab))
        else:
            del ws[j]
    return [" ".join(w) for w in words]


def _trim(paras: list[str], rng: random.Random) -> list[str]:
    words = [p.split(" ") for p in paras]
    total = sum(len(w) for w in words)
    keep = max(1, round(total * (1 - rng.uniform(0.2, 0.3))))
    out = []
    for ws in words:
        if keep <= 0:
            break
        out.append(" ".join(ws[:keep]))
        keep -= len(ws)
    return out


class Transformer:
    def __init__(self, rng: random.Random, model: Model) -> None:
        self.rng = rng
        self.model = model
        self.tables = _diacritic_tables(rng)

    def apply(self, kind: str, paras: list[str]) -> list[str]:
        rng = self.rng
        if kind == "exact":
            return list(paras)
        if kind == "diacritics":
            tables = self.tables
            return _map_words(paras, lambda w: w.translate(rng.choice(tables)) if rng.random() < 0.7 else w)
        if kind == "alef":
            return [p.translate(_ALEF) for p in paras]
        if kind == "ya":
            return [_YA_END.sub("ى", p) for p in paras]
        if kind == "ta_marbuta":
            return [p.translate(_TA) for p in paras]
        if kind == "tatweel":
            return _map_words(paras, lambda w: _tatweel_word(w, rng))
        if kind == "orthography":
            ps = [_YA_END.sub("ى", p.translate(_ALEF).translate(_TA)) for p in paras]
            return _map_words(ps, lambda w: _tatweel_word(w, rng))
        if kind.startswith("edit"):
            return _edit(paras, int(kind[4:]) / 100, rng, self.model.vocab)
        if kind == "repeat":
            return paras + paras
        if kind == "boilerplate":
            head = rng.choice(HEADERS).format(self._sentence().rstrip("."))
            foot = rng.choice(FOOTERS).format(rng.randrange(10**6))
            return [head, *paras, foot]
        if kind == "leadin":
            return [f"{LEADIN}: {self._sentence()}", *paras]
        if kind == "trim":
            return _trim(paras, rng)
        raise ValueError(f"unknown transform {kind!r}")

    def _sentence(self) -> str:
        return self.rng.choice(self.model.sentences)


# --- generation ------------------------------------------------------------------------------


def _zipf_sizes(max_copies: int, alpha: float) -> tuple[list[int], list[float], float]:
    ks = list(range(1, max_copies + 1))
    w = [k**-alpha for k in ks]
    s = sum(w)
    mean = sum(k * x for k, x in zip(ks, w, strict=True)) / s
    cum, acc = [], 0.0
    for x in w:
        acc += x
        cum.append(acc)
    return ks, cum, mean


def _base_article(rng: random.Random, model: Model, median_chars: int, vocab: list[str]) -> list[str]:
    target = min(8000, max(250, int(rng.lognormvariate(math.log(median_chars), 0.5))))
    sents: list[str] = []
    n = 0
    pool = model.sentences
    # At least three sentences, each with one or two words changed: unrelated articles of a real
    # corpus rarely share a sentence verbatim, and a base made of one pool sentence would be
    # "contained" in every other article that drew it (false merges that are the generator's).
    while n < target or len(sents) < 3:
        ws = rng.choice(pool).split(" ")
        for _ in range(1 if len(ws) < 12 else 2):
            ws[rng.randrange(len(ws))] = rng.choice(vocab)
        s = " ".join(ws)
        sents.append(s)
        n += len(s) + 1
    paras: list[str] = []
    i = 0
    while i < len(sents):
        k = rng.randint(1, 3)
        paras.append(" ".join(sents[i : i + k]))
        i += k
    return paras


def generate(
    n: int,
    seed: int = 1,
    *,
    fmt: str = "records",
    copy_rate: float = 0.3,
    max_cluster: int = 50,
    alpha: float = 2.0,
    window: int = 10_000,
    median_chars: int = 1200,
    use_shared: bool = True,
    model: Model | None = None,
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Yield (doc, label) pairs; ``fmt`` "records" (khabar record) or "raw" (id + text)."""
    if fmt not in ("records", "raw"):
        raise ValueError(f"fmt must be records or raw, not {fmt!r}")
    rng = random.Random(seed)
    model = model or build_model(seed, use_shared)
    tr = Transformer(random.Random(seed + 1), model)
    kinds = list(TRANSFORMS)
    kind_cum: list[float] = []
    acc = 0.0
    for k in kinds:
        acc += TRANSFORMS[k]
        kind_cum.append(acc)
    ks, size_cum, mean_copies = _zipf_sizes(max_cluster - 1, alpha)
    # P(base gets copies) so that copies / all docs ≈ copy_rate in the steady state.
    p_seed = min(1.0, copy_rate / ((1 - copy_rate) * mean_copies)) if copy_rate < 1 else 1.0
    t0 = datetime(2015, 7, 21)
    pending: list[tuple[int, int, str, list[str], datetime, str]] = []  # (slot, seq, ...)
    seq = 0
    # Small runs get a shorter window, so nearly all scheduled copies make it out before n.
    window = max(1, min(window, n // 20))

    def emit(i: int, paras: list[str], when: datetime, source: str) -> dict[str, Any]:
        doc_id = f"syn{seed}-{i:08d}"
        pub = when.isoformat(timespec="seconds")
        if fmt == "records":
            return {"id": doc_id, "paragraphs": paras, "published": pub, "source": source, "schema": "1.0"}
        return {"id": doc_id, "text": "\n".join(paras), "published": pub, "source": source}

    for i in range(n):
        if pending and pending[0][0] <= i:
            _, _, origin, paras, when, _src = heapq.heappop(pending)
            kind = rng.choices(kinds, cum_weights=kind_cum)[0]
            out = tr.apply(kind, paras)
            source = "ain-alyoum" if kind == "leadin" else rng.choice(OUTLETS)
            doc = emit(i, out, when + timedelta(minutes=rng.randrange(1, 72 * 60)), source)
            yield doc, {"id": doc["id"], "origin": origin, "transform": kind}
            continue
        paras = _base_article(rng, model, median_chars, model.vocab)
        when = t0 + timedelta(seconds=rng.randrange(31 * 86400))
        source = rng.choice(OUTLETS)
        doc = emit(i, paras, when, source)
        if rng.random() < p_seed:
            for _ in range(rng.choices(ks, cum_weights=size_cum)[0]):
                seq += 1
                heapq.heappush(pending, (i + rng.randint(1, window), seq, doc["id"], paras, when, source))
        yield doc, {"id": doc["id"], "origin": doc["id"], "transform": "original"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000, help="documents to write (default 100000)")
    ap.add_argument("--out", required=True, help="output JSONL")
    ap.add_argument("--labels", required=True, help="labels JSONL: id, origin, transform")
    ap.add_argument("--format", choices=("records", "raw"), default="records")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--copy-rate", type=float, default=0.3, help="share of docs that are copies (0.3)")
    ap.add_argument("--max-cluster", type=int, default=50, help="largest cluster, base included (50)")
    ap.add_argument("--alpha", type=float, default=2.0, help="Zipf exponent of copies per cluster (2.0)")
    ap.add_argument("--window", type=int, default=10_000, help="copies follow their base within N docs")
    ap.add_argument("--median-chars", type=int, default=1200, help="median base article length (1200)")
    ap.add_argument("--builtin", action="store_true", help="ignore SaudiNewsNet, use the built-in words")
    a = ap.parse_args(argv)
    t = time.perf_counter()
    model = build_model(a.seed, not a.builtin)
    print(
        f"model: {model.origin}, {len(model.sentences):,} sentences, {len(model.vocab):,} words",
        file=sys.stderr,
    )
    counts: Counter[str] = Counter()
    with open(a.out, "w", encoding="utf-8") as fo, open(a.labels, "w", encoding="utf-8") as fl:
        gen = generate(
            a.n, a.seed, fmt=a.format, copy_rate=a.copy_rate, max_cluster=a.max_cluster,
            alpha=a.alpha, window=a.window, median_chars=a.median_chars, model=model,
        )  # fmt: skip
        for doc, label in gen:
            fo.write(json.dumps(doc, ensure_ascii=False))
            fo.write("\n")
            fl.write(json.dumps(label, ensure_ascii=False))
            fl.write("\n")
            counts[label["transform"]] += 1
    dt = time.perf_counter() - t
    copies = a.n - counts["original"]
    print(f"wrote {a.n:,} docs ({copies / max(1, a.n):.1%} copies) in {dt:.1f}s", file=sys.stderr)
    print("  " + ", ".join(f"{k} {v:,}" for k, v in counts.most_common()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
