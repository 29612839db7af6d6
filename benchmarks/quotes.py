"""Direct quotes and speakers: khabar.enrich.quotes on hand-labelled SaudiNewsNet dev and test sets.

    PYTHONPATH=src .venv/bin/python benchmarks/quotes.py [--set dev|test|both] [--show-errors] [--out PATH]

The sets (``benchmarks/data/quotes_dev.jsonl``, ``benchmarks/data/quotes_test.jsonl``; ``_meta`` headers with
the corpus licence, CC BY-NC-SA 4.0, and for the test set how it was sampled) label paragraphs of SaudiNewsNet
with their quotes (``text`` inside the marks, ``speaker`` as written or null). The rules are tuned on the dev
set. The test set is held out, in two batches drawn at random from other articles: **A**, labelled and
measured before the speaker rules of issue 4 item 5 were written (its baseline error list was read, so it is
no longer blind), and **B**, sampled and labelled after them without running khabar, measured once (that
blind measurement is kept in ``benchmarks/results/quotes.md``; four mechanical bugs seen in its errors were
fixed afterwards). ``--set test`` reports A, B and both together. It stores references, not corpus text: ``benchmarks/devsets.py`` rebuilds the
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
import time
from pathlib import Path

from khabar.enrich.quotes import find_quotes

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:  # run as a script: make ``benchmarks.devsets`` importable
    sys.path.insert(0, str(HERE.parent))
from benchmarks.devsets import QUOTES as DATA  # noqa: E402
from benchmarks.devsets import CorpusUnavailable, load_quotes, load_quotes_test  # noqa: E402

RESULTS = HERE / "results" / "quotes.md"
_TRIM = " \t\n.،,؛:…\u00a0"


def load(path: Path = DATA) -> list[dict]:
    """The dev set rebuilt from the shared corpus; raises ``CorpusUnavailable`` where it is absent."""
    return load_quotes(path)


def load_test(batch: str | None = None) -> list[dict]:
    """The held-out test set (one ``batch``, ``A`` or ``B``, or both) rebuilt from the shared corpus; raises
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


def score(rows: list[dict]) -> tuple[dict[str, float], list[str]]:
    c = dict.fromkeys(
        ("gold", "pred", "tp_exact", "tp_partial", "sp_gold", "sp_pred", "sp_exact", "sp_partial"), 0
    )
    errors: list[str] = []
    for row in rows:
        para = row["paragraph"]
        gold = row["quotes"]
        pred = find_quotes(para)
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


def speed(rows: list[dict], repeat: int = 20) -> float:
    """Mean ms per paragraph of ``find_quotes`` alone (best of 3 rounds: the machine is shared and noisy)."""
    paras = [r["paragraph"] for r in rows]
    find_quotes(paras[0])
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        for _ in range(repeat):
            for p in paras:
                find_quotes(p)
        best = min(best, time.perf_counter() - t)
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
    "test": load_test,
}
SETS = {"dev": ["dev"], "test": ["test A", "test B", "test"], "both": list(LOADERS)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", choices=("dev", "test", "both"), default="both", dest="which")
    ap.add_argument("--show-errors", action="store_true")
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
        res, errors = score(rows)
        results[name], heads[name] = res, describe(rows, res)
        if name in ("dev", "test"):  # the batches are parts of "test"
            speeds[name] = speed(rows)
        print(f"{name}: {heads[name]}" + (f"; {speeds[name]:.3f} ms/paragraph" if name in speeds else ""))
        if args.show_errors and name != "test":  # the batches already listed them
            print(f"--- {name} errors ({len(errors)})")
            print("\n".join(errors))
    print(table(results))
    if args.out != "-" and args.which == "both":
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

Command: `PYTHONPATH=src .venv/bin/python benchmarks/quotes.py` (both sets; `--set dev|test`, `--show-errors`)

Sets: hand-labelled paragraphs from SaudiNewsNet (CC BY-NC-SA 4.0), stored as references and rebuilt from
`$KHABAR_SHARED/data/saudinewsnet` by `benchmarks/devsets.py`. The rules are tuned on **dev**
(`benchmarks/data/quotes_dev.jsonl`). **test** (`benchmarks/data/quotes_test.jsonl`) is held out, two batches
drawn at random from other articles (one paragraph per article, every drawn paragraph labelled): **A** was
labelled and measured before the speaker rules of issue 4 item 5 were written, and its baseline error list
was read while writing them (so it is not blind); **B** was sampled and labelled after the rules, without
running khabar on it, and measured once: **the blind B row below is the honest figure** (the live table
includes four bug fixes made after reading B's errors).

{sizes}

{table(results)}

Speed of `find_quotes` alone: {timing} per paragraph (best of 3 rounds of 20 passes; Python
{platform.python_version()}; a shared 2-core machine, so expect ±20% between runs).

Scoring is described in the docstring of `benchmarks/quotes.py`.
{NOTES}""",
        encoding="utf-8",
    )


# Hand-written analysis appended to the generated report (update it with the rules).
NOTES = """
## Before and after (issue 4, item 5)

Exact P / R (partial in brackets). *Baseline*: the code before this item. *Blind*: the rules frozen before
batch B was measured (one gold quote B's labeller had noted but omitted, a Quran verse, restored since). *Now*:
the live table above, after four mechanical fixes read off B's errors (a speaker ending on a dangling في, a
colon glued to the mark kept in the speaker, a spaced colon hiding a list intro, a possessive object right
after the verb taken for the subject).

| set | quotes, baseline | speakers, baseline | quotes, blind | speakers, blind | speakers, now |
|---|---|---|---|---|---|
| dev | 97.2 / 93.7 | 90.6 / 81.1 (95.3 / 85.3) | 99.1 / 98.2 | 96.7 / 93.7 | 96.7 / 93.7 |
| test A | 84.9 / 90.1 | 62.5 / 52.2 (75.0 / 62.7) | 89.0 / 90.1 | 89.7 / 77.6 | 89.7 / 77.6 |
| **test B** | 93.9 / 89.5 | 71.2 / 58.3 (83.1 / 68.1) | **94.0 / 90.7** | **74.6 / 61.1 (86.4 / 70.8)** | 79.3 / 63.9 |

Dev reaches the goal (quotes and speakers ≥ 90 exact); held-out speaker recall does not: on the blind batch
the rules gain ~3 points of speaker P and R, on A (whose errors were read) ~27 / 25, which is the measure of
how much of the dev/A gain is fitted. Speed of `find_quotes` went down, not up (0.046 → 0.042 ms per dev
paragraph, process time, best of 15 interleaved rounds against the old module): the verb lists are now letter
tries, and triggers after the last quote are not scanned.

## Rules added (each with a unit test in `tests/enrich/test_quotes.py`)

Nested straight quotes by mark shape; subject boundaries (a possessive object `تصريحاته`/`شكره`/`لمحادثه`, what
is sent `برقية`/`الشكر`, a blessing closing a name `عليه السلام`, في after a name vs. after an office, a subject
never starting with في, `أمس الأول`, newspapers with a definite name need their ال); short quotes only when
marked as words said (`حسب تعبيره`, a shout `صاح`, a verb phrase after قد or a prepositional phrase inside a
reported complement), names and lists in marks left out (`أعلنت "X" أن`, `مثل:`, `محطة`, `بند`, `المدعو`,
digits/Latin/kunya); a source right after the quote wins (`"…"، حسب البيان`, glued `حسبما`); `جاء/ورد في X`;
implicit subjects from the last reporting verb (not a حسب-source inside its complement), else the nearest
agent (clause-initial narrative verb, a sentence opening on a title, a title after a fronted adverbial), an
inscription `كتب عليها` has no writer; relative clauses only when the verb agrees and has no resumptive
pronoun; negated verbs are not attributions; `كان X يقول`, `وكان X قد ذكر`; SVO subjects up to 8 words after
أن; `بعد أن` does not chain verbs, an impersonal frame (`يذكر أن X قال`) does not take the speaker away;
`find_quotes_in_article` carries whoever the previous paragraph left speaking, quote marks or not.

## Remaining errors (dev 8, test A 24, test B 30; `--show-errors`)

* **Subject/object boundary in VSO** (largest speaker class): `رفض تونر نفي …`, `ويعلم إيدي هاو مدرب الفريق
  ما ينتظر`, `ويصف الناشط … الأوضاع`; and prepositions that belong to the subject but also end it
  (`كبير المسؤولين عن المعلومات`, `المشرف على الكرة`). Needs POS/NER, not more word lists.
* **Attribution without a known trigger**: `على لسان X`, `بحديث الرسول`, `ما وصفه X بأنه`, `وأحصى المرصد`,
  `ليقول` (ل + present), a source in brackets after the quote (`(دستور منظمة الصحة العالمية)`), `نصت المادة`,
  a noun of speech with its owner (`دعوة المالكي إلى … «…»`).
* **Hidden subject named far back or by an unlisted verb** (`وينوي الجنرال …`, `غوكسيل … فإنه يقول`), and
  speakers in `…، وهو …` appositions; some of these are a different but co-referent mention (partial match).
* **Short noun-phrase quotes** in reported speech (`«هندسة أمنية»`, `«مضاعفة الجهود»`, `"أكاديمي بحت"`,
  `«الدعم القوي»`) are missed on purpose: in the same position names and terms are more frequent (`"عوفر
  ومجدو"`, `«شركة بدون عائلة»`).
* **Broken marks**: a missing opener (`الدكتور …: إن … الملونة."`), ‘single curly’ marks, « used as a closer,
  an unclosed quote that does not run to the paragraph's end.
* **False quotes**: headlines after `رابط الخبر بصحيفة الوئام:`, program or topic names of ≥ 4 words with no
  title word before them (`«الانحرافات الفكرية والمشكلات السلوكية»`, `"هموم الشباب …"`).
* **Apposition**: `جون برانش، رئيس …` takes the title after the comma when it lacks ال.
"""


if __name__ == "__main__":
    sys.exit(main())
