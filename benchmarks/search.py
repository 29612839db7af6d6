"""Arabic search quality on SaudiNewsNet: khabar's store against stock SQLite FTS5 and Lucene-style analysis.

Issue 10, point 5. The judged query set (``benchmarks/data/search_queries.jsonl``, 198 queries written by hand
with spelling variants; see ``search_queries.md``) is run against the first 11 SaudiNewsNet zips, refined by
khabar (``khabar.dedup.dedup``: refine + enrich + dedup, as ``khabar dedup`` does), by every system side by side
in one run, and scored with MRR@10, nDCG@10 (binary gains) and recall@100 — overall, per kind (known-item,
topic) and per spelling variant.

Systems (all rank the same refined articles: title + khabar's clean paragraphs):

- **khabar**: ``khabar.store.open(db).add(articles)``, ``.search(query, limit=100)`` as shipped (no
  collapse), and again with ``collapse=True`` (one hit per story: copies stop counting, so recall can drop).
- **FTS5 unicode61**: stock SQLite FTS5, default tokenizer, columns title and body, ``bm25``; the query's
  whitespace-separated words, each double-quoted, ANDed (what a developer using FTS5 as it comes gets).
- **FTS5 unicode61 remove_diacritics 2**: the same with the fairest stock option.
- **Lucene-style Arabic**: Lucene's ArabicAnalyzer chain re-implemented here — tokens (harakat kept inside a
  word, as StandardTokenizer does), lower case, DecimalDigitFilter (any script's digits to ASCII),
  ArabicNormalizer (أ إ آ → ا, ى → ي, ة → ه, harakat and tatweel removed), then a light stemmer: either
  Lucene's ArabicStemmer (re-implemented from its documented algorithm: one prefix of ال وال بال كال فال لل و,
  then the suffixes ها ان ات ون ين يه ية ه ة ي, each only when 2 letters remain; a one-letter prefix only on a
  word of 4+ letters) or Snowball's ``arabic`` stemmer (PyStemmer, in its own venv
  ``benchmarks/.venv-pystemmer``, so khabar's environment never gets it). Lucene's Arabic stop words are not
  removed (queries are ANDed, and a stop word in a query is then simply required). The analysed tokens go into
  an FTS5 table with the ``ascii`` tokenizer, which on pre-analysed text splits at spaces only, and are queried
  the same way (each analysed query token quoted, ANDed, bm25). A normaliser-only row shows what the stemmers
  add.

Run ``.venv/bin/python benchmarks/search.py`` (about 3 minutes on 2 cores); ``--limit N`` takes the first N
records only (queries without a relevant article among them are left out and counted), ``--out -`` writes no
report. Without SaudiNewsNet it says so and exits 0; without ``khabar.store`` it runs the baselines and says
khabar was skipped.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shlex
import sqlite3
import subprocess
import sys
import tempfile
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from _common import BENCH, REPO, VenvError, ensure_venv, saudinewsnet_dir, use_repo_src

use_repo_src()

DAYS = 11
QUERIES = BENCH / "data" / "search_queries.jsonl"
OUT = BENCH / "results" / "search.md"
PS_VENV = BENCH / ".venv-pystemmer"
PS_PINS = ("PyStemmer==3.1.0",)
LIMIT = 100  # hits asked of every system: recall@100
VARIANTS = ("hamza", "ta-marbuta", "alef-maqsura", "clitic", "diacritics", "tatweel", "digits", "plain")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------- corpus


def raw_records(limit: int | None) -> Iterator[dict[str, Any]]:
    """The records of the first ``DAYS`` zips, in file order (the corpus the query set was judged on)."""
    n = 0
    for path in sorted(saudinewsnet_dir().glob("*.zip"))[:DAYS]:
        with zipfile.ZipFile(path) as z:
            for name in sorted(z.namelist()):
                for rec in json.loads(z.read(name)):
                    if limit is not None and n >= limit:
                        return
                    n += 1
                    yield rec


@dataclass(frozen=True)
class Doc:
    url: str
    title: str
    body: str


def refine_corpus(tmp: Path, limit: int | None, workers: int, enrich: bool) -> tuple[list[Any], float]:
    """khabar's records of the corpus (refined, enriched unless ``enrich`` is off, deduplicated) and the
    seconds it took. The raw records go through a temporary JSON Lines file so ``--limit`` can cut them."""
    from khabar.dedup import dedup
    from khabar.io.records import read_articles

    raw = tmp / "raw.jsonl"
    with raw.open("w", encoding="utf-8") as f:
        for rec in raw_records(limit):
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    out = tmp / "refined.jsonl"
    stages = ("entities", "dates", "numbers", "quotes") if enrich else ()
    start = time.perf_counter()
    dedup(
        [str(raw)],
        str(out),
        errors=str(tmp / "errors.jsonl"),
        workers=workers,
        stages=stages,
        on_error=lambda _msg: None,
    )
    seconds = time.perf_counter() - start
    return list(read_articles(str(out))), seconds


def as_doc(article: Any) -> Doc:
    return Doc(article.url or "", article.title or "", "\n".join(article.paragraphs))


# ------------------------------------------------------------------------------ Lucene-style analysis

_TOKEN = re.compile(r"[\w\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]+")
_HARAKAT_TATWEEL = re.compile("[\u064b-\u0652\u0640]")  # Lucene's ArabicNormalizer: FATHATAN..SUKUN, TATWEEL
_NORM = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه"})
_PREFIXES = ("ال", "وال", "بال", "كال", "فال", "لل", "و")  # Lucene ArabicStemmer, in its order
_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي")


def _digits(token: str) -> str:
    """Lucene's DecimalDigitFilter: every Unicode decimal digit to its ASCII digit."""
    if token.isascii():
        return token
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in token)


def lucene_normalize(text: str) -> list[str]:
    """Tokens, lower-cased, digits folded and ArabicNormalizer applied (empty tokens dropped)."""
    out = []
    for tok in _TOKEN.findall(text.lower()):
        tok = _HARAKAT_TATWEEL.sub("", _digits(tok.replace("_", ""))).translate(_NORM)
        if tok:
            out.append(tok)
    return out


def lucene_stem(word: str) -> str:
    """Lucene's ArabicStemmer (light stemming after Larkey et al.'s light10), re-implemented: strip the first
    matching prefix, then each matching suffix in turn, each only when at least 2 letters remain (and a
    one-letter prefix only from a word of 4 or more letters)."""
    n = len(word)
    for p in _PREFIXES:
        if word.startswith(p) and n >= len(p) + 2 and not (len(p) == 1 and n < 4):
            word = word[len(p) :]
            break
    for s in _SUFFIXES:
        if word.endswith(s) and len(word) >= len(s) + 2:
            word = word[: -len(s)]
    return word


def snowball_stems(words: Sequence[str], tmp: Path) -> dict[str, str] | str:
    """Snowball ``arabic`` stems of ``words`` from PyStemmer in its own venv, or why not."""
    try:
        py = ensure_venv(PS_VENV, PS_PINS, "import Stemmer", log, shown=str(PS_VENV.relative_to(REPO)))
    except VenvError as exc:
        return str(exc)
    src, dst = tmp / "vocab.json", tmp / "stems.json"
    src.write_text(json.dumps(list(words), ensure_ascii=False), encoding="utf-8")
    code = (
        "import json, sys, Stemmer; s = Stemmer.Stemmer('arabic'); "
        "w = json.load(open(sys.argv[1], encoding='utf-8')); "
        "json.dump(s.stemWords(w), open(sys.argv[2], 'w', encoding='utf-8'), ensure_ascii=False)"
    )
    done = subprocess.run([str(py), "-c", code, str(src), str(dst)], capture_output=True, text=True)
    if done.returncode != 0:
        return f"PyStemmer failed: {done.stderr.strip()[-300:]}"
    stems = json.loads(dst.read_text(encoding="utf-8"))
    return dict(zip(words, stems, strict=True))


# ------------------------------------------------------------------------------------------- systems


class System(Protocol):
    name: str
    index_seconds: float

    def search(self, query: str) -> list[str]: ...


def _quoted(terms: Sequence[str]) -> str:
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


class Fts5:
    """An in-memory FTS5 table (title, body) ranked by bm25; ``analyse`` (None: stock) turns a text into the
    tokens indexed and queried, joined by spaces under the ``ascii`` tokenizer."""

    def __init__(
        self, name: str, tokenize: str, docs: Sequence[Doc], analyse: Callable[[str], list[str]] | None = None
    ) -> None:
        self.name = name
        self.analyse = analyse
        self.urls = [d.url for d in docs]
        self.db = sqlite3.connect(":memory:")
        self.db.execute(f"CREATE VIRTUAL TABLE d USING fts5(title, body, tokenize = {_sql_str(tokenize)})")
        start = time.perf_counter()
        rows = (
            (i, *((" ".join(analyse(d.title)), " ".join(analyse(d.body))) if analyse else (d.title, d.body)))
            for i, d in enumerate(docs)
        )
        self.db.executemany("INSERT INTO d(rowid, title, body) VALUES (?, ?, ?)", rows)
        self.db.commit()
        self.index_seconds = time.perf_counter() - start
        self.errors = 0

    def search(self, query: str) -> list[str]:
        terms = self.analyse(query) if self.analyse else query.split()
        if not terms:
            return []
        try:
            rows = self.db.execute(
                "SELECT rowid FROM d WHERE d MATCH ? ORDER BY bm25(d) LIMIT ?", (_quoted(terms), LIMIT)
            ).fetchall()
        except sqlite3.Error:
            self.errors += 1
            return []
        return [self.urls[r[0]] for r in rows]


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


class Khabar:
    """khabar's store, filled once; ``collapse`` picks the search mode of this row."""

    def __init__(self, name: str, store: Any, index_seconds: float, collapse: bool) -> None:
        self.name = name
        self.store = store
        self.index_seconds = index_seconds
        self.collapse = collapse
        self.errors = 0

    def search(self, query: str) -> list[str]:
        import khabar.store

        try:
            res = self.store.search(query, limit=LIMIT, collapse=self.collapse)
        except khabar.store.QueryError:
            self.errors += 1
            return []
        return [h.url for h in res.hits]


# ------------------------------------------------------------------------------------------- metrics


@dataclass
class Scores:
    mrr: list[float] = field(default_factory=list)
    ndcg: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)

    def add(self, ranked: Sequence[str], relevant: set[str]) -> None:
        """MRR@10, nDCG@10 with binary gains, recall@100 of one ranking. A url ranked twice (a system
        returning one article twice) counts once, at its first rank."""
        seen: set[str] = set()
        gains = []
        for url in ranked[:LIMIT]:
            gains.append(1 if url in relevant and url not in seen else 0)
            seen.add(url)
        first = next((i for i, g in enumerate(gains[:10]) if g), None)
        self.mrr.append(0.0 if first is None else 1.0 / (first + 1))
        dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains[:10]))
        idcg = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), 10)))
        self.ndcg.append(dcg / idcg if idcg else 0.0)
        self.recall.append(sum(gains) / len(relevant) if relevant else 0.0)

    def mean(self, which: str) -> float:
        values: list[float] = getattr(self, which)
        return sum(values) / len(values) if values else float("nan")


MEASURES = (("mrr", "MRR@10"), ("ndcg", "nDCG@10"), ("recall", "recall@100"))


# -------------------------------------------------------------------------------------------- report


def _machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores{', ' + model if model else ''}, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"


def _revision() -> str:
    """The checkout measured: HEAD and the last commit that changed the store (results go stale when it moves)."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else "?"

    dirty = " (uncommitted changes in src/)" if git("status", "--porcelain", "--", "src") else ""
    return f"commit {git('rev-parse', '--short', 'HEAD')}, store last changed in {git('log', '-1', '--format=%h', '--', 'src/khabar/store')}{dirty}"


def _f(x: float) -> str:
    return "—" if math.isnan(x) else f"{x:.3f}"


def report(
    systems: Sequence[System],
    scores: dict[str, dict[str, Scores]],
    groups: dict[str, int],
    header: list[str],
    notes: list[str],
) -> str:
    lines = [*header, "", "## All queries", ""]
    lines += ["| system | MRR@10 | nDCG@10 | recall@100 | index s |", "|---|---|---|---|---|"]
    for s in systems:
        sc = scores[s.name]["all"]
        lines.append(
            f"| {s.name} | {_f(sc.mean('mrr'))} | {_f(sc.mean('ndcg'))} | {_f(sc.mean('recall'))} "
            f"| {s.index_seconds:.1f} |"
        )
    for kind in ("known-item", "topic"):
        if not groups.get(kind):
            continue
        lines += ["", f"## {kind} ({groups[kind]} queries)", ""]
        lines += ["| system | MRR@10 | nDCG@10 | recall@100 |", "|---|---|---|---|"]
        for s in systems:
            sc = scores[s.name][kind]
            lines.append(
                f"| {s.name} | {_f(sc.mean('mrr'))} | {_f(sc.mean('ndcg'))} | {_f(sc.mean('recall'))} |"
            )
    variants = [v for v in VARIANTS if groups.get(v)]
    for key, label in MEASURES:
        lines += ["", f"## {label} per variant", ""]
        lines.append("| system | " + " | ".join(f"{v} ({groups[v]})" for v in variants) + " |")
        lines.append("|---" * (len(variants) + 1) + "|")
        for s in systems:
            lines.append(
                f"| {s.name} | " + " | ".join(_f(scores[s.name][v].mean(key)) for v in variants) + " |"
            )
    lines += ["", *notes]
    return "\n".join(lines) + "\n"


def goal_lines(
    systems: Sequence[System], scores: dict[str, dict[str, Scores]], groups: dict[str, int]
) -> list[str]:
    """The issue's goal — khabar ahead of every baseline on every measure — checked cell by cell: each cell is
    khabar's score minus the best baseline's (named when khabar is not ahead)."""
    ours = [s for s in systems if s.name.startswith("khabar")]
    base = [s for s in systems if not s.name.startswith("khabar")]
    if not ours or not base:
        return ["Goal (khabar ahead of every baseline on every measure): not measured (khabar skipped)."]
    cells = [g for g in ("all", "known-item", "topic", *VARIANTS) if groups.get(g)]
    out = ["## Goal: khabar ahead of every baseline on every measure", ""]
    for s in ours:
        out += [f"{s.name} minus the best baseline of each cell:", ""]
        out += ["| queries | MRR@10 | nDCG@10 | recall@100 |", "|---|---|---|---|"]
        ahead = 0
        for g in cells:
            row = []
            for key, _label in MEASURES:
                best = max(base, key=lambda b: scores[b.name][g].mean(key))
                diff = scores[s.name][g].mean(key) - scores[best.name][g].mean(key)
                ahead += diff > 0
                row.append(f"{diff:+.3f}" if diff > 0 else f"**{diff:+.3f}** ({best.name})")
            out.append(f"| {g} ({groups[g]}) | " + " | ".join(row) + " |")
        total = len(cells) * len(MEASURES)
        out += ["", f"{s.name}: ahead in {ahead} of {total} cells (bold: tied or behind).", ""]
    return out


# ---------------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, help="index only the first N records of the 11 zips")
    ap.add_argument("--queries", type=Path, default=QUERIES)
    ap.add_argument("--out", default=str(OUT), help="report path ('-': none)")
    ap.add_argument("--workers", type=int, default=2, help="processes refining the corpus")
    ap.add_argument("--no-enrich", action="store_true", help="skip khabar's enrichment stages (faster)")
    ap.add_argument("--no-khabar", action="store_true", help="baselines only")
    ap.add_argument("--no-pystemmer", action="store_true", help="skip the Snowball row (no venv made)")
    ap.add_argument("--note", default="", help="a line for the report (e.g. the machine's load)")
    args = ap.parse_args(argv)
    if not saudinewsnet_dir().is_dir():
        print(f"SaudiNewsNet not found at {saudinewsnet_dir()}; nothing to measure.")
        return 0
    queries = [
        json.loads(line) for line in args.queries.read_text(encoding="utf-8").splitlines() if line.strip()
    ]

    with tempfile.TemporaryDirectory(prefix="khabar-search-") as tmpname:
        tmp = Path(tmpname)
        log("refining the corpus with khabar ...")
        articles, refine_s = refine_corpus(tmp, args.limit, args.workers, not args.no_enrich)
        docs = [as_doc(a) for a in articles]
        present = {d.url for d in docs}
        judged = [q for q in queries if present & set(q["relevant"])]
        left_out = len(queries) - len(judged)
        log(
            f"{len(docs)} articles refined in {refine_s:.1f} s; {len(judged)} of {len(queries)} queries judged here"
        )

        systems: list[System] = []
        notes: list[str] = []
        skipped: list[str] = []
        if args.no_khabar:
            skipped.append("khabar: skipped (--no-khabar).")
        else:
            try:
                import khabar.store
            except ImportError:
                khabar_store = None
                skipped.append("khabar: skipped — khabar.store is not in this checkout yet.")
            else:
                khabar_store = khabar.store
            if khabar_store is not None:
                log("indexing into khabar's store ...")
                store = khabar_store.open(str(tmp / "khabar.db"))
                start = time.perf_counter()
                store.add(articles)
                index_s = time.perf_counter() - start
                systems.append(Khabar("khabar", store, index_s, collapse=False))
                systems.append(Khabar("khabar (collapse)", store, index_s, collapse=True))

        log("indexing the baselines ...")
        systems.append(Fts5("FTS5 unicode61", "unicode61", docs))
        systems.append(Fts5("FTS5 unicode61 remove_diacritics 2", "unicode61 remove_diacritics 2", docs))
        systems.append(Fts5("Lucene normaliser only", "ascii", docs, lucene_normalize))
        systems.append(
            Fts5(
                "Lucene normaliser + ArabicStemmer",
                "ascii",
                docs,
                lambda text: [lucene_stem(t) for t in lucene_normalize(text)],
            )
        )
        if args.no_pystemmer:
            skipped.append("Snowball arabic (PyStemmer): skipped (--no-pystemmer).")
        else:
            vocab = sorted(
                {t for d in docs for t in lucene_normalize(f"{d.title} {d.body}")}
                | {t for q in judged for t in lucene_normalize(q["query"])}
            )
            stems = snowball_stems(vocab, tmp)
            if isinstance(stems, str):
                skipped.append(f"Snowball arabic (PyStemmer): skipped — {stems}")
            else:
                table = stems
                systems.append(
                    Fts5(
                        "Lucene normaliser + Snowball arabic",
                        "ascii",
                        docs,
                        lambda text: [table.get(t, t) for t in lucene_normalize(text)],
                    )
                )

        log("running the queries ...")
        scores: dict[str, dict[str, Scores]] = {s.name: {} for s in systems}
        groups: dict[str, int] = {"all": len(judged)}
        for q in judged:
            for g in (q["kind"], q["variant"]):
                groups[g] = groups.get(g, 0) + 1
        for s in systems:
            for q in judged:
                ranked = s.search(q["query"])
                rel = set(q["relevant"]) & present
                for g in ("all", q["kind"], q["variant"]):
                    scores[s.name].setdefault(g, Scores()).add(ranked, rel)

    cmd = "python benchmarks/search.py" + "".join(
        f" {shlex.quote(a)}" for a in (argv if argv is not None else sys.argv[1:])
    )
    header = [
        "# Arabic search quality: khabar vs stock FTS5 vs Lucene-style analysis",
        "",
        f"Reproduce: `.venv/bin/{cmd}`",
        "",
        f"Machine: {_machine()}." + (f" **{args.note}**" if args.note else ""),
        "",
        f"khabar: {_revision()}.",
        "",
        f"Corpus: the first {DAYS} SaudiNewsNet zips{f' (first {args.limit} records)' if args.limit else ''}: "
        f"{len(docs)} articles refined by khabar ({'with' if not args.no_enrich else 'without'} enrichment, "
        f"deduplicated) in {refine_s:.1f} s; every system ranks the same title + clean paragraphs. "
        f"Queries: {len(judged)} of {len(queries)} judged queries in `{args.queries.name}` "
        f"({groups.get('known-item', 0)} known-item, {groups.get('topic', 0)} topic)"
        + (f"; {left_out} left out: none of their relevant articles is in this corpus" if left_out else "")
        + ". Top 100 asked of each system; MRR@10, nDCG@10 (binary gains), recall@100; means over queries.",
        "",
        "Baselines: the query's words, each double-quoted, ANDed, ranked by FTS5's bm25. The Lucene rows "
        "re-implement Lucene's ArabicAnalyzer chain (lower case, DecimalDigitFilter, ArabicNormalizer) and its "
        "ArabicStemmer (light10-style prefix/suffix lists) in Python — the documented algorithm, not Lucene "
        "itself; Snowball `arabic` is PyStemmer "
        f"{PS_PINS[0].split('==')[1]}. `khabar (collapse)` returns one hit per story (its canonical copy), so "
        "copies stop counting towards recall. index s: seconds to fill each index (khabar: `Store.add`, one "
        "process, on-disk SQLite; baselines: in-memory FTS5).",
    ]
    errs = [f"{s.name}: {s.errors} queries refused" for s in systems if getattr(s, "errors", 0)]
    notes = [*goal_lines(systems, scores, groups), ""]
    if errs:
        notes.append("Query errors (scored as no hits): " + "; ".join(errs) + ".")
    notes += [f"- {line}" for line in skipped]
    text = report(systems, scores, groups, header, notes)
    print(text)
    if args.out != "-":
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        log(f"wrote {out}")
    for line in skipped:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
