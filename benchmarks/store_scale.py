"""khabar's store at scale: indexing speed, DB size and query latency on a synthetic SaudiNewsNet-like corpus.

Issue 10, point 6: indexing ≥ 2,000 articles/s into SQLite on one core; at 1M articles query p50 ≤ 20 ms and
p99 ≤ 100 ms; DB size reported.

The corpus is synthetic so that it can reach a million articles from a 31k-article source without repeating
whole articles (which a deduplicating store might fold): a pool of real articles (``--pool``, the first
records of the first 11 SaudiNewsNet zips) is refined and enriched by khabar once; each synthetic article then
takes a title from one pool article and 2–8 paragraphs from others (their entities, dates and numbers carried
along, paragraph indices remapped; quotes dropped, since their speaker points into another article's
entities), a fresh id and url, a source and a publication day drawn from the pool. Everything is drawn from
``random.Random(--seed)``, so a run is reproducible; the articles are generated lazily and handed to
``khabar.store.open(db).add(iterator)`` as a stream, never held in memory.

Reported: articles/s of ``Store.add`` over the whole stream in this one process (the generator's own cost is
timed apart on a sample and reported, and subtracted for a net figure), the DB size (main file + WAL),
and search latency p50/p99 over a fixed query mix — every judged query's text
(``benchmarks/data/search_queries.jsonl``) alone, with a source filter, with a 7-day date range, with a person
filter (a frequent person name of the pool) and with ``collapse=True`` — each timed once after one untimed
warm-up pass, limit 10 (a results page).

``--n`` sets the size (default 1,000,000; the smoke test uses 2,000). Without SaudiNewsNet, or without
``khabar.store``, it says so and exits 0.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import platform
import random
import shlex
import sqlite3
import sys
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from _common import BENCH, saudinewsnet_dir, use_repo_src

use_repo_src()

DAYS = 11
QUERIES = BENCH / "data" / "search_queries.jsonl"
OUT = BENCH / "results" / "store_scale.md"
GOALS = {"index_per_s": 2000.0, "p50_ms": 20.0, "p99_ms": 100.0}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def pool_articles(size: int, workers: int) -> list[Any]:
    """The first ``size`` records with a body of the first 11 zips, refined and enriched by khabar."""
    import khabar

    def raw() -> Iterator[dict[str, Any]]:
        n = 0
        for path in sorted(saudinewsnet_dir().glob("*.zip"))[:DAYS]:
            with zipfile.ZipFile(path) as z:
                for name in sorted(z.namelist()):
                    for rec in json.loads(z.read(name)):
                        if not (rec.get("content") or "").strip():
                            continue
                        if n >= size:
                            return
                        n += 1
                        yield {
                            "text": rec["content"],
                            "title": rec.get("title"),
                            "url": rec.get("url"),
                            "source": rec.get("source"),
                            "published": rec.get("date_extracted"),
                        }

    return [a for a in khabar.refine_many(raw(), workers=workers) if a.paragraphs]


def synthetic(pool: list[Any], n: int, seed: int) -> Iterator[Any]:
    """``n`` articles recombined from ``pool`` (see the module doc), deterministically from ``seed``."""
    from khabar.record import Article, text_hash

    rng = random.Random(seed)
    sources = [a.source for a in pool]
    days = sorted({(a.published or "2015-07-21")[:10] for a in pool})
    for i in range(n):
        head = pool[rng.randrange(len(pool))]
        paragraphs: list[str] = []
        entities: list[Any] = []
        dates: list[Any] = []
        numbers: list[Any] = []
        for _ in range(rng.randint(2, 8)):
            donor = pool[rng.randrange(len(pool))]
            k = rng.randrange(len(donor.paragraphs))
            at = len(paragraphs)
            paragraphs.append(donor.paragraphs[k])
            entities += [dataclasses.replace(e, para=at) for e in donor.entities if e.para == k]
            dates += [dataclasses.replace(d, para=at) for d in donor.dates if d.para == k]
            numbers += [dataclasses.replace(m, para=at) for m in donor.numbers if m.para == k]
        aid = hashlib.blake2b(f"{seed}:{i}".encode(), digest_size=8).hexdigest()
        yield Article(
            id=aid,
            paragraphs=paragraphs,
            source=sources[rng.randrange(len(sources))],
            url=f"https://synthetic.example/{aid}",
            title=head.title,
            published=f"{days[rng.randrange(len(days))]}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00",
            input_hash=text_hash("\n".join(paragraphs)),
            entities=entities,
            dates=dates,
            numbers=numbers,
        )


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def query_mix(
    pool: list[Any], seed: int, max_queries: int | None = None
) -> list[tuple[str, str, dict[str, Any]]]:
    """(label, query, search keyword arguments) for every judged query (the first ``max_queries``) × the
    filter kinds."""
    from khabar.store import SearchFilters

    queries = [json.loads(line)["query"] for line in QUERIES.read_text(encoding="utf-8").splitlines() if line]
    queries = queries[:max_queries] if max_queries else queries
    rng = random.Random(seed)
    sources = sorted({a.source for a in pool if a.source})
    days = sorted({(a.published or "2015-07-21")[:10] for a in pool})
    people = Counter(e.canonical or e.text for a in pool for e in a.entities if e.type == "PERS")
    top_people = [p for p, _ in people.most_common(20)] or [None]
    mix: list[tuple[str, str, dict[str, Any]]] = []
    for q in queries:
        mix.append(("plain", q, {}))
        mix.append(("source", q, {"filters": SearchFilters(source=rng.choice(sources))}))
        start = rng.randrange(max(1, len(days) - 7))
        window = SearchFilters(date_from=days[start], date_to=days[min(len(days) - 1, start + 6)])
        mix.append(("7 days", q, {"filters": window}))
        mix.append(("person", q, {"filters": SearchFilters(person=rng.choice(top_people))}))
        mix.append(("collapse", q, {"collapse": True}))
    return mix


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000, help="synthetic articles to index")
    ap.add_argument("--pool", type=int, default=5000, help="real articles recombined")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2, help="processes refining the pool (indexing is 1)")
    ap.add_argument("--max-queries", type=int, help="use only the first N judged queries (default: all)")
    ap.add_argument("--db", help="store path (default: a temporary file, removed at the end)")
    ap.add_argument(
        "--search-only",
        action="store_true",
        help="time the searches on an existing --db built by an earlier run with the same --n/--pool/--seed",
    )
    ap.add_argument("--out", default=str(OUT), help="report path ('-': none)")
    ap.add_argument("--note", default="", help="a line for the report (e.g. the machine's load)")
    args = ap.parse_args(argv)
    if not saudinewsnet_dir().is_dir():
        print(f"SaudiNewsNet not found at {saudinewsnet_dir()}; nothing to measure.")
        return 0
    try:
        import khabar.store
    except ImportError:
        print("khabar.store is not in this checkout yet; nothing to measure.")
        return 0

    log(f"refining a pool of {args.pool} articles ...")
    start = time.perf_counter()
    pool = pool_articles(args.pool, args.workers)
    log(f"pool: {len(pool)} articles in {time.perf_counter() - start:.1f} s")

    gen_per_article = 0.0
    if not args.search_only:
        sample = min(args.n, 20_000)
        gen_s = time.perf_counter()
        for _ in synthetic(pool, sample, args.seed):
            pass
        gen_per_article = (time.perf_counter() - gen_s) / sample

    with tempfile.TemporaryDirectory(prefix="khabar-scale-") as tmpname:
        db = Path(args.db) if args.db else Path(tmpname) / "scale.db"
        if args.search_only != db.exists():
            print(f"{db} {'does not exist' if args.search_only else 'exists; give a new path'}.")
            return 2
        store = khabar.store.open(str(db))
        done = 0
        last = time.perf_counter()

        def counted() -> Iterator[Any]:
            nonlocal done, last
            for a in synthetic(pool, args.n, args.seed):
                done += 1
                if done % 50_000 == 0:
                    now = time.perf_counter()
                    log(f"  {done:,} ({50_000 / (now - last):,.0f}/s)")
                    last = now
                yield a

        index_s = float("nan")
        if not args.search_only:
            log(f"indexing {args.n:,} synthetic articles into {db} ...")
            start = time.perf_counter()
            store.add(counted())
            index_s = time.perf_counter() - start
        size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))

        mix = query_mix(pool, args.seed, args.max_queries)
        log(f"{len(mix)} searches: warm-up pass, then timed ...")
        for _label, q, kw in mix:
            store.search(q, limit=10, **kw)
        times: dict[str, list[float]] = {}
        hits: list[int] = []
        for i, (label, q, kw) in enumerate(mix, 1):
            t0 = time.perf_counter()
            res = store.search(q, limit=10, **kw)
            times.setdefault(label, []).append((time.perf_counter() - t0) * 1000)
            hits.append(len(res.hits))
            if i % 100 == 0:
                log(f"  {i} timed searches")
        store.close()
        size_after = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))

    per_s = args.n / index_s
    net_s = max(index_s - gen_per_article * args.n, 1e-9)
    all_ms = [t for ts in times.values() for t in ts]
    p50, p99 = _pct(all_ms, 0.5), _pct(all_ms, 0.99)
    cmd = "python benchmarks/store_scale.py" + "".join(
        f" {shlex.quote(a)}" for a in (argv if argv is not None else sys.argv[1:])
    )
    ok = {
        "index": per_s >= GOALS["index_per_s"],  # NaN with --search-only: never "met"
        "p50": p50 <= GOALS["p50_ms"],
        "p99": p99 <= GOALS["p99_ms"],
    }
    lines = [
        f"# khabar store at {args.n:,} synthetic articles",
        "",
        f"Reproduce: `.venv/bin/{cmd}`",
        "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}."
        + (f" **{args.note}**" if args.note else ""),
        "",
        f"Corpus: {args.n:,} articles recombined (seed {args.seed}) from {len(pool):,} real SaudiNewsNet articles "
        "refined and enriched by khabar (title from one, 2–8 paragraphs with their entities, dates and numbers "
        "from others; fresh ids and urls).",
        "",
        "| measure | value | goal |",
        "|---|---|---|",
        *(
            ["| indexing | not measured in this run (`--search-only` on an existing store) | |"]
            if args.search_only
            else [
                f"| indexing, `Store.add` (one process) | {per_s:,.0f} articles/s ({index_s:,.1f} s) "
                f"| ≥ {GOALS['index_per_s']:,.0f}/s {'met' if ok['index'] else 'NOT met'} |",
                f"| indexing net of generating the articles ({gen_per_article * 1e6:,.0f} µs each) "
                f"| {args.n / net_s:,.0f} articles/s | |",
            ]
        ),
        f"| DB size (file + WAL) | {size / 1e9:,.2f} GB before searching, {size_after / 1e9:,.2f} GB after close "
        f"({size_after / args.n / 1024:,.1f} KiB/article) | reported |",
        f"| search p50 (all {len(all_ms)} searches, limit 10) | {p50:,.1f} ms "
        f"| ≤ {GOALS['p50_ms']:.0f} ms {'met' if ok['p50'] else 'NOT met'} |",
        f"| search p99 | {p99:,.1f} ms | ≤ {GOALS['p99_ms']:.0f} ms {'met' if ok['p99'] else 'NOT met'} |",
        "",
        "| query kind | searches | p50 ms | p99 ms | max ms |",
        "|---|---|---|---|---|",
    ]
    for label, ts in times.items():
        lines.append(
            f"| {label} | {len(ts)} | {_pct(ts, 0.5):,.1f} | {_pct(ts, 0.99):,.1f} | {max(ts):,.1f} |"
        )
    lines += ["", f"Searches with no hit: {sum(h == 0 for h in hits)} of {len(hits)}."]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out != "-":
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        log(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
