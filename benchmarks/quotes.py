"""Direct quotes and speakers: khabar.enrich.quotes on hand-labelled SaudiNewsNet dev and test sets.

    PYTHONPATH=src .venv/bin/python benchmarks/quotes.py [--set dev|test|both] [--show-errors] [--no-entities]
        [--out PATH]

The sets (``benchmarks/data/quotes_dev.jsonl``, ``benchmarks/data/quotes_test.jsonl``; ``_meta`` headers with
the corpus licence, CC BY-NC-SA 4.0, and for the test set how it was sampled) label paragraphs of SaudiNewsNet
with their quotes (``text`` inside the marks, ``speaker`` as written or null). The rules are tuned on the dev
set. The test set is held out, in two batches drawn at random from other articles: **A**, labelled and
measured before the speaker rules of issue 4 item 5 were written (its baseline error list was read, so it is
no longer blind), and **B**, sampled and labelled after them without running khabar, measured once (that
blind measurement is kept in ``benchmarks/results/quotes.md``; four mechanical bugs seen in its errors were
fixed afterwards), and **C**, sampled and labelled the same way before the entity-aware speaker rules were
written, measured once when they were frozen, and **D**, sampled and labelled the same way before the
closed-class speaker rules (adverbials after the verb, channels, post-quote attribution, more verbs) were
written, measured once when they were frozen. ``--set test`` reports A, B, C, D and all together.

Each paragraph is scored as a one-paragraph article through ``find_quotes_in_article(..., entities=...)``
with the entity spans that ``khabar.enrich.entities.find_entities_many`` gives it (as
``khabar.enrich.stage`` does); ``--no-entities`` scores the rules alone (``find_quotes``). It stores references, not corpus text: ``benchmarks/devsets.py`` rebuilds the
paragraphs from ``$KHABAR_SHARED/data/saudinewsnet`` (default ``<repo>/../shared``) and checks their
hashes; without the corpus the benchmark says so and exits 0. Paragraphs without any quote are negatives
(scare quotes, names, titles).

Scoring, per paragraph, gold and predicted quotes matched one to one:

* **Quotes, exact**: same text after trimming whitespace and ``.،,؛:…`` at both ends.
* **Quotes, partial**: the spans overlap (one text contains the other, or they share ≥ 50% of the words).
* **Speakers** are scored on the exactly matched quotes that have a speaker on either side. A predicted
  speaker is a true positive when equal to the gold one (exact) or when one contains the other
  (partial, e.g. ``محمد جيليك`` for ``احد سكان سوروتش ويدعى محمد جيليك``); precision is over the
  predicted non-null speakers, recall over the gold non-null speakers.
"""

from __future__ import annotations

import argparse
import platform
import sys
from pathlib import Path

from khabar.enrich.quotes import find_quotes, find_quotes_in_article
from khabar.record import Entity

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:  # run as a script: make ``benchmarks.devsets`` importable
    sys.path.insert(0, str(HERE.parent))
from benchmarks._common import BENCH, best_of  # noqa: E402
from benchmarks.devsets import QUOTES as DATA  # noqa: E402
from benchmarks.devsets import CorpusUnavailable, load_quotes, load_quotes_test  # noqa: E402

RESULTS = BENCH / "results" / "quotes.md"
_TRIM = " \t\n.،,؛:…\u00a0"


def load(path: Path = DATA) -> list[dict]:
    """The dev set rebuilt from the shared corpus; raises ``CorpusUnavailable`` where it is absent."""
    return load_quotes(path)


def load_test(batch: str | None = None) -> list[dict]:
    """The held-out test set (one ``batch``, ``A``, ``B``, ``C`` or ``D``, or all) rebuilt from the shared corpus; raises
    ``CorpusUnavailable`` where it is absent."""
    return load_quotes_test(batch=batch)


def _norm(s: str) -> str:
    return " ".join(s.strip(_TRIM).split())


def _overlap(a: str, b: str) -> bool:
    a, b = _norm(a), _norm(b)
    if a in b or b in a:
        return True
    wa, wb = a.split(), b.split()
    common = len(set(wa) & set(wb))
    return common >= 0.5 * min(len(wa), len(wb))


def _speaker_partial(pred: str, gold: str) -> bool:
    p, g = _norm(pred), _norm(gold)
    return bool(p) and (p in g or g in p)


def entities_of(rows: list[dict]) -> list[list[Entity]]:
    """The entity spans of each paragraph, as a one-paragraph article (the NER tagger and entity rules)."""
    from khabar.enrich.entities import find_entities_many

    return find_entities_many([[r["paragraph"]] for r in rows])


def predict(paragraph: str, entities: list[Entity] | None) -> list:
    if entities is None:
        return find_quotes(paragraph)
    return find_quotes_in_article([paragraph], entities=entities)[0]


def score(rows: list[dict], entities: list[list[Entity]] | None = None) -> tuple[dict[str, float], list[str]]:
    c = dict.fromkeys(
        ("gold", "pred", "tp_exact", "tp_partial", "sp_gold", "sp_pred", "sp_exact", "sp_partial"), 0
    )
    errors: list[str] = []
    for k, row in enumerate(rows):
        para = row["paragraph"]
        gold = row["quotes"]
        pred = predict(para, None if entities is None else entities[k])
        c["gold"] += len(gold)
        c["pred"] += len(pred)
        used: set[int] = set()
        used_partial: set[int] = set()
        for g in gold:
            j = next(
                (k for k, p in enumerate(pred) if k not in used and _norm(p.text) == _norm(g["text"])), None
            )
            jp = j
            if jp is None:
                jp = next(
                    (k for k, p in enumerate(pred) if k not in used_partial and _overlap(p.text, g["text"])),
                    None,
                )
            if jp is not None:
                c["tp_partial"] += 1
                used_partial.add(jp)
            if j is None:
                errors.append(f"MISS  {g['text'][:70]!r}  [{g['speaker']}]\n      in: {para[:160]}")
                if g["speaker"]:
                    c["sp_gold"] += 1
                continue
            used.add(j)
            c["tp_exact"] += 1
            ps, gs = pred[j].speaker, g["speaker"]
            c["sp_gold"] += gs is not None
            c["sp_pred"] += ps is not None
            if ps is not None and gs is not None:
                c["sp_exact"] += _norm(ps) == _norm(gs)
                c["sp_partial"] += _speaker_partial(ps, gs)
            if ps != gs:
                errors.append(f"SPKR  {g['text'][:50]!r}: got {ps!r}, gold {gs!r}")
        for k, p in enumerate(pred):
            if k not in used:
                c["sp_pred"] += p.speaker is not None
                errors.append(f"FP    {p.text[:70]!r}  [{p.speaker}]\n      in: {para[:160]}")

    def ratio(a: float, b: float) -> float:
        return 100.0 * a / b if b else 100.0

    res = {
        "quote_P_exact": ratio(c["tp_exact"], c["pred"]),
        "quote_R_exact": ratio(c["tp_exact"], c["gold"]),
        "quote_P_partial": ratio(c["tp_partial"], c["pred"]),
        "quote_R_partial": ratio(c["tp_partial"], c["gold"]),
        "speaker_P_exact": ratio(c["sp_exact"], c["sp_pred"]),
        "speaker_R_exact": ratio(c["sp_exact"], c["sp_gold"]),
        "speaker_P_partial": ratio(c["sp_partial"], c["sp_pred"]),
        "speaker_R_partial": ratio(c["sp_partial"], c["sp_gold"]),
        **{k: float(v) for k, v in c.items()},
    }
    return res, errors


def table(results: dict[str, dict[str, float]]) -> str:
    """One Markdown table, the sets side by side (a row per set and kind)."""
    lines = ["| set | | P exact | R exact | P partial | R partial |", "|---|---|---:|---:|---:|---:|"]
    for what in ("quote", "speaker"):
        for name, res in results.items():
            vals = [res[f"{what}_{m}_{k}"] for k in ("exact", "partial") for m in ("P", "R")]
            lines.append(f"| {name} | {what}s | " + " | ".join(f"{v:.1f}" for v in vals) + " |")
    return "\n".join(lines)


def speed(rows: list[dict], entities: list[list[Entity]] | None = None, repeat: int = 20) -> float:
    """Mean ms per paragraph of the quote finder alone, entity tagging not included (best of 3 rounds: the
    machine is shared and noisy)."""
    paras = [r["paragraph"] for r in rows]
    ents = entities if entities is not None else [None] * len(paras)
    predict(paras[0], ents[0])

    def rounds() -> None:
        for _ in range(repeat):
            for p, e in zip(paras, ents, strict=True):
                predict(p, e)

    best, _ = best_of(rounds, 3)
    return 1000.0 * best / (repeat * len(paras))


def describe(rows: list[dict], res: dict[str, float]) -> str:
    n_neg = sum(1 for r in rows if not r["quotes"])
    return (
        f"{len(rows)} paragraphs ({n_neg} without quotes), {int(res['gold'])} gold quotes "
        f"({int(res['sp_gold'])} with a speaker); {int(res['pred'])} predicted"
    )


LOADERS = {
    "dev": load,
    "test A": lambda: load_test("A"),
    "test B": lambda: load_test("B"),
    "test C": lambda: load_test("C"),
    "test D": lambda: load_test("D"),
    "test": load_test,
}
SETS = {"dev": ["dev"], "test": ["test A", "test B", "test C", "test D", "test"], "both": list(LOADERS)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", choices=("dev", "test", "both"), default="both", dest="which")
    ap.add_argument("--show-errors", action="store_true")
    ap.add_argument("--no-entities", action="store_true", help="score the rules alone (find_quotes)")
    ap.add_argument("--out", default=str(RESULTS), help="Markdown report path, '-' for none")
    args = ap.parse_args()
    names = SETS[args.which]
    try:
        sets = {name: LOADERS[name]() for name in names}
    except CorpusUnavailable as exc:
        print(f"{exc}. Skipping.")
        return 0
    results: dict[str, dict[str, float]] = {}
    heads: dict[str, str] = {}
    speeds: dict[str, float] = {}
    for name, rows in sets.items():
        ents = None if args.no_entities else entities_of(rows)
        res, errors = score(rows, ents)
        results[name], heads[name] = res, describe(rows, res)
        if name in ("dev", "test"):  # the batches are parts of "test"
            speeds[name] = speed(rows, ents)
        print(f"{name}: {heads[name]}" + (f"; {speeds[name]:.3f} ms/paragraph" if name in speeds else ""))
        if args.show_errors and name != "test":  # the batches already listed them
            print(f"--- {name} errors ({len(errors)})")
            print("\n".join(errors))
    print(table(results))
    if args.out != "-" and args.which == "both" and not args.no_entities:
        write_report(Path(args.out), results, heads, speeds)
        print(f"wrote {args.out}")
    return 0


def write_report(
    path: Path, results: dict[str, dict[str, float]], heads: dict[str, str], speeds: dict[str, float]
) -> None:
    sizes = "\n".join(f"* **{name}**: {head}." for name, head in heads.items())
    timing = ", ".join(f"{speeds[n]:.3f} ms ({n})" for n in speeds)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"""# Direct quotes and speakers (`khabar.enrich.quotes`)

Command: `PYTHONPATH=src .venv/bin/python benchmarks/quotes.py` (all sets, with the article's entity spans as
`khabar.enrich.stage` passes them; `--set dev|test`, `--show-errors`, `--no-entities` for the rules alone)

Sets: hand-labelled paragraphs from SaudiNewsNet (CC BY-NC-SA 4.0), stored as references and rebuilt from
`$KHABAR_SHARED/data/saudinewsnet` by `benchmarks/devsets.py`. The rules are tuned on **dev**
(`benchmarks/data/quotes_dev.jsonl`). **test** (`benchmarks/data/quotes_test.jsonl`) is held out, four
batches drawn at random from other articles (one paragraph per article, every drawn paragraph labelled): **A**
was labelled and measured before the speaker rules of issue 4 item 5 were written, and its baseline error list
was read while writing them (so it is not blind); **B** was sampled and labelled after the rules, without
running khabar on it, and measured once (its blind row is below; the live table includes four bug fixes
made after reading its errors); **C** was sampled and labelled before the entity-aware speaker rules were
written, without running khabar on it, and measured once when they were frozen; **D** was sampled and
labelled the same way before the closed-class speaker rules were written, without running khabar on it, and
measured once when they were frozen: **the test D row is the honest figure** for the current rules (C's
errors were read to write them, so C is no longer blind).

{sizes}

{table(results)}

Speed of the quote finder alone (entity tagging not included): {timing} per paragraph (best of 3 rounds of 20 passes; Python
{platform.python_version()}; a shared 2-core machine, so expect ±20% between runs).

Scoring is described in the docstring of `benchmarks/quotes.py`.
{NOTES}""",
        encoding="utf-8",
    )


# Hand-written analysis appended to the generated report (update it with the rules).
NOTES = """
## Closed-class speaker rules (this change)

Written from C's error list (so C is no longer blind), each with a unit test in `tests/enrich/test_quotes.py`
and kept because dev + A + B + C together gained with no regression on any of them (exact speaker hits
230 → 242 of 265 predicted):

* adverbials of time (`حينذاك`, `آنذاك`, `وقتها` …) and participles of manner (a closed list of stems,
  `متألم`, `ساخر`, `منتقد`, `متسائل` …, or any `-اً` form) end a subject; a manner participle right after the
  verb means the speaker is hidden (`قالت منتقدة خصمها` is not `خصمها`); `بهذا الخصوص` after the verb is
  skipped;
* a channel in quote marks after `لـ` (`لـ«الشرق الأوسط»`, `لـ "الوطن"`) is skipped whole; `ونقلا عن X`
  after a verb whose subject is named in the same sentence is the channel, not the speaker; `و` + a
  preposition (`وعلى لسان`) never opens a subject; in SVO a reporting participle inside the subject is its
  modifier (`مصدر أمني متابع للقضية قال` → `مصدر أمني`);
* a source right after the quote: `«…»، هذا ما قاله X` (and `هكذا/ذلك ما …`), `«…»، كما قال X`;
* more triggers: `على لسان X`, `أخبرني/أبلغنا X`, `نصت/تنص/ينص`, `ينادي`, `أخبر`; `فإنه` is a stop word.

Tried and not done: `ومضى قائلا` (`مضى` alone is `passed`: a time, not a verb of saying).

Exact P / R, *before* = the rules of the entity-aware change, *after* = now (both with entity spans):

| set | quotes, before | speakers, before | quotes, after | speakers, after |
|---|---|---|---|---|
| dev | 99.1 / 98.2 | 96.7 / 93.7 | 99.1 / 98.2 | 96.7 / 93.7 |
| test A | 89.0 / 90.1 | 89.7 / 77.6 | 89.0 / 90.1 | 89.7 / 77.6 |
| test B | 95.1 / 90.7 | 84.5 / 68.1 | 95.1 / 90.7 | 89.7 / 72.2 |
| test C (errors read) | 90.4 / 86.2 | 70.2 / 54.8 | 90.4 / 86.2 | 86.0 / 67.1 |
| **test D (blind, measured once)** | | | **73.7 / 91.3** | **61.8 / 60.0** |

**On the blind batch the picture is much worse than on C after its fixes**: the gains on C are the very
errors that were read. D is small (133 paragraphs, only 37 with quotes, 46 gold quotes, 35 speakers; one
speaker is ~3 points) and was labelled in one pass by one reader, so its figures are noisy. Its 32 errors:

* **Quote precision (11 FP of 57)**: about four are labelling judgement calls that the rules read otherwise
  (a proverb `"من أمن العقوبة أساء الأدب"`, a sign's wording `"لا يوجد شقه"`, a writer's own aside in marks);
  four are names, programme titles or a list in marks (`«مسافرو العرب»`, `“مركز الميزان …”`, a name after
  `«الصباغ»`); three come from broken marks (an unclosed quote running into a later pair, a reader's letter
  with nested `“`), where gold and prediction disagree on the span.
* **Speakers**: hidden subjects named far back or after the quote in a form not covered (`"…"، بهذه الجملة
  عبر النحات …`, `ويمضي السياسي … إلى القول إن «…»`, `ونقلت عنه قوله`); an addressee that is not a medium
  (`وقال لشباب الوطن:` → `لشباب الوطن`); objects after the verb (`أكد حرصه … وقال`, `طالبا عدم الكشف`); a
  title shortened at `في` (`مصدر أمني` for `مصدر أمني في وزارة الداخلية الكويتية`); an SVO misfire on
  `… قد جاءت في وقتها أو متأخرة قليلا ردّ قائلا`.

Speed: the new checks cost nothing measurable (0.050 ms/paragraph on dev, as before).

## Entity-aware speakers (the change before)

`find_quotes_in_article(paragraphs, entities=None)` takes the article's `Entity` spans (PERS/ORG are used);
`khabar.enrich.stage` passes them, and links each speaker to an entity by span in `QuoteMatch.speaker_para`
(the earlier paragraph for a carried speaker, which now keeps its offsets). Three mechanisms, each kept only
because it helped dev + A + B together without a regression there (C was not looked at):

* a title cut short by its own preposition runs on to the person named within six words (`كبير المسؤولين عن
  المعلومات في البيت الأبيض توني سكوت`, `المشرف على الكرة محمد العلوي`), unless something between ends a
  subject (punctuation, a quote, a complementizer, a verb, an object with a possessive such as `سعادته`);
* of a name and a title on either side of an apposition comma, the side holding a person wins (`جون برانش،
  رئيس …` → `جون برانش`; `المتحدث …، غوه جياكون` still → `غوه جياكون`);
* the subject of a narrative verb that opens on a person's name ends with the name unless a title or another
  name follows (`رفض تونر نفي …` → `تونر`). Tried and dropped: the same cut after reporting verbs, or after a
  name anywhere in the phrase (dev + A + B exact speaker hits 187 → 174 and 189): gold speakers keep the
  title after the name (`ديبورا والش نائبة رئيس …`), and tagged names are often cut short (`انطوني` of
  `انطوني مالكين`, `محمد نور الله` of `… حبيب`).

Exact speaker P / R (partial in brackets); *rules* is `--no-entities`, i.e. the code before this change.

| set | rules | with entities |
|---|---|---|
| dev | 96.7 / 93.7 (98.9 / 95.8) | 97.8 / 94.7 (98.9 / 95.8) |
| test A | 89.7 / 77.6 (91.4 / 79.1) | 89.7 / 77.6 (91.4 / 79.1) |
| test B | 79.3 / 63.9 (87.9 / 70.8) | 84.5 / 68.1 (89.7 / 72.2) |
| **test C (blind, measured once)** | 70.2 / 54.8 (77.2 / 60.3) | **70.2 / 54.8 (77.2 / 60.3)** |

Quotes on C: 90.4 / 86.2 exact. **The entity mechanisms gain nothing on the blind batch**: the +1 on dev
and +3 on B are the very cases whose errors were read (`تونر`, `توني سكوت`, `محمد العلوي`, `جون برانش`), and
C's paragraphs happen to hold none of those patterns. Speaker attribution still does not generalise: on C
exact P/R are ~20 / ~40 points under dev. C's errors (read after the measurement) are mostly classes the
entity spans do not touch: a channel or addressee taken for the speaker (`لـ«الشرق الأوسط»` → `الأوسط`,
`ونقلا عن وكالة الأنباء الكويتية`), an adverbial or participle after the verb taken for its subject
(`حينذاك`, `متألماً`, `ساخرًا`, `بهذا الخصوص`, `منتقدة …`, `متسائلا`), speakers named after the quote
(`«…»، هذا ما قاله روبسون`), verbs not in the lists (`ينادي`, `ومضى قائلا`, `أخبرني`, `نصت`), `على لسان`, and
short fragments inside reported speech (`«جزئياً أو كلياً»`, `"خللا قانونيا"`) that are left out on purpose.
C was labelled in one pass by one reader; a few labels are judgement calls (which fragments count, and e.g.
`رئاسة إقليم كردستان` vs `المتحدث باسمها` for `أعلنت وعلى لسان المتحدث باسمها`). One leak before the
measurement: the regression-guard unit test briefly scored the whole test file (C included) with the rules
alone and failed its floors; the figures were not displayed, and the guard now scores A and B only.

## Before and after (issue 4, item 5)

Exact P / R (partial in brackets). *Baseline*: the code before that item. *Blind*: the rules frozen before
batch B was measured. *Now*: after four mechanical fixes read off B's errors (rules alone; see above for the
entity-aware figures).

| set | quotes, baseline | speakers, baseline | quotes, blind | speakers, blind | speakers, now |
|---|---|---|---|---|---|
| dev | 97.2 / 93.7 | 90.6 / 81.1 (95.3 / 85.3) | 99.1 / 98.2 | 96.7 / 93.7 | 96.7 / 93.7 |
| test A | 84.9 / 90.1 | 62.5 / 52.2 (75.0 / 62.7) | 89.0 / 90.1 | 89.7 / 77.6 | 89.7 / 77.6 |
| test B | 93.9 / 89.5 | 71.2 / 58.3 (83.1 / 68.1) | 94.0 / 90.7 | 74.6 / 61.1 (86.4 / 70.8) | 79.3 / 63.9 |

Rules of that item (each with a unit test in `tests/enrich/test_quotes.py`): nested straight quotes by mark
shape; subject boundaries (possessive objects, what is sent, blessings, في after a name vs. an office, أمس
الأول, newspapers with ال); short quotes only when marked as words said; names and lists in marks left out; a
source right after the quote wins; `جاء/ورد في X`; implicit subjects from the last reporting verb, else the
nearest agent; relative clauses when the verb agrees; negated verbs are not attributions; carrying across
paragraphs.

## Remaining errors (`--show-errors`)

* **Adverbials, participles and channels read as the subject** (largest class on C, see above); a closed
  class of forms (`-اً` adverbs, `حينذاك`, `بهذا الخصوص`, `لـ` + outlet) that the rules could learn, but they
  were seen only on the blind batch, so they are left for a new blind check.
* **Subject/object boundary in VSO after verbs that are not narrative triggers** (`ويصف الناشط … الأوضاع`,
  `ويعلم إيدي هاو مدرب الفريق ما ينتظر`): the name-end cut applies only after narrative verbs.
* **Attribution without a known trigger**: `على لسان X`, `ما وصفه X بأنه`, `وأحصى المرصد`, `نصت المادة`,
  `هذا ما قاله X` after the quote, a source in brackets after the quote.
* **Hidden subject named far back**, appositions `…، وهو …`, and short noun-phrase quotes in reported speech
  (missed on purpose); broken marks; program or topic names of ≥ 4 words taken for quotes.
* **NER limits**: tagged names cut short or glued to the object (`بدوي توبته`), titles tagged as persons;
  the entity rules use the spans only where a wrong span costs little.
"""


if __name__ == "__main__":
    sys.exit(main())
