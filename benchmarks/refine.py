"""Benchmark khabar.refine on SaudiNewsNet, against datatrove's Gopher repetition filter.

One run prints, side by side, khabar's single-worker throughput (refine over texts already in
memory) and datatrove's ``GopherRepetitionFilter(language="ar")`` over the same texts, run in its
own virtual env (benchmarks/.venv-datatrove, created on first use). It then summarises what
khabar did to every article (repairs, Gopher thresholds before/after, datelines per outlet,
restore check) and writes benchmarks/results/refine.md.

    .venv/bin/python benchmarks/refine.py                    # full run, writes the report
    .venv/bin/python benchmarks/refine.py --limit 500 --skip-datatrove   # quick look
    .venv/bin/python benchmarks/refine.py --profile 2000     # cProfile hotspots only

The data are read from $KHABAR_SHARED/data/saudinewsnet (default: <repo>/../shared).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import platform
import pstats
import random
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import BENCH, REPO, ensure_venv, saudinewsnet_dir, use_repo_src

use_repo_src()

import khabar  # noqa: E402
from khabar.io.base import RawRecord, ReadError  # noqa: E402
from khabar.io.discover import read_paths  # noqa: E402

DT_VENV = BENCH / ".venv-datatrove"
DT_WORKER = BENCH / "_datatrove_worker.py"
# Pinned so that datatrove's numbers are comparable between runs. spaCy is what datatrove's "ar"
# word tokenizer needs (a blank, rule-based spaCy pipeline: no model download); regex is an
# import of datatrove.utils.text that datatrove only declares in its "processing" extra.
DT_PINS = ("datatrove==0.10.1", "spacy==3.8.18", "regex==2026.11.19")
DEFAULT_OUT = BENCH / "results" / "refine.md"

# Gopher (Rae et al. 2021, table A1) thresholds, as datatrove's defaults; over = strictly greater.
GOPHER: dict[str, tuple[tuple[str, float], ...]] = {
    "dup_para": (("dup_para_frac", 0.30), ("dup_para_char_frac", 0.20)),
    "dup_line": (("dup_line_frac", 0.30), ("dup_line_char_frac", 0.20)),
    "top_ngram": (
        ("top_2gram_char_frac", 0.20),
        ("top_3gram_char_frac", 0.18),
        ("top_4gram_char_frac", 0.16),
    ),
    "dup_ngram": tuple(
        (f"dup_{n}gram_char_frac", t)
        for n, t in ((5, 0.15), (6, 0.14), (7, 0.13), (8, 0.12), (9, 0.11), (10, 0.10))
    ),
}
REPEAT_REASONS = ("repeated-paragraph", "repeated-body", "repeats-title")
REASON_GROUP = {
    "repeated-paragraph": "repeat",
    "repeated-body": "repeat",
    "repeats-title": "repeat",
    "mojibake": "display",
    "presentation-form": "display",
    "persian-letter": "display",
    "invisible-char": "display",
    "whitespace": "display",
    "empty-line": "layout",
    "dateline": "parse",
    "credit": "parse",
}


# ---------------------------------------------------------------------------------------------
# loading


def load_records(data_dir: Path, limit: int | None) -> tuple[list[RawRecord], list[ReadError]]:
    """Every record of the daily zips, in file order. Kept behind one function so the reader can
    be swapped; empty articles come back from the reader as ReadErrors and are counted apart."""
    paths = [str(p) for p in sorted(data_dir.glob("*.zip"))]
    records: list[RawRecord] = []
    errors: list[ReadError] = []
    for item in read_paths(paths):
        if isinstance(item, ReadError):
            errors.append(item)
        else:
            records.append(item)
            if limit is not None and len(records) >= limit:
                break
    return records, errors


# ---------------------------------------------------------------------------------------------
# timing


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def peak_rss_mb() -> float:
    """Peak resident set (VmHWM) of this process, as the datatrove worker measures its own."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            return next(int(ln.split()[1]) for ln in f if ln.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):  # not Linux: ru_maxrss (KiB on Linux, bytes on macOS)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


@dataclass
class Timing:
    n: int
    seconds: float
    ms_median: float
    ms_p99: float
    peak_rss_mb: float
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.n / self.seconds if self.seconds else 0.0


def refine_record(r: RawRecord) -> khabar.Article:
    # stages=(): repair and dateline only, the work this benchmark compares with a repetition
    # filter; enrichment has its own throughput figures (benchmarks/pipeline.py).
    return khabar.refine(
        r.text,
        id=r.id,
        title=r.title,
        url=r.url,
        source=r.source,
        published=r.published,
        meta=r.extra,
        stages=(),
    )


def time_khabar(records: list[RawRecord]) -> tuple[list[khabar.Article], Timing]:
    # Warm-up outside the timing, as for datatrove: lazily built tables/regexes load on first use.
    if records:
        refine_record(records[0])
    rss_before = peak_rss_mb()
    clock = time.perf_counter
    articles: list[khabar.Article] = []
    per_doc: list[float] = []
    start = clock()
    for r in records:
        t0 = clock()
        articles.append(refine_record(r))
        per_doc.append(clock() - t0)
    seconds = clock() - start
    timing = Timing(
        n=len(records),
        seconds=seconds,
        ms_median=statistics.median(per_doc) * 1000 if per_doc else 0.0,
        ms_p99=percentile(per_doc, 0.99) * 1000,
        peak_rss_mb=peak_rss_mb(),
        extra={"rss_before_mb": rss_before},
    )
    return articles, timing


def ensure_datatrove_venv(log: Callable[[str], None]) -> Path:
    """benchmarks/.venv-datatrove with the pinned packages; created or fixed up when needed."""
    probe = (
        "from importlib.metadata import version\n"
        "print(' '.join(p + '==' + version(p) for p in ('datatrove', 'spacy', 'regex')))"
    )
    return ensure_venv(DT_VENV, DT_PINS, probe, log)


def time_datatrove(records: list[RawRecord], log: Callable[[str], None]) -> Timing:
    py = ensure_datatrove_venv(log)
    with tempfile.TemporaryDirectory(prefix="khabar-bench-") as tmp:
        src, dst = Path(tmp) / "docs.jsonl", Path(tmp) / "result.json"
        with src.open("w", encoding="utf-8") as f:
            for i, r in enumerate(records):
                f.write(json.dumps({"id": str(i), "text": r.text}, ensure_ascii=False) + "\n")
        log(f"running datatrove GopherRepetitionFilter over {len(records):,} texts ...")
        # Fresh interpreter, no inherited PYTHONPATH: only the datatrove venv's packages are seen.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        done = subprocess.run(
            [str(py), str(DT_WORKER), str(src), str(dst)], capture_output=True, text=True, env=env
        )
        if done.returncode != 0:
            raise RuntimeError(f"datatrove worker failed ({done.returncode}):\n{done.stderr[-3000:]}")
        out = json.loads(dst.read_text(encoding="utf-8"))
    return Timing(
        n=out["n"],
        seconds=out["seconds"],
        ms_median=out["ms_median"],
        ms_p99=out["ms_p99"],
        peak_rss_mb=out["peak_rss_kb"] / 1024,
        extra=out,
    )


# ---------------------------------------------------------------------------------------------
# figures


def over(stats: dict[str, float], group: str) -> bool:
    return any(stats.get(name, 0.0) > limit for name, limit in GOPHER[group])


def outlet(a: khabar.Article) -> str:
    return a.source or "(none)"


def clip(s: str | None, n: int = 150) -> str:
    s = " ".join((s or "").split())
    return s if len(s) <= n else s[: n - 1] + "…"


def clip_end(s: str | None, n: int = 100) -> str:
    s = " ".join((s or "").split())
    return s if len(s) <= n else "…" + s[-(n - 1) :]


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "-"


@dataclass
class Figures:
    """Everything deterministic the report shows (no timings)."""

    n: int
    empty: int
    restored: int
    titles_restored: int
    restore_failures: list[str]
    reason_articles: Counter[str]
    reason_edits: Counter[str]
    title_edit_articles: Counter[str]
    repaired_any: int
    repeat_any: int
    display_any: int
    gopher_before: Counter[str]
    gopher_after: Counter[str]
    outlets: dict[str, dict[str, Any]]
    agencies: Counter[str]
    places: Counter[str]
    datelines: int


def compute(records: list[RawRecord], articles: list[khabar.Article], empty: int) -> Figures:
    reason_articles: Counter[str] = Counter()
    reason_edits: Counter[str] = Counter()
    title_edit_articles: Counter[str] = Counter()
    gopher_before: Counter[str] = Counter()
    gopher_after: Counter[str] = Counter()
    agencies: Counter[str] = Counter()
    places: Counter[str] = Counter()
    outlets: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"articles": 0, "dateline": 0, "start": 0, "end": 0, "author": 0, "agencies": Counter()}
    )
    restored = titles_restored = repaired_any = repeat_any = display_any = datelines = 0
    failures: list[str] = []
    for r, a in zip(records, articles, strict=True):
        if khabar.restore(a) == r.text:
            restored += 1
        else:
            failures.append(f"{r.origin_file}:{r.origin_record}")
        if khabar.restore_title(a) == r.title:
            titles_restored += 1
        body = [e for e in a.edits if e.field == "body"]
        reasons = {e.reason for e in body}
        reason_articles.update(reasons)
        reason_edits.update(e.reason for e in body)
        title_edit_articles.update({e.reason for e in a.edits if e.field == "title"})
        groups = {REASON_GROUP.get(x, "other") for x in reasons}
        repeat_any += "repeat" in groups
        display_any += "display" in groups
        repaired_any += bool(groups & {"repeat", "display"})
        for g in GOPHER:
            gopher_before[g] += over(a.stats["before"], g)
            gopher_after[g] += over(a.stats["after"], g)
        gopher_before["any"] += any(over(a.stats["before"], g) for g in GOPHER)
        gopher_after["any"] += any(over(a.stats["after"], g) for g in GOPHER)
        o = outlets[outlet(a)]
        o["articles"] += 1
        if a.dateline:
            datelines += 1
            o["dateline"] += 1
            o[a.dateline.position] = o.get(a.dateline.position, 0) + 1
            agency = a.dateline.agency or "(none)"
            o["agencies"][agency] += 1
            agencies[agency] += 1
            places[a.dateline.place_en or a.dateline.place or "(none)"] += 1
    return Figures(
        n=len(articles),
        empty=empty,
        restored=restored,
        titles_restored=titles_restored,
        restore_failures=failures,
        reason_articles=reason_articles,
        reason_edits=reason_edits,
        title_edit_articles=title_edit_articles,
        repaired_any=repaired_any,
        repeat_any=repeat_any,
        display_any=display_any,
        gopher_before=gopher_before,
        gopher_after=gopher_after,
        outlets=dict(sorted(outlets.items(), key=lambda kv: (-kv[1]["articles"], kv[0]))),
        agencies=agencies,
        places=places,
        datelines=datelines,
    )


# ---------------------------------------------------------------------------------------------
# samples


def sample_indices(candidates: list[int], k: int, seed: int) -> list[int]:
    return sorted(random.Random(seed).sample(candidates, min(k, len(candidates))))


def repair_samples(records: list[RawRecord], articles: list[khabar.Article], k: int, seed: int) -> list[str]:
    """Markdown items: one repeat removal per sampled article, with the copy that was kept."""
    candidates = [i for i, a in enumerate(articles) if any(e.reason in REPEAT_REASONS for e in a.edits)]
    items = []
    for i in sample_indices(candidates, k, seed):
        r, a = records[i], articles[i]
        lines = r.text.split("\n")
        e = next(e for e in a.edits if e.reason in REPEAT_REASONS)
        removed = e.old
        if e.reason == "repeats-title":
            kept, where = a.title, "title"
        elif e.kept is not None:
            kept, where = a.paragraphs[e.kept], f"paragraph {e.kept}"
        else:  # the kept line itself was later trimmed/dropped (e.g. lost its dateline): show the source
            kept, where = lines[e.kept_line] if e.kept_line is not None else "", f"source line {e.kept_line}"
        n_repeat = sum(x.reason in REPEAT_REASONS for x in a.edits)
        items.append(
            f"{len(items) + 1}. **{outlet(a)}** — {a.url or r.origin_file + ':' + str(r.origin_record)}  \n"
            f"   {e.reason} (source line {e.line}; {n_repeat} repeat edit(s) in this article)  \n"
            f"   removed: «{clip(removed)}»  \n"
            f"   kept ({where}): «{clip(kept)}»"
        )
    return items


def dateline_samples(
    records: list[RawRecord], articles: list[khabar.Article], k: int, seed: int
) -> list[str]:
    candidates = [i for i, a in enumerate(articles) if a.dateline]
    items = []
    for i in sample_indices(candidates, k, seed):
        r, a = records[i], articles[i]
        d = a.dateline
        assert d is not None
        lines = r.text.split("\n")
        reason = "dateline" if d.position == "start" else "credit"
        e = next((e for e in a.edits if e.reason == reason), None)
        source_line = lines[e.line] if e else ""
        if d.position == "start":
            first = a.paragraphs[0] if a.paragraphs else ""
            context = f"   source line: «{clip(source_line)}»  \n   paragraph 0: «{clip(first, 100)}»"
        else:
            last = a.paragraphs[-1] if a.paragraphs else ""
            context = (
                f"   source line: «{clip_end(source_line, 150)}»  \n   last paragraph: «{clip_end(last)}»"
            )
        parsed = " / ".join(
            x or "–" for x in (d.place_en or d.place, d.country, d.agency_en or d.agency, d.agency_kind)
        )
        date = f", date «{d.date}»" if d.date else ""
        items.append(
            f"{len(items) + 1}. **{outlet(a)}** — {a.url or r.origin_file + ':' + str(r.origin_record)}  \n"
            f"   «{d.raw}» ({d.position}) → {parsed}{date}  \n{context}"
        )
    return items


# ---------------------------------------------------------------------------------------------
# output


def table(head: list[str], rows: Iterable[list[Any]]) -> str:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def speed_rows(k: Timing, d: Timing | None) -> list[list[Any]]:
    def col(t: Timing | None, f: Callable[[Timing], str]) -> str:
        return f(t) if t else "skipped"

    return [
        ["articles", f"{k.n:,}", col(d, lambda t: f"{t.n:,}")],
        ["seconds (timed loop)", f"{k.seconds:.2f}", col(d, lambda t: f"{t.seconds:.2f}")],
        ["articles/s", f"{k.rate:,.0f}", col(d, lambda t: f"{t.rate:,.0f}")],
        ["ms/article median", f"{k.ms_median:.2f}", col(d, lambda t: f"{t.ms_median:.2f}")],
        ["ms/article p99", f"{k.ms_p99:.2f}", col(d, lambda t: f"{t.ms_p99:.2f}")],
        ["peak RSS (MB)", f"{k.peak_rss_mb:,.0f}", col(d, lambda t: f"{t.peak_rss_mb:,.0f}")],
    ]


def reason_table(f: Figures) -> str:
    reasons = sorted(f.reason_articles, key=lambda x: (-f.reason_articles[x], x))
    return table(
        ["reason", "kind", "articles", "% of articles", "edits"],
        [
            [
                r,
                REASON_GROUP.get(r, "other"),
                f"{f.reason_articles[r]:,}",
                pct(f.reason_articles[r], f.n),
                f"{f.reason_edits[r]:,}",
            ]
            for r in reasons
        ],
    )


def gopher_table(f: Figures) -> str:
    names = {
        "dup_para": "dup_para (frac > 0.30 or char frac > 0.20)",
        "dup_line": "dup_line (frac > 0.30 or char frac > 0.20)",
        "top_ngram": "top 2/3/4-gram char frac > 0.20/0.18/0.16",
        "dup_ngram": "dup 5..10-gram char frac > 0.15..0.10",
        "any": "any of the above",
    }
    return table(
        ["Gopher check", "over threshold before", "after repair"],
        [[names[g], f"{f.gopher_before[g]:,}", f"{f.gopher_after[g]:,}"] for g in names],
    )


def outlet_table(f: Figures) -> str:
    rows = []
    for name, o in f.outlets.items():
        top = ", ".join(
            f"{a} {c}" for a, c in sorted(o["agencies"].items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        )
        rows.append(
            [
                name,
                f"{o['articles']:,}",
                f"{o['dateline']:,}",
                pct(o["dateline"], o["articles"]),
                f"{o.get('start', 0):,}",
                f"{o.get('end', 0):,}",
                top or "–",
                f"{o['author']:,} ({pct(o['author'], o['articles'])})",
            ]
        )
    rows.append(
        [
            "**all**",
            f"{f.n:,}",
            f"{f.datelines:,}",
            pct(f.datelines, f.n),
            f"{sum(o.get('start', 0) for o in f.outlets.values()):,}",
            f"{sum(o.get('end', 0) for o in f.outlets.values()):,}",
            "",
            f"{sum(o['author'] for o in f.outlets.values()):,}",
        ]
    )
    head = ["outlet", "articles", "with dateline", "%", "start", "end", "top agencies", "from `author` †"]
    return table(head, rows)


def top_table(counter: Counter[str], label: str, k: int = 15) -> str:
    return table(
        [label, "datelines"],
        [[x, f"{c:,}"] for x, c in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:k]],
    )


def datatrove_section(d: Timing, articles: list[khabar.Article]) -> list[str]:
    verdicts: list[str] = d.extra["verdicts"]
    dropped = [i for i, v in enumerate(verdicts) if v != "keep"]
    by_reason = Counter(verdicts[i] for i in dropped)
    repaired = sum(any(e.reason in REPEAT_REASONS for e in articles[i].edits) for i in dropped)
    clean_after = sum(not any(over(articles[i].stats["after"], g) for g in GOPHER) for i in dropped)
    rows = [[r, f"{c:,}"] for r, c in sorted(by_reason.items(), key=lambda kv: (-kv[1], kv[0]))]
    return [
        f"datatrove drops {len(dropped):,} of {len(verdicts):,} articles "
        f"({pct(len(dropped), len(verdicts))}); "
        f"khabar removed repeats from {repaired:,} of those and leaves {clean_after:,} of them under every "
        "Gopher threshold (khabar's own metrics) after repair, keeping the article instead of losing it.",
        "",
        table(["datatrove drop reason (first failed check)", "articles"], rows),
        "",
        f'Tokenizer: datatrove\'s `load_word_tokenizer("ar")` is `{d.extra["tokenizer"]}`, i.e. '
        f'`spacy.blank("{d.extra["tokenizer_lang"]}")` (rule-based, nothing downloaded). In datatrove '
        "0.10.1 the `ar` code lands on the multi-language `xx` pipeline, not spaCy's `ar`: the "
        "TRUE/FALSE flags of its tokenizer_assignment.csv are read as non-empty (truthy) strings, so "
        "the last row for a code wins (Arabic in Latin script, proxy `xx`); `arb` even lands on "
        "Stanza `mt`. Network connections attempted during the run: "
        f"{len(d.extra['network_attempts'])} (the worker refuses them).",
    ]


def machine_facts(d: Timing | None) -> list[str]:
    cpu = "?"
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        )
    facts = [
        f"- CPU: {cpu}, {os.cpu_count()} cores (both benchmarks single process)",
        f"- OS: {platform.platform()}",
        f"- Python {platform.python_version()} (khabar {khabar.__version__})",
        # Other processes on the machine skew the timings; the 1-min load average says how much.
        f"- load average at the end of the run: {os.getloadavg()[0]:.2f} (1 min)",
    ]
    if d:
        v = d.extra["versions"]
        facts.append(
            f"- datatrove {v['datatrove']}, spaCy {v['spacy']}, regex {v['regex']} "
            f"(Python {d.extra['python']})"
        )
    return facts


def render(
    args: argparse.Namespace,
    f: Figures,
    k: Timing,
    d: Timing | None,
    articles: list[khabar.Article],
    repairs: list[str],
    datelines: list[str],
) -> str:
    cmd = ".venv/bin/python benchmarks/refine.py" + (" " + shlex.join(args.argv) if args.argv else "")
    parts = [
        "# khabar refine benchmark — SaudiNewsNet",
        "",
        "Generated by `benchmarks/refine.py`. Everything but the timings section is deterministic.",
        "",
        f"Reproduce: `{cmd}` (data: `$KHABAR_SHARED/data/saudinewsnet`, default `../shared`).",
        "",
        f"Input: {f.n + f.empty:,} records in the daily zips; {f.empty:,} have an empty body (reported by "
        f"the reader as errors, not refined); **{f.n:,} articles** refined.",
        "",
        "## Speed (timings vary run to run)",
        "",
        "khabar: `khabar.refine` over the texts already in memory, one process; datatrove: "
        '`GopherRepetitionFilter(language="ar").filter(Document)` over the same texts, one process, '
        "in its own venv. Each warmed up with one untimed call; only the loop is timed. datatrove only "
        "*measures* (and stops at the first failed check); khabar also repairs, parses the dateline, "
        "logs every edit and computes the repetition stats twice (before and after).",
        "",
        table(["", "khabar", "datatrove"], speed_rows(k, d)),
        "",
    ]
    if d:
        parts += [f"**khabar / datatrove = {k.rate / d.rate:.2f}×** (goal ≥ 5×).", ""]
    parts += ["Machine:", "", *machine_facts(d), "", "## Restore", ""]
    parts += [
        f"`khabar.restore(article) == input` for **{f.restored:,} / {f.n:,}** articles; "
        f"`restore_title` for {f.titles_restored:,} / {f.n:,}.",
        "",
    ]
    if f.restore_failures:
        parts += ["Failures (first 20): " + ", ".join(f.restore_failures[:20]), ""]
    parts += [
        "## Repairs",
        "",
        f"- articles with a repeat removed (repeated-paragraph / repeated-body / repeats-title): "
        f"**{f.repeat_any:,}** ({pct(f.repeat_any, f.n)})",
        f"- articles with a display repair: {f.display_any:,} ({pct(f.display_any, f.n)})",
        f"- articles repaired (repeat or display): {f.repaired_any:,} ({pct(f.repaired_any, f.n)})",
        f"- repeated paragraphs removed: **{f.reason_edits['repeated-paragraph']:,}** "
        f"(in {f.reason_articles['repeated-paragraph']:,} articles)",
        "",
        "Body edits by reason (an article counts once per reason):",
        "",
        reason_table(f),
        "",
    ]
    if f.title_edit_articles:
        parts += [
            "Title edits: "
            + ", ".join(f"{r} {c:,}" for r, c in sorted(f.title_edit_articles.items()))
            + " articles.",
            "",
        ]
    parts += [
        "Articles over the Gopher repetition thresholds (khabar's `stats`, before and after repair). "
        "Note: in `after` each output paragraph is a Gopher paragraph, while the input's paragraphs "
        "are runs of lines between blank lines (SaudiNewsNet rarely has any), so dup_para can rise: "
        "it counts the short and authored repeated lines repair keeps on purpose.",
        "",
        gopher_table(f),
        "",
    ]
    if d:
        parts += ["### datatrove on the same texts", "", *datatrove_section(d, articles), ""]
    parts += [
        "## Datelines",
        "",
        "Datelines khabar lifted from the body (start: first paragraph; end: closing credit).",
        "",
        outlet_table(f),
        "",
        "† SaudiNewsNet keeps most outlets' datelines in the `author` field (kept in `meta`), not in "
        "the body; khabar reads it there when the body has none (`position: author`).",
        "",
        top_table(f.agencies, "agency"),
        "",
        top_table(f.places, "place"),
        "",
        f"## {len(repairs)} repairs (seed {args.seed})",
        "",
        *repairs,
        "",
        f"## {len(datelines)} datelines (seed {args.seed})",
        "",
        *datelines,
        "",
    ]
    return "\n".join(parts)


def profile(records: list[RawRecord], n: int) -> None:
    recs = records[:n]
    if recs:
        refine_record(recs[0])
    prof = cProfile.Profile()
    prof.enable()
    for r in recs:
        refine_record(r)
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(30)
    print(f"cProfile of khabar.refine over {len(recs):,} articles (sorted by cumulative time):")
    print(buf.getvalue())


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, help="refine only the first N articles (quick run)")
    ap.add_argument("--skip-datatrove", action="store_true", help="do not run the datatrove comparison")
    ap.add_argument("--seed", type=int, default=2015, help="seed for the sampled repairs/datelines")
    ap.add_argument("--samples", type=int, default=20, help="how many repairs and datelines to show")
    ap.add_argument(
        "--out",
        type=Path,
        help=f"report path (default {DEFAULT_OUT.relative_to(REPO)}; not written with --limit)",
    )
    ap.add_argument("--profile", type=int, metavar="N", help="only cProfile refine over the first N articles")
    args = ap.parse_args(argv)
    args.argv = argv

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    data_dir = saudinewsnet_dir()
    if not data_dir.is_dir():
        print(
            f"SaudiNewsNet not found at {data_dir}: set KHABAR_SHARED to the shared/ folder. Nothing to do."
        )
        return 0

    log(f"reading {data_dir} ...")
    records, errors = load_records(data_dir, args.profile or args.limit)
    if args.profile:
        profile(records, args.profile)
        return 0
    empty = sum(e.reason == "empty text" for e in errors)
    other_errors = [e for e in errors if e.reason != "empty text"]
    for e in other_errors[:10]:
        log(f"read error: {e.file}:{e.record}: {e.reason}")

    log(f"refining {len(records):,} articles ...")
    articles, k = time_khabar(records)
    dt: Timing | None = None
    failed = False
    if not args.skip_datatrove:
        try:
            dt = time_datatrove(records, log)
        except (RuntimeError, subprocess.CalledProcessError, OSError) as exc:
            log(f"datatrove comparison failed: {exc}")
            failed = True

    print()
    print(table(["", "khabar", "datatrove"], speed_rows(k, dt)))
    print(f"\nkhabar: {k.rate:,.0f} articles/s (1 worker)")
    if dt:
        print(f"datatrove GopherRepetitionFilter: {dt.rate:,.0f} articles/s (1 process)")
        print(f"ratio khabar/datatrove: {k.rate / dt.rate:.2f}x (goal >= 5x)")
        if dt.extra["network_attempts"]:
            print(f"WARNING: datatrove tried the network: {dt.extra['network_attempts'][:3]}")

    f = compute(records, articles, empty)
    print(f"\nrestore byte-exact: {f.restored:,} / {f.n:,}")
    print(
        f"articles with a repeat removed: {f.repeat_any:,}; repeated paragraphs removed: "
        f"{f.reason_edits['repeated-paragraph']:,}\n"
    )
    print(reason_table(f) + "\n")
    print(gopher_table(f) + "\n")
    print("Datelines per outlet\n")
    print(outlet_table(f) + "\n")

    out = args.out or (None if args.limit else DEFAULT_OUT)
    if out:
        report = render(
            args,
            f,
            k,
            dt,
            articles,
            repair_samples(records, articles, args.samples, args.seed),
            dateline_samples(records, articles, args.samples, args.seed),
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        # the by-eye checks are written by hand after a run: carry them over, they are not regenerated
        by_eye = "## Checked by eye"
        if out.exists() and by_eye in (old := out.read_text(encoding="utf-8")):
            report = report.rstrip("\n") + "\n\n" + old[old.index(by_eye) :]
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text(report, encoding="utf-8")
        tmp.replace(out)
        print(f"report written to {out}")
    if f.restored != f.n:
        print(f"RESTORE FAILED for {f.n - f.restored} articles", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
